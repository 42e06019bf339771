"""`voicebox say` with the real Piper voice; what it writes is speech a recogniser understands."""
from __future__ import annotations

import os
import subprocess
import sys
import wave

import numpy as np
import soxr


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voicebox", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def recognise(samples: np.ndarray, rate: int) -> str:
    from pocketsphinx import Decoder

    audio = soxr.resample(samples.astype(np.float32) / 32768.0, rate, 16000)
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    decoder.start_utt()
    decoder.process_raw((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes(), full_utt=True)
    decoder.end_utt()
    return decoder.hyp().hypstr if decoder.hyp() else ""


def test_say_writes_intelligible_speech(tmp_path):
    out = tmp_path / "hello.wav"
    result = run("say", "The living room light is now on.", "-o", str(out))
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    assert channels == 1 and rate == 22050
    assert 1.0 < len(samples) / rate < 5.0
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 500  # audible, not silence
    # Piper samples noise, so the exact hypothesis varies from run to run ("living room",
    # "livingroom"); the content word must come through.
    assert "living" in recognise(samples, rate)


def test_say_empty_text_is_bad_input(tmp_path):
    result = run("say", "   ", "-o", str(tmp_path / "x.wav"))
    assert result.returncode == 2 and "empty" in result.stderr


def test_say_to_an_unwritable_path_or_an_unspoken_language_is_one_line_exit_2(tmp_path):
    (tmp_path / "a_file").write_text("not a directory")
    for output, reason in ((tmp_path, "is a directory"),
                           (tmp_path / "a_file" / "x.wav", "a_file is not a directory")):
        result = run("say", "hello", "-o", str(output))
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert f"-o {output}: " in result.stderr and reason in result.stderr
    result = run("say", "hello", "-o", str(tmp_path / "x.wav"), "--lang", "fr")
    assert result.returncode == 2 and result.stderr == "voicebox: --lang fr: profile smart_home speaks en, zh\n"
    assert not (tmp_path / "x.wav").exists()


def test_say_with_a_length_scale_outside_the_profiles_range_is_exit_2(tmp_path):
    for scale in ("0", "-1", "1000"):   # 0 and -1 wrote 0.01 s, 1000 ten minutes of audio
        result = run("say", "hello", "-o", str(tmp_path / "x.wav"), "--length-scale", scale)
        assert result.returncode == 2
        assert result.stderr == f"voicebox: --length-scale {scale}: must be between 0.5 and 2\n"
    assert not (tmp_path / "x.wav").exists()


def test_say_without_the_voice_model_exits_3_naming_the_pull(tmp_path):
    result = run("say", "hello", "-o", str(tmp_path / "x.wav"), env={"VOICEBOX_MODELS": str(tmp_path / "none")})
    assert result.returncode == 3
    assert "voicebox models pull piper-en_US-joe-medium" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.wav").exists()


def test_doctor_reports_each_model_and_the_fix(tmp_path):
    healthy = run("doctor")
    assert healthy.returncode in (0, 1), healthy.stderr  # 1: no sound card here, which it explains
    for section in ("system", "packages", "audio devices", "models", "sensors"):
        assert f"\n{section}" in healthy.stdout
    assert "wake-hey-jarvis" in healthy.stdout and "CC-BY-NC-SA" in healthy.stdout
    empty = run("doctor", env={"VOICEBOX_MODELS": str(tmp_path / "none")})
    assert empty.returncode == 3
    assert "fix: voicebox models pull oww-melspectrogram" in empty.stdout


def test_doctor_with_an_unknown_or_broken_profile_is_one_line_exit_2(tmp_path):
    (tmp_path / "broken.toml").write_text("[profile\n")
    cases = (("no_such_profile", "no profile 'no_such_profile'"),
             (str(tmp_path / "broken.toml"), "not valid TOML"))
    for name, reason in cases:
        result = run("doctor", "--profile", name)
        assert result.returncode == 2 and result.stdout == "", result.stdout
        assert result.stderr.count("\n") == 1 and reason in result.stderr
