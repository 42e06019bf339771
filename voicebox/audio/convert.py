"""Conversion of any decoded audio to voicebox's 16 kHz mono int16, with a real resampler.

`to_mono_int16` converts a whole clip at once; `StreamConverter` does the same block by
block for live and long inputs (microphone, large files), keeping the resampler's state
across blocks so that block edges leave no clicks.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from voicebox.audio import RATE
from voicebox.errors import BadInputError


def to_mono_int16(audio: np.ndarray, rate: int) -> np.ndarray:
    """float [-1, 1] or integer samples, shape (n,) or (n, channels), at `rate` -> int16 mono at RATE.

    Channels are averaged; the rate is converted with soxr (band-limited), never by
    dropping samples.
    """
    audio = to_mono_float(audio)
    if rate != RATE and len(audio):
        import soxr

        audio = soxr.resample(audio, rate, RATE)
    return float_to_int16(audio)


def to_mono_float(audio: np.ndarray) -> np.ndarray:
    """Any sample format, shape (n,) or (n, channels) -> float32 mono in [-1, 1]."""
    if audio.dtype.kind in "iu":
        info = np.iinfo(audio.dtype)
        mid = (int(info.max) + int(info.min) + 1) / 2  # 0 for signed, 128 for uint8
        audio = (audio.astype(np.float32) - mid) / (info.max - mid + 1)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 2:
        audio = audio.mean(axis=1)
    if audio.ndim != 1:
        raise BadInputError(f"audio must be 1-D or (samples, channels), got shape {audio.shape}")
    return audio


def float_to_int16(audio: np.ndarray) -> np.ndarray:
    return np.clip(np.round(audio * 32768.0), -32768, 32767).astype(np.int16)


class StreamConverter:
    """Blocks of any format and channel count at `rate` -> 16 kHz mono int16, statefully."""

    def __init__(self, rate: int) -> None:
        self.rate = int(rate)
        self._stream = None
        if self.rate != RATE:
            import soxr

            self._stream = soxr.ResampleStream(self.rate, RATE, 1, dtype="float32")

    def push(self, block: np.ndarray) -> np.ndarray:
        """Convert one block; the output may be a little shorter or longer (resampler delay)."""
        audio = to_mono_float(block)
        if self._stream is not None:
            audio = self._stream.resample_chunk(audio)
        return float_to_int16(audio)

    def flush(self) -> np.ndarray:
        """The samples still inside the resampler, at the end of the stream."""
        if self._stream is None:
            return np.zeros(0, dtype=np.int16)
        return float_to_int16(self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True))


def load_audio(path: Path) -> np.ndarray:
    """Decode an audio file (WAV in any rate/channels/format, FLAC, OGG …) to 16 kHz mono int16.

    Anything that is not decodable audio, or holds no samples, is a BadInputError (exit 2).
    """
    import soundfile as sf

    path = check_file(path)
    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, EOFError) as err:
        raise BadInputError(f"{path}: not a readable audio file ({reason(err)})") from None
    if audio.shape[0] == 0:
        raise BadInputError(f"{path}: the file holds no audio samples")
    return to_mono_int16(audio, rate)


def check_file(path: str | Path) -> Path:
    """The path of an existing regular file, else a BadInputError saying what it is instead."""
    path = Path(path)
    if path.is_dir():
        raise BadInputError(f"{path}: is a directory, not an audio file")
    if path.exists() and not path.is_file():
        raise BadInputError(f"{path}: not a regular file (a pipe or a device); decoding needs a file "
                            "it can seek in")
    if not path.is_file():
        raise BadInputError(f"{path}: no such audio file")
    return path


def reason(err: BaseException) -> str:
    """An exception as one short line (library messages often span several)."""
    return " ".join(str(err).split()) or type(err).__name__
