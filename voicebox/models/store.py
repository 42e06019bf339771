"""The models directory: which models are present and intact, pulling them, and `require`.

Layout: `<root>/<model id>/<file path>`. `<root>/manifest.lock.json` records the files
of models whose hashes the manifest does not pin (taken from the first pull);
`<root>/.verified.json` remembers (size, mtime, sha256) of files already hashed, so
that `require` at start-up costs a stat, not a re-hash of a 250 MB model.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from voicebox.errors import FetchError, ModelError
from voicebox.models import sources
from voicebox.models.download import sha256_file
from voicebox.models.manifest import Manifest, ModelFile, ModelSpec

LOCK_NAME = "manifest.lock.json"
CACHE_NAME = ".verified.json"


@dataclass
class Status:
    """What `verify` found for one model."""

    spec: ModelSpec
    location: Path
    problems: list[str] = field(default_factory=list)
    unpinned: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def state(self) -> str:
        if self.ok:
            return "ok (hash from lock file)" if self.unpinned else "ok"
        return "missing" if all(p.endswith("missing") for p in self.problems) else "corrupt"


class ModelStore:
    """Models on disk, checked against the manifest (and the lock file for unpinned ones)."""

    def __init__(self, manifest: Manifest, root: Path) -> None:
        self.manifest = manifest
        self.root = root
        self._lock = _read_json(root / LOCK_NAME)
        self._cache = _read_json(root / CACHE_NAME)

    # -- where and what ---------------------------------------------------------
    def location(self, spec: ModelSpec) -> Path:
        package = spec.in_package
        return sources.package_dir(package) if package else self.root / spec.id

    def expected_files(self, spec: ModelSpec) -> list[ModelFile]:
        """Manifest files, with size/sha256 filled from the lock file where the manifest has none."""
        locked = self._lock.get(spec.id, {}).get("files", {})
        listed = spec.files or tuple(ModelFile(p) for p in sorted(locked))
        return [f if f.sha256 else ModelFile(f.path, locked.get(f.path, {}).get("size", f.size),
                                             locked.get(f.path, {}).get("sha256"))
                for f in listed]

    # -- checking ---------------------------------------------------------------
    def status(self, spec: ModelSpec, *, full: bool = True) -> Status:
        """Check every file; `full=False` trusts earlier hashes of files whose size and mtime are unchanged."""
        try:
            where = self.location(spec)
        except FetchError as err:
            return Status(spec, self.root / spec.id, [str(err)])
        status = Status(spec, where, unpinned=not spec.pinned)
        files = self.expected_files(spec)
        if not files:
            status.problems.append(f"{where}: missing")
        for f in files:
            problem = self._check_file(where / f.path, f, full)
            if problem:
                status.problems.append(problem)
        self._save_cache()
        return status

    def _check_file(self, path: Path, f: ModelFile, full: bool) -> str | None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return f"{path}: missing"
        if f.size is not None and st.st_size != f.size:
            return f"{path}: size {st.st_size} bytes, expected {f.size} (truncated or altered)"
        if f.sha256 is None:
            return f"{path}: no sha256 known (pull it again to record one)"
        key = str(path)
        if not full and self._cache.get(key) == [st.st_size, st.st_mtime_ns, f.sha256]:
            return None
        actual = sha256_file(path)
        if actual != f.sha256:
            self._cache.pop(key, None)
            return f"{path}: sha256 mismatch (altered or corrupt)"
        self._cache[key] = [st.st_size, st.st_mtime_ns, actual]
        return None

    def require(self, model_id: str) -> Path:
        """The model's directory, or ModelError naming the pull that fixes it. Never downloads."""
        spec = self.manifest.get(model_id)
        status = self.status(spec, full=False)
        if not status.ok:
            raise ModelError(f"model {model_id} {status.state}: {status.problems[0]}; "
                             f"fix: {pull_command(spec)}")
        return status.location

    # -- pulling ----------------------------------------------------------------
    def pull(self, spec: ModelSpec, *, force: bool = False, log=print) -> Status:
        """Fetch the model from its first source that delivers intact files."""
        if spec.in_package:
            return self.status(spec)  # installed with the package itself; nothing to fetch
        if not force:
            status = self.status(spec, full=False)
            if status.ok:
                log(f"{spec.id}: already present")
                return status
        failures = []
        for source in spec.sources:
            log(f"{spec.id}: fetching from {source.describe()}")
            try:
                self._pull_from(spec, source)
            except FetchError as err:
                failures.append(f"{source.describe()}: {err}")
                log(f"{spec.id}: {source.describe()} failed: {err}", file=sys.stderr)
                continue
            log(f"{spec.id}: ok")
            return self.status(spec, full=False)
        raise FetchError(f"could not pull {spec.id}: " + "; ".join(failures))

    def _pull_from(self, spec: ModelSpec, source) -> None:
        target = self.root / spec.id
        target.mkdir(parents=True, exist_ok=True)
        cache = self.root / ".cache"
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".staging-", dir=target) as tmp:
            staging = Path(tmp)
            sources.fetch(source, spec, staging, cache)
            record = self._check_staged(spec, staging)
            for rel in record:  # each rename is atomic; a file is either the old or the new one
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, dest)
        if not spec.pinned:
            self._lock[spec.id] = {"source": source.describe(), "files": record}
            _write_json(self.root / LOCK_NAME, self._lock)
            print(f"{spec.id}: upstream hashes not pinned in the manifest; recorded in "
                  f"{self.root / LOCK_NAME}", file=sys.stderr)

    def _check_staged(self, spec: ModelSpec, staging: Path) -> dict[str, dict]:
        files = spec.files or [ModelFile(p.relative_to(staging).as_posix())
                               for p in sorted(staging.rglob("*")) if p.is_file()]
        record = {}
        for f in files:
            path = staging / f.path
            if not path.is_file():
                raise FetchError(f"{f.path}: not delivered by the source")
            size, digest = path.stat().st_size, sha256_file(path)
            if f.size is not None and size != f.size:
                raise FetchError(f"{f.path}: {size} bytes, expected {f.size}")
            if f.sha256 is not None and digest != f.sha256:
                raise FetchError(f"{f.path}: sha256 mismatch")
            record[f.path] = {"size": size, "sha256": digest}
        return record

    def clean_partials(self) -> None:
        """Remove what an interrupted pull left (staging dirs, .part files, cached archives)."""
        shutil.rmtree(self.root / ".cache", ignore_errors=True)
        for leftover in self.root.glob("*/.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for part in self.root.glob("**/*.part"):
            part.unlink(missing_ok=True)

    def _save_cache(self) -> None:
        if self.root.is_dir():
            _write_json(self.root / CACHE_NAME, self._cache)


def pull_command(*specs: ModelSpec) -> str:
    """The command that fetches these models (pip for models inside a Python package)."""
    pips = [s.in_package.options["package"] for s in specs if s.in_package]
    ids = [s.id for s in specs if not s.in_package]
    parts = [f"voicebox models pull {' '.join(ids)}"] if ids else []
    parts += [f"pip install {' '.join(pips)}"] if pips else []
    return " && ".join(parts)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
