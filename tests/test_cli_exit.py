"""How the ``logistic`` console script ends the process (``cli.app.run``).

After the command, ``run`` runs the ``atexit`` callbacks, flushes stdout and
stderr and ends with ``os._exit``, skipping the interpreter's teardown
(≈ 50 ms of a small fit); it takes the ordinary exit when a tracer, another
thread or ``multiprocessing`` needs it. Each case runs in a fresh interpreter
that keeps an object whose ``__del__`` speaks at teardown: the teardown ran
exactly when that line appears.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from logistic.io import read_model_file

ROOT = Path(__file__).resolve().parent.parent
UCLA = ROOT / "tests" / "data" / "ucla-admissions" / "binary.csv"

# the console script's own code (see the installed bin/logistic), with an
# atexit callback and an object that is deallocated only by the teardown
_SCRIPT = (
    "import atexit, os, sys\n"
    "class Teardown:\n"
    "    def __del__(self, write=os.write):  # module globals are gone by then\n"
    "        write(2, b'teardown ran\\n')\n"
    "keep = Teardown()\n"
    "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
    "{setup}\n"
    "from logistic.cli.app import run\n"
    "sys.argv = ['logistic', *sys.argv[1:]]\n"
    "sys.exit(run())\n"
)

_SETUPS = {
    "nothing": "",
    "a trace function": "sys.settrace(lambda *a: None)",
    "a profile function": "sys.setprofile(lambda *a: None)",
    # a daemon thread alive through the whole command, however slow the
    # machine (a thread that ends first leaves nothing for the exit to wait on)
    "another thread": (
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()"
    ),
    "multiprocessing": "import multiprocessing",
}


def _run(setup: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(setup=setup), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("setup", list(_SETUPS))
def test_console_script_skips_the_teardown_unless_something_needs_it(tmp_path, setup):
    out = tmp_path / "m.json"
    proc = _run(_SETUPS[setup], "fit", str(UCLA), "--target", "admit", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert "atexit ran" in lines  # the exit callbacks run either way
    assert ("teardown ran" in lines) == (setup != "nothing")
    assert "Log-likelihood: -229.7209" in proc.stdout  # the summary, flushed
    # statsmodels' Logit on this file: const -3.449548, gre 0.002294,
    # gpa 0.777014, rank -0.560031
    model = read_model_file(out).model
    assert model.intercept_[0] == pytest.approx(-3.449548, abs=1e-5)
    assert model.coef_.ravel() == pytest.approx(
        [0.002294, 0.777014, -0.560031], abs=1e-5
    )


def test_console_script_keeps_the_exit_code_of_a_failure(tmp_path):
    missing = tmp_path / "missing.csv"
    proc = _run("", "fit", str(missing), "--target", "admit", "-o", "m.json")
    assert proc.returncode == 66  # EX_NOINPUT
    assert proc.stderr.splitlines()[-2:] == [
        f"error: input file {missing} does not exist",
        "atexit ran",
    ]


def test_console_script_flushes_everything_written_to_stdout(tmp_path):
    model = tmp_path / "m.json"
    fit = _run("", "fit", str(UCLA), "--target", "admit", "-q", "-o", str(model))
    assert fit.returncode == 0, fit.stderr
    proc = _run("", "predict", str(model), str(UCLA), "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert "teardown ran" not in proc.stderr
    rows = proc.stdout.splitlines()
    assert len(rows) == 1 + 400  # the header and every row of the file
    assert rows[-1] == rows[-1].strip() and rows[-1].count(",") == rows[0].count(",")


def test_the_console_script_is_run():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    with open(ROOT / "pyproject.toml", "rb") as fh:
        scripts = tomllib.load(fh)["project"]["scripts"]
    assert scripts == {"logistic": "logistic.cli.app:run"}


def test_after_a_command_that_loaded_dask_the_ordinary_exit_freezes_the_heap(tmp_path):
    """``distributed`` loaded (a Dask fit; here imported by the script): the
    ordinary exit (the atexit callbacks run, children joined) with the heap
    frozen, so that the teardown skips its collections over it; the model
    file and the summary are whole. Without ``distributed`` (the cases above)
    the exit is not frozen."""
    probe = (
        "import distributed, gc\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, "
        "file=sys.stderr))"
    )
    out = tmp_path / "m.json"
    proc = _run(probe, "fit", str(UCLA), "--target", "admit", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert "atexit ran" in lines and "frozen True" in lines
    assert "Log-likelihood: -229.7209" in proc.stdout
    # statsmodels' Logit on this file, as above
    assert read_model_file(out).model.intercept_[0] == pytest.approx(-3.449548, abs=1e-5)
    plain = _run(probe.replace("import distributed, gc", "import gc"), "fit",
                 str(UCLA), "--target", "admit", "-o", str(tmp_path / "p.json"))  # fmt: skip
    assert "frozen False" in plain.stderr.splitlines()
