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
from logistic.cli.app import app, main

COMMANDS = [
    "fit",
    "predict",
    "evaluate",
    "report",
    "summary",
    "export",
    "demo",
    "derive",
]


def test_every_command_is_registered_with_help_and_example(capsys):
    registered = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
    assert registered == sorted(COMMANDS)
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
    ]
    # R: glm(admit ~ gre + gpa + factor(rank)) intercept -3.989979, rank4 -1.551464
    assert "-3.990" in out and "-1.551" in out and "roc_auc" in out
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
    assert "std_error" not in info["coefficients"][0]  # no covariance stored


# -- the installed entry point, as a real process --------------------------------------
def _default_sigint() -> None:
    # a child of a background job inherits SIGINT ignored; a user's shell does not
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(*args: str, **kw) -> subprocess.Popen:
    exe = os.path.join(os.path.dirname(sys.executable), "logistic")
    cmd = [exe] if os.path.exists(exe) else [sys.executable, "-m", "logistic.cli.app"]
    return subprocess.Popen(
        [*cmd, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
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


@pytest.mark.slow
def test_sigint_exits_130_without_output(tmp_path):
    # a9a takes seconds to read and fit: interrupt it midway
    out = tmp_path / "m.json"
    p = _cli("fit", str(data_path("a9a", "a9a.gz")), "-o", str(out))
    maps = f"/proc/{p.pid}/maps"
    deadline = time.monotonic() + 60
    while os.path.exists(maps) and time.monotonic() < deadline:  # imports done
        with open(maps) as fh:
            if "scipy" in fh.read():
                break
        time.sleep(0.1)
    time.sleep(1.5)
    assert p.poll() is None, "the fit finished before it could be interrupted"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert err.strip().endswith("interrupted")
    assert list(tmp_path.iterdir()) == []


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


def test_iteration_sink_turns_solver_lines_into_status():
    from logistic.cli._common import IterationSink

    seen: list[str] = []
    sink = IterationSink(seen.append)
    sink.write("[newton] iter=3 objective=0.57 grad_max_norm=1e-05 time=0.1\n[lb")
    sink.write("fgs] iter=4 objective=0.5\nnoise without fields\n")
    assert seen == [
        "fitting (newton): iteration 3, objective 0.57, max|grad| 1e-05",
        "fitting (lbfgs): iteration 4, objective 0.5, max|grad| ?",
    ]


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
            "error: export needs the 'onnx' extra: pip install 'logistic[onnx]'",
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
    assert capsys.readouterr().err.startswith(message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "m.json"]
