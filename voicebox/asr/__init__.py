"""Speech recognition after the wake word: recognisers, biasing and verification, endpointing.

The pipeline uses `build_recognizer(profile, store, language)` and a `Listener`
around it; see docs/asr.md.
"""
from __future__ import annotations

from voicebox.asr.base import AsrError, Recognizer, Transcript, Word
from voicebox.asr.factory import build_recognizer
from voicebox.asr.listener import Endpoint, Listener

__all__ = ["AsrError", "Endpoint", "Listener", "Recognizer", "Transcript", "Word", "build_recognizer"]
