"""The recogniser's noise filter (voicebox/audio/denoise.py) on real speech and real noise."""
from __future__ import annotations

import numpy as np
import pytest

from asr_data import commands, phrases
from conftest import silence
from voicebox.asr.metrics import wer
from voicebox.asr.sphinx import SphinxRecognizer
from voicebox.asr.vocab import Vocabulary
from voicebox.audio import FRAME
from voicebox.audio.denoise import Denoiser, snr_db
from voicebox.profile import Asr


def noisy(clean: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    """`clean` in white noise `snr_db` below its active speech level."""
    x = clean.astype(np.float64)
    power = np.mean(x[np.abs(x) > 300] ** 2)
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(x))
    return np.clip(x + noise, -32768, 32767).astype(np.int16)


def filtered(denoiser: Denoiser, audio: np.ndarray, chunk: int = FRAME) -> np.ndarray:
    parts = [denoiser.process(audio[i:i + chunk]) for i in range(0, len(audio), chunk)]
    return np.concatenate([*parts, denoiser.flush()])


def level_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-9)


def test_the_filter_keeps_time_and_length_and_passes_audio_it_does_not_cut():
    audio = np.random.default_rng(1).normal(0, 3000, 16000 * 2).astype(np.int16)
    for chunk in (100, FRAME, 5000):
        out = filtered(Denoiser(floor=1.0), audio, chunk)   # a gain floor of 1: nothing is cut
        assert len(out) == len(audio)
        assert np.abs(out.astype(int) - audio).max() <= 1
    short = audio[:3000]                                     # an utterance shorter than the judging
    assert len(filtered(Denoiser(), short)) == len(short)


def test_speech_well_clear_of_its_noise_passes_untouched(speech):
    said = np.concatenate([silence(1.0), speech("turn on the kitchen light", exact=True), silence(0.5)])
    for snr, touched in ((40.0, False), (25.0, False), (10.0, True)):
        mixed = noisy(said, snr, seed=2)
        assert abs(snr_db(mixed) - snr) < 6, snr               # the estimate the filter judges by
        assert np.array_equal(filtered(Denoiser(), mixed), mixed) != touched, snr


def test_steady_noise_is_cut_and_speech_kept(speech):
    said = np.concatenate([silence(1.0), speech("turn on the kitchen light", exact=True), silence(0.5)])
    mixed = noisy(said, 10.0, seed=3)
    out = filtered(Denoiser(), mixed)
    pause = slice(int(0.2 * 16000), int(0.9 * 16000))       # noise only, before the words
    voiced = np.abs(said) > 1000
    assert level_db(mixed[pause]) - level_db(out[pause]) > 8          # the noise, about 10 dB down
    assert level_db(mixed[voiced]) - level_db(out[voiced]) < 3        # the speech, about as loud
    assert len(out) == len(mixed)


@pytest.fixture(scope="module")
def decoded(store, speech):
    """Development commands in 10 dB white noise, decoded biased with the filter and without."""
    model_dir = store.require("pocketsphinx-en-us")
    vocab = Vocabulary.build(phrases("smart_home"), "en", ["hey jarvis"])
    recs = {on: SphinxRecognizer(model_dir, vocab, Asr(denoise=on)) for on in (False, True)}
    rows = []
    for k, text in enumerate(commands("smart_home", every=4)[:12]):
        audio = noisy(np.concatenate([silence(1.0), speech(text, exact=True), silence(0.5)]), 10.0, seed=k)
        heard = {}
        for on, rec in recs.items():
            rec.load()
            for i in range(0, len(audio), FRAME):
                rec.accept(audio[i:i + FRAME])
            heard[on] = rec.finish().text
        rows.append((text, heard[False], heard[True]))
    return rows


def test_the_filter_lowers_the_word_error_rate_in_10_db_noise(decoded):
    before = wer([(ref, off) for ref, off, _ in decoded])
    after = wer([(ref, on) for ref, _, on in decoded])
    assert after < before - 0.05, decoded
