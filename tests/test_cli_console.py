"""The CLI's consoles write plain text to a non-terminal exactly as rich does.

The reference is rich's own ``Console`` with the CLI's settings printing the
same text to a file that is not a terminal; ``cli._console`` writes such text
without importing rich (start-up, issue 13) and hands everything else to rich.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import logistic
from logistic.cli._console import LazyConsole

UCLA = Path(logistic.__file__).parent / "datasets" / "ucla_admissions.csv"

TEXTS = [
    "plain",
    "",
    "two\nlines\n",
    "trailing spaces   ",
    "x" * 300,  # longer than rich's default width of 80
    "[bold]not markup[/bold] [link=x]y[/link]",
    ":thumbs_up: :x:",
    "ünïcödé € 漢字 😀 e\u0301",
    "   coef   std err\n-----\nIntercept -3.450  1.133  **",
    "tab\there",  # rich expands tabs: rich's path
    "bell\x07 and \rcarriage",  # rich strips control codes: rich's path
    "escape \x1b[31mred\x1b[0m",
]


def _rich(text: str, stderr: bool, **kwargs: object) -> str:
    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True, emoji=False).print(
        text, **kwargs
    )
    return out.getvalue()


@pytest.mark.parametrize("stderr", [False, True])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_same_output_as_rich(monkeypatch, text, stderr):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr" if stderr else "stdout", out)
    lazy = LazyConsole(stderr=stderr)
    lazy.print(text, markup=False, soft_wrap=True)
    lazy.print(text, markup=False, highlight=False)
    want = _rich(text, stderr, markup=False, soft_wrap=True)
    assert out.getvalue() == want * 2
    plain = "\t" not in text and not any(c in text for c in "\x07\r\x1b")
    assert (lazy._console is None) == plain  # rich made only when needed
    assert not lazy.is_terminal


def test_markup_is_text_and_styles_go_to_rich(monkeypatch):
    """Markup is off in both consoles: a label or file name such as
    ``yes[/x]`` prints as written (rich's markup failed on it); a style still
    needs rich."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    lazy = LazyConsole()
    lazy.print("[bold]x[/bold] yes[/x]")
    assert lazy._console is None
    assert out.getvalue() == "[bold]x[/bold] yes[/x]\n"
    lazy.print("styled", style="bold")
    assert lazy._console is not None
    lazy.print("[red]a[/x]", style="bold")  # through rich: no MarkupError
    assert out.getvalue().endswith("[red]a[/x]\n")


def test_a_forced_terminal_goes_to_rich(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    lazy = LazyConsole()
    lazy.print("plain", markup=False)
    assert lazy._console is not None and lazy.is_terminal


def test_fit_prints_its_summary_without_rich(tmp_path):
    code = (
        "import sys\n"
        "from logistic.cli.app import main\n"
        "code = main(sys.argv[1:])\n"
        "print('rich imported:', 'rich' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    out = tmp_path / "m.json"
    proc = subprocess.run(
        [sys.executable, "-c", code, "fit", str(UCLA), "--target", "admit",
         "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "rich imported: False"
    assert "Logistic regression results" in proc.stdout
    assert "model written to" in proc.stderr
