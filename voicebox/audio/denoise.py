"""A streaming Wiener filter in front of the recogniser: steady noise (fans, hum, wind) taken out.

The noise spectrum is estimated from the audio itself: per frequency, a low percentile of the
power over the last few seconds (speech comes and goes, the noise stays, so the quiet end of
each bin's history is the noise). The recogniser hears the pre-roll first, so the estimate
starts from the audio before and under the wake phrase. Each frame's gain is the
decision-directed Wiener gain (Ephraim–Malah's a-priori SNR, which keeps the residual noise
from "singing"), never below `floor`: a deep cut would distort the speech the acoustic model
was trained on more than the noise does. Babble (other talkers) is not steady and mostly
passes. numpy only: 32 ms frames, 16 ms hop.

Where the speech stands well clear of the noise (`max_snr_db`, judged on the utterance's first
`judge_s`: the pre-roll, with the wake phrase in it) the audio passes untouched: at 20 dB SNR
filtering cost pocketsphinx more than the noise did (docs/asr.md). The first `judge_s` are
held back until judged; a recogniser catching up on its pre-roll does not wait for them.
"""
from __future__ import annotations

import numpy as np

FRAME, HOP = 512, 256
WINDOW = np.sqrt(np.hanning(FRAME + 1)[:-1])  # sqrt-Hann analysis and synthesis: overlap-add to 1
UPDATE = 4  # frames between noise estimates (64 ms)


class Denoiser:
    """`process(int16 samples)` gives the filtered samples so far (16 ms are held back until
    the next call), `flush()` the rest: one utterance, aligned with the input."""

    def __init__(self, floor: float = 0.3, max_snr_db: float = 18.0, judge_s: float = 1.2,
                 history_s: float = 3.0, percentile: float = 10.0, smoothing: float = 0.98,
                 rate: int = 16000) -> None:
        self.floor, self.percentile, self.smoothing = floor, percentile, smoothing
        self.max_snr_db, self._judge = max_snr_db, int(judge_s * rate)
        self._history = np.zeros((max(1, int(history_s * rate / HOP)), FRAME // 2 + 1))
        self._seen = 0
        self._bias = _bias(percentile)
        self._pending = np.zeros(FRAME - HOP)  # input not yet filtered (starts as the lead-in)
        self._tail = np.zeros(HOP)             # the second half of the last frame, to add to the next
        self._lead = FRAME - HOP               # output of the lead-in, dropped: output aligned with input
        self._clean = np.zeros(FRAME // 2 + 1)  # last frame's |gain|^2 * a-posteriori SNR
        self._noise = np.zeros(FRAME // 2 + 1)
        self._noisy: bool | None = None        # judged on the first `judge_s` of the utterance

    def process(self, samples: np.ndarray) -> np.ndarray:
        x = np.concatenate([self._pending, samples.astype(np.float64)])
        if self._noisy is None:
            if len(x) < self._judge + FRAME - HOP:
                self._pending = x
                return np.zeros(0, np.int16)
            self._noisy = snr_db(x, self.percentile) < self.max_snr_db
        if not self._noisy:   # passed through as it is
            out, self._pending, self._lead = x[self._lead:], x[:0], 0
            return out.astype(np.int16)
        n = max(0, (len(x) - FRAME) // HOP + 1)
        out = np.empty(n * HOP)
        for k in range(n):
            frame = self._filter(np.fft.rfft(x[k * HOP:k * HOP + FRAME] * WINDOW))
            out[k * HOP:(k + 1) * HOP] = self._tail + frame[:HOP]
            self._tail = frame[HOP:]
        self._pending = x[n * HOP:]
        out, self._lead = out[self._lead:], max(0, self._lead - len(out))
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)

    def flush(self) -> np.ndarray:
        """The samples still held back, once the input has ended."""
        held = len(self._pending) - self._lead
        if self._noisy is None:
            self._noisy = held > 0 and snr_db(self._pending, self.percentile) < self.max_snr_db
        return self.process(np.zeros(FRAME))[:held]

    def _filter(self, spectrum: np.ndarray) -> np.ndarray:
        power = spectrum.real ** 2 + spectrum.imag ** 2
        self._history[self._seen % len(self._history)] = power
        self._seen += 1
        if self._seen <= UPDATE or self._seen % UPDATE == 0:
            self._estimate()
        post = power / (self._noise + 1e-9)
        prior = self.smoothing * self._clean + (1 - self.smoothing) * np.maximum(post - 1.0, 0.0)
        gain = np.maximum(prior / (1.0 + prior), self.floor)
        self._clean = gain ** 2 * post
        return np.fft.irfft(spectrum * gain) * WINDOW

    def _estimate(self) -> None:
        history = self._history[:min(self._seen, len(self._history))]
        self._noise = np.percentile(history, self.percentile, axis=0) / self._bias


def snr_db(x: np.ndarray, percentile: float = 10.0) -> float:
    """How far the loud frames of `x` (95th percentile of frame power) stand above its noise
    (per frequency, the `percentile`-th of the frames' power, as the filter estimates it)."""
    x = np.pad(x, (0, max(0, FRAME - len(x))))
    frames = np.stack([x[k * HOP:k * HOP + FRAME] for k in range((len(x) - FRAME) // HOP + 1)])
    power = np.abs(np.fft.rfft(frames * WINDOW, axis=1)) ** 2
    noise = np.percentile(power, percentile, axis=0).sum() / _bias(percentile)
    return float(10 * np.log10((np.percentile(power.sum(axis=1), 95) + 1e-9) / (noise + 1e-9)))


def _bias(percentile: float) -> float:
    """The q-th percentile of exponentially distributed power is -ln(1 - q) times its mean."""
    return float(-np.log(1.0 - percentile / 100.0))
