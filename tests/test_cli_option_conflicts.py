"""Option values the command line can refuse before reading a row: each is a
usage error (exit 2) naming the option as typed.

* ``--class-weight setosa=-1`` said "The 'class_weight' parameter must map
  labels to finite weights ≥ 0; got -1.0 for label 0.0" (Python's parameter,
  the class by its internal code), and ``yes=0,no=0`` exited 65 with the
  dictionary of codes.
* ``--workers 2 --scheduler ADDRESS`` waited 30 s for the scheduler and
  ignored ``--workers``.
* LibSVM data took ``--target foo`` without a word (the label is each line's
  first field), and refused ``--weights`` with exit 65, the data-error code.
* ``--stream --penalty firth`` gave the Python API's advice to convert a GPU
  array.

And options whose values were refused where they should not be: a
``--weights`` column of integers beyond 2**53 (read rounded now, as a
weight's nearest float64 is its value).
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli

IRIS = Path(__file__).parent / "data" / "iris" / "iris.csv"
UCLA = Path(__file__).parent / "data" / "ucla-admissions" / "binary.csv"


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("setosa=-1,versicolor=1,virginica=1", "--class-weight setosa=-1:"),
        ("setosa=nan", "--class-weight setosa=nan:"),
        ("setosa=0,versicolor=0,virginica=0", "--class-weight setosa=0:"),
    ],
)
def test_a_class_weight_that_is_not_positive_is_a_usage_error(workdir, capsys, given, named):
    code, out, err = run_cli(
        capsys, ["fit", IRIS, "-t", "species", "--class-weight", given, "-o", "m.json"]
    )
    assert code == 2
    assert err.startswith(f"error: {named} a class's weight must be a finite number > 0")
    assert "class_weight' parameter" not in err and "0.0" not in err
    assert not Path("m.json").exists()


@pytest.mark.parametrize(
    ("dask", "named"),
    [(["--workers", "2"], "--workers 2"),
     (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler tcp://127.0.0.1:1")],
)  # fmt: skip
def test_no_stream_with_dask_is_refused_at_once(workdir, capsys, dask, named):
    """``--no-stream`` ("always reads it into memory", docs/cli.md) was
    ignored beside --workers/--scheduler: the fit ran on Dask."""
    started = time.monotonic()
    code, out, err = run_cli(
        capsys, ["fit", UCLA, "-t", "admit", "--no-stream", *dask, "-o", "m.json"]
    )
    assert code == 2
    assert f"--no-stream and {named} both given" in err
    assert time.monotonic() - started < 10
    assert not Path("m.json").exists()


def test_workers_and_scheduler_together_are_refused_at_once(workdir, capsys):
    started = time.monotonic()
    code, out, err = run_cli(
        capsys,
        ["fit", UCLA, "-t", "admit", "--workers", "2", "--scheduler",
         "tcp://127.0.0.1:1", "-o", "m.json"],
    )  # fmt: skip
    assert code == 2
    assert "--workers 2 and --scheduler tcp://127.0.0.1:1 both given" in err
    assert time.monotonic() - started < 10  # no connection tried
    assert not Path("m.json").exists()


def _libsvm(path: Path) -> Path:
    path.write_text(
        "1 1:0.5 3:1.2\n-1 2:0.3 1:0.9\n1 1:1.5 2:0.1\n-1 3:-0.3 1:0.1\n"
        "1 1:2 3:0.5\n-1 2:1.0 3:-1\n1 2:0.2 3:0.1\n-1 1:0.4 3:0.7\n"
    )
    return path


def test_libsvm_refuses_a_named_target(workdir, capsys):
    data = _libsvm(workdir / "d.svm")
    code, out, err = run_cli(capsys, ["fit", data, "-t", "foo", "-o", "m.json"])
    assert code == 2
    assert err.startswith("error: --target foo: LibSVM data (")
    assert "its label (give no --target, or --target label)" in err
    assert not Path("m.json").exists()


@pytest.mark.parametrize("option", [["--weights", "w"], ["--features", "x1"]])
def test_libsvm_refuses_column_options_as_usage_errors(workdir, capsys, option):
    data = _libsvm(workdir / "d.svm")
    code, out, err = run_cli(capsys, ["fit", data, *option, "-o", "m.json"])
    assert code == 2
    assert f"{option[0]} does not apply to LibSVM data" in err


@pytest.mark.parametrize("mode", [["--stream"], ["--workers", "1"]])
def test_firth_out_of_core_names_the_command_lines_remedy(workdir, capsys, mode):
    code, out, err = run_cli(
        capsys, ["fit", UCLA, "-t", "admit", *mode, "--penalty", "firth", "-o", "m.json"]
    )
    assert code == 2
    assert "--penalty firth is not available" in err
    assert "fit in memory (without" in err
    assert "GPU" not in err and "numpy" not in err


def test_a_separated_streamed_multinomial_fit_has_one_explanation(workdir, capsys):
    """iris streamed (its separation unchecked): the note said "singular
    although its columns are not collinear: ... separation" and then, quoting
    the rank check, "the 10 columns ... are linearly dependent"."""
    code, out, err = run_cli(
        capsys, ["fit", IRIS, "-t", "species", "--stream", "-o", "m.json"]
    )
    assert code == 0, err
    assert "although its columns are not collinear" in err
    assert "(separation)" in err
    assert "linearly dependent" not in err
    assert "the singular directions involve the 10 parameters" in err


@pytest.mark.parametrize(
    ("code", "why"),
    [
        (errno.EACCES, "is not writable"),
        (errno.EROFS, "is on a read-only file system"),
    ],
)
def test_demo_output_dir_that_refuses_files_is_exit_73(workdir, capsys, monkeypatch, code, why):
    """An --output-dir that exists but takes no file (an immutable folder, a
    read-only mount) exited 66 or 74 naming 'ucla_admissions.csv', a file the
    user never gave; it is exit 73 (cannot create output) naming the option."""
    import logistic._atomic

    def refuse(path, content):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(logistic._atomic, "atomic_write_bytes", refuse)
    out_dir = workdir / "out"
    out_dir.mkdir()
    status, out, err = run_cli(capsys, ["demo", "--output-dir", out_dir])
    assert status == 73
    assert err == f"error: cannot write to --output-dir {out_dir}: directory {out_dir} {why}\n"


def test_demo_on_a_full_disk_stays_exit_74(workdir, capsys, monkeypatch):
    """A write that fails for want of space is not the folder's refusal: exit
    74 (writing failed), as every other command gives it."""
    import logistic._atomic

    def full(path, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(logistic._atomic, "atomic_write_bytes", full)
    out_dir = workdir / "out"
    out_dir.mkdir()
    status, out, err = run_cli(capsys, ["demo", "--output-dir", out_dir])
    assert status == 74
    assert "No space left on device" in err and "--output-dir" not in err


def test_libsvm_refuses_trials(workdir, capsys):
    data = _libsvm(workdir / "d.svm")
    args = ["fit", data, "-t", "label", "--trials", "n", "-o", "m.json"]
    code, out, err = run_cli(capsys, args)
    assert code == 2
    assert "--trials does not apply to LibSVM data" in err


@pytest.mark.parametrize(
    ("suffix", "mode"),
    [
        ("csv", []),
        ("parquet", []),
        ("csv", ["--stream"]),
        ("parquet", ["--stream"]),
        ("parquet", ["--stream", "--no-cache"]),
        ("parquet", ["--workers", "1"]),
    ],
)
def test_a_weights_column_of_integers_beyond_2_53_is_read_rounded(
    workdir, capsys, suffix, mode
):
    """--weights of 2**62 on every row: refused as "integers too large to be
    a numeric feature exactly … leave it out with --drop w" (a feature's
    words; the remedy repeated the error). A weight's nearest float64 is its
    value: equal weights give the unweighted coefficients."""
    import json

    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 2))
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-X @ [1.0, -2.0]))).astype(int)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y})
    weighted = frame.assign(w=np.int64(2**62 + 1))
    data = workdir / f"w.{suffix}"
    weighted.to_csv(data, index=False) if suffix == "csv" else weighted.to_parquet(data)
    code, out, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--weights", "w", *mode, "-o", "w.json"]
    )
    assert code == 0, err
    frame.to_csv(workdir / "u.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", workdir / "u.csv", "-t", "y", "-o", "u.json"])
    assert code == 0, err
    fits = [json.loads(Path(f).read_text())["model"] for f in ("w.json", "u.json")]
    np.testing.assert_allclose(fits[0]["coef"], fits[1]["coef"], rtol=1e-8)


def test_counts_beyond_2_53_stay_refused(workdir, capsys):
    """Grouped counts must be exact: successes of 2**60 + 1 over trials of
    2**60 would round to equal values; the column is refused, as before."""
    import pandas as pd

    n = 50
    trials = np.full(n, 2**60, dtype=np.int64)
    successes = trials // 3
    successes[0] = 2**60 + 1
    frame = pd.DataFrame({"a": np.random.default_rng(0).normal(size=n)})
    frame["s"], frame["t"] = successes, trials
    frame.to_csv(workdir / "cnt.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "cnt.csv", "-t", "s", "--trials", "t", "-o", "m.json"])
    assert code == 65
    assert err.startswith(
        "error: successes column 's' in cnt.csv holds 1152921504606846977 at line 2 "
        "(50 value(s) beyond 2**53): counts must be exact integers"
    ), err
    assert "--drop" not in err and "identifier" not in err
