"""The labelled wake word set of tools/bench_wake.py, generated once into a cache directory.

Positives: 60 utterances "hey jarvis, <command>" (20 commands from the profiles' English
development sets, three wake phrasings, speaking rates 0.8 / 1.0 / 1.25 with varied Piper
noise scales), each later mixed with pink, white or babble noise at 20, 10 and 5 dB SNR.
Negatives (~33 min): non-wake speech by Piper joe (development-set commands and licence
prose, rates 0.8-1.3) and by espeak-ng in six English accents; near-misses ("hey Travis",
"a jar of peas"); steady noise at three levels; digital silence and microphone-floor noise.

Only the synthesised speech is cached (int16 16 kHz, `out/bench_wake/v<VERSION>/`); noise
and mixing are made from fixed seeds each run, so the set is the same every time.
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from voicebox.audio.convert import to_mono_int16
from voicebox.models import default_store

VERSION = 1
RATE = 16000
ROOT = Path(__file__).resolve().parent.parent
WAKE_FORMS = ("Hey Jarvis, {}", "hey jarvis {}", "Hey, Jarvis. {}")
LENGTH_SCALES = (0.8, 1.0, 1.25)
SNRS = (None, 20, 10, 5)
NOISES = ("pink", "white", "babble")
ESPEAK_VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-029", "en-us-nyc", "en-gb-x-rp")
NEAR_MISSES = (
    "Hey Travis, turn on the light.", "Hey Marvin, what time is it?", "A jar of peas, please.",
    "Hey Charles, are you there?", "Harvest the garden this weekend.", "Hey, Davis! Over here.",
    "Jars and vases go on the top shelf.", "Hey Jeremy, open the door.", "Service the jarring motor.",
    "Hey there, Mavis, how are you?", "The jazz bar is open tonight.", "Hey, it's Jerry, let me in.",
)


@dataclass(frozen=True)
class Positive:
    audio: np.ndarray   # int16 16 kHz, speech only (no lead or tail)
    text: str
    length_scale: float


def dev_texts() -> list[str]:
    """English commands of every profile's development set (what people say to voicebox)."""
    texts = []
    for path in sorted((ROOT / "tests" / "data" / "dev").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("lang") == "en":
                texts.append(item["text"])
    return texts


def prose(path: Path, words: int) -> list[str]:
    """Plain sentences of a licence text, up to about `words` words."""
    text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8", errors="replace"))
    sentences, total = [], 0
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        sentence = sentence.strip()
        if 4 <= len(sentence.split()) <= 40 and re.fullmatch(r"[A-Za-z0-9 ,.;:'()\"-]+", sentence):
            sentences.append(sentence)
            total += len(sentence.split())
            if total >= words:
                break
    return sentences


class Piper:
    """Piper joe with a choice of speaking rate and noise scales per utterance."""

    def __init__(self) -> None:
        from piper import PiperVoice

        directory = default_store().require("piper-en_US-joe-medium")
        self.voice = PiperVoice.load(next(directory.glob("*.onnx")))

    def say(self, text: str, length_scale: float, noise_scale: float = 0.667) -> np.ndarray:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale,
                                 noise_w_scale=min(1.0, noise_scale + 0.2))
        chunks = list(self.voice.synthesize(text, syn_config=config))
        audio = np.concatenate([c.audio_int16_array for c in chunks])
        return trim(to_mono_int16(audio, chunks[0].sample_rate))


def espeak(text: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", wav.name, text],
                       check=True, capture_output=True)
        audio, rate = sf.read(wav.name, dtype="int16")
    return trim(to_mono_int16(audio, rate))


def trim(audio: np.ndarray, level: int = 200) -> np.ndarray:
    loud = np.nonzero(np.abs(audio.astype(np.int32)) > level)[0]
    return audio[max(0, loud[0] - 800):loud[-1] + 800] if len(loud) else audio


def joined(parts: list[np.ndarray], rng: random.Random) -> np.ndarray:
    """Utterances one after another with 0.3-1.5 s pauses: continuous speech."""
    out = []
    for part in parts:
        out += [part, np.zeros(int(rng.uniform(0.3, 1.5) * RATE), np.int16)]
    return np.concatenate(out)


def generate(cache: Path) -> Path:
    """Synthesise the speech of the set into `cache` (once); returns the file."""
    path = cache / f"v{VERSION}" / "speech.npz"
    if path.exists():
        return path
    rng = random.Random(VERSION)
    piper, texts = Piper(), dev_texts()
    commands = rng.sample(texts, 20)
    positives, meta = [], []
    for i, command in enumerate(commands):
        for j, scale in enumerate(LENGTH_SCALES):
            text = WAKE_FORMS[(i + j) % len(WAKE_FORMS)].format(command)
            positives.append(piper.say(text, scale, noise_scale=rng.uniform(0.4, 0.9)))
            meta.append({"text": text, "length_scale": scale})
    licence = prose(Path("/usr/share/common-licenses/GPL-3"), 1500)
    piper_speech = [piper.say(t, rng.uniform(0.8, 1.3), rng.uniform(0.4, 0.9))
                    for t in texts + licence]
    espeak_texts = prose(Path("/usr/share/common-licenses/Apache-2.0"), 1200)
    espeak_speech = [espeak(t, ESPEAK_VOICES[k % len(ESPEAK_VOICES)], rng.randint(130, 200), rng.randint(30, 70))
                     for k, t in enumerate(espeak_texts + [t for t in texts[::3]])]
    near = [piper.say(t, s) for t in NEAR_MISSES for s in LENGTH_SCALES]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **{f"pos{i}": a for i, a in enumerate(positives)},
                        piper=joined(piper_speech, rng), espeak=joined(espeak_speech, rng),
                        near=joined(near, rng), meta=np.array(json.dumps(meta)))
    return path


def load(cache: Path) -> tuple[list[Positive], dict[str, np.ndarray]]:
    """(positive utterances, named negative streams) — generated first if not cached."""
    data = np.load(generate(cache))
    meta = json.loads(str(data["meta"]))
    positives = [Positive(data[f"pos{i}"], m["text"], m["length_scale"]) for i, m in enumerate(meta)]
    speech = {name: data[name] for name in ("piper", "espeak", "near")}
    return positives, negatives(speech)


def noise(kind: str, samples: int, seed: int, babble_from: np.ndarray | None = None) -> np.ndarray:
    """Unit-RMS float noise: white, pink (1/f), brown (1/f²), or babble (four talkers at once)."""
    rng = np.random.default_rng(seed)
    if kind == "babble":
        starts = rng.integers(0, len(babble_from) - samples, 4)
        out = sum(babble_from[s:s + samples].astype(np.float64) for s in starts)
    else:
        white = rng.normal(size=samples)
        if kind == "white":
            out = white
        else:
            spectrum = np.fft.rfft(white)
            freqs = np.maximum(np.fft.rfftfreq(samples, 1 / RATE), 20.0)
            spectrum /= freqs ** (0.5 if kind == "pink" else 1.0)
            out = np.fft.irfft(spectrum, samples)
    return out / np.sqrt(np.mean(out ** 2))


def at_dbfs(unit: np.ndarray, dbfs: float) -> np.ndarray:
    return np.clip(unit * 32768 * 10 ** (dbfs / 20), -32768, 32767).astype(np.int16)


def negatives(speech: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The negative streams by category; noise and silence made from fixed seeds."""
    minutes = lambda m: int(m * 60 * RATE)  # noqa: E731
    return {
        "silence (digital zero)": np.zeros(minutes(3), np.int16),
        "silence (mic floor, -75 dBFS)": at_dbfs(noise("pink", minutes(3), 1), -75),
        "low noise (-55 dBFS pink)": at_dbfs(noise("pink", minutes(3), 2), -55),
        "noise (-35..-25 dBFS white/pink/brown)": np.concatenate([
            at_dbfs(noise("white", minutes(1), 3), -35), at_dbfs(noise("pink", minutes(1), 4), -30),
            at_dbfs(noise("brown", minutes(1), 5), -25)]),
        "speech (Piper, commands + prose)": speech["piper"],
        "speech (espeak-ng, 6 accents)": speech["espeak"],
        "near misses (Piper)": speech["near"],
    }


def mix(clean: np.ndarray, snr_db: float | None, kind: str, seed: int, babble_from: np.ndarray,
        lead_s: float = 1.0, tail_s: float = 1.0) -> tuple[np.ndarray, float, float]:
    """Speech placed after `lead_s` of noise at `snr_db` (None: clean); returns audio, start, end."""
    lead, tail = int(lead_s * RATE), int(tail_s * RATE)
    speech = np.concatenate([np.zeros(lead), clean.astype(np.float64), np.zeros(tail)])
    if snr_db is not None:
        voiced = clean.astype(np.float64)
        power = np.mean(voiced[np.abs(voiced) > 300] ** 2)  # active speech level, not pauses
        speech += noise(kind, len(speech), seed, babble_from) * np.sqrt(power / 10 ** (snr_db / 10))
    audio = np.clip(speech, -32768, 32767).astype(np.int16)
    return audio, lead_s, lead_s + len(clean) / RATE
