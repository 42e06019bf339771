"""Where voicebox finds its manifest, profiles and models.

The checkout layout is the default (`models/`, `configs/` beside the package);
`VOICEBOX_MODELS` moves the downloaded models, `VOICEBOX_CONFIGS` the profiles.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def manifest_path() -> Path:
    """The tracked model manifest."""
    return Path(os.environ.get("VOICEBOX_MANIFEST", PROJECT_ROOT / "models" / "manifest.toml"))


def models_dir() -> Path:
    """Directory holding downloaded models (one sub-directory per model id)."""
    return Path(os.environ.get("VOICEBOX_MODELS", PROJECT_ROOT / "models"))


def configs_dir() -> Path:
    """Directory holding the profiles (`NAME.toml`)."""
    return Path(os.environ.get("VOICEBOX_CONFIGS", PROJECT_ROOT / "configs"))
