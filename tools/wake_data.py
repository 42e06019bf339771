"""Moved to voicebox/bench/wake_data.py (also used by `voicebox bench`); this name stays for
the tools that import `wake_data` from tools/."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicebox.bench.speech import Piper, espeak, trim  # noqa: E402,F401
from voicebox.bench.wake_data import *  # noqa: E402,F401,F403
