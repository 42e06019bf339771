"""Audio in and out: 16 kHz mono int16 frames of 80 ms, sources, sinks and the VAD."""
from __future__ import annotations

RATE = 16000          # samples per second everywhere inside voicebox
FRAME = 1280          # samples per frame: 80 ms, what openWakeWord consumes
FRAME_S = FRAME / RATE
