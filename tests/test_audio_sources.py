"""Audio sources: any file format / rate / channel count in, 80 ms frames of 16 kHz mono int16 out."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from voicebox.audio import FRAME
from voicebox.audio.convert import StreamConverter, load_audio, to_mono_int16
from voicebox.audio.devices import DeviceError, resolve
from voicebox.audio.sources import FileSource, StdinSource, frames, open_source
from voicebox.errors import BadInputError

RATE = 16000


def tone(seconds: float, rate: int, freq: float = 440.0, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * RATE / len(samples))


def read_all(source) -> np.ndarray:
    with source:
        got = list(source)
    assert all(f.dtype == np.int16 and f.shape == (FRAME,) for f in got)
    return np.concatenate(got)


@pytest.mark.parametrize("rate, channels, fmt, subtype", [
    (16000, 1, "WAV", "PCM_16"),
    (8000, 1, "WAV", "PCM_U8"),      # 8-bit WAV is unsigned
    (48000, 2, "WAV", "PCM_16"),     # 48 kHz stereo
    (44100, 1, "WAV", "FLOAT"),
    (22050, 1, "WAV", "DOUBLE"),
    (96000, 6, "WAV", "PCM_24"),
    (32000, 2, "WAV", "PCM_32"),
    (44100, 2, "FLAC", "PCM_16"),
    (48000, 1, "OGG", "VORBIS"),
])
def test_any_file_becomes_16k_mono_frames(tmp_path, rate, channels, fmt, subtype):
    signal = np.repeat(tone(1.5, rate)[:, None], channels, axis=1)
    path = tmp_path / f"tone.{fmt.lower()}"
    sf.write(path, signal, rate, format=fmt, subtype=subtype)
    audio = read_all(FileSource(path))
    assert abs(len(audio) - 1.5 * RATE) <= FRAME  # only the last frame's padding added
    body = audio[1600:20000]
    assert dominant_hz(body) == pytest.approx(440, abs=2)  # resampled, not sped up or slowed down
    rms = np.sqrt(np.mean(body.astype(np.float64) ** 2))
    assert rms == pytest.approx(0.5 / np.sqrt(2) * 32768, rel=0.03)  # level kept through format and rate


def test_channels_are_averaged(tmp_path):
    left_only = np.stack([tone(1.0, 48000), np.zeros(48000)], axis=1)
    sf.write(tmp_path / "left.wav", left_only, 48000)
    audio = read_all(FileSource(tmp_path / "left.wav"))
    rms = np.sqrt(np.mean(audio[1600:14000].astype(np.float64) ** 2))
    assert rms == pytest.approx(0.25 / np.sqrt(2) * 32768, rel=0.03)


def test_streamed_conversion_matches_the_whole_clip_conversion():
    clip = tone(3.0, 44100, freq=1000.0) + 0.1 * np.random.default_rng(0).normal(size=3 * 44100)
    whole = to_mono_int16(clip.astype(np.float32), 44100)
    conv = StreamConverter(44100)
    parts = [conv.push(clip[i:i + 1000].astype(np.float32)) for i in range(0, len(clip), 1000)]
    streamed = np.concatenate(parts + [conv.flush()])
    assert len(streamed) == len(whole)
    # block edges leave no clicks: the two differ by resampler rounding only
    assert np.max(np.abs(streamed[200:-200].astype(int) - whole[200:-200].astype(int))) <= 64


def test_last_frame_is_zero_padded():
    chunks = [np.arange(1000, dtype=np.int16), np.arange(2000, dtype=np.int16)]
    got = list(frames(chunks))
    assert len(got) == 3 and all(len(f) == FRAME for f in got)
    assert np.array_equal(np.concatenate(got)[:3000], np.concatenate(chunks))
    assert not got[-1][3000 - 2 * FRAME:].any()


def write_bytes(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bad_files_are_clear_errors(tmp_path):
    sf.write(tmp_path / "good.wav", tone(1.0, RATE), RATE)
    good = (tmp_path / "good.wav").read_bytes()
    sf.write(tmp_path / "header_only.wav", np.zeros(0), RATE)
    cases = {
        write_bytes(tmp_path, "notes.wav", b"just some text, not audio\n" * 10): "not a readable audio file",
        write_bytes(tmp_path, "cut_header.wav", good[:20]): "not a readable audio file",
        write_bytes(tmp_path, "empty.wav", b""): "not a readable audio file",
        tmp_path / "header_only.wav": "holds no audio samples",
        tmp_path / "missing.wav": "no such audio file",
    }
    for path, message in cases.items():
        with pytest.raises(BadInputError, match=message):
            FileSource(path)


def test_a_directory_or_a_pipe_is_named_as_such_not_as_missing(tmp_path):
    os.mkfifo(tmp_path / "pipe.wav")
    for path, message in ((tmp_path, "is a directory, not an audio file"),
                          (tmp_path / "pipe.wav", "not a regular file")):
        with pytest.raises(BadInputError, match=message):
            FileSource(path)
        with pytest.raises(BadInputError, match=message):
            load_audio(path)


def test_stdin_skips_a_16k_mono_wav_header_and_rejects_other_wavs():
    samples = (tone(1.0, RATE) * 32767).astype("<i2")
    wav = io.BytesIO()
    sf.write(wav, samples, RATE, format="WAV", subtype="PCM_16")   # what `arecord` writes by default
    audio = read_all(StdinSource(io.BytesIO(wav.getvalue())))
    assert np.array_equal(audio[:RATE], samples) and not audio[RATE:].any()
    stereo = io.BytesIO()
    sf.write(stereo, np.stack([tone(0.5, 48000)] * 2, 1), 48000, format="WAV", subtype="PCM_16")
    with pytest.raises(BadInputError, match="WAV file of 48000 Hz, 2 channel"):
        read_all(StdinSource(io.BytesIO(stereo.getvalue())))
    with pytest.raises(BadInputError, match="WAV header voicebox cannot read"):
        read_all(StdinSource(io.BytesIO(wav.getvalue()[:30])))


def test_truncated_data_gives_what_is_there(tmp_path):
    sf.write(tmp_path / "good.wav", tone(1.0, RATE), RATE, subtype="PCM_16")
    cut = write_bytes(tmp_path, "cut.wav", (tmp_path / "good.wav").read_bytes()[:44 + 16000])
    audio = read_all(FileSource(cut))
    assert len(audio) == -(-8000 // FRAME) * FRAME  # 8000 samples were written before the cut


def test_stdin_source_reads_raw_s16le():
    samples = (tone(1.0, RATE) * 32767).astype("<i2")
    audio = read_all(StdinSource(io.BytesIO(samples.tobytes() + b"\x01")))  # a stray odd byte
    assert np.array_equal(audio[:RATE], samples) and not audio[RATE:].any()
    with pytest.raises(BadInputError, match="standard input held no audio"):
        read_all(StdinSource(io.BytesIO(b"")))


def test_open_source_picks_by_spec(tmp_path):
    sf.write(tmp_path / "a.flac", tone(0.5, 44100), 44100)
    assert isinstance(open_source(str(tmp_path / "a.flac")), FileSource)
    assert isinstance(open_source("-"), StdinSource)


def test_unknown_device_is_a_device_error():
    with pytest.raises(DeviceError, match="matches no device|no devices of this kind|unavailable"):
        resolve("no-such-microphone-anywhere", "input")
    with pytest.raises(DeviceError):
        resolve(999, "input")


def test_cli_unknown_device_exits_2_in_one_line():
    result = subprocess.run([sys.executable, "-m", "voicebox", "wake", "--device", "no-such-microphone"],
                            capture_output=True, text=True, timeout=120, env={**os.environ})
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "no-such-microphone" in result.stderr
