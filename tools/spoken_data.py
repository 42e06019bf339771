"""The spoken-command set of tools/bench_spoken.py: labelled sentences said after "hey jarvis".

Every English sentence of the chosen labelled sets (tests/data/dev, own, own2, own3; held-out
only when asked for, as the final figure) is spoken by Piper joe after the wake phrase and
mixed into a turn of a session:

    [1.0 s lead] hey jarvis [gap] <command> [1.8 s tail]      noise over the whole turn

The conditions are balanced by the case's index, in mixed radix so they are not confounded:
speaking rate (Piper length_scale 0.85 / 1.0 / 1.2), then the noise (clean, 20 dB, 10 dB
SNR against the active speech level; pink, white or babble of espeak-ng prose in four
accents), then the pause after the wake phrase (none — the wake phrase and command
synthesised as one sentence — 0.2 s or 0.6 s). `repeat` > 1 says each sentence again under
the next conditions.

Speech is cached as int16 16 kHz in `out/bench_spoken/v<VERSION>/` (outside git); noise is
made from fixed seeds, so a set is the same on every run once synthesised.
"""
from __future__ import annotations

import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import wake_data  # noqa: E402  (Piper with a rate, espeak-ng, licence prose, noise)

from voicebox.nlu.evaluate import Case, load_cases  # noqa: E402

VERSION = 1
RATE = 16000
CACHE = ROOT / "out" / "bench_spoken" / f"v{VERSION}"
DATA = ROOT / "tests" / "data"
SETS = ("dev", "own", "own2", "own3")
WAKE = "hey jarvis"
LENGTH_SCALES = (0.85, 1.0, 1.2)
NOISES = ((None, "clean"), (20.0, "pink"), (10.0, "pink"))   # (SNR dB, kind); the kind rotates below
KINDS = ("pink", "white", "babble")
GAPS = (None, 0.2, 0.6)   # None: wake phrase and command in one breath
LEAD_S, TAIL_S = 1.0, 1.8
BABBLE_VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-029")


@dataclass(frozen=True)
class Take:
    """One case under one set of conditions."""

    case: Case
    length_scale: float
    snr_db: float | None
    noise: str
    gap_s: float | None
    seed: int

    @property
    def condition(self) -> str:
        noise = "clean" if self.snr_db is None else f"{self.snr_db:g}dB {self.noise}"
        gap = "joined" if self.gap_s is None else f"gap {self.gap_s:g}s"
        return f"{noise}, rate {self.length_scale:g}, {gap}"


@dataclass(frozen=True)
class Turn:
    """Where a take sits in its session: the stream seconds of its span and of its command."""

    take: Take
    start: float
    end: float
    command_start: float


def english_cases(sets: tuple[str, ...] = SETS) -> list[Case]:
    """English cases of tests/data/<set>/*.jsonl (those whose `lang` is en)."""
    paths = [p for s in sets for p in sorted((DATA / s).glob("*.jsonl"))]
    return [c for c in load_cases(paths, None) if c.lang == "en"]


def takes(cases: list[Case], repeat: int = 1) -> list[Take]:
    """Each case `repeat` times, the conditions balanced by index (see the module doc)."""
    out = []
    for r in range(repeat):
        for i, case in enumerate(cases):
            k = i + r * 7   # the next repeat says it under other conditions
            snr, _ = NOISES[(k // 3) % 3]
            out.append(Take(case, LENGTH_SCALES[k % 3], snr, KINDS[(k // 27) % 3] if snr else "clean",
                            GAPS[(k // 9) % 3], seed=1000 * r + i))
    return out


class Speech:
    """Piper speech and babble, synthesised once and cached in CACHE."""

    def __init__(self, cache: Path = CACHE) -> None:
        self.cache = cache
        self._piper: wake_data.Piper | None = None
        self._babble: np.ndarray | None = None

    def say(self, text: str, length_scale: float) -> np.ndarray:
        key = hashlib.sha1(f"{text}|{length_scale}".encode()).hexdigest()[:16]
        path = self.cache / "speech" / f"{key}.npy"
        if path.exists():
            return np.load(path)
        if self._piper is None:
            self._piper = wake_data.Piper()
        audio = self._piper.say(text, length_scale)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, audio)
        return audio

    def babble(self) -> np.ndarray:
        """About two minutes of espeak-ng prose in four accents: the babble noise's talkers."""
        if self._babble is None:
            path = self.cache / "babble.npy"
            if not path.exists():
                rng = random.Random(VERSION)
                texts = wake_data.prose(Path("/usr/share/common-licenses/Apache-2.0"), 400)
                parts = [wake_data.espeak(t, BABBLE_VOICES[k % len(BABBLE_VOICES)], rng.randint(140, 190),
                                          rng.randint(30, 70)) for k, t in enumerate(texts)]
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, np.concatenate(parts))
            self._babble = np.load(path)
        return self._babble


def turn_audio(take: Take, speech: Speech) -> tuple[np.ndarray, float]:
    """The take's audio and where its command starts (seconds into it)."""
    rate = take.length_scale
    if take.gap_s is None:
        said = speech.say(f"Hey Jarvis {take.case.text}", rate)
        wake_len = len(speech.say("Hey Jarvis", rate)) - 800   # the trim margin after the phrase
        voice, command_at = said, max(0, wake_len)
    else:
        wake, command = speech.say("Hey Jarvis", rate), speech.say(take.case.text, rate)
        gap = np.zeros(int(take.gap_s * RATE), np.int16)
        voice, command_at = np.concatenate([wake, gap, command]), len(wake) + len(gap)
    lead, tail = int(LEAD_S * RATE), int(TAIL_S * RATE)
    clean = np.concatenate([np.zeros(lead), voice.astype(np.float64), np.zeros(tail)])
    floor = wake_data.noise("pink", len(clean), take.seed) * 32768 * 10 ** (-70 / 20)  # a room is never silent
    mixed = clean + floor
    if take.snr_db is not None:
        active = voice.astype(np.float64)
        power = np.mean(active[np.abs(active) > 300] ** 2)
        unit = wake_data.noise(take.noise, len(clean), take.seed, speech.babble() if take.noise == "babble" else None)
        mixed += unit * np.sqrt(power / 10 ** (take.snr_db / 10))
    return np.clip(mixed, -32768, 32767).astype(np.int16), LEAD_S + command_at / RATE


def session(items: list[Take], speech: Speech) -> tuple[np.ndarray, list[Turn]]:
    """One stream of the takes one after another, and where each turn sits in it."""
    parts, turns, t = [], [], 0.0
    for take in items:
        audio, command_at = turn_audio(take, speech)
        turns.append(Turn(take, t, t + len(audio) / RATE, t + command_at))
        parts.append(audio)
        t += len(audio) / RATE
    return np.concatenate(parts), turns
