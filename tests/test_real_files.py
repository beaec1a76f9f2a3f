"""Files as users hand them over (issue 12): each test builds the file in
``tmp_path`` and runs the command line on it.

* A European spreadsheet export: ``;`` delimiter, decimal commas, cp1252 with
  CRLF line ends and an accented column name. Without options it is refused
  with one line suggesting the option that reads it; with ``--encoding cp1252
  --decimal ,`` the fit equals the fit of the same numbers written as a plain
  UTF-8 CSV, and statsmodels' ``Logit`` on those numbers (the reference).
* A Titanic-like file: an identifier (``PassengerId``), free text (``Name``,
  one per row) and missing cells.
* Standard input (``-``) and ``/dev/stdin`` through a real pipe.

Exit codes are those of :mod:`logistic.cli._codes` (65 data error, 2 usage).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli

EX_USAGE, EX_DATAERR = 2, 65


def _cli(args: list[str], cwd: Path, stdin: bytes | None = None):
    """The real entry point in a subprocess, ``stdin`` fed through a pipe."""
    return subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
    )


def _one_error_line(err: str) -> str:
    """The single ``error:`` line of stderr (and nothing else)."""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0][len("error: ") :]


# -- a European CSV -------------------------------------------------------------------
def _wine_like(n: int = 120, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Three measurements with two decimals and a 0/1 label drawn from a
    logistic model (not separable)."""
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [
            rng.normal(13.0, 0.8, n),  # Température
            rng.normal(2.3, 0.3, n),  # Acidité
            rng.normal(100.0, 15.0, n),  # Magnésium
        ]
    ).round(2)
    z = 1.2 * (X[:, 0] - 13.0) - 2.0 * (X[:, 1] - 2.3) + 0.02 * (X[:, 2] - 100.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


HEADER = ["Température", "Acidité", "Magnésium", "classe"]


def _write_european(path: Path, X: np.ndarray, y: np.ndarray) -> None:
    rows = [";".join(HEADER)]
    for xi, yi in zip(X, y, strict=True):
        rows.append(";".join(f"{v:.2f}".replace(".", ",") for v in xi) + f";{yi}")
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))


def _write_plain(path: Path, X: np.ndarray, y: np.ndarray) -> None:
    rows = [",".join(HEADER)]
    rows += [
        ",".join(f"{v:.2f}" for v in xi) + f",{yi}" for xi, yi in zip(X, y, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _coefficients(model: Path) -> dict[str, float]:
    from logistic import load

    m = load(model)
    names = list(m.feature_names_in_)
    return {"intercept": float(m.intercept_[0])} | dict(
        zip(names, map(float, m.coef_.ravel()), strict=True)
    )


def test_european_csv_refused_with_the_options_that_read_it(workdir, capsys):
    X, y = _wine_like()
    _write_european(workdir / "vin.csv", X, y)
    fit = ["fit", "vin.csv", "-t", "classe", "-o", "m.json"]

    code, out, err = run_cli(capsys, fit)
    assert code == EX_DATAERR and out == ""
    assert _one_error_line(err) == (
        "vin.csv: line 1 is not UTF-8 text (byte 0xe9 at offset 4); files saved by "
        "Excel or on Windows are often cp1252: pass --encoding cp1252 (or "
        "--encoding latin-1)"
    )
    first = f"{X[0, 0]:.2f}".replace(".", ",")
    code, out, err = run_cli(capsys, [*fit, "--encoding", "cp1252"])
    assert code == EX_DATAERR
    assert _one_error_line(err) == (
        "vin.csv: 3 columns: 'Température', 'Acidité', 'Magnésium' hold numbers "
        f"written with a decimal comma (e.g. '{first}' at line 2), which would be "
        "encoded as categories; pass --decimal , to read them as numbers"
    )
    assert sorted(p.name for p in workdir.iterdir()) == ["vin.csv"]


def test_european_csv_with_options_fits_like_the_plain_file(workdir, capsys):
    import statsmodels.api as sm

    X, y = _wine_like()
    _write_european(workdir / "vin.csv", X, y)
    _write_plain(workdir / "plain.csv", X, y)
    code, _, err = run_cli(
        capsys,
        ["fit", "vin.csv", "-t", "classe", "-o", "eu.json"]
        + ["--encoding", "cp1252", "--decimal", ","],
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, ["fit", "plain.csv", "-t", "classe", "-o", "p.json"])
    assert code == 0, err
    eu, plain = _coefficients(workdir / "eu.json"), _coefficients(workdir / "p.json")
    assert list(eu) == ["intercept", *HEADER[:3]]
    assert eu == plain  # the same numbers, read the same way: bitwise equal
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12).params
    np.testing.assert_allclose(list(eu.values()), reference, rtol=1e-6, atol=1e-8)


def test_many_decimal_comma_columns_are_summarized(workdir, capsys):
    """40 such columns: one line naming five and counting the rest."""
    rng = np.random.default_rng(0)
    names = [f"m{j}" for j in range(40)]
    rows = [";".join([*names, "y"])]
    for i in range(30):
        values = [f"{v:.1f}".replace(".", ",") for v in rng.normal(5, 1, 40)]
        rows.append(";".join([*values, str(i % 2)]))
    (workdir / "wide.csv").write_text("\n".join(rows) + "\n")
    code, _, err = run_cli(capsys, ["fit", "wide.csv", "-t", "y", "-o", "m.json"])
    assert code == EX_DATAERR
    line = _one_error_line(err)
    assert line.startswith(
        "wide.csv: 40 columns: 'm0', 'm1', 'm2', 'm3', 'm4', … and 35 more hold "
        "numbers written with a decimal comma"
    )
    assert len(line) < 300 and line.endswith("pass --decimal , to read them as numbers")


def test_a_decimal_comma_at_predict_time_suggests_the_option(workdir, capsys):
    X, y = _wine_like()
    _write_plain(workdir / "plain.csv", X, y)
    _write_european(workdir / "vin.csv", X, y)
    code, _, _ = run_cli(capsys, ["fit", "plain.csv", "-t", "classe", "-o", "m.json"])
    assert code == 0
    code, out, err = run_cli(
        capsys, ["predict", "m.json", "vin.csv", "--encoding", "cp1252"]
    )
    assert code == EX_DATAERR and out == ""
    assert "pass --decimal , if the file writes numbers with a decimal comma" in err
    code, out, err = run_cli(
        capsys,
        ["predict", "m.json", "vin.csv", "--encoding", "cp1252", "--decimal", ","],
    )
    assert code == 0, err
    code, expected, _ = run_cli(capsys, ["predict", "m.json", "plain.csv"])
    assert out == expected


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--encoding", "klingon"],
            "Invalid value for '--encoding': 'klingon' is not a known text encoding; "
            "e.g. utf-8, cp1252, latin-1 (see 'logistic fit --help')",
        ),
        (
            ["--encoding", "rot13"],
            "Invalid value for '--encoding': 'rot13' is not a text encoding (it is "
            "a rot-13 transform); e.g. utf-8, cp1252, latin-1 (see 'logistic fit "
            "--help')",
        ),
        (
            ["--decimal", ";"],
            "Invalid value for '--decimal': must be . or , got ';' (see 'logistic "
            "fit --help')",
        ),
    ],
)
def test_bad_reading_options_are_usage_errors(workdir, capsys, option, message):
    (workdir / "d.csv").write_text("x,y\n1,0\n2,1\n")
    code, out, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", *option]
    )
    assert (code, out, _one_error_line(err)) == (EX_USAGE, "", message)
    assert not (workdir / "m.json").exists()


# -- a Titanic-like file --------------------------------------------------------------
def _titanic_like(path: Path, n: int = 172, seed: int = 1) -> None:
    """PassengerId 1..n, one Name per passenger, Age missing on every 9th row."""
    rng = np.random.default_rng(seed)
    rows = ["PassengerId,Survived,Pclass,Name,Sex,Age,Fare"]
    for i in range(n):
        sex = ["male", "female"][int(rng.integers(0, 2))]
        pclass = int(rng.integers(1, 4))
        age = "" if i % 9 == 0 else f"{rng.uniform(1, 70):.0f}"
        fare = rng.uniform(5, 100)
        z = 1.5 * (sex == "female") - 0.6 * (pclass - 2) - 0.3
        survived = int(rng.random() < 1 / (1 + np.exp(-z)))
        name = f'"Surname{i}, Mr. Given{i % 7}"'
        rows.append(f"{i + 1},{survived},{pclass},{name},{sex},{age},{fare:.2f}")
    path.write_text("\n".join(rows) + "\n")


def test_titanic_like_file_leaves_out_identifier_and_free_text(workdir, capsys):
    _titanic_like(workdir / "titanic.csv")
    fit = ["fit", "titanic.csv", "-t", "Survived", "-o", "m.json"]
    code, _, err = run_cli(capsys, fit)
    assert code == EX_DATAERR
    assert _one_error_line(err) == (
        "missing values in titanic.csv: column 'Age' (20 row(s), first at line 2, "
        "line 11, line 20); drop those rows with --missing drop or fill them in"
    )
    assert not (workdir / "m.json").exists()

    code, _, err = run_cli(capsys, [*fit, "--missing", "drop"])
    assert code == 0, err
    assert (
        "left out 2 columns that look like identifiers or free text ('PassengerId' "
        "is named like an identifier and differs on every row, 'Name' has 172 "
        "different texts in 172 rows); keep them as features with --include "
        "PassengerId,Name"
    ) in err.splitlines()
    model = json.loads((workdir / "m.json").read_text())
    names = model["encoding"]["feature_names"]
    assert names == ["Pclass", "Sex[T.male]", "Age", "Fare"]
    code, out, err = run_cli(capsys, [*fit, "--missing", "drop", "--json", "--force"])
    assert code == 0, err
    (left_out,) = [n for n in json.loads(out)["notes"] if n.startswith("left out")]
    assert left_out.endswith("--include PassengerId,Name")

    code, _, err = run_cli(
        capsys, [*fit, "--missing", "drop", "--include", "PassengerId", "--force"]
    )
    assert code == 0, err
    model = json.loads((workdir / "m.json").read_text())
    assert model["encoding"]["feature_names"][0] == "PassengerId"
    assert "'Name' has 172 different texts" in err


def test_named_features_are_not_screened(workdir, capsys):
    _titanic_like(workdir / "titanic.csv")
    code, _, err = run_cli(
        capsys,
        ["fit", "titanic.csv", "-t", "Survived", "-o", "m.json"]
        + ["--features", "PassengerId,Sex", "--missing", "drop"],
    )
    assert code == 0, err
    assert "left out" not in err
    model = json.loads((workdir / "m.json").read_text())
    assert model["encoding"]["feature_names"] == ["PassengerId", "Sex[T.male]"]


def test_include_names_a_column_that_exists(workdir, capsys):
    _titanic_like(workdir / "titanic.csv")
    code, _, err = run_cli(
        capsys,
        ["fit", "titanic.csv", "-t", "Survived", "-o", "m.json", "--missing", "drop"]
        + ["--include", "Nmae"],
    )
    assert code == EX_DATAERR
    assert _one_error_line(err).startswith(
        "--include column 'Nmae' not found in titanic.csv (did you mean 'Name'?)"
    )


# -- standard input and pipes ---------------------------------------------------------
def test_fit_and_predict_read_standard_input(tmp_path):
    X, y = _wine_like()
    _write_plain(tmp_path / "plain.csv", X, y)
    data = (tmp_path / "plain.csv").read_bytes()
    done = _cli(["fit", "-", "-t", "classe", "-o", "stdin.json"], tmp_path, data)
    assert done.returncode == 0, done.stderr.decode()
    done = _cli(["fit", "plain.csv", "-t", "classe", "-o", "file.json"], tmp_path)
    assert done.returncode == 0
    assert _coefficients(tmp_path / "stdin.json") == _coefficients(
        tmp_path / "file.json"
    )
    facts = json.loads((tmp_path / "stdin.json").read_text())["training"]["data"]
    import hashlib

    assert facts["sha256"] == hashlib.sha256(data).hexdigest()

    from_file = _cli(["predict", "file.json", "plain.csv"], tmp_path)
    for path in ("-", "/dev/stdin"):
        piped = _cli(["predict", "file.json", path], tmp_path, data)
        assert piped.returncode == 0, piped.stderr.decode()
        assert (
            piped.stdout == from_file.stdout and len(piped.stdout.splitlines()) == 121
        )
    evaluated = _cli(["evaluate", "file.json", "-", "--json"], tmp_path, data)
    assert evaluated.returncode == 0
    assert json.loads(evaluated.stdout)["n_samples"] == 120


def test_dev_stdin_through_a_real_pipe(tmp_path):
    """``/dev/stdin`` fed by a pipe (not a file): read once, not "empty"."""
    X, y = _wine_like()
    _write_european(tmp_path / "vin.csv", X, y)
    proc = subprocess.Popen(
        [sys.executable, "-m", "logistic.cli.app", "fit", "/dev/stdin", "-t"]
        + ["classe", "-o", "m.json", "--encoding", "cp1252", "--decimal", ","],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
    )
    out, err = proc.communicate((tmp_path / "vin.csv").read_bytes(), timeout=120)
    assert proc.returncode == 0, err.decode()
    _write_plain(tmp_path / "plain.csv", X, y)
    assert (
        _cli(["fit", "plain.csv", "-t", "classe", "-o", "p.json"], tmp_path).returncode
        == 0
    )
    assert _coefficients(tmp_path / "m.json") == _coefficients(tmp_path / "p.json")


def test_standard_input_errors_name_it(tmp_path):
    done = _cli(["predict", "m.json", "-"], tmp_path, b"")
    assert (done.returncode, done.stderr.decode()) == (
        66,
        "error: model file m.json does not exist\n",
    )
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    assert _cli(["fit", "d.csv", "-t", "y", "-o", "m.json"], tmp_path).returncode == 0
    done = _cli(["predict", "m.json", "-"], tmp_path, b"")
    assert (done.returncode, done.stderr.decode()) == (
        EX_DATAERR,
        "error: standard input is empty (no header, no data rows)\n",
    )
    done = _cli(["predict", "m.json", "-"], tmp_path, b"x,y\n1,0\nabc,1\n")
    assert done.returncode == EX_DATAERR
    assert done.stderr.decode().startswith(
        "error: column 'x' in standard input is numeric but has non-numeric value "
        "'abc' at line 3"
    )
    done = _cli(["fit", "-", "-t", "y", "-o", "s.json", "--stream"], tmp_path, b"x,y\n")
    assert (done.returncode, done.stderr.decode()) == (
        EX_USAGE,
        "error: --stream reads the data several times, but standard input can be "
        "read only once; save it to a file first\n",
    )
    assert not (tmp_path / "s.json").exists()
