"""The ```python blocks of README.md and the user guides run as written.

Each page's blocks run in order in one fresh namespace, in an empty temporary
working directory (so files the examples write, such as ``model.json``, land
there), as a reader pasting them one after another into a new interpreter
would run them. A block that names a name no earlier block defined, or fails,
fails here. That directory holds ``tests/data``, a link to the repository's,
so that a block reading the bundled data as the pages say (from the
repository's root: ``tests/data/lbw-hosmer-lemeshow/birthwt_MASS.csv``) runs.

Marker convention: a block whose first line is

    # requires the <extra> extra: pip install "logistic[<extra>]"

needs an optional extra that starts services or is heavy to import; it is
skipped when ``<extra>`` is one of :data:`SKIPPED_EXTRAS` (dask, torch, cupy,
onnx). Blocks using scikit-learn or pandas run (both are test dependencies).
A fence indented in the Markdown (```` ```python ```` inside a list item) is
an error: its code, pasted as shown, is an IndentationError.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# every page with a ```python block but docs/gpu.md, whose one block needs a
# CUDA device (torch extra); test_every_page_with_python_is_run holds the list
PAGES = [
    "README.md",
    "docs/goodness-of-fit.md",
    "docs/grouped.md",
    "docs/inference.md",
    "docs/marginal-effects.md",
    "docs/multinomial.md",
    "docs/paths.md",
    "docs/predictions-and-influence.md",
    "docs/reliability.md",
    "docs/scaling.md",
]
SKIPPED_EXTRAS = {"dask", "torch", "cupy", "onnx"}

FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
INDENTED_FENCE = re.compile(r"^[ \t]+```python", re.M)
MARKER = re.compile(r'^# requires the (\w+) extra: pip install "logistic\[\1\]"$')


def python_blocks(text: str) -> list[str]:
    """The code of every ```python block of ``text``, in page order."""
    return FENCE.findall(text)


def needs_skipped_extra(code: str) -> str | None:
    """The extra a block's marker line names when it is skipped, else None."""
    match = MARKER.match(code.split("\n", 1)[0])
    if match and match.group(1) in SKIPPED_EXTRAS:
        return match.group(1)
    return None


def test_the_extraction_rules():
    """Blocks are found in order; the marker skips only the listed extras."""
    text = (
        "a\n```python\nx = 1\n```\nb\n```bash\nls\n```\n"
        '```python\n# requires the dask extra: pip install "logistic[dask]"\ny\n```\n'
    )
    blocks = python_blocks(text)
    assert blocks == [
        "x = 1\n",
        '# requires the dask extra: pip install "logistic[dask]"\ny\n',
    ]
    assert needs_skipped_extra(blocks[0]) is None
    assert needs_skipped_extra(blocks[1]) == "dask"
    sk = '# requires the sklearn extra: pip install "logistic[sklearn]"\n'
    assert needs_skipped_extra(sk) is None
    assert INDENTED_FENCE.search("- item\n\n  ```python\n  x\n  ```\n")


NOT_RUN = {"docs/gpu.md"}


def test_every_page_with_python_is_run():
    """A page that gains a ```python block is added to PAGES (or NOT_RUN)."""
    with_python = {
        str(path.relative_to(ROOT))
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        if python_blocks(path.read_text(encoding="utf-8"))
    }
    assert with_python == set(PAGES) | NOT_RUN


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run_in_order(page, tmp_path, monkeypatch):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert not INDENTED_FENCE.search(text), (
        f"{page}: an indented ```python fence (IndentationError when pasted)"
    )
    blocks = python_blocks(text)
    assert blocks, f"{page} has no ```python block"
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "data").symlink_to(ROOT / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    ran = 0
    for number, code in enumerate(blocks, 1):
        if needs_skipped_extra(code):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # examples may warn; they must not fail
            exec(compile(code, f"{page} block {number}", "exec"), namespace)
        ran += 1
    assert ran > 0
