"""Where voicebox finds its manifest, profiles and models.

The checkout layout is the default (`models/`, `configs/` beside the package);
`VOICEBOX_MODELS` moves the downloaded models, `VOICEBOX_CONFIGS` the profiles.
`check_writable` vets an output file named on the command line before any work starts.
"""
from __future__ import annotations

import os
from pathlib import Path

from voicebox.errors import UsageError

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


def check_writable(path: Path, option: str) -> None:
    """A UsageError (exit 2, one line naming `option`) unless `path` can be written.

    Missing directories are created, as the writers do; a file the check had to create is
    removed again, so an output that ends up with nothing to write leaves nothing behind.
    """
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory")
    ancestor = next(p for p in path.parents if p.exists() or p == p.parent)
    if ancestor.exists() and not ancestor.is_dir():
        raise UsageError(f"{option} {path}: {ancestor} is not a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        with path.open("ab"):
            pass
        if not existed:
            path.unlink()
    except OSError as err:
        raise UsageError(f"{option} {path}: cannot write ({err.strerror or err})") from None
