"""Progress on stderr: plain periodic lines when stderr is not a terminal,
nothing with --quiet, never anything on stdout."""

from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import data_path, run_cli
from logistic.cli import _progress
from logistic.cli._codes import EX_OK, EX_USAGE


@pytest.fixture
def every_event(monkeypatch):
    """Lines on every event (interval 0), as a slow fit would show every 5 s."""
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.setenv("LOGISTIC_PROGRESS_INTERVAL", "0")


def _fit(tmp_path, *extra):
    data = data_path("ucla-admissions", "binary.csv")
    return ["fit", data, "-t", "admit", "-o", tmp_path / "m.json", "--force", *extra]


def test_fit_prints_iterations_when_stderr_is_not_a_terminal(
    tmp_path, capsys, every_event
):
    code, out, err = run_cli(capsys, _fit(tmp_path, "--solver", "gd", "--json"))
    assert code == EX_OK, err
    lines = [x for x in err.splitlines() if x.startswith("fitting: iteration")]
    assert len(lines) >= 5  # gradient descent takes many iterations
    pattern = (
        r"fitting: iteration \d+, objective [-\d.e+]+, max\|grad\| \S+ \(\d+\.\ds\)"
    )
    assert all(re.fullmatch(pattern, x) for x in lines), lines[:3]
    assert "reading " in err and " rows" in err  # the reader's progress
    assert "fitting:" not in out and "reading" not in out  # stdout: the JSON only


def test_quiet_and_no_progress_silence_it(tmp_path, capsys, every_event, monkeypatch):
    code, _, err = run_cli(capsys, _fit(tmp_path, "--solver", "gd", "--quiet"))
    assert code == EX_OK
    assert "fitting:" not in err and "reading " not in err
    assert "model written to" in err  # messages are not progress
    monkeypatch.setenv("LOGISTIC_NO_PROGRESS", "1")
    code, _, err = run_cli(capsys, _fit(tmp_path, "--solver", "gd"))
    assert code == EX_OK and "fitting:" not in err


def test_default_interval_prints_nothing_on_a_short_fit(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.delenv("LOGISTIC_PROGRESS_INTERVAL", raising=False)
    code, _, err = run_cli(capsys, _fit(tmp_path))
    assert code == EX_OK and "fitting:" not in err and "reading " not in err


def test_bad_interval_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.setenv("LOGISTIC_PROGRESS_INTERVAL", "soon")
    code, _, err = run_cli(capsys, _fit(tmp_path))
    assert (code, err) == (
        EX_USAGE,
        "error: LOGISTIC_PROGRESS_INTERVAL must be a number of seconds >= 0, "
        "got 'soon'\n",
    )


def test_predict_progress_goes_to_stderr(tmp_path, capsys, every_event):
    code, _, err = run_cli(capsys, _fit(tmp_path, "--quiet"))
    assert code == EX_OK
    data = data_path("ucla-admissions", "binary.csv")
    code, out, err = run_cli(capsys, ["predict", tmp_path / "m.json", data])
    assert code == EX_OK
    assert out.startswith('"proba","label","logit"') and "reading" not in out
    assert re.search(r"^reading \S*binary.csv: 400 rows, ", err, re.M), err


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_ticker_spaces_lines_by_the_interval():
    clock = _Clock()
    ticker = _progress.Ticker(5.0, clock)
    due = []
    for t in np.arange(0.0, 12.5, 0.5):
        clock.now = 100.0 + t
        due.append(ticker.due())
    assert [0.5 * i for i, d in enumerate(due) if d] == [5.0, 10.0]


def test_read_progress_with_a_fake_reader(capsys, monkeypatch):
    """The reader's hook, called as read_data calls it: lines with rows, bytes,
    percentage and rate; without a known size, no percentage."""
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.setenv("LOGISTIC_PROGRESS_INTERVAL", "0")
    clock = _Clock()
    monkeypatch.setattr(_progress.time, "monotonic", clock)
    progress = _progress.ReadProgress("big.csv")
    with progress.live() as hook:
        assert hook is progress
        for i in range(1, 4):
            clock.now += 2.0
            hook(50_000 * i, 2_500_000 * i, 10_000_000)
        hook(200_000, 10_000_000, None)
    err = capsys.readouterr().err.splitlines()
    assert (
        err[0] == "reading big.csv: 50,000 rows, 2.5 MB of 10.0 MB (25%), 25,000 rows/s"
    )
    assert (
        err[2]
        == "reading big.csv: 150,000 rows, 7.5 MB of 10.0 MB (75%), 25,000 rows/s"
    )
    assert err[3] == "reading big.csv: 200,000 rows, 10.0 MB, 33,333 rows/s"
    quiet = _progress.ReadProgress("big.csv", quiet=True)
    with quiet.live() as hook:
        assert hook is None


def test_terminal_bar_runs(tmp_path, capsys, monkeypatch):
    """On a terminal the reader's bar and the fit's status line are drawn
    (here on a captured console: the command must still succeed)."""
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.setattr(_progress, "show_progress", lambda: True)
    code, out, err = run_cli(capsys, _fit(tmp_path, "--json"))
    assert code == EX_OK, err
    assert out.lstrip().startswith("{")


def test_streamed_fit_prints_passes(tmp_path, capsys, every_event):
    code, out, err = run_cli(capsys, _fit(tmp_path, "--stream", "--chunk-rows", "100"))
    assert code == EX_OK, err
    passes = [x for x in err.splitlines() if x.startswith("pass ")]
    assert passes and re.match(r"pass 1: 400 rows, [\d,]+ rows/s", passes[0])
    assert any("| fitting: iteration" in x for x in passes)


def _fit_with_stderr_on_a_terminal(tmp_path, term, args=None, **more_env):
    """``logistic fit`` (by default of gradient descent: many iterations) in
    a child process whose stderr is a pseudo-terminal with ``TERM=term``;
    what the terminal received."""
    import os
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    env = dict(os.environ, TERM=term, LOGISTIC_PROGRESS_INTERVAL="0", COLUMNS="300")
    env.pop("LOGISTIC_NO_PROGRESS", None)
    env.update(more_env)
    if args is None:
        args = _fit(tmp_path, "--solver", "gd", "--json")
    args = [str(x) for x in args]
    with subprocess.Popen(
        [sys.executable, "-m", "logistic", *args],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    ) as child:
        os.close(terminal)
        received = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            received += chunk
        out, _ = child.communicate(timeout=120)
    os.close(controller)
    assert child.returncode == EX_OK, received
    assert out.lstrip().startswith(b"{")  # stdout: the JSON only
    return received.decode("utf-8", "replace")


def test_dumb_terminal_gets_plain_progress_lines(tmp_path):
    """A terminal that cannot redraw a line (``TERM=dumb``: Emacs' shell)
    gets the plain lines a log gets, without escapes. rich draws no live
    display there, so a fit used to show no progress at all."""
    err = _fit_with_stderr_on_a_terminal(tmp_path, "dumb")
    assert "\x1b" not in err
    lines = [x for x in err.splitlines() if x.startswith("fitting: iteration")]
    assert len(lines) >= 5, err[:500]


def test_terminal_keeps_its_live_progress(tmp_path):
    """On a terminal that redraws (``TERM=xterm``) the progress is the live
    display (escapes that redraw the line), not plain lines."""
    err = _fit_with_stderr_on_a_terminal(tmp_path, "xterm")
    assert "\x1b[2K" in err  # rich's erase-line of the live display
    assert not any(x.startswith("fitting: iteration") for x in err.splitlines())


def test_terminal_progress_shows_a_file_name_escaped(tmp_path):
    """The reading bar and the spinners on a terminal name the file with its
    terminal escapes and bidi controls escaped (as notes do), never sent to
    the terminal: they used to reach it as they are, so a file name could
    recolour, clear or reverse the user's screen."""
    import shutil

    name = tmp_path / "e\x1b[7mvil\u202e.csv"
    shutil.copy(data_path("ucla-admissions", "binary.csv"), name)
    args = ["fit", name, "-t", "admit", "-o", tmp_path / "m.json", "--json"]
    err = _fit_with_stderr_on_a_terminal(tmp_path, "xterm", args)
    assert "reading " in err and "encoding " in err  # the live display ran
    assert "\x1b[7m" not in err and "\u202e" not in err
    assert "e\\x1b[7mvil\\u202e.csv" in err


def test_force_color_log_gets_plain_lines(tmp_path):
    """``FORCE_COLOR=1`` (CI jobs set it for coloured logs) with stderr
    going to a log: the plain lines a log gets, not the live display, whose
    redraws (hidden cursor, ``\\r``, erase-line, a bar drawn again and again)
    used to fill the log, as rich takes the forced colour for a terminal."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, FORCE_COLOR="1", LOGISTIC_PROGRESS_INTERVAL="0")
    env.pop("LOGISTIC_NO_PROGRESS", None)
    args = [str(x) for x in _fit(tmp_path, "--solver", "gd", "--json")]
    done = subprocess.run(
        [sys.executable, "-m", "logistic", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == EX_OK, done.stderr
    lines = [x for x in done.stderr.splitlines() if x.startswith("fitting: iteration")]
    assert len(lines) >= 5, done.stderr[:500]
    assert "\x1b[2K" not in done.stderr and "\x1b[?25l" not in done.stderr
    assert "\r" not in done.stderr


def test_terminal_declared_not_interactive_gets_plain_lines(tmp_path):
    """``TTY_INTERACTIVE=0`` (rich's switch for a terminal that must not be
    redrawn, e.g. a CI log viewer on a pty): plain lines, as on a dumb
    terminal; rich draws no live display there, so nothing showed at all."""
    err = _fit_with_stderr_on_a_terminal(tmp_path, "xterm", TTY_INTERACTIVE="0")
    assert "\x1b[2K" not in err
    lines = [x for x in err.splitlines() if x.startswith("fitting: iteration")]
    assert len(lines) >= 5, err[:500]
