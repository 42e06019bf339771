"""Audio sinks: chunks of int16 at any rate, sentence by sentence (the speaker is in test_live.py)."""
from __future__ import annotations

import gc

import numpy as np
import pytest
import soundfile as sf

from voicebox.audio.sinks import WavSink
from voicebox.errors import BadInputError


def test_wav_sink_keeps_the_first_rate_and_resamples_later_chunks(tmp_path):
    first = (np.sin(2 * np.pi * 300 * np.arange(22050) / 22050) * 10000).astype(np.int16)
    second = (np.sin(2 * np.pi * 300 * np.arange(16000) / 16000) * 10000).astype(np.int16)
    with WavSink(tmp_path / "out" / "reply.wav") as sink:
        sink.write(first, 22050)
        sink.write(second, 16000)   # another voice, another rate
        sink.drain()
    audio, rate = sf.read(tmp_path / "out" / "reply.wav", dtype="int16")
    assert rate == 22050 and sink.seconds == pytest.approx(2.0, abs=0.01)
    assert len(audio) == pytest.approx(2 * 22050, abs=2)
    tail = audio[22050 + 500:-500].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(tail))
    assert np.argmax(spectrum) * 22050 / len(tail) == pytest.approx(300, abs=3)  # same pitch after resampling


def test_wav_sink_rejects_what_is_not_int16_mono(tmp_path):
    sink = WavSink(tmp_path / "x.wav")
    with pytest.raises(BadInputError):
        sink.write(np.zeros(100, np.float32), 16000)
    with pytest.raises(BadInputError):
        sink.write(np.zeros((100, 2), np.int16), 16000)
    with pytest.raises(BadInputError):
        sink.write(np.zeros(100, np.int16), 0)
    sink.close()
    assert not (tmp_path / "x.wav").exists()


def test_wav_sink_on_a_path_it_cannot_open_fails_once_and_cleanly(tmp_path, monkeypatch):
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    sink = WavSink(tmp_path)   # a directory
    with pytest.raises(IsADirectoryError):
        sink.write(np.zeros(100, np.int16), 16000)
    sink.close()
    del sink
    gc.collect()
    assert unraisable == []   # no second error from a half-made wave writer being collected
