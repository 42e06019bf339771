"""The model manifest (`models/manifest.toml`): what each model is and where it comes from."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from voicebox.errors import ConfigError, UsageError

KINDS = ("wake", "vad", "asr", "llm", "tts")
SOURCE_TYPES = {
    "url": {"base", "urls"},
    "archive": {"url", "prefix"},
    "wheel": {"package", "version", "prefix", "members"},
    "wheel-chunks": {"parts"},
    "package": {"package", "prefix"},
}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ModelFile:
    """One file of a model; `size`/`sha256` are None when upstream never told us."""

    path: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Source:
    """One place a model can come from; `options` are the type's own keys."""

    type: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        o = self.options
        if self.type == "url":
            return f"url {o.get('base') or next(iter(o.get('urls', {}).values()), '?')}"
        if self.type == "archive":
            return f"archive {o['url']}"
        if self.type == "wheel":
            return f"wheel {o['package']}=={o['version']}"
        if self.type == "wheel-chunks":
            return "wheels " + ", ".join(f"{p['package']}=={p['version']}" for p in o["parts"])
        return f"installed package {o['package']}"


@dataclass(frozen=True)
class ModelSpec:
    """One manifest entry."""

    id: str
    kind: str
    language: str
    license: str
    description: str
    default: bool
    files: tuple[ModelFile, ...]
    sources: tuple[Source, ...]

    @property
    def pinned(self) -> bool:
        """True when every file's sha256 is in the manifest itself."""
        return bool(self.files) and all(f.sha256 for f in self.files)

    @property
    def in_package(self) -> Source | None:
        """The `package` source, when the model lives inside an installed Python package."""
        return next((s for s in self.sources if s.type == "package"), None)


class Manifest:
    """All models by id, in manifest order."""

    def __init__(self, models: list[ModelSpec], path: Path) -> None:
        self.path = path
        self.models = {m.id: m for m in models}

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: model manifest not found") from None
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: not valid TOML: {err}") from None
        entries = data.get("model")
        if not isinstance(entries, list) or not entries:
            raise ConfigError(f"{path}: expected one or more [[model]] tables")
        models = [_parse_model(entry, f"{path}: model[{i}]") for i, entry in enumerate(entries)]
        ids = [m.id for m in models]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ConfigError(f"{path}: duplicate model id {dupes[0]!r}")
        return cls(models, path)

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self.models[model_id]
        except KeyError:
            raise UsageError(
                f"unknown model id {model_id!r} (see `voicebox models list`)"
            ) from None

    def defaults(self) -> list[ModelSpec]:
        return [m for m in self.models.values() if m.default]


def _parse_model(entry: Any, where: str) -> ModelSpec:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    allowed = {"id", "kind", "language", "license", "description", "default", "file", "source"}
    _no_unknown(entry, allowed, where)
    model_id = _str(entry, "id", where)
    where = f"{where.rsplit(':', 1)[0]}: model {model_id!r}"
    kind = _str(entry, "kind", where)
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind: {kind!r} is not one of {', '.join(KINDS)}")
    files = tuple(_parse_file(f, f"{where}: file[{i}]") for i, f in enumerate(entry.get("file", [])))
    sources = tuple(_parse_source(s, f"{where}: source[{i}]") for i, s in enumerate(entry.get("source", [])))
    if not sources:
        raise ConfigError(f"{where}: needs at least one [[model.source]]")
    default = entry.get("default", False)
    if not isinstance(default, bool):
        raise ConfigError(f"{where}: default: expected true or false")
    return ModelSpec(
        id=model_id, kind=kind, language=_str(entry, "language", where),
        license=_str(entry, "license", where), description=entry.get("description", ""),
        default=default, files=files, sources=sources,
    )


def _parse_file(entry: Any, where: str) -> ModelFile:
    _no_unknown(entry, {"path", "size", "sha256"}, where)
    path = _str(entry, "path", where)
    if path.startswith("/") or ".." in Path(path).parts:
        raise ConfigError(f"{where}: path: {path!r} must stay inside the model directory")
    size, digest = entry.get("size"), entry.get("sha256")
    if size is not None and (not isinstance(size, int) or size < 0):
        raise ConfigError(f"{where}: size: expected a byte count")
    if digest is not None and not _SHA256.match(str(digest)):
        raise ConfigError(f"{where}: sha256: expected 64 lowercase hex digits")
    return ModelFile(path, size, digest)


def _parse_source(entry: Any, where: str) -> Source:
    kind = _str(entry, "type", where)
    if kind not in SOURCE_TYPES:
        raise ConfigError(f"{where}: type: {kind!r} is not one of {', '.join(SOURCE_TYPES)}")
    options = {k: v for k, v in entry.items() if k != "type"}
    _no_unknown(options, SOURCE_TYPES[kind], where)
    required = {"url": set(), "archive": {"url"}, "wheel": {"package", "version"},
                "wheel-chunks": {"parts"}, "package": {"package"}}[kind]
    missing = sorted(required - options.keys())
    if missing:
        raise ConfigError(f"{where}: missing key {missing[0]!r} for a {kind} source")
    if kind == "url" and not (options.get("base") or options.get("urls")):
        raise ConfigError(f"{where}: a url source needs `base` or `urls`")
    return Source(kind, options)


def _str(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: {key}: expected a non-empty string")
    return value


def _no_unknown(entry: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}")
