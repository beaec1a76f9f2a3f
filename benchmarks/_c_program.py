"""Compile and run a small C program of a benchmark (a prototype of a kernel
shape measured before it is built into the library).

The program is written to a temporary folder and compiled with the system's
``cc`` (or ``gcc``); a missing compiler stops the benchmark with a message.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def compiled(source: str, flags: Sequence[str], name: str) -> Iterator[Path]:
    """The executable built from ``source`` with ``flags``, for the ``with``
    block (the folder is removed after it)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise SystemExit(f"{name} needs a C compiler (cc or gcc)")
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / f"{name}.c", Path(tmp) / name
        src.write_text(source)
        subprocess.run([cc, *flags, str(src), "-o", str(exe), "-lm"], check=True)
        yield exe


def run(exe: Path, *args: str) -> str:
    """The program's standard output, stripped."""
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, check=True
    ).stdout.strip()
