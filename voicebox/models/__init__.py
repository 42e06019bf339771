"""Model manager: the manifest, the models directory, and pulls from upstream or wheels."""
from __future__ import annotations

from pathlib import Path

from voicebox import paths
from voicebox.models.manifest import Manifest, ModelFile, ModelSpec, Source
from voicebox.models.store import ModelStore, Status, pull_command

__all__ = ["Manifest", "ModelFile", "ModelSpec", "ModelStore", "Source", "Status",
           "default_store", "pull_command", "require"]


def default_store() -> ModelStore:
    """The store for this installation (`VOICEBOX_MODELS`, `VOICEBOX_MANIFEST` override)."""
    return ModelStore(Manifest.load(paths.manifest_path()), paths.models_dir())


def require(model_id: str) -> Path:
    """Directory of an intact model, or ModelError (exit 3) naming the pull that fixes it."""
    return default_store().require(model_id)

