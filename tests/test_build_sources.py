"""Every local file a compiled module includes is declared in setup.py.

setuptools puts an extension's ``depends`` into the source distribution and
rebuilds the module when one of them changes; a header, ``.pxi`` or ``.pxd``
missing from the list leaves the sdist unbuildable and an in-place build
stale. The includes are read from the sources themselves (``cdef extern
from``, Cython ``include``, ``cimport``, C ``#include "..."``), transitively.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "logistic"

_INCLUDE = re.compile(
    r'^\s*(?:cdef\s+extern\s+from\s+"([^"]+)"|include\s+"([^"]+)"|#\s*include\s+"([^"]+)")',
    re.MULTILINE,
)
_CIMPORT = re.compile(
    r"^\s*(?:from\s+(?:logistic\.|\.)?(\w+)\s+cimport|cimport\s+(?:logistic\.)?(\w+))",
    re.MULTILINE,
)


def _declared() -> dict[str, list[str]]:
    """``{module: depends}`` from setup.py's ``kernel(name, depends)`` calls."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    out: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "kernel"
            and len(node.args) == 2
        ):
            out[ast.literal_eval(node.args[0])] = list(ast.literal_eval(node.args[1]))
    return out


def _local_includes(name: str) -> set[str]:
    """The files under ``src/logistic`` that ``name`` includes, transitively."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        text = (SRC / todo.pop()).read_text()
        found = {next(g for g in m if g) for m in _INCLUDE.findall(text)}
        found |= {f"{next(g for g in m if g)}.pxd" for m in _CIMPORT.findall(text)}
        for dep in found:
            if (SRC / dep).is_file() and dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_setup_declares_the_compiled_modules():
    declared = _declared()
    on_disk = {p.stem for p in SRC.glob("*.pyx")}
    assert set(declared) == on_disk


@pytest.mark.parametrize("module", sorted(p.stem for p in SRC.glob("*.pyx")))
def test_every_included_file_is_a_declared_dependency(module):
    missing = _local_includes(f"{module}.pyx") - set(_declared().get(module, []))
    assert not missing, f"setup.py: kernel({module!r}, ...) misses {sorted(missing)}"


def test_package_is_marked_typed():
    """The package ships the PEP 561 marker that pyproject.toml's package-data
    lists: without it mypy skips an installed logistic ("module is installed,
    but missing library stubs or py.typed marker") and its annotations go
    unused."""
    from importlib.resources import files

    assert (files("logistic") / "py.typed").is_file()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text()
