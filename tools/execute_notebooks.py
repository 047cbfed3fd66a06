"""Execute chapters in place, top to bottom, so they are committed with fresh outputs.

Usage (from the repository root)::

    .venv/bin/python tools/execute_notebooks.py book/01_conv1d.ipynb [more.ipynb ...]
    make notebooks                       # every chapter in book/

Each notebook runs in a fresh ``python3`` kernel with ``book/`` as its working
directory, exactly as the book build and nbval run it; a cell that raises
stops with the error and leaves the file unchanged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, timeout: int = 900) -> float:
    """Run ``path`` in place; returns the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(Path("book").glob("[0-9]*.ipynb"))
    for path in paths:
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
