"""Streaming HTTP(S)/file downloads: temp file, progress bar, size and sha256 checks, atomic rename."""
from __future__ import annotations

import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from voicebox.errors import FetchError

CHUNK = 1 << 20
TIMEOUT_S = 60
USER_AGENT = "voicebox-model-manager"


def progress(total: int | None, label: str) -> tqdm:
    """A byte progress bar on stderr (hidden when stderr is not a terminal)."""
    return tqdm(total=total, desc=label, unit="B", unit_scale=True, unit_divisor=1024,
                file=sys.stderr, disable=None, leave=False, dynamic_ncols=True)


def fetch_url(url: str, dest: Path, *, sha256: str | None = None, size: int | None = None,
              label: str | None = None) -> str:
    """Download `url` to `dest` atomically and return its sha256.

    The bytes go to `dest.part` first; a short read, a size or hash mismatch, or any
    network error removes the partial file and raises FetchError, so an interrupted
    pull leaves nothing half-written behind and the next pull starts clean.
    """
    tmp = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response, open(tmp, "wb") as out:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else size
            with progress(expected, label or dest.name) as bar:
                while block := response.read(CHUNK):
                    out.write(block)
                    digest.update(block)
                    received += len(block)
                    bar.update(len(block))
        if length and length.isdigit() and received != int(length):
            raise FetchError(f"{url}: connection closed after {received} of {length} bytes")
        if size is not None and received != size:
            raise FetchError(f"{url}: got {received} bytes, expected {size}")
        actual = digest.hexdigest()
        if sha256 is not None and actual != sha256:
            raise FetchError(f"{url}: sha256 mismatch (got {actual[:12]}…, expected {sha256[:12]}…)")
        os.replace(tmp, dest)
        return actual
    except urllib.error.HTTPError as err:
        raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from None
    except http.client.IncompleteRead as err:
        raise FetchError(f"{url}: connection closed after {received + len(err.partial)} bytes") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        raise FetchError(f"{url}: {getattr(err, 'reason', err)}") from None
    finally:
        tmp.unlink(missing_ok=True)


def read_url(url: str, accept: str) -> tuple[bytes, str]:
    """GET a small document; returns (body, content type)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        raise FetchError(f"{url}: {getattr(err, 'reason', err)}") from None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()
