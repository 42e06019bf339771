"""Audio sinks: where voicebox's own voice goes. `write(samples, rate)` takes int16 mono chunks.

Text to speech streams sentence by sentence, so `write` returns at once: `SpeakerSink`
plays from a queue on PortAudio's thread while the next sentence is synthesised, and
`drain()` waits until everything written has been played (the half-duplex front end
listens again only after that). `WavSink` records the same chunks to a file.
"""
from __future__ import annotations

import threading
import time
import wave
from collections import deque
from pathlib import Path
from typing import BinaryIO

import numpy as np

from voicebox.audio.convert import float_to_int16, reason
from voicebox.audio.devices import DeviceError, describe, portaudio, resolve
from voicebox.errors import BadInputError


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples
    import soxr

    return float_to_int16(soxr.resample(samples.astype(np.float32) / 32768.0, rate, target))


def _check(samples: np.ndarray, rate: int) -> np.ndarray:
    samples = np.asarray(samples)
    if samples.ndim != 1 or samples.dtype != np.int16:
        raise BadInputError(f"a sink takes 1-D int16 samples, got {samples.dtype} of shape {samples.shape}")
    if not 1000 <= rate <= 384000:
        raise BadInputError(f"a sink cannot play {rate} Hz audio")
    return samples


class WavSink:
    """A mono 16-bit WAV file at the rate of the first chunk; later chunks at other rates are resampled."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rate: int | None = None
        self._file: BinaryIO | None = None
        self._wav: wave.Wave_write | None = None
        self.seconds = 0.0

    def write(self, samples: np.ndarray, rate: int) -> None:
        samples = _check(samples, rate)
        if self._wav is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("wb")  # opened here: a bad path fails once, not again in wave's __del__
            self._wav = wave.open(self._file, "wb")
            self._wav.setnchannels(1)
            self._wav.setsampwidth(2)
            self._wav.setframerate(rate)
            self.rate = rate
        samples = _resample(samples, rate, self.rate)
        self._wav.writeframes(samples.astype("<i2").tobytes())
        self.seconds += len(samples) / self.rate

    def drain(self) -> None:
        """Nothing to wait for: a file is written as soon as `write` returns."""

    def close(self) -> None:
        if self._wav is not None:
            self._wav.close()
            self._wav = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "WavSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SpeakerSink:
    """A PortAudio output device (name, index or None for the default), fed from a queue."""

    def __init__(self, device: str | int | None = None) -> None:
        self.device = device
        self.rate: int | None = None
        self._stream = None
        self._pending: deque[np.ndarray] = deque()
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def write(self, samples: np.ndarray, rate: int) -> None:
        """Queue a chunk for playback and return; opens the device on first use."""
        samples = _check(samples, rate)
        if self._stream is not None and not self._stream.active:
            self._release()  # the device failed since the last chunk: open it again
        if self._stream is None:
            self._open(rate)
        samples = _resample(samples, rate, self.rate)
        with self._lock:
            self._pending.append(samples)
            self._idle.clear()

    def _open(self, rate: int) -> None:
        sd = portaudio()
        index = resolve(self.device, "output")
        info = describe(index, "output")
        try:  # the voice's own rate when the device takes it, else the device's and resample
            sd.check_output_settings(device=index, samplerate=rate, channels=1, dtype="int16")
            self.rate = rate
        except (sd.PortAudioError, ValueError):
            self.rate = int(info["default_samplerate"])
        try:
            self._stream = sd.OutputStream(device=index, samplerate=self.rate, channels=1, dtype="int16",
                                           callback=self._callback, finished_callback=self._finished)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as err:
            self._stream = None
            raise DeviceError(f"output device {info['name']!r}: cannot open ({reason(err)})") from None

    def _callback(self, outdata: np.ndarray, frame_count: int, time_info: object, status: object) -> None:
        filled = 0
        with self._lock:
            while filled < frame_count and self._pending:
                chunk = self._pending[0]
                take = min(len(chunk), frame_count - filled)
                outdata[filled:filled + take, 0] = chunk[:take]
                filled += take
                if take == len(chunk):
                    self._pending.popleft()
                else:
                    self._pending[0] = chunk[take:]
            outdata[filled:, 0] = 0
            if not self._pending and filled == 0:
                self._idle.set()  # a whole silent block played: what was queued is out

    def _finished(self) -> None:
        """The stream stopped (closed, or the device failed): nothing more will play."""
        with self._lock:
            self._pending.clear()
        self._idle.set()

    @property
    def playing(self) -> bool:
        return not self._idle.is_set()

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until everything written has been played; False if `timeout` (default: the
        queued audio's length plus 2 s, so a dead device cannot hang the caller) ran out first."""
        stream = self._stream
        if stream is None:
            return True
        if not self._idle.wait(self._queued_s() + 2.0 if timeout is None else timeout):
            return False
        time.sleep(stream.latency)  # the last block is still in the device's buffer
        return True

    def close(self) -> None:
        """Play what is queued, then release the device."""
        if self._stream is not None:
            self._idle.wait(timeout=self._queued_s() + 2.0)
        self._release()

    def _release(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # a device that vanished fails here too; it is released either way
                pass

    def _queued_s(self) -> float:
        with self._lock:
            return sum(len(chunk) for chunk in self._pending) / (self.rate or 1)

    def __enter__(self) -> "SpeakerSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
