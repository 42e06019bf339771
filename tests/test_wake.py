"""The wake word front end on Piper speech, with the real openWakeWord and Silero models."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest

from conftest import noise, silence
from voicebox.errors import ModelError
from voicebox.wake.frontend import FrontEnd, detect_all
from voicebox.wake.preroll import Preroll
from voicebox.wake.settings import Wake, WakeWord

RATE = 16000


@pytest.fixture(scope="module")
def frontend(store):
    """One loaded front end (default settings: gated, hey jarvis at 0.5), reset before each use."""
    fe = FrontEnd(store, Wake())
    fe.load()
    return fe


def detect(fe: FrontEnd, audio: np.ndarray):
    fe.reset()
    return detect_all(fe, audio)


def speech_span(audio: np.ndarray, offset_s: float) -> tuple[float, float]:
    """Start and end (s) of the audible part of a clip placed at `offset_s`."""
    loud = np.nonzero(np.abs(audio.astype(np.int32)) > 300)[0]
    return offset_s + loud[0] / RATE, offset_s + loud[-1] / RATE


@pytest.mark.parametrize("text, length_scale", [
    ("Hey Jarvis.", 0.75),          # fast
    ("hey jarvis", 1.0),
    ("Hey, Jarvis!", 1.35),         # slow, with a pause after "hey"
])
def test_wake_word_detected_once_at_the_end_of_the_phrase(frontend, speech, text, length_scale):
    wake = speech(text, length_scale)
    command = speech("set the thermostat to twenty one degrees", length_scale)
    audio = np.concatenate([silence(1.5), wake, command, silence(1.5)])
    _, end = speech_span(wake, 1.5)
    found = detect(frontend, audio)
    assert len(found) == 1, found
    assert found[0].name == "hey_jarvis" and found[0].score >= 0.5
    # the score peaks as "jarvis" ends: neither early (mid-phrase) nor late (into the command)
    assert end - 0.4 <= found[0].t <= end + 0.4, (found[0].t, end)


def test_two_wake_words_in_one_stream_are_two_detections(frontend, speech):
    first = speech("Hey Jarvis, turn on the kitchen light.")
    second = speech("Hey Jarvis, what is the temperature outside?", 1.1)
    audio = np.concatenate([silence(1.0), first, silence(2.0), second, silence(1.0)])
    found = detect(frontend, audio)
    assert len(found) == 2
    assert found[0].t < 1.0 + len(first) / RATE < found[1].t


@pytest.mark.parametrize("text", [
    "Turn on the kitchen light and set the thermostat to twenty one degrees.",
    "Jar of peas, please. Hey Travis, are you there? Harvest the garden.",
    "The weather service expects heavy rain this afternoon, so bring an umbrella.",
])
def test_other_speech_is_not_a_wake_word(frontend, speech, text):
    audio = np.concatenate([silence(0.5), speech(text), silence(0.5)])
    assert detect(frontend, audio) == []


def test_noise_and_silence_are_not_wake_words(frontend):
    audio = np.concatenate([silence(5.0), noise(5.0, level=300), noise(5.0, level=3000, seed=1), silence(2.0)])
    assert detect(frontend, audio) == []


def test_patience_and_threshold_are_per_word(store, speech):
    audio = np.concatenate([silence(1.0), speech("Hey Jarvis, open the blinds."), silence(1.0)])
    strict = FrontEnd(store, Wake(words=(WakeWord("wake-hey-jarvis", threshold=0.999),)))
    assert detect_all(strict, audio) == []
    patient = FrontEnd(store, Wake(words=(WakeWord("wake-hey-jarvis", patience=3),)))
    eager = FrontEnd(store, Wake(words=(WakeWord("wake-hey-jarvis", patience=1),)))
    (late,), (early,) = detect_all(patient, audio), detect_all(eager, audio)
    assert late.t == pytest.approx(early.t + 0.16)  # two more frames above the threshold


def test_refractory_period_swallows_a_repeat(store, speech):
    wake = speech("Hey Jarvis!")
    audio = np.concatenate([silence(1.0), wake, silence(0.3), wake, silence(1.0)])
    short = FrontEnd(store, Wake(refractory_s=0.5))
    long = FrontEnd(store, Wake(refractory_s=5.0))
    assert len(detect_all(short, audio)) == 2
    assert len(detect_all(long, audio)) == 1


def test_several_words_and_a_custom_model_file(store, speech, tmp_path):
    """Two classifiers on the same features; the custom one by path, named in the profile."""
    custom = tmp_path / "my_word_v0.3.onnx"
    shutil.copy(next(store.require("wake-hey-jarvis").glob("*.onnx")), custom)
    audio = np.concatenate([silence(1.0), speech("Hey Jarvis, lock the front door."), silence(1.0)])
    for thresholds, expected in [((0.5, 1.0), "hey_jarvis"), ((1.0, 0.5), "my_word")]:
        words = (WakeWord("wake-hey-jarvis", threshold=thresholds[0]),
                 WakeWord(str(custom), threshold=thresholds[1]))
        fe = FrontEnd(store, Wake(words=words))
        assert fe.names == ["hey_jarvis", "my_word"]
        # the same classifier twice: only the word whose threshold can be reached fires
        assert [d.name for d in detect_all(fe, audio)] == [expected]


def test_missing_custom_model_is_a_model_error(store, tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        FrontEnd(store, Wake(words=(WakeWord(str(tmp_path / "gone.onnx")),)))


@pytest.mark.parametrize("suffix", [".onnx", ".tflite"])
def test_corrupt_custom_model_is_a_model_error(store, tmp_path, suffix):
    bad = tmp_path / f"broken{suffix}"
    bad.write_bytes(b"not a model at all")
    fe = FrontEnd(store, Wake(words=(WakeWord(str(bad)),)))
    with pytest.raises(ModelError, match="cannot load|TFLite runtime"):
        fe.load()


def test_half_duplex_ignores_our_own_voice_and_listens_again_after(store, speech):
    fe = FrontEnd(store, Wake())
    reply = np.concatenate([speech("Hey Jarvis is my name. Hey Jarvis!"), silence(0.5)])
    user = np.concatenate([silence(1.0), speech("Hey Jarvis, stop.", 1.1), silence(1.0)])
    with fe.muted():
        assert detect_all(fe, reply) == []
    assert fe.stats.muted == len(reply) // 1280 + 1 and fe.stats.model_runs == 0
    found = detect_all(fe, user, t0=len(reply) / RATE)
    assert len(found) == 1


def test_half_duplex_can_be_turned_off(store, speech):
    fe = FrontEnd(store, Wake(half_duplex=False))
    fe.speaking(True)
    audio = np.concatenate([silence(0.5), speech("Hey Jarvis!"), silence(1.0)])
    assert len(detect_all(fe, audio)) == 1  # a device with echo cancellation may listen while it talks


def test_speaking_false_when_not_speaking_changes_nothing(store, speech):
    """The runner ends every turn with speaking(False); that must not wipe a running stream."""
    fe = FrontEnd(store, Wake())
    audio = np.concatenate([silence(1.0), speech("Hey Jarvis, dim the lights."), silence(1.0)])
    found = []
    for i in range(0, len(audio) - 1279, 1280):
        fe.speaking(False)
        found += [d for d in [fe.process(audio[i:i + 1280], (i + 1280) / RATE)] if d]
    assert len(found) == 1 and fe.stats.muted == 0


def test_preroll_gives_the_audio_from_before_the_detection_on(speech):
    audio = np.concatenate([silence(1.0), speech("Hey Jarvis, turn off the fan."), silence(0.5)])
    ring = Preroll(seconds=2.0)
    for i in range(0, len(audio) - 1279, 1280):
        ring.push(audio[i:i + 1280], (i + 1280) / RATE)
    end = (len(audio) // 1280) * 1280 / RATE
    assert ring.start == pytest.approx(end - 2.0)
    got = ring.since(end - 1.23)  # sample-accurate, also inside a frame
    assert len(got) == round(1.23 * RATE)
    assert np.array_equal(got, audio[len(audio) // 1280 * 1280 - len(got):len(audio) // 1280 * 1280])
    assert len(ring.since(0.0)) == 2.0 * RATE  # older audio has left the ring
    assert len(ring.since(end + 1)) == 0


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voicebox", "wake", *args], input=stdin,
                          capture_output=True, timeout=300, env={**os.environ})


def test_cli_on_a_file_and_on_stdin(speech, tmp_path):
    import soundfile as sf

    audio = np.concatenate([silence(1.0), speech("Hey Jarvis, start the vacuum."), silence(1.0)])
    path = tmp_path / "wake.wav"
    sf.write(path, audio, RATE, subtype="PCM_16")
    for args, stdin in [(["--input", str(path)], None), (["--input", "-"], audio.tobytes()),
                        (["--input", str(path), "--no-gate"], None)]:
        result = run_cli(*args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        events = [json.loads(line) for line in result.stdout.decode().splitlines()]
        assert [(e["type"], e["name"]) for e in events] == [("wake", "hey_jarvis")]
        assert 1.0 < events[0]["t"] < len(audio) / RATE and events[0]["score"] >= 0.5
        summary = json.loads(result.stderr.decode().strip().splitlines()[-1])
        assert summary["frames"] == -(-len(audio) // 1280) and summary["gate"] == ("--no-gate" not in args)


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_cli_ctrl_c_is_exit_130_and_sigterm_exit_0_both_with_the_summary(speech, signum, code):
    audio = np.concatenate([silence(0.5), speech("Hey Jarvis", exact=True), silence(1.0)])
    proc = subprocess.Popen([sys.executable, "-m", "voicebox", "wake", "--input", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(audio.tobytes())
    proc.stdin.flush()
    assert json.loads(proc.stdout.readline())["type"] == "wake"
    proc.send_signal(signum)  # the input is still open: only the signal ends the stream
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code and out == b"", err
    lines = err.decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["type"] == "summary", err


def test_cli_bad_audio_is_one_line_exit_2(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n")
    for args, stdin in [(["--input", str(text)], None), (["--input", "-"], b""),
                        (["--input", str(tmp_path / "missing.wav")], None)]:
        result = run_cli(*args, stdin=stdin)
        err = result.stderr.decode()
        assert result.returncode == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_cli_missing_wake_model_exits_3_naming_the_pull(tmp_path, speech):
    import soundfile as sf

    path = tmp_path / "a.wav"
    sf.write(path, speech("Hey Jarvis"), RATE)
    result = subprocess.run([sys.executable, "-m", "voicebox", "wake", "--input", str(path)],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "VOICEBOX_MODELS": str(tmp_path / "none")})
    assert result.returncode == 3 and "voicebox models pull" in result.stderr


def test_profile_custom_word_path_is_relative_to_the_profile(store, tmp_path):
    from voicebox import profile

    shutil.copy(next(store.require("wake-hey-jarvis").glob("*.onnx")), tmp_path / "robot.onnx")
    (tmp_path / "p.toml").write_text('[profile]\nname = "p"\n\n[wake]\ngate = false\n'
                                     '[[wake.words]]\nmodel = "robot.onnx"\nname = "hey_robot"\n')
    prof = profile.load(str(tmp_path / "p.toml"), store.manifest)
    assert prof.wake.words[0].model == str(tmp_path / "robot.onnx")
    assert FrontEnd(store, dataclasses.replace(prof.wake)).names == ["hey_robot"]


def test_features_equal_openwakewords_own(store, speech):
    """voicebox's features, on onnxruntime alone, are exactly what openWakeWord computes."""
    from openwakeword.utils import AudioFeatures

    from voicebox.wake.features import Features, placeholder_audio

    mel = store.require("oww-melspectrogram") / "melspectrogram.onnx"
    emb = store.require("oww-embedding") / "embedding_model.onnx"
    ours = Features(mel, emb)
    theirs = AudioFeatures(melspec_model_path=str(mel), embedding_model_path=str(emb),
                           inference_framework="onnx")
    theirs.feature_buffer = theirs._get_embeddings(placeholder_audio())   # its reset uses random noise
    assert np.array_equal(ours.get_features(41), theirs.get_features(41))
    audio = np.concatenate([silence(0.5), speech("Hey Jarvis, close the garage."), noise(1.0), silence(9.0)])
    for i in range(0, len(audio) - 1279, 1280):
        ours(audio[i:i + 1280])
        theirs(audio[i:i + 1280])
        assert np.array_equal(ours.get_features(16), theirs.get_features(16))
    assert np.array_equal(ours.get_features(120), theirs.get_features(120))   # the whole history
    assert np.array_equal(ours.melspectrogram_buffer, theirs.melspectrogram_buffer[-76:])
    ours.reset()   # back to the placeholder history, computed once at load
    assert np.array_equal(ours.get_features(41)[0], theirs._get_embeddings(placeholder_audio()))


def test_the_front_end_does_not_import_openwakeword(store):
    """The always-on path runs on onnxruntime alone: openwakeword's package costs ~110 MB."""
    code = ("import sys\nfrom voicebox.models import default_store\nfrom voicebox.wake.frontend import FrontEnd\n"
            "from voicebox.wake.settings import Wake\nimport numpy as np\n"
            "fe = FrontEnd(default_store(), Wake(gate=False)); fe.load()\n"
            "fe.process(np.zeros(1280, np.int16), 0.08)\n"
            "heavy = sorted(m for m in ('openwakeword', 'sklearn', 'scipy', 'tflite_runtime', 'ai_edge_litert')\n"
            "               if m in sys.modules)\n"
            "print(','.join(heavy))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
