"""Every command: help text with an example, demo, derive, summary; the real entry "
"point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import data_path
from logistic.cli.app import COMMANDS as REGISTERED
from logistic.cli.app import command_function, main

COMMANDS = [
    "fit",
    "predict",
    "evaluate",
    "report",
    "summary",
    "margins",
    "test",
    "export",
    "demo",
    "derive",
    "cache",
]


def test_every_command_is_registered_with_help_and_example(capsys):
    assert sorted(REGISTERED) == sorted(COMMANDS)
    assert all(command_function(name).__name__ == name for name in COMMANDS)
    for name in COMMANDS:
        assert main([name, "--help"]) == 0
        out = capsys.readouterr().out
        assert "Example: logistic " + name in " ".join(out.split()), name


def test_no_arguments_shows_usage(capsys):
    assert main([]) in (0, 2)
    assert "Usage" in capsys.readouterr().out


def test_demo_end_to_end(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--output-dir", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "model.json",
        "predictions.csv",
        "report.html",
        "ucla_admissions.csv",  # the data the printed commands name
    ]
    # R: glm(admit ~ gre + gpa + factor(rank)) intercept -3.989979, rank4 -1.551464
    assert "-3.990" in out and "-1.551" in out and "roc_auc" in out
    # every printed command runs again as shown, from any directory
    import shlex

    shown = [line[2:] for line in out.splitlines() if line.startswith("$ logistic ")]
    assert len(shown) == 5
    evaluate = next(c for c in shown if c.startswith("logistic evaluate"))
    assert main(shlex.split(evaluate)[1:]) == 0
    # a second run into the same directory needs --force
    assert main(["demo", "--output-dir", str(out_dir)]) == 73
    assert main(["demo", "--output-dir", str(out_dir), "--force"]) == 0


def test_demo_default_directory_is_new_and_printed(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["demo"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(f"output directory: {tmp_path}/logistic-demo-")


@pytest.mark.slow
def test_derive_prints_and_succeeds(capsys):
    assert main(["derive"]) == 0
    assert capsys.readouterr().out.strip()


def test_derive_exits_nonzero_when_a_step_fails(capsys, monkeypatch):
    from types import SimpleNamespace

    from logistic import derivation

    steps = [SimpleNamespace(passed=True), SimpleNamespace(passed=False)]
    monkeypatch.setattr(derivation, "verify", lambda: steps)
    monkeypatch.setattr(derivation, "render", lambda results: "step 2 FAILED")
    assert main(["derive"]) == 1
    assert "step 2 FAILED" in capsys.readouterr().out


def test_summary_of_model_saved_from_python(tmp_path, capsys):
    import logistic

    X, y, _ = logistic.datasets.load_ucla_admissions()
    logistic.save(logistic.LogisticRegression().fit(X, y), tmp_path / "m.json")
    assert main(["summary", str(tmp_path / "m.json"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [r["term"] for r in info["coefficients"]][:2] == ["Intercept", "x1"]
    # logistic.save stores the covariance of an unpenalized fit: statsmodels' SEs
    import numpy as np
    import statsmodels.api as sm

    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-14).bse
    got = [r["std_error"] for r in info["coefficients"]]
    np.testing.assert_allclose(got, ref, rtol=1e-6)


def test_summary_of_model_saved_from_python_with_named_features(tmp_path, capsys):
    import pandas as pd

    import logistic

    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    model = logistic.LogisticRegression().fit(frame[["gre", "gpa"]], frame["admit"])
    logistic.save(model, tmp_path / "m.json")
    assert main(["summary", str(tmp_path / "m.json"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [r["term"] for r in info["coefficients"]] == ["Intercept", "gre", "gpa"]
    assert main(["summary", str(tmp_path / "m.json")]) == 0
    out = capsys.readouterr().out
    assert "gre" in out and "gpa" in out


# -- the installed entry point, as a real process --------------------------------------
def _cli(*args: str, **kw) -> subprocess.Popen:
    exe = os.path.join(os.path.dirname(sys.executable), "logistic")
    cmd = [exe] if os.path.exists(exe) else [sys.executable, "-m", "logistic.cli.app"]
    return subprocess.Popen(
        [*cmd, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_entry_point_smoke(tmp_path):
    p = _cli(
        "fit",
        str(data_path("ucla-admissions", "binary.csv")),
        "-t",
        "admit",
        "-o",
        str(tmp_path / "m.json"),
        "--json",
    )
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert json.loads(out)["rows_used"] == 400
    p = _cli("summary", str(tmp_path / "nope.json"))
    _, err = p.communicate(timeout=60)
    assert (p.returncode, err) == (
        66,
        f"error: model file {tmp_path}/nope.json does not exist\n",
    )


def _dense_a9a_csv(path) -> None:
    """a9a (32,561 rows, 123 binary features) as a dense CSV: a fit of seconds."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from logistic.tabular import read_data

    raw = read_data(data_path("a9a", "a9a.gz"))
    X = raw.X.toarray()
    columns = {f"x{j + 1}": X[:, j] for j in range(X.shape[1])}
    pacsv.write_csv(pa.table({**columns, "label": raw.labels}), path)


def _wait_for_mapping(pid: int, library: str, timeout: float) -> bool:
    """Whether process ``pid`` maps a shared object named ``library`` in time."""
    deadline = time.monotonic() + timeout
    maps = f"/proc/{pid}/maps"
    while time.monotonic() < deadline:
        try:
            with open(maps) as fh:
                if library in fh.read():
                    return True
        except FileNotFoundError:  # the process is gone
            return False
        time.sleep(0.01)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc")
def test_sigint_exits_130_without_output(tmp_path):
    data = tmp_path / "a9a.csv"
    _dense_a9a_csv(data)
    out = tmp_path / "m.json"
    p = _cli("fit", str(data), "-t", "label", "-o", str(out))
    # pyarrow is first loaded when fit reads the file: the entry point's imports
    # are done, and the fit has seconds to go, however loaded the machine is
    assert _wait_for_mapping(p.pid, "libarrow", timeout=120), p.communicate()
    assert p.poll() is None, "the fit finished before it could be interrupted"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert err.strip().endswith("interrupted")
    assert "Traceback" not in err
    assert sorted(tmp_path.iterdir()) == [data]


def test_predict_with_model_saved_from_python(tmp_path, capsys):
    import numpy as np
    import pandas as pd

    import logistic

    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X, y = frame[["gre", "gpa"]], frame["admit"]
    model = logistic.LogisticRegression().fit(X, y)
    logistic.save(model, tmp_path / "m.json")
    assert (
        main(
            [
                "predict",
                str(tmp_path / "m.json"),
                str(data_path("ucla-admissions", "binary.csv")),
                "-o",
                str(tmp_path / "p.csv"),
            ]
        )
        == 0
    )
    got = pd.read_csv(tmp_path / "p.csv")
    assert np.allclose(got["proba"], model.predict_proba(X)[:, 1], rtol=1e-15)
    assert (got["label"] == model.predict(X)).all()


def test_progress_line_comes_from_the_fit_callback():
    from logistic.cli._progress import FitProgress, iteration_text

    entry = {"iter": 3, "objective": 0.5712345678, "grad_max_norm": 1.23456e-05}
    assert iteration_text(entry) == (
        "iteration 3, objective 0.571235, max|grad| 1.23e-05"
    )
    assert iteration_text({"iter": 1}) == "iteration 1, objective ?, max|grad| ?"
    seen: list[str] = []

    class Status:
        def update(self, text: str) -> None:
            seen.append(text)

    progress = FitProgress()
    progress._status = Status()
    progress({"rows": 1000, "seconds": 0.5})
    progress.on_iteration(entry)
    assert seen == [
        "pass 1: 1,000 rows, 2,000 rows/s",
        "pass 1: 1,000 rows, 2,000 rows/s | fitting: iteration 3, objective "
        "0.571235, max|grad| 1.23e-05",
    ]


@pytest.mark.parametrize("stream", [False, True])
def test_fit_shows_iterations_on_a_terminal(tmp_path, capsys, monkeypatch, stream):
    from contextlib import contextmanager

    from logistic.cli import _progress

    shown: list[str] = []

    class Status:
        def update(self, text: str) -> None:
            shown.append(text)

    @contextmanager
    def fake_status(message):
        shown.append(message)
        yield Status()

    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.setattr(_progress, "show_progress", lambda: True)
    monkeypatch.setattr(_progress.err_console, "status", fake_status)
    data = str(data_path("ucla-admissions", "binary.csv"))
    argv = ["fit", data, "-t", "admit", "-o", str(tmp_path / "m.json")]
    assert main(argv + (["--stream"] if stream else [])) == 0
    fitting = [t for t in shown if "fitting: iteration" in t]
    assert fitting and "objective" in fitting[-1] and "max|grad|" in fitting[-1]
    if stream:
        assert shown[0].startswith("scanning ") and any("pass 1:" in t for t in shown)


def test_predict_excel_safe_touches_only_text(tmp_path, capsys):
    import pandas as pd

    data = tmp_path / "d.csv"
    data.write_text(
        "id,code,x,y\n=1+1,-3,1.0,0\n@SUM(A1),+4,2.0,1\nplain,5,3.0,0\n-x,6,4.0,1\n"
    )
    assert (
        main(
            [
                "fit",
                str(data),
                "-t",
                "y",
                "--features",
                "x",
                "-o",
                str(tmp_path / "m.json"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "predict",
                str(tmp_path / "m.json"),
                str(data),
                "--keep",
                "id,code",
                "--excel-safe",
                "-o",
                str(tmp_path / "p.csv"),
            ]
        )
        == 0
    )
    out = pd.read_csv(tmp_path / "p.csv", dtype={"id": str})
    assert out["id"].tolist() == ["'=1+1", "'@SUM(A1)", "plain", "'-x"]
    assert out["code"].tolist() == [-3, 4, 5, 6]  # numbers unchanged


@pytest.mark.parametrize(
    ("module", "argv", "message"),
    [
        (
            "matplotlib",
            ["report", "m.json", "d.csv", "-o", "r.html"],
            "error: report needs matplotlib: pip install 'logistic[plot]'",
        ),
        (
            "onnx",
            ["export", "m.json", "--onnx", "m.onnx"],
            "error: export needs the 'onnx' extra, not installed: pip install "
            "'logistic[onnx]' (from a clone: pip install '.[onnx]') or pip install "
            "onnx (",
        ),
    ],
)
def test_missing_optional_extra_is_a_usage_error(
    tmp_path, capsys, monkeypatch, module, argv, message
):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fit", "d.csv", "-t", "y", "-o", "m.json"]) == 0
    capsys.readouterr()
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("pip install 'logistic[") == 1, err  # the hint once, not nested
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "m.json"]


@pytest.mark.parametrize(
    ("module", "argv", "package"),
    [
        ("typer", ["--help"], "typer"),  # the command line itself
        ("typer", ["fit", "d.csv", "-t", "y", "-o", "n.json"], "typer"),
        ("pyarrow", ["fit", "d.csv", "-t", "y", "-o", "n.json"], "pyarrow"),
        (
            "formulaic",
            ["fit", "d.csv", "--formula", "y ~ x", "-o", "n.json"],
            "formulaic",
        ),
    ],
)
def test_missing_cli_extra_names_it(
    tmp_path, capsys, monkeypatch, module, argv, package
):
    """Without the cli extra's modules a command said 'internal error:
    ModuleNotFoundError: No module named ...' (exit 1); it names the extra."""
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: "), err
    assert (
        " needs the 'cli' extra, not installed: pip install 'logistic[cli]' "
        f"(from a clone: pip install '.[cli]') or pip install {package} ("
    ) in err, err
    assert "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_an_extra_too_old_is_not_called_missing(tmp_path, capsys, monkeypatch):
    """An installed extra's module that lacks a name (too old a version)
    raises ImportError, not ModuleNotFoundError: it was reported as 'the 'cli'
    extra, not installed'; it is no missing extra."""
    import importlib

    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    monkeypatch.chdir(tmp_path)
    real = importlib.import_module

    def old_formulaic(name, *args, **kwargs):
        if name == "formulaic":
            raise ImportError("cannot import name 'Formula'", name="formulaic")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", old_formulaic)
    code = main(["fit", "d.csv", "--formula", "y ~ x", "-o", "n.json"])
    err = capsys.readouterr().err
    assert "not installed" not in err, err
    assert "cannot import name 'Formula'" in err
    assert code != 0
