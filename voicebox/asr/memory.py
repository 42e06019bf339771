"""Process memory: resident size, and handing freed heap back to the OS after an unload."""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os


def rss_mb() -> float:
    """Current resident set size of this process in MiB (Linux /proc; 0.0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def release_freed_memory() -> None:
    """Ask glibc to return free heap pages to the OS.

    Decoders free hundreds of MB in many small blocks; glibc keeps them in its
    arenas, so without a trim the process RSS would not drop after an unload.
    """
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
