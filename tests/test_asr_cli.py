"""`voicebox transcribe` on Piper speech (a file or stdin): text, pass, word timings; bad input exits 2."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import soundfile as sf

from conftest import silence
from voicebox.asr.metrics import wer
from voicebox.cli import main


def test_transcribe_prints_words_with_timings(tmp_path, speech, capsys):
    wav, phrases = tmp_path / "cmd.wav", tmp_path / "phrases.txt"
    sf.write(wav, np.concatenate([silence(0.3), speech("hey jarvis, turn off the kitchen light", exact=True), silence(0.3)]), 16000)
    phrases.write_text("# test phrases\nturn off\nturn on\nkitchen light\n", encoding="utf-8")
    assert main(["transcribe", str(wav), "--phrases", str(phrases), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "pocketsphinx" and out["language"] == "en"
    assert out["source"] == "grammar" and out["rtf"] > 0
    assert wer([("turn off the kitchen light", out["text"])]) <= 0.2, out["text"]  # the wake phrase is left out
    assert out["words"][0]["start"] > 0.3 and all(w["end"] > w["start"] for w in out["words"])
    assert main(["transcribe", str(wav), "--no-grammar"]) == 0
    text = capsys.readouterr().out
    assert "open pass" in text and "kitchen" in text


def test_transcribe_bad_input(tmp_path, capsys):
    not_audio = tmp_path / "x.wav"
    not_audio.write_text("not audio")
    assert main(["transcribe", str(not_audio)]) == 2
    assert main(["transcribe", str(tmp_path / "missing.wav")]) == 2
    wav = tmp_path / "s.wav"
    sf.write(wav, silence(0.5), 16000)
    assert main(["transcribe", str(wav), "--lang", "ko"]) == 2  # not a language of smart_home
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    assert main(["transcribe", str(wav), "--phrases", str(empty)]) == 2
    err = capsys.readouterr().err
    assert err.count("voicebox: ") == 4 and "Traceback" not in err


def test_transcribe_dash_reads_raw_samples_or_a_wav_stream_on_stdin(tmp_path, speech):
    audio = np.concatenate([silence(0.3), speech("turn off the kitchen light", exact=True), silence(0.3)])
    wav = tmp_path / "cmd.wav"
    sf.write(wav, audio, 16000, subtype="PCM_16")
    for stdin in (audio.tobytes(), wav.read_bytes()):  # as `voicebox run --input -` takes them
        out = subprocess.run([sys.executable, "-m", "voicebox", "transcribe", "-", "--json"], input=stdin,
                             capture_output=True, timeout=300)
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout)
        assert wer([("turn off the kitchen light", got["text"])]) <= 0.2, got["text"]
        assert abs(got["audio_s"] - len(audio) / 16000) < 0.08
    empty = subprocess.run([sys.executable, "-m", "voicebox", "transcribe", "-"], input=b"",
                           capture_output=True, timeout=300)
    assert empty.returncode == 2 and empty.stdout == b""
    assert empty.stderr.decode() == "voicebox: standard input held no audio (expected raw s16le 16 kHz mono)\n"
