"""Every Python module of the package stays within STYLE.md's size: at most
600 lines, so that a module keeps one concern (a larger one is split along a
concern, as ``_path`` (the parameters and the walk along the sequence) and
``_path_solver`` (the solution at each point) were)."""

from __future__ import annotations

from pathlib import Path

import logistic

MAX_LINES = 600


def test_no_module_is_longer_than_the_style_allows():
    root = Path(logistic.__file__).parent
    sizes = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }
    over = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines: {over}"
