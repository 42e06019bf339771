"""The profile's `[wake]` table: wake words, the gate in front of them, half-duplex."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class WakeWord:
    """A wake word: a manifest id, or a path to a custom `.onnx`/`.tflite` openWakeWord model."""

    model: str
    threshold: float = field(default=0.5, metadata={"range": (0.0, 1.0)})
    name: str = ""  # reported in wake events; "" derives it from the model ("hey_jarvis")
    patience: int = field(default=1, metadata={"range": (1, 20)})  # frames in a row at or above threshold


@dataclass(frozen=True)
class Wake:
    """Detection policy and the energy + VAD gate that keeps the wake model idle in silence."""

    words: tuple[WakeWord, ...] = (WakeWord("wake-hey-jarvis"),)
    gate: bool = True
    # A frame quieter than this never reaches the VAD: -60 dBFS is below any voice a
    # microphone can use, but above the floor of digital and near silence.
    energy_floor_dbfs: float = field(default=-60.0, metadata={"range": (-100.0, 0.0)})
    # Silero's usual 0.5: a wake word reaches 0.75+ even at 0 dB SNR, and one voiced frame
    # is enough (the skipped frames are fed to the model when the gate opens).
    vad_threshold: float = field(default=0.5, metadata={"range": (0.01, 0.99)})
    gate_hold_s: float = field(default=1.0, metadata={"range": (0.0, 10.0)})  # open after the last voice
    refractory_s: float = field(default=2.0, metadata={"range": (0.0, 60.0)})  # no second wake this soon
    half_duplex: bool = True  # ignore the wake word while voicebox itself is speaking
    echo_tail_s: float = field(default=0.3, metadata={"range": (0.0, 5.0)})  # room echo after speaking
    buffer_s: float = field(default=30.0, metadata={"range": (2.0, 600.0)})  # pre-roll ring capacity


def anchor_paths(wake: Wake, base: Path) -> Wake:
    """Custom wake word files given as relative paths are relative to the profile's directory."""
    def anchored(word: WakeWord) -> WakeWord:
        path = Path(word.model)
        if word.model.endswith((".onnx", ".tflite")) and not path.is_absolute():
            return replace(word, model=str(base / path))
        return word
    return replace(wake, words=tuple(anchored(w) for w in wake.words))
