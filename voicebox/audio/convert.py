"""Conversion of any decoded audio to voicebox's 16 kHz mono int16, with a real resampler."""
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
    if audio.dtype.kind in "iu":
        info = np.iinfo(audio.dtype)
        mid = (int(info.max) + int(info.min) + 1) / 2  # 0 for signed, 128 for uint8
        audio = (audio.astype(np.float32) - mid) / (info.max - mid + 1)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 2:
        audio = audio.mean(axis=1)
    if audio.ndim != 1:
        raise BadInputError(f"audio must be 1-D or (samples, channels), got shape {audio.shape}")
    if rate != RATE and len(audio):
        import soxr

        audio = soxr.resample(audio, rate, RATE)
    return np.clip(np.round(audio * 32768.0), -32768, 32767).astype(np.int16)


def load_audio(path: Path) -> np.ndarray:
    """Decode an audio file (WAV in any rate/channels/format, FLAC, OGG …) to 16 kHz mono int16.

    Anything that is not decodable audio, or holds no samples, is a BadInputError (exit 2).
    """
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise BadInputError(f"{path}: no such audio file")
    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, EOFError) as err:
        raise BadInputError(f"{path}: not a readable audio file ({_reason(err)})") from None
    if audio.shape[0] == 0:
        raise BadInputError(f"{path}: the file holds no audio samples")
    return to_mono_int16(audio, rate)


def _reason(err: Exception) -> str:
    return " ".join(str(err).split()) or type(err).__name__
