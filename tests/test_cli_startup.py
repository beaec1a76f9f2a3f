"""The command line tool fits and predicts on numpy data without pandas.

Also structural start-up checks (issue 13, item 4): a command imports only
what it needs, checked in a fresh interpreter by the modules it leaves out of
``sys.modules`` (not timed: timings on a shared machine are noise).

``Design.named_X`` gives the estimators a :class:`NamedColumns` array (an
ndarray with ``columns``), so the model records and checks its feature names
as it did from a pandas DataFrame; the reference is the same estimator fitted
on a pandas DataFrame of the same file (the way the CLI fitted before).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import logistic
from logistic import LogisticRegression
from logistic.cli._arrow import bool_array, float_array, label_array
from logistic.io import read_model_file
from logistic.tabular._named import NamedColumns

UCLA = Path(logistic.__file__).parent / "datasets" / "ucla_admissions.csv"

# runs the CLI in this interpreter, then says whether pandas was ever imported
_WRAPPER = (
    "import sys, runpy\n"
    "sys.argv = ['logistic', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('logistic.cli.app', run_name='__main__')\n"
    "except SystemExit as e:\n"
    "    code = e.code\n"
    "else:\n"
    "    code = 0\n"
    "print('pyarrow.compute imported:', 'pyarrow.compute' in sys.modules,\n"
    "      file=sys.stderr)\n"
    "print('pandas imported:', 'pandas' in sys.modules, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _run(*args: str) -> list[str]:
    """The CLI's last two stderr lines: pyarrow.compute and pandas imported?"""
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.strip().splitlines()[-2:]


def _ucla_with_text_rank(tmp_path: Path) -> Path:
    d = pd.read_csv(UCLA)
    d["rank"] = "r" + d["rank"].astype(str)
    path = tmp_path / "ucla_text_rank.csv"
    d.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("penalty", [["--penalty", "l2"], []])
def test_fit_on_ucla_imports_no_pandas(tmp_path, penalty):
    # nor pyarrow.compute: numeric columns are read from the Arrow buffers; the
    # unpenalized fit's summary and stored covariance are built without pandas
    out = tmp_path / "m.json"
    lines = _run("fit", str(UCLA), "--target", "admit", *penalty, "-o", str(out))
    assert lines == ["pyarrow.compute imported: False", "pandas imported: False"]
    mf = read_model_file(out)
    assert list(mf.model.feature_names_in_) == ["gre", "gpa", "rank"]


@pytest.mark.parametrize("penalty", [None, "l2"])
def test_cli_model_matches_a_dataframe_fit(tmp_path, penalty):
    # one-hot design: rank as text, reference level r1 dropped
    data = _ucla_with_text_rank(tmp_path)
    out = tmp_path / "m.json"
    args = ["fit", str(data), "--target", "admit", "-o", str(out)]
    args += [] if penalty is None else ["--penalty", penalty]
    _run(*args)
    mf = read_model_file(out)
    names = ["gre", "gpa", "rank[T.r2]", "rank[T.r3]", "rank[T.r4]"]
    assert list(mf.model.feature_names_in_) == names
    assert mf.encoding["feature_names"] == names
    d = pd.read_csv(data)
    frame = pd.DataFrame(
        {
            "gre": d["gre"].astype(float),
            "gpa": d["gpa"],
            **{n: (d["rank"] == n[-3:-1]).astype(float) for n in names[2:]},
        }
    )
    ref = LogisticRegression(penalty=penalty).fit(frame, d["admit"].to_numpy())
    assert list(ref.feature_names_in_) == names
    np.testing.assert_allclose(mf.model.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        mf.model.intercept_, ref.intercept_, rtol=1e-9, atol=1e-12
    )


def test_cli_predictions_match_a_dataframe_model(tmp_path):
    # predictions of the CLI equal the DataFrame model's on the same rows
    model = tmp_path / "m.json"
    _run("fit", str(UCLA), "--target", "admit", "--penalty", "l2", "-o", str(model))
    preds = tmp_path / "p.csv"
    _run("predict", str(model), str(UCLA), "-o", str(preds))
    d = pd.read_csv(UCLA)
    X = d[["gre", "gpa", "rank"]].astype(float)
    ref = LogisticRegression(penalty="l2").fit(X, d["admit"].to_numpy())
    got = pd.read_csv(preds)["proba"].to_numpy()
    np.testing.assert_allclose(got, ref.predict_proba(X)[:, 1], rtol=1e-9)


def test_named_columns_record_and_check_feature_names():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(float)
    model = LogisticRegression().fit(NamedColumns(X, ["a", "b"]), y)
    assert list(model.feature_names_in_) == ["a", "b"]
    # same names: no warning, same values as the plain array
    np.testing.assert_array_equal(
        model.decision_function(NamedColumns(X, ["a", "b"])),
        LogisticRegression().fit(X, y).decision_function(X),
    )
    with pytest.raises(ValueError, match="feature names"):
        model.predict(NamedColumns(X, ["b", "a"]))
    # derived arrays carry no names (a column slice would carry wrong ones)
    assert NamedColumns(X, ["a", "b"])[:, ::-1].columns is None
    with pytest.raises(ValueError, match="names"):
        NamedColumns(X, ["a"])


def test_missing_drop_fit_imports_no_pandas_and_drops_the_rows(tmp_path):
    d = pd.read_csv(UCLA)
    d.loc[[3, 50, 51], "gpa"] = np.nan
    data = tmp_path / "holes.csv"
    d.to_csv(data, index=False)
    out = tmp_path / "m.json"
    lines = _run(
        "fit", str(data), "--target", "admit", "--penalty", "l2",
        "--missing", "drop", "-o", str(out),
    )  # fmt: skip
    assert lines[-1] == "pandas imported: False"
    kept = d.dropna()
    X = kept[["gre", "gpa", "rank"]].astype(float)
    ref = LogisticRegression(penalty="l2").fit(X, kept["admit"].to_numpy())
    mf = read_model_file(out)
    np.testing.assert_allclose(mf.model.coef_, ref.coef_, rtol=1e-9, atol=1e-12)


# runs the CLI in this interpreter, then prints the watched modules it imported
_IMPORTED = (
    "import sys, runpy\n"
    "sys.argv = ['logistic', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('logistic.cli.app', run_name='__main__')\n"
    "except SystemExit as e:\n"
    "    code = e.code\n"
    "else:\n"
    "    code = 0\n"
    "watched = %r\n"
    "print('imported:', ','.join(m for m in watched if m in sys.modules),\n"
    "      file=sys.stderr)\n"
    "sys.exit(code)\n"
)

_HEAVY = (
    "numpy", "pyarrow", "pandas", "scipy", "scipy.sparse", "scipy.stats",
    "scipy.optimize", "pyarrow.compute", "pydantic", "sklearn",
    "logistic.estimator", "logistic.cli._cv", "logistic.cli._stream",
    "logistic.cli._multiclass", "logistic.inference._multinomial",
    "logistic.inference._margins", "logistic.inference._influence",
    "logistic.inference._goodness",
)  # fmt: skip


def _watched(watched: tuple[str, ...], *args: str) -> tuple[set[str], str]:
    """The modules of ``watched`` that ``logistic ARGS`` imported, and its stdout."""
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTED % (watched,), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("imported:"), proc.stderr
    return set(filter(None, line[len("imported:") :].strip().split(","))), proc.stdout


def _imported(*args: str) -> set[str]:
    """The modules of ``_HEAVY`` that ``logistic ARGS`` imported."""
    return _watched(_HEAVY, *args)[0]


def test_help_imports_no_numpy_pyarrow_or_scipy():
    # the command list comes from the command modules, which import their
    # numerical libraries inside the functions that run the command
    numeric = {"numpy", "pyarrow", "pandas", "scipy", "pydantic", "logistic.estimator"}
    assert _imported("--help").isdisjoint(numeric)


@pytest.mark.parametrize("command", ["fit", "predict", "summary", "margins"])
def test_command_help_imports_no_numpy_pyarrow_or_pydantic(command):
    # typer 0.29 converts the --help flag's value (None) through pydantic
    # unless cli._values gives it a plain converter
    assert _imported(command, "--help") == set()


def test_binary_fit_imports_only_what_it_needs(tmp_path):
    # no cross-validation, streaming or K-class CLI code, no scipy.stats or
    # scipy.optimize (Newton on 400 rows), no pandas; no rich (plain text to a
    # pipe, cli._console), no html (the summary's HTML form), no _spelling
    # (its regular expressions rewrite warnings and notes; this fit has none);
    # no pydantic (typer's value converters: cli._values converts plain
    # values without it)
    out = tmp_path / "m.json"
    args = ["fit", str(UCLA), "--target", "admit", "-o", str(out)]
    got, _ = _watched((*_HEAVY, "rich", "html", "logistic.cli._spelling"), *args)
    assert got.isdisjoint(
        {
            "pandas", "pyarrow.compute", "scipy.stats", "scipy.optimize",
            "sklearn", "logistic.cli._cv", "logistic.cli._stream",
            "logistic.cli._multiclass", "logistic.inference._margins",
            "rich", "html", "logistic.cli._spelling", "pydantic",
        }
    ), got  # fmt: skip
    assert read_model_file(out).model.solver_ == "newton"


_SOLVER_MODULES = tuple(
    f"logistic.solvers.{m}"
    for m in (
        "newton", "lbfgs", "coordinate_descent", "column_cd", "firth",
        "gradient_descent", "newton_cg", "proximal",
    )
)  # fmt: skip


@pytest.mark.parametrize("penalty", [[], ["--penalty", "l2"]])
def test_newton_fit_imports_no_other_solver(tmp_path, penalty):
    # the registry imports a solver's module on its first lookup: a Newton fit
    # (auto on 400 rows) loads newton.py only, not L-BFGS, CD, SGD, FISTA, ...
    out = tmp_path / "m.json"
    args = ["fit", str(UCLA), "--target", "admit", *penalty, "-o", str(out)]
    got, _ = _watched(_SOLVER_MODULES, *args)
    assert got == {"logistic.solvers.newton"}, got
    assert read_model_file(out).model.solver_ == "newton"


def test_an_l1_fit_still_finds_its_solver(tmp_path):
    # auto's search for an L1 solver reads every solver's capabilities
    out = tmp_path / "m.json"
    args = ["fit", str(UCLA), "--target", "admit", "--penalty", "l1", "-o", str(out)]
    got, _ = _watched(_SOLVER_MODULES, *args)
    assert "logistic.solvers.coordinate_descent" in got, got
    assert read_model_file(out).model.solver_ == "newton-cd"


def test_predict_imports_no_pandas(tmp_path):
    model, preds = tmp_path / "m.json", tmp_path / "p.csv"
    _run("fit", str(UCLA), "--target", "admit", "--penalty", "l2", "-o", str(model))
    got = _imported("predict", str(model), str(UCLA), "-o", str(preds))
    assert got.isdisjoint(
        {"pandas", "pyarrow.compute", "logistic.cli._cv", "pydantic",
         "logistic.cli._multiclass"}  # a two-class model's predictions
    ), got  # fmt: skip
    assert len(pd.read_csv(preds)) == 400


_LABELS = [
    ["no", None, "yes", "ü€"],
    [True, None, False],
    [0, 1, None, -(2**63)],
    [0.5, None, float("nan"), -1e300],
    [None, None],  # no label: pa.array's null type
    [1, 2.5],  # mixed: pa.array decides
    [2**64, None],  # out of int64: pa.array's error
    [np.int64(3), None],  # numpy scalars: pa.array decides
]


@pytest.mark.parametrize("labels", _LABELS, ids=range(len(_LABELS)))
def test_label_array_equals_pa_array(labels):
    import pyarrow as pa

    try:
        want = pa.array(labels)
    except (OverflowError, pa.ArrowException) as exc:
        with pytest.raises(type(exc)):
            label_array(labels)
        return
    got = label_array(labels)
    assert got.type == want.type
    assert got.null_count == want.null_count
    assert str(got.to_pylist()) == str(want.to_pylist())  # nan prints as nan
    assert got.validate(full=True) is None


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
def test_float_and_bool_arrays_equal_pa_array(dtype):
    import pyarrow as pa

    values = np.array([0.25, np.nan, -3.0, 7.5, 1e-300])
    values = values.astype(dtype) if dtype != np.int32 else np.arange(5, dtype=dtype)
    mask = np.array([False, False, True, False, True])
    for m in (mask, None, np.zeros(5, bool)):
        got, want = float_array(values, mask=m), pa.array(values, mask=m)
        assert got.type == want.type and got.null_count == want.null_count
        assert str(got.to_pylist()) == str(want.to_pylist())  # NaN kept, not null
    rows = np.array([True, False, True, True, False, False, True, True, True])
    assert bool_array(rows).equals(pa.array(rows))


def test_names_print_as_written_not_as_emoji(tmp_path):
    # rich would turn ":thumbs_up:" into an emoji (and import its 0.01 s code
    # table); the consoles print names from data files as written
    d = pd.read_csv(UCLA).rename(columns={"gre": ":thumbs_up:"})
    data = tmp_path / "emoji.csv"
    d.to_csv(data, index=False)
    out = tmp_path / "m.json"
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTED % (("rich._emoji_codes",),), "fit",
         str(data), "--target", "admit", "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert ":thumbs_up:" in proc.stdout and "\N{THUMBS UP SIGN}" not in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "imported:"


# importing any scipy submodule costs ≈ 0.3 s (scipy's array-API layer); the
# compiled kernel imports scipy.linalg for its BLAS, so a 400-row fit runs the
# numpy reference (_kernels.COMPILED_MIN_VALUES) and must not load it either
_NO_SCIPY = ("scipy", "logistic._fused")


def test_binary_dense_fit_and_summary_import_no_scipy(tmp_path):
    out = tmp_path / "m.json"
    args = ["fit", str(UCLA), "--target", "admit", "-o", str(out)]
    got, stdout = _watched(_NO_SCIPY, *args)
    assert got == set(), got
    # the summary's p-values, LR test and intervals without scipy: statsmodels
    # 0.15 Logit on the same file gives p = 0.00233, 0.0356, 0.0177, 1.06e-05,
    # LLR p-value 8.207e-09 and gpa's 95 % interval (0.1352, 1.419)
    for text in ("0.0023", "0.0356", "0.0177", "1.06e-05", "8.21e-09", "0.1352"):
        assert text in stdout, (text, stdout)
    assert read_model_file(out).model.solver_ == "newton"


def _fit_then_predict(
    tmp_path: Path, watched: tuple[str, ...], penalty: list[str]
) -> tuple[set[str], set[str]]:
    """The modules of ``watched`` that ``fit UCLA PENALTY`` and then
    ``predict`` with its model imported."""
    out, preds = tmp_path / "m.json", tmp_path / "p.csv"
    args = ["fit", str(UCLA), "--target", "admit", *penalty, "-o", str(out)]
    fit_got, _ = _watched(watched, *args)
    assert read_model_file(out).model.penalty == (penalty[1] if penalty else None)
    predict_got, _ = _watched(watched, "predict", str(out), str(UCLA), "-o", str(preds))
    assert len(pd.read_csv(preds)) == 400
    return fit_got, predict_got


def test_penalized_fit_and_predict_import_no_scipy(tmp_path):
    assert _fit_then_predict(tmp_path, _NO_SCIPY, ["--penalty", "l2"]) == (set(), set())


# counts the cyclic collector's runs during the command (cli.app's module doc)
_GC_RUNS = (
    "import gc, sys\n"
    "from logistic.cli.app import main\n"
    "runs = []\n"
    "gc.callbacks.append(lambda phase, info: runs.append(info['generation'])\n"
    "                    if phase == 'start' else None)\n"
    "sys.argv = ['logistic', *sys.argv[1:]]\n"
    "code = main()\n"
    "print('collections:', len(runs), 'enabled:', gc.isenabled(), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _ucla_fit_reports(code: str, out: Path, env: dict | None = None) -> str:
    """The last stderr line of ``code`` run with ``fit UCLA --target admit -o
    OUT`` as its arguments (it runs the CLI and reports on stderr)."""
    proc = subprocess.run(
        [sys.executable, "-c", code, "fit", str(UCLA), "--target", "admit",
         "-o", str(out)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert read_model_file(out).model.solver_ == "newton"
    return proc.stderr.strip().splitlines()[-1]


def test_fit_runs_no_cyclic_collection(tmp_path):
    # at the default threshold (700) the collector scans start-up's ~80 000
    # long-lived objects ~120 times (≈ 20-35 ms of this fit); the command
    # leaves it disabled for the process's exit (its full collection ≈ 20 ms)
    got = _ucla_fit_reports(_GC_RUNS, tmp_path / "m.json")
    assert got == "collections: 0 enabled: False"


def test_main_with_argv_restores_the_collector(tmp_path):
    import gc

    from logistic.cli.app import main

    before = gc.get_threshold()
    out = tmp_path / "m.json"
    assert main(["fit", str(UCLA), "--target", "admit", "-q", "-o", str(out)]) == 0
    assert gc.get_threshold() == before and gc.isenabled()


def test_model_file_stores_the_installed_version(tmp_path):
    from importlib.metadata import version

    out = tmp_path / "m.json"
    _run("fit", str(UCLA), "--target", "admit", "-o", str(out))
    assert read_model_file(out).library_version == version("logistic")
    assert logistic.__version__ == version("logistic")


def _describe(command: object) -> list[tuple]:
    return [
        (
            p.name, p.opts, p.secondary_opts, repr(p.default), p.required,
            p.multiple, p.nargs, getattr(p, "help", None), p.hidden,
            getattr(p, "is_flag", None), p.type_descriptor.annotation,
            p.type_descriptor.parameter_info.param_decls, p.callback is None,
        )
        for p in command.params  # type: ignore[attr-defined]
    ]  # fmt: skip


def test_commands_from_evaluated_signatures_equal_typers_own():
    # cli.app hands typer each command's signature with its annotations
    # evaluated once; typer builds the same parameters as from the function
    import typer

    from logistic.cli.app import COMMANDS, _click_command, command_function

    for name in COMMANDS:
        single = typer.Typer(add_completion=False)
        single.command(name=name)(command_function(name))
        want = _describe(typer.main.get_command(single))
        assert len(want) > 0
        assert _describe(_click_command(name)) == want, name


# standard-library packages a small file's fit and predict do not need:
# concurrent.futures (the in-memory backend's thread pool, used from 8 MiB of
# data on; ~4 ms to import), importlib.metadata (the model file's library
# version is read by logistic._version without it; ~10-15 ms), gzip (for
# compressed files only)
_UNNEEDED = ("concurrent.futures", "importlib.metadata", "gzip")


@pytest.mark.parametrize("penalty", [[], ["--penalty", "l2"]])
def test_small_fit_and_predict_leave_out_unneeded_modules(tmp_path, penalty):
    assert _fit_then_predict(tmp_path, _UNNEEDED, penalty) == (set(), set())


# a binary model's fit and predict on a CSV file: no K-class prediction code
# (estimator imports it for K > 2 classes only), no LibSVM reader (tabular._read
# imports it for LibSVM files only)
_BINARY_CSV_UNNEEDED = (
    "logistic._multinomial_predict", "logistic._softmax", "logistic.tabular._libsvm",
)  # fmt: skip


@pytest.mark.parametrize("penalty", [[], ["--penalty", "l2"]])
def test_binary_csv_fit_and_predict_leave_out_other_kinds_code(tmp_path, penalty):
    got = _fit_then_predict(tmp_path, _BINARY_CSV_UNNEEDED, penalty)
    assert got == (set(), set())


# runs the CLI, then prints OPENBLAS_THREAD_TIMEOUT as numpy's OpenBLAS read it
_BLAS_TIMEOUT = (
    "import os, sys\n"
    "from logistic.cli.app import main\n"
    "sys.argv = ['logistic', *sys.argv[1:]]\n"
    "code = main()\n"
    "print('numpy' in sys.modules, os.environ.get('OPENBLAS_THREAD_TIMEOUT'),\n"
    "      file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@pytest.mark.parametrize(("given", "expected"), [(None, "4"), ("12", "12")])
def test_blas_threads_sleep_when_idle(tmp_path, given, expected):
    # cli.app sets OpenBLAS's idle-thread timeout before numpy loads (its
    # worker thread spins ~0.1 s otherwise); a user's own setting is kept
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    if given is not None:
        env["OPENBLAS_THREAD_TIMEOUT"] = given
    got = _ucla_fit_reports(_BLAS_TIMEOUT, tmp_path / "m.json", env)
    assert got == f"True {expected}"


def test_main_with_argv_leaves_the_environment_as_it_was(tmp_path):
    # main(argv) in a Python process (numpy not loaded yet) sets the timeout
    # for the numpy it loads, then removes it again
    import os

    code = _BLAS_TIMEOUT.replace("code = main()", "code = main(sys.argv[1:])")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    assert _ucla_fit_reports(code, tmp_path / "m.json", env) == "True None"


def test_python_m_exits_with_mains_code_after_an_interrupt_left_an_exec(tmp_path):
    """A KeyboardInterrupt that left an ``exec`` of a string (a dataclass being
    defined) and was handled makes ``python -m`` end by SIGINT (-2) unless
    ``cli.app`` clears CPython's mark; with it cleared the exit code is 130."""
    body = (
        "import sys\n"
        "from logistic.cli.app import _forget_handled_interrupt\n"
        "try:\n"
        "    exec('raise KeyboardInterrupt')\n"
        "except KeyboardInterrupt:\n"
        "    pass\n"
        "if sys.argv[1:] == ['clear']:\n"
        "    _forget_handled_interrupt()\n"
        "sys.exit(130)\n"
    )
    (tmp_path / "interrupted_main.py").write_text(body)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}

    def code(*args: str) -> int:
        cmd = [sys.executable, "-m", "interrupted_main", *args]
        return subprocess.run(cmd, env=env, capture_output=True, timeout=60).returncode

    if code() != -signal.SIGINT:
        pytest.skip("this interpreter does not mark a handled interrupt in exec")
    assert code("clear") == 130


def test_streamed_fit_imports_no_pandas(tmp_path):
    """A streamed fit converted each chunk's columns with pyarrow's to_numpy,
    which imports pandas on its first call, inside a function that cannot
    pass exceptions on: a Ctrl-C or SIGTERM landing in that import (~50 ms
    into the first chunk) was ignored and the fit ran to its end, writing
    its output. The chunks are read from the Arrow buffers now, as in memory."""
    d = pd.read_csv(UCLA)
    d["rank"] = d["rank"] > 2  # a boolean feature and a text target too
    d["admit"] = np.where(d["admit"] == 1, "yes", "no")
    path = tmp_path / "ucla.csv"
    d.to_csv(path, index=False)
    out = tmp_path / "m.json"
    lines = _run("fit", str(path), "--target", "admit", "--stream", "--no-cache", "-o", str(out))
    assert lines[-1] == "pandas imported: False"
    streamed = read_model_file(out).model
    frame = pd.read_csv(path)
    in_memory = logistic.LogisticRegression(penalty=None).fit(
        frame[["gre", "gpa", "rank"]].astype(float), frame["admit"]
    )
    np.testing.assert_allclose(streamed.coef_, in_memory.coef_, rtol=1e-6)
