"""Machine facts for a benchmark report: what ran, where, when, and how busy the machine was."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata

from voicebox import __version__
from voicebox.doctor import cpu_model, memory_gib
from voicebox.paths import PROJECT_ROOT

PACKAGES = ("numpy", "onnxruntime", "openwakeword", "pocketsphinx", "vosk", "llama_cpp_python",
            "piper-tts", "soxr", "matplotlib")
ENVIRONMENT = ("OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "VOICEBOX_MODELS")


def machine() -> dict:
    """CPU, cores, memory, OS, Python, package versions, the checkout's commit, date, load."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(memory_gib() or 0.0, 1),
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "voicebox": __version__,
        "commit": commit(),
        "packages": {name: version(name) for name in PACKAGES},
        "environment": {k: os.environ[k] for k in ENVIRONMENT if k in os.environ},
        "load_average_start": load_average(),
        "niceness": os.nice(0),
    }


def version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages (other work on the machine skews every time)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def commit() -> str | None:
    """The checkout's commit, with "+changes" when the tree differs from it; None outside git."""
    try:
        head = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+changes" if dirty else "")
