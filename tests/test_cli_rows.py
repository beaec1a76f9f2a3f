"""``predict`` and ``evaluate`` on imperfect files: ``--missing`` and
``--unknown-levels``, one row per input row, ``-o -``.

The Titanic-like files are built here (seeded); every expectation is an exact
row count, the alignment of the output with the input, one stderr line, and
the exit codes of :mod:`logistic.cli._codes`. Probabilities of the rows that
can be scored are checked against a prediction of a file holding only those
rows (the error-free path), and evaluate's log loss against scikit-learn's.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
import sklearn.metrics as skm

from conftest import run_cli
from logistic.cli._codes import EX_DATAERR, EX_OK, EX_USAGE

HEADER = "PassengerId,Name,Sex,Age,Pclass,Survived\n"
#: The new file: rows 2 and 5 have an unseen Sex, rows 3 and 5 a missing Age.
NEW_ROWS = [
    (901, "Kelly", "male", "34.5", 3, 0),
    (902, "Wilkes", "unknown", "47", 3, 1),
    (903, "Myles", "female", "", 2, 1),
    (904, "Wirz", "male", "27", 3, 0),
    (905, "Hirvonen", "other", "", 3, 1),
    (906, "Svensson", "female", "14", 1, 1),
]
SCORED = [901, 904, 906]  # rows with every value known
MISSING = [903, 905]  # a row with both problems counts as missing
UNKNOWN = [902]


def _training_csv(n: int = 120, seed: int = 12) -> str:
    rng = np.random.default_rng(seed)
    lines = [HEADER]
    for i in range(n):
        sex = "female" if rng.random() < 0.4 else "male"
        pclass = int(rng.integers(1, 4))
        age = rng.uniform(1, 70)
        z = 2.5 * (sex == "female") - 0.9 * (pclass - 2) - 0.02 * (age - 30) - 0.8
        survived = int(rng.random() < 1 / (1 + np.exp(-z)))
        cell = "" if i % 9 == 4 else f"{age:.1f}"  # missing cells
        lines.append(f"{i + 1},Passenger {i + 1},{sex},{cell},{pclass},{survived}\n")
    return "".join(lines)


def _write(path, rows, target=True):
    header = HEADER if target else HEADER.replace(",Survived", "")
    body = "".join(
        ",".join(str(v) for v in (row if target else row[:-1])) + "\n" for row in rows
    )
    path.write_text(header + body)
    return path


@pytest.fixture
def titanic(workdir, capsys):
    (workdir / "train.csv").write_text(_training_csv())
    code, _, err = run_cli(
        capsys,
        [
            "fit",
            "train.csv",
            "-t",
            "Survived",
            "--drop",
            "PassengerId,Name",
            "--missing",
            "drop",
            "-o",
            "m.json",
        ],
    )
    assert code == EX_OK, err
    _write(workdir / "new.csv", NEW_ROWS, target=False)
    _write(workdir / "labelled.csv", NEW_ROWS)
    clean = [r for r in NEW_ROWS if r[0] in SCORED]
    _write(workdir / "clean.csv", clean, target=False)
    code, out, err = run_cli(
        capsys, ["predict", "m.json", "clean.csv", "--keep", "PassengerId"]
    )
    assert code == EX_OK, err
    reference = {int(r["PassengerId"]): r for r in csv.DictReader(io.StringIO(out))}
    return workdir, reference


def _predict(capsys, *extra):
    return run_cli(
        capsys, ["predict", "m.json", "new.csv", "--keep", "PassengerId", *extra]
    )


@pytest.mark.parametrize(
    ("missing", "unknown", "first_words"),
    [
        ("error", "error", "error: missing values in new.csv: column 'Age' (2 row(s)"),
        ("error", "na", "error: missing values in new.csv: column 'Age' (2 row(s)"),
        ("drop", "error", "error: column 'Sex' in new.csv has categories not seen"),
        ("na", "error", "error: column 'Sex' in new.csv has categories not seen"),
    ],
)
def test_errors_leave_no_output(titanic, capsys, missing, unknown, first_words):
    workdir, _ = titanic
    code, out, err = _predict(
        capsys, "--missing", missing, "--unknown-levels", unknown, "-o", "p.csv"
    )
    assert code == EX_DATAERR
    assert out == "" and err.startswith(first_words) and err.count("\n") == 1
    assert not (workdir / "p.csv").exists()
    if unknown == "error" and missing != "error":
        assert "--unknown-levels na" in err  # the message names the remedy
    if missing == "error":
        assert "--missing drop" in err


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_missing_drop_unknown_na(titanic, capsys):
    _, reference = titanic
    code, out, err = _predict(capsys, "--missing", "drop", "--unknown-levels", "na")
    assert code == EX_OK, err
    rows = _rows(out)
    # missing rows left out; the unseen level kept, empty; input order kept
    assert [int(r["PassengerId"]) for r in rows] == [901, 902, 904, 906]
    assert [r["proba"] == "" for r in rows] == [False, True, False, False]
    assert all(r["label"] == r["logit"] == "" for r in rows if r["proba"] == "")
    for r in rows:
        if r["proba"]:
            ref = reference[int(r["PassengerId"])]
            assert float(r["proba"]) == pytest.approx(float(ref["proba"]), rel=1e-12)
            assert r["label"] == ref["label"]
    count = [line for line in err.splitlines() if "not scored" in line]
    assert count == [
        "3 of 6 rows not scored: 2 with missing values (--missing drop: left out), "
        "1 with categories not seen at fit time (--unknown-levels na: empty in the "
        "output)"
    ]


def test_na_keeps_one_row_per_input_row(titanic, capsys):
    workdir, reference = titanic
    code, out, err = _predict(
        capsys, "--missing", "na", "--unknown-levels", "na", "-o", "p.csv"
    )
    assert code == EX_OK, err and out == ""
    rows = _rows((workdir / "p.csv").read_text())
    assert [int(r["PassengerId"]) for r in rows] == [r[0] for r in NEW_ROWS]
    empty = [int(r["PassengerId"]) for r in rows if r["proba"] == ""]
    assert empty == sorted(MISSING + UNKNOWN)
    for r in rows:
        if r["proba"]:
            ref = reference[int(r["PassengerId"])]
            assert float(r["logit"]) == pytest.approx(float(ref["logit"]), rel=1e-12)
    assert (
        "3 of 6 rows not scored: 2 with missing values (--missing na: empty in " in err
    )
    assert err.count("not scored") == 1


def test_missing_drop_alone_fails_only_on_unseen_levels(titanic, capsys):
    workdir, _ = titanic
    known = [r for r in NEW_ROWS if r[0] not in UNKNOWN + [905]]
    _write(workdir / "new.csv", known, target=False)
    code, out, err = _predict(capsys, "--missing", "drop")
    assert code == EX_OK, err
    assert [int(r["PassengerId"]) for r in _rows(out)] == [901, 904, 906]
    assert (
        "1 of 4 rows not scored: 1 with missing values (--missing drop: left out)"
        in err
    )


def test_stdout_dash_holds_only_the_csv(titanic, capsys):
    code, out, err = _predict(
        capsys, "--missing", "na", "--unknown-levels", "na", "-o", "-"
    )
    assert code == EX_OK
    assert out.splitlines()[0] == '"PassengerId","proba","label","logit"'
    assert len(out.splitlines()) == 1 + len(NEW_ROWS)
    assert "not scored" in err and "not scored" not in out
    assert not (titanic[0] / "-").exists()


def test_bad_row_options_are_usage_errors(titanic, capsys):
    code, _, err = _predict(capsys, "--missing", "fill")
    assert (code, err) == (
        EX_USAGE,
        "error: --missing must be 'error', 'drop' or 'na', got 'fill'\n",
    )
    code, _, err = _predict(capsys, "--unknown-levels", "drop")
    assert (code, err) == (
        EX_USAGE,
        "error: --unknown-levels must be 'error' or 'na', got 'drop'\n",
    )


def test_evaluate_leaves_out_what_it_cannot_score(titanic, capsys):
    _, reference = titanic
    code, out, err = run_cli(
        capsys,
        [
            "evaluate",
            "m.json",
            "labelled.csv",
            "--missing",
            "na",
            "--unknown-levels",
            "na",
            "--json",
        ],
    )
    assert code == EX_OK, err
    m = json.loads(out)
    assert (m["n_samples"], m["rows_read"]) == (3, 6)
    assert (m["rows_missing"], m["rows_unknown_levels"]) == (2, 1)
    assert err.splitlines()[-1] == (
        "3 of 6 rows not scored: 2 with missing values (--missing na: left out), "
        "1 with categories not seen at fit time (--unknown-levels na: left out)"
    )
    y = [r[-1] for r in NEW_ROWS if r[0] in SCORED]
    p = [float(reference[i]["proba"]) for i in SCORED]
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, p, labels=[0, 1]), rel=1e-9)
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "labelled.csv"])
    assert code == EX_DATAERR and err.count("\n") == 1


def test_evaluate_with_nothing_left_is_an_error(titanic, capsys):
    workdir, _ = titanic
    _write(workdir / "bad.csv", [r for r in NEW_ROWS if r[0] in MISSING])
    code, out, err = run_cli(
        capsys, ["evaluate", "m.json", "bad.csv", "--missing", "drop"]
    )
    assert (code, out) == (EX_DATAERR, "")
    assert err.splitlines()[-1].startswith(
        "error: bad.csv: no rows left to evaluate (2 of 2 rows not scored"
    )


def test_identifiers_left_out_without_drop(titanic, capsys):
    """A new user's fit without --drop: PassengerId and Name are left out by
    the reader's screening, so the model predicts exactly as the fixture's."""
    workdir, reference = titanic
    argv = [
        "fit",
        "train.csv",
        "-t",
        "Survived",
        "--missing",
        "drop",
        "-o",
        "auto.json",
    ]
    code, _, err = run_cli(capsys, argv)
    assert code == EX_OK, err
    assert "PassengerId" in err and "Name" in err  # the note naming them
    code, out, _ = run_cli(
        capsys,
        [
            "predict",
            "auto.json",
            "new.csv",
            "--keep",
            "PassengerId",
            "--missing",
            "na",
            "--unknown-levels",
            "na",
        ],
    )
    assert code == EX_OK
    for r in _rows(out):
        if r["proba"]:
            ref = reference[int(r["PassengerId"])]
            assert float(r["proba"]) == pytest.approx(float(ref["proba"]), rel=1e-9)


def test_pipe_in_and_out(titanic):
    """`cat new.csv | logistic predict m.json - -o -`: CSV alone on stdout."""
    import subprocess
    import sys

    workdir, _ = titanic
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "logistic.cli.app",
            "predict",
            "m.json",
            "-",
            "-o",
            "-",
            "--missing",
            "na",
            "--unknown-levels",
            "na",
            "--keep",
            "PassengerId",
        ],
        input=(workdir / "new.csv").read_bytes(),
        capture_output=True,
        cwd=workdir,
        timeout=120,
    )
    assert proc.returncode == EX_OK, proc.stderr
    rows = _rows(proc.stdout.decode())
    assert [int(r["PassengerId"]) for r in rows] == [r[0] for r in NEW_ROWS]
    assert b"3 of 6 rows not scored" in proc.stderr


def test_report_leaves_out_what_it_cannot_score(titanic, capsys):
    pytest.importorskip("matplotlib")
    workdir, _ = titanic
    labelled = [*NEW_ROWS, (907, "Lund", "male", "22", 1, 0)]  # both classes scored
    _write(workdir / "labelled.csv", labelled)
    argv = ["report", "m.json", "labelled.csv", "-o", "r.html"]
    code, _, err = run_cli(capsys, argv)
    assert code == EX_DATAERR and not (workdir / "r.html").exists()
    code, _, err = run_cli(
        capsys, [*argv, "--missing", "drop", "--unknown-levels", "na"]
    )
    assert code == EX_OK, err
    assert (
        "3 of 7 rows not scored: 2 with missing values (--missing drop: left out)"
        in err
    )
    assert (workdir / "r.html").stat().st_size > 0


def test_formula_model_unknown_level_na(workdir, capsys):
    """A formula's categorical factor (C(rank)): an unseen rank gives an empty
    row; the other rows equal the library's prediction."""
    import logistic
    from conftest import fit_ucla_model

    model = fit_ucla_model(workdir)
    capsys.readouterr()  # the fit's own output
    (workdir / "new.csv").write_text("gre,gpa,rank\n500,3.1,1\n600,3.5,9\n700,,2\n")
    code, out, err = run_cli(
        capsys,
        ["predict", model, "new.csv", "--unknown-levels", "na", "--missing", "na"],
    )
    assert code == EX_OK, err
    rows = _rows(out)
    assert [r["proba"] == "" for r in rows] == [False, True, True]
    fitted = logistic.load(model)
    frame = fitted.feature_names_in_  # gre, gpa, C(rank)[T.2..4]
    x = np.array([[500, 3.1, 0, 0, 0]], dtype=float)
    import pandas as pd

    expected = fitted.predict_proba(pd.DataFrame(x, columns=frame))[0, 1]
    assert float(rows[0]["proba"]) == pytest.approx(expected, rel=1e-12)
    assert "2 of 3 rows not scored: 1 with missing values" in err
    assert "1 with categories not seen at fit time" in err


def test_unknown_levels_in_several_columns_are_all_named(workdir, capsys):
    colors, sizes = ["red", "blue", "green"], ["S", "M", "L"]
    train = ["color,size,x,y"] + [
        f"{colors[i % 3]},{sizes[(i // 3) % 3]},{i % 7},{(i * 7) % 5 > 1:d}"
        for i in range(60)
    ]
    (workdir / "t.csv").write_text("\n".join(train) + "\n")
    code, _, err = run_cli(capsys, ["fit", "t.csv", "-t", "y", "-o", "m.json"])
    assert code == EX_OK, err
    (workdir / "n.csv").write_text("color,size,x\nred,S,1\nred,XL,2\npink,M,3\n")
    code, out, err = run_cli(capsys, ["predict", "m.json", "n.csv", "-o", "p.csv"])
    assert code == EX_DATAERR and out == "" and err.count("\n") == 1
    assert err == (
        "error: 2 columns: 'color', 'size' in n.csv have categories not seen at fit "
        "time (column 'color': ['pink'] (first at line 4); known: ['blue', 'green', "
        "'red']); give those rows empty predictions with --unknown-levels na\n"
    )
    assert not (workdir / "p.csv").exists()
