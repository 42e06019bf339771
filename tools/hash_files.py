"""Print `[[model.file]]` manifest entries (path, size, sha256) for every file under a directory.

Maintainers use it when adding a model to models/manifest.toml:

    python tools/hash_files.py path/to/extracted/model
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/hash_files.py DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        rel = path.relative_to(root).as_posix()
        print(f'[[model.file]]\npath = "{rel}"\nsize = {path.stat().st_size}\nsha256 = "{digest}"\n')
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
