"""The labelled wake word set of `voicebox bench` and tools/bench_wake.py, generated once into a cache.

The full set (`FULL`, tools/bench_wake.py): 60 positives "hey jarvis, <command>" (20
commands from the profiles' English development sets, three wake phrasings, speaking rates
0.8 / 1.0 / 1.25 with varied Piper noise scales), each later mixed with pink, white or
babble noise at 20, 10 and 5 dB SNR. Negatives (~37 min): non-wake speech by Piper joe
(development-set commands and licence prose, rates 0.8-1.3) and by espeak-ng in six English
accents; near misses ("hey Travis", "a jar of peas"); steady noise at three levels; digital
silence and microphone-floor noise. `BENCH` and `QUICK` are smaller cuts of the same recipe
for `voicebox bench`'s time budget (see `Spec`).

Only the synthesised speech is cached (int16 16 kHz, `<cache>/<spec dir>/speech.npz`); noise
and mixing are made from fixed seeds each run, so a set is the same every time.
"""
from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from voicebox.bench.speech import Piper, espeak
from voicebox.paths import PROJECT_ROOT

VERSION = 1
RATE = 16000
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
BABBLE = "speech (espeak-ng, 6 accents)"   # the stream babble noise is cut from


@dataclass(frozen=True)
class Spec:
    """How much of the recipe a set holds (the full set and smaller cuts of it)."""

    directory: str            # cache sub-directory
    commands: int             # positives: commands drawn from the development sets
    rates_per_command: int    # 3: every speaking rate for every command; 1: rates rotate
    dev_every: int            # every n-th development command is Piper negative speech
    piper_prose_words: int    # licence prose spoken by Piper
    espeak_prose_words: int   # licence prose spoken by espeak-ng
    espeak_dev_every: int     # every n-th development command spoken by espeak-ng
    near_rates: int           # speaking rates per near-miss phrase
    quiet_minutes: float      # each silence / noise stream
    snrs: tuple = SNRS        # positives: clean (None) and mixed at these SNRs


FULL = Spec("v1", 20, 3, 1, 1500, 1200, 3, 3, 3.0)
BENCH = Spec("bench-v2", 20, 1, 4, 500, 400, 12, 3, 2.0)
QUICK = Spec("quick-v1", 3, 1, 60, 30, 25, 90, 1, 0.15, (None, 10))
Bar = Callable[..., Iterable]


@dataclass(frozen=True)
class Positive:
    audio: np.ndarray   # int16 16 kHz, speech only (no lead or tail)
    text: str
    length_scale: float


def dev_texts() -> list[str]:
    """English commands of every profile's development set (what people say to voicebox)."""
    texts = []
    for path in sorted((PROJECT_ROOT / "tests" / "data" / "dev").glob("*.jsonl")):
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


def joined(parts: list[np.ndarray], rng: random.Random) -> np.ndarray:
    """Utterances one after another with 0.3-1.5 s pauses: continuous speech."""
    out = []
    for part in parts:
        out += [part, np.zeros(int(rng.uniform(0.3, 1.5) * RATE), np.int16)]
    return np.concatenate(out)


def _jobs(spec: Spec, rng: random.Random) -> tuple[list[tuple], list[dict]]:
    """What to synthesise, in order: (stream, engine, text, parameters); and the positives' labels."""
    texts = dev_texts()
    jobs, meta = [], []
    for i, command in enumerate(rng.sample(texts, spec.commands)):
        rates = LENGTH_SCALES if spec.rates_per_command == 3 else (LENGTH_SCALES[i % len(LENGTH_SCALES)],)
        for j, scale in enumerate(rates):
            text = WAKE_FORMS[(i + j) % len(WAKE_FORMS)].format(command)
            jobs.append(("pos", "piper", text, (scale, rng.uniform(0.4, 0.9))))
            meta.append({"text": text, "length_scale": scale})
    licence = prose(Path("/usr/share/common-licenses/GPL-3"), spec.piper_prose_words)
    jobs += [("piper", "piper", t, (rng.uniform(0.8, 1.3), rng.uniform(0.4, 0.9)))
             for t in texts[::spec.dev_every] + licence]
    accents = prose(Path("/usr/share/common-licenses/Apache-2.0"), spec.espeak_prose_words)
    jobs += [("espeak", "espeak", t, (ESPEAK_VOICES[k % len(ESPEAK_VOICES)], rng.randint(130, 200),
                                      rng.randint(30, 70)))
             for k, t in enumerate(accents + texts[::spec.espeak_dev_every])]
    jobs += [("near", "piper", t, (s, 0.667)) for t in NEAR_MISSES for s in LENGTH_SCALES[:spec.near_rates]]
    return jobs, meta


def generate(cache: Path, spec: Spec = FULL, bar: Bar = lambda it, **_: it) -> Path:
    """Synthesise the speech of the set into `cache` (once); returns the file.

    `bar(iterable, total=, desc=)` shows progress (a tqdm bar in `voicebox bench`)."""
    path = cache / spec.directory / "speech.npz"
    if path.exists():
        return path
    rng = random.Random(VERSION)
    jobs, meta = _jobs(spec, rng)
    piper = Piper()
    out: dict[str, list[np.ndarray]] = {"pos": [], "piper": [], "espeak": [], "near": []}
    for stream, engine, text, params in bar(jobs, total=len(jobs), desc="synthesising the wake set"):
        if engine == "piper":
            out[stream].append(piper.say(text, params[0], noise_scale=params[1]))
        else:
            out[stream].append(espeak(text, *params))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"speech.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **{f"pos{i}": a for i, a in enumerate(out["pos"])},
                        piper=joined(out["piper"], rng), espeak=joined(out["espeak"], rng),
                        near=joined(out["near"], rng), meta=np.array(json.dumps(meta)))
    tmp.replace(path)
    return path


def load(cache: Path, spec: Spec = FULL, bar: Bar = lambda it, **_: it
         ) -> tuple[list[Positive], dict[str, np.ndarray]]:
    """(positive utterances, named negative streams) — generated first if not cached."""
    data = np.load(generate(cache, spec, bar))
    meta = json.loads(str(data["meta"]))
    positives = [Positive(data[f"pos{i}"], m["text"], m["length_scale"]) for i, m in enumerate(meta)]
    speech = {name: data[name] for name in ("piper", "espeak", "near")}
    return positives, negatives(speech, spec.quiet_minutes)


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


def negatives(speech: dict[str, np.ndarray], quiet_minutes: float = 3.0) -> dict[str, np.ndarray]:
    """The negative streams by category; noise and silence made from fixed seeds."""
    samples = lambda m: int(m * quiet_minutes * 60 * RATE)  # noqa: E731  (a share of the quiet length)
    return {
        "silence (digital zero)": np.zeros(samples(1), np.int16),
        "silence (mic floor, -75 dBFS)": at_dbfs(noise("pink", samples(1), 1), -75),
        "low noise (-55 dBFS pink)": at_dbfs(noise("pink", samples(1), 2), -55),
        "noise (-35..-25 dBFS white/pink/brown)": np.concatenate([
            at_dbfs(noise("white", samples(1 / 3), 3), -35), at_dbfs(noise("pink", samples(1 / 3), 4), -30),
            at_dbfs(noise("brown", samples(1 / 3), 5), -25)]),
        "speech (Piper, commands + prose)": speech["piper"],
        BABBLE: speech["espeak"],
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
