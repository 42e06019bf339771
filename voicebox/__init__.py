"""voicebox: an offline, wake-word gated voice assistant for edge devices."""

import os as _os

# OpenMP (llama.cpp, and scikit-learn via openWakeWord) busy-waits by default: whenever the
# other core is busy, a second LLM thread spins instead of working — parses 18x slower on two
# cores (docs/llm.md). libgomp reads this once, when the first library using it is loaded.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
