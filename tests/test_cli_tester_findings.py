"""Regressions for a new user's findings on the CLI (tester 12).

Outputs that are devices or FIFOs are refused, never renamed over; ``-o -``
where a command writes a file; a closed standard output is exit 141 for every
command; ``--debug`` keeps the exit code; usage errors for contradictory
penalty and CV options; R's ``.`` in a formula; ``report`` on grouped data;
no abort (exit 134) at exit after a failing command.

Reference for the grouped report: scikit-learn's ``roc_auc_score`` with the
trials expanded as weights (successes as 1, failures as 0), an independent
implementation of the weighted ROC AUC.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from conftest import data_path, fit_ucla_model, run_cli
from logistic.cli._codes import EX_CANTCREAT, EX_DATAERR, EX_OK, EX_PIPE, EX_USAGE
from test_cli_grouped import BY_TRIALS, grouped_file  # noqa: F401 (fixture)

UCLA = data_path("ucla-admissions", "binary.csv")
BREAST = data_path("breast-cancer-wisconsin", "breast_cancer.csv")


def _exe() -> list[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "logistic")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "logistic.cli.app"]


def _fit_args(out) -> list[str]:
    return ["fit", str(UCLA), "-t", "admit", "-q", "-o", str(out)]


# -- F1: an output that exists and is not a regular file -------------------------------
def test_fifo_output_is_refused_even_with_force(workdir, capsys):
    fifo = workdir / "out.fifo"
    os.mkfifo(fifo)
    code, out, err = run_cli(capsys, [*_fit_args(fifo), "--force"])
    assert code == EX_CANTCREAT
    assert err == f"error: refusing to write {fifo}: it is a FIFO (named pipe), not a regular file\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # not replaced by a file
    assert sorted(p.name for p in workdir.iterdir()) == ["out.fifo"]  # no temp file


def test_directory_output_is_refused(workdir, capsys):
    (workdir / "d").mkdir()
    code, _, err = run_cli(capsys, [*_fit_args(workdir / "d"), "--force"])
    assert code == EX_CANTCREAT and "is a directory" in err
    assert (workdir / "d").is_dir() and not any((workdir / "d").iterdir())


@pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod of a device needs root")
def test_private_null_device_output_is_refused(workdir, capsys):
    # a private character device 1,3 (what /dev/null is), never the real /dev/null
    node = workdir / "mynull"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for command in (
        [*_fit_args(node), "--force"],
        ["report", str(fit_ucla_model(workdir)), str(UCLA), "-o", str(node), "--force"],
    ):
        code, _, err = run_cli(capsys, command)
        assert code == EX_CANTCREAT
        assert f"refusing to write {node}: it is a character device" in err
        assert stat.S_ISCHR(os.stat(node).st_mode)


def test_library_atomic_write_refuses_a_fifo(tmp_path):
    from logistic._atomic import atomic_write_bytes
    from logistic._files import NotARegularFileError

    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="it is a FIFO"):
        atomic_write_bytes(fifo, b"x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


# -- F3: "-o -" where the command writes a file -----------------------------------------
def test_dash_output_is_a_usage_error_not_a_file_named_dash(workdir, capsys):
    code, out, err = run_cli(capsys, _fit_args("-"))
    assert (code, out) == (EX_USAGE, "")
    assert err == (
        "error: --output -: this command writes a file, not standard output; "
        "name a file\n"
    )
    assert not (workdir / "-").exists()


# -- F7: a closed standard output is exit 141 for every command that prints -----------
@pytest.mark.parametrize("command", ["summary", "evaluate", "summary --json"])
def test_closed_stdout_exits_141(tmp_path, command):
    model = fit_ucla_model(tmp_path)
    words = command.split()
    args = [*words[:1], str(model), *([str(UCLA)] if words[0] == "evaluate" else [])]
    proc = subprocess.Popen(
        [*_exe(), *args, *words[1:]], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read()
    assert (proc.wait(timeout=120), err) == (EX_PIPE, b"")


# -- F10: --debug adds a traceback, keeps the exit code ----------------------------------
def test_debug_keeps_the_data_error_exit_code(workdir, capsys):
    code, _, err = run_cli(capsys, ["--debug", *_fit_args("m.json")[:2], "-t", "nosuch"])
    assert code == EX_DATAERR
    assert "Traceback (most recent call last)" in err
    assert err.splitlines()[-1].startswith("error: target column 'nosuch' not found")


# -- F4/F5/F14: contradictory options are usage errors (exit 2) ----------------------------
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--penalty", "elasticnet"], "--penalty elasticnet needs --l1-ratio"),
        (["--penalty", "l1", "--l1-ratio", "0.5"], "--l1-ratio 0.5 applies only with"),
        (["--l1-ratio", "0.5"], "(no --penalty was given; the default is no penalty)"),
        (["--penalty", "l2", "--C", "inf"], "--C must be a finite number > 0, got inf"),
        (["--penalty", "l2", "--alpha", "nan"], "--alpha must be a number >= 0, got nan"),
        (["--cv", "3", "--penalty", "l1", "--n-alphas", "0"], "--n-alphas must be at least 1"),
    ],
)
def test_penalty_and_cv_option_errors(workdir, capsys, options, message):
    code, out, err = run_cli(capsys, [*_fit_args("m.json"), *options])
    assert (code, out) == (EX_USAGE, "")
    assert message in err and err.count("\n") == 1
    assert not (workdir / "m.json").exists()


def test_elasticnet_with_l1_ratio_still_fits(workdir, capsys):
    options = ["--penalty", "elasticnet", "--l1-ratio", "0.5", "--C", "0.5"]
    code, _, err = run_cli(capsys, [*_fit_args("m.json"), *options])
    assert code == EX_OK, err


def test_cv_with_grouped_data_is_a_usage_error(grouped_file, capsys):  # noqa: F811
    for grouped in (BY_TRIALS, ("--formula", "cbind(successes, failures) ~ x1 + x2")):
        code, _, err = run_cli(
            capsys, ["fit", "g.csv", *grouped, "--cv", "3", "-q", "-o", "cv.json"]
        )
        assert code == EX_USAGE, err
        assert "--cv is not available for grouped binomial data" in err


# -- F8: R's "." in a formula ---------------------------------------------------------
@pytest.mark.parametrize("formula", ["cbind(successes, failures) ~ .", "successes ~ . - x1"])
def test_dot_in_formula_is_refused_in_the_users_words(grouped_file, capsys, formula):  # noqa: F811
    code, _, err = run_cli(capsys, ["fit", "g.csv", "--formula", formula, "-o", "m.json"])
    assert code == EX_USAGE
    assert err == (
        f"error: --formula {formula!r}: '.' (every other column) is not supported; "
        "name the columns ('... ~ x1 + x2'), or leave out --formula and give "
        "--target (with --trials for counts) to use every other column\n"
    )


def test_decimal_points_in_a_formula_are_not_the_dot():
    from logistic.tabular._formula import refuse_dot

    refuse_dot("y ~ I(x * .5) + I(x ** 2.) + `a.b` + C(k, levels=['.'])")


# -- F6: report on grouped data scores every trial, as evaluate does ------------------------
def test_report_on_a_grouped_model(grouped_file, capsys):  # noqa: F811
    from sklearn.metrics import roc_auc_score

    workdir, _ = grouped_file
    code, _, err = run_cli(capsys, ["fit", "g.csv", *BY_TRIALS, "-q", "-o", "m.json"])
    assert code == EX_OK, err
    code, _, err = run_cli(capsys, ["report", "m.json", "g.csv", "-o", "r.html"])
    assert code == EX_OK, err
    html = (workdir / "r.html").read_text()
    assert "ROC curve" in html and "Calibration plot" in html
    code, out, _ = run_cli(capsys, ["evaluate", "m.json", "g.csv", "--json"])
    metrics = json.loads(out)
    code, out, _ = run_cli(capsys, ["predict", "m.json", "g.csv", "-o", "-"])
    logit = np.array([float(line.split(",")[2]) for line in out.splitlines()[1:]])
    data = np.genfromtxt(workdir / "g.csv", delimiter=",", names=True)
    s, n = data["successes"], data["trials"]
    expected = roc_auc_score(
        np.r_[np.ones_like(s), np.zeros_like(s)], np.r_[logit, logit], sample_weight=np.r_[s, n - s]
    )
    assert metrics["roc_auc"] == pytest.approx(expected, rel=1e-9)
    assert f"{metrics['roc_auc']:.6g}"[:6] in html


# -- F2: no abort (exit 134) at exit after a failing command ------------------------------
def test_await_release_waits_for_a_reference_held_by_another_thread():
    from logistic.tabular._read import _await_release

    class Stream:
        pass

    source = Stream()

    def references() -> int:
        return sys.getrefcount(source)

    held = references()
    keeper = [source]  # stands for pyarrow's reader still holding the stream
    threading.Timer(0.2, keeper.clear).start()
    start = time.monotonic()
    _await_release(references, held)
    assert 0.15 < time.monotonic() - start < 3
    assert references() == held


def test_read_with_progress_does_not_wait_for_the_release_timeout(tmp_path):
    """On Python 3.10 the wait counted one reference more than its caller had
    (an argument is held by the calling frame while the call runs), so every
    CSV read with progress on (the command line's default) waited the full 5 s
    timeout: 'logistic fit' of a 6-row file took 5.7 s, 'reading n.csv: 6
    rows ..., 1 rows/s'."""
    from logistic.tabular import read_data

    path = tmp_path / "n.csv"
    path.write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    read_data(path, on_progress=lambda *a: None)  # pyarrow loaded, warm
    start = time.monotonic()
    for _ in range(3):
        raw = read_data(path, on_progress=lambda *a: None)
    assert time.monotonic() - start < 3
    assert raw.table.num_rows == 4


@pytest.mark.slow
def test_failing_command_never_aborts_at_exit(tmp_path):
    # progress on (stderr is a pipe: plain lines), so the read goes through the
    # progress-counting stream; before the fix about 1 run in 10 ended in SIGABRT
    command = [*_exe(), "fit", str(BREAST), "--target", "nosuch", "-o", str(tmp_path / "q.json")]

    def run(_: int) -> int:
        return subprocess.run(command, capture_output=True, timeout=120).returncode

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(run, range(30)))
    assert codes == [EX_DATAERR] * 30
