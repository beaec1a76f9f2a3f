"""The bad-input matrix of the CLI: exact message, exit code, no output left behind.

RELIABILITY rows C01, C03, C04, C08, C10-C12, C14, C16-C19, C21, C22 and P04.
Each case runs in ``tmp_path`` (the working directory) and must leave only
the files it created there: no model, prediction or temporary file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import TINY_CSV, data_path, run_cli
from logistic.cli.app import main

GOOD = TINY_CSV
_run = run_cli


@pytest.fixture
def model(workdir, capsys):
    """A valid model file trained on the UCLA data with a formula."""
    data = shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "ucla.csv")
    code, _, err = _run(
        capsys,
        ["fit", data, "--formula", "admit ~ gre + gpa + C(rank)", "-o", "model.json"],
    )
    assert code == 0, err
    return workdir / "model.json"


def _files(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


# (name, files to create {name: bytes}, argv, exit code, exact stderr message)
FIT = ["fit", "data.csv", "-t", "y", "-o", "out.json"]
CASES = [
    ("missing file", {}, FIT, 66, "input file data.csv does not exist"),
    (
        "a directory",
        {"data.csv/": b""},
        FIT,
        66,
        "input data.csv is a directory; a directory of Parquet files is read with "
        "--stream (or on Dask with --workers N)",
    ),
    (
        "empty file",
        {"data.csv": b""},
        FIT,
        65,
        "data.csv is empty (no header, no data rows)",
    ),
    (
        "whitespace only",
        {"data.csv": b"  \n\n"},
        FIT,
        65,
        "data.csv is empty (no header, no data rows)",
    ),
    (
        "header only",
        {"data.csv": b"x,y\n"},
        FIT,
        65,
        "data.csv has a header but no data rows",
    ),
    (
        "corrupt gzip",
        {"data.csv": b"\x1f\x8b\x08\x00garbage"},
        FIT,
        65,
        "data.csv: cannot decompress (gzip): Compressed file ended before the "
        "end-of-stream marker was reached",
    ),
    (
        "missing target",
        {"data.csv": GOOD.replace("y", "Y").encode()},
        FIT,
        65,
        "target column 'y' not found in data.csv (did you mean 'Y'?); available: "
        "'x', 'Y'",
    ),
    (
        "target only",
        {"data.csv": b"y\n0\n1\n"},
        FIT,
        65,
        "data.csv: 0 feature columns left besides the target 'y'; the file needs "
        "at least "
        "one feature",
    ),
    (
        "one class",
        {"data.csv": b"x,y\n1,0\n2,0\n"},
        FIT,
        65,
        "target column 'y' in data.csv has a single class: 0 (n=2); logistic "
        "regression "
        "needs two",
    ),
    (
        "three classes with --positive",
        {"data.csv": b"x,y\n1,0\n2,1\n3,2\n3,2\n"},
        [*FIT, "--positive", "1"],
        65,
        "--positive applies to a target of two classes; the target column 'y' in "
        "data.csv has 3 (0 (n=1), 1 (n=1), 2 (n=2)): for two classes, correct or "
        "drop the rows of the other values (a value in a few rows is often a typo "
        "or a stray label); for a multi-class model of them all, leave --positive "
        "out (--reference chooses its reference class)",
    ),
    (
        "unknown label pair",
        {"data.csv": b"x,y\n1,cat\n2,dog\n"},
        FIT,
        65,
        "target column 'y' in data.csv has values 'cat' (n=1), 'dog' (n=1); which "
        "is the "
        "positive class? pass --positive VALUE",
    ),
    (
        "missing target value",
        {"data.csv": b"x,y\n1,0\n2,\n3,1\n"},
        FIT,
        65,
        "missing values in data.csv: column 'y' (1 row(s), first at line 3); drop "
        "those "
        "rows with --missing drop or fill them in",
    ),
    (
        "NaN in features",
        {"data.csv": b"x,y\n1,0\nNaN,1\n3,0\n,1\n"},
        FIT,
        65,
        "missing values in data.csv: column 'x' (2 row(s), first at line 3, line "
        "5); drop "
        "those rows with --missing drop or fill them in",
    ),
    (
        "garbage in numeric column",
        {"data.csv": b"x,y\n1,0\n2,1\nabc,0\n4,1\n"},
        FIT,
        65,
        "column 'x' in data.csv is numeric but has non-numeric value 'abc' at line "
        "4 (1 "
        "such value(s)); fix the data or mark missing values with an empty field or NA",
    ),
    (
        "infinite value",
        {"data.csv": b"x,y\n1,0\n1e400,1\n"},
        FIT,
        65,
        "column 'x' in data.csv has an infinite value (inf) at line 3; only finite "
        "numbers are allowed (a number beyond float64's ±1.8e308, such as 1e999, "
        "reads as infinite)",
    ),
    (
        "wrong delimiter",
        {"data.csv": b"x;y\n1;0\n2;1\n"},
        [*FIT, "--sep", ","],
        65,
        "target column 'y' not found in data.csv; the header was read as one "
        "column with delimiter ',': pass --sep ';' (the header holds 2 fields "
        "separated by semicolons); available: 'x;y'",
    ),
    (
        "ragged row",
        {"data.csv": b"x,y\n1,0\n2\n"},
        FIT,
        65,
        "data.csv: cannot read CSV: line 3: expected 2 fields, saw 1 (delimiter ','; "
        "pass --sep if that is wrong)",
    ),
    (
        "not UTF-8",
        {"data.csv": b"x,c,y\n1,caf\xe9,0\n2,b,1\n"},
        FIT,
        65,
        "data.csv: line 2 is not UTF-8 text (byte 0xe9 at offset 11); files saved "
        "by Excel or on Windows are often cp1252: pass --encoding cp1252 (or "
        "--encoding latin-1)",
    ),
    (
        "duplicate header",
        {"data.csv": b"x,x,y\n1,2,0\n"},
        FIT,
        65,
        "data.csv: duplicate column name(s) ['x'] in the header; rename them so every "
        "column is unique",
    ),
    (
        "corrupt parquet",
        {"data.parquet": b"PAR1 this is not parquet"},
        ["fit", "data.parquet", "-t", "y", "-o", "out.json"],
        65,
        "data.parquet: cannot read Parquet: Parquet magic bytes not found in footer. "
        "Either the file is corrupted or this is not a parquet file.",
    ),
    (
        "CSV renamed parquet",
        {"data.parquet": GOOD.encode()},
        ["fit", "data.parquet", "-t", "y", "-o", "out.json"],
        65,
        "data.parquet: cannot read Parquet: the file does not start with Parquet's "
        "magic bytes (PAR1); if it holds CSV text, pass --format csv",
    ),
    (
        "output in a missing directory",
        {"data.csv": GOOD.encode()},
        [*FIT[:-1], "nodir/out.json"],
        73,
        "cannot create nodir/out.json: directory nodir does not exist",
    ),
    (
        # said "directory data.csv does not exist"
        "output under a file",
        {"data.csv": GOOD.encode()},
        [*FIT[:-1], "data.csv/out.json"],
        73,
        "cannot create data.csv/out.json: data.csv is not a directory",
    ),
    (
        "checkpoint under a file",
        {"data.csv": GOOD.encode()},
        [*FIT, "--checkpoint", "data.csv/ck.json"],
        73,
        "cannot create checkpoint data.csv/ck.json: data.csv is not a directory",
    ),
    (
        # said "--checkpoint ck.json and --output ck.json.prev are the same file"
        "output is the checkpoint's previous copy",
        {"data.csv": GOOD.encode()},
        [*FIT[:-1], "ck.json.prev", "--checkpoint", "ck.json"],
        2,
        "--output ck.json.prev is the checkpoint's previous copy ck.json.prev (the "
        "checkpoint is written over ck.json.prev at every iteration); give "
        "--checkpoint a path of its own",
    ),
    (
        "output is the input",
        {"data.csv": GOOD.encode()},
        [*FIT[:-1], "data.csv", "--force"],
        73,
        "refusing to write data.csv: it is the input file data.csv",
    ),
    (
        "bad --missing",
        {"data.csv": GOOD.encode()},
        [*FIT, "--missing", "fill"],
        2,
        "--missing must be 'error' or 'drop', got 'fill'",
    ),
    (
        "bad --class-weight",
        {"data.csv": GOOD.encode()},
        [*FIT, "--class-weight", "x"],
        2,
        "--class-weight must be 'balanced' or a weight per class, LABEL=W,... "
        "(keyed by the target's labels: 'Stayed=1,Churned=2' for two classes, "
        "'setosa=2,versicolor=1,virginica=1' for three, a class left out weighing "
        "1; with two classes also by code, '0=W0,1=W1'); got 'x': 'x' has no '='",
    ),
    (
        "--class-weight leaving one class",
        {"data.csv": GOOD.encode()},
        [*FIT, "--class-weight", "0=0"],
        2,
        "--class-weight 0=0: a class's weight must be a finite number > 0 (a class "
        "of weight 0 leaves no rows of it to fit); leave the class out of "
        "--class-weight for weight 1",
    ),
]


@pytest.mark.parametrize(
    ("files", "argv", "code", "message"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_input(workdir, capsys, files, argv, code, message):
    for name, content in files.items():
        if name.endswith("/"):
            (workdir / name).mkdir()
        else:
            (workdir / name).write_bytes(content)
    before = _files(workdir)
    got, out, err = _run(capsys, argv)
    assert (got, err) == (code, f"error: {message}\n")
    assert out == ""
    assert _files(workdir) == before  # no output, no temporary file


def test_json_failure_summary_on_stdout(workdir, capsys):
    code, out, err = _run(capsys, ["fit", "nope.csv", "-t", "y", "--json"])
    assert code == 66
    assert json.loads(out) == {
        "ok": False,
        "exit_code": 66,
        "error": "input file nope.csv does not exist",
    }


def test_bom_in_header_is_read(workdir, capsys):
    (workdir / "data.csv").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    code, out, err = _run(capsys, [*FIT, "--json"])
    assert code == 0, err
    assert json.loads(out)["feature_names"] == ["x"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_unreadable_file(workdir, capsys):
    p = workdir / "data.csv"
    p.write_text(GOOD)
    p.chmod(0)
    code, _, err = _run(capsys, FIT)
    assert (code, err) == (
        66,
        "error: input file data.csv is not readable (permission denied)\n",
    )


def test_existing_output_refused_then_forced(workdir, capsys):
    (workdir / "data.csv").write_text(GOOD)
    (workdir / "out.json").write_bytes(b"precious")
    code, _, err = _run(capsys, FIT)
    assert (code, err) == (
        73,
        "error: out.json already exists; pass --force to overwrite it\n",
    )
    assert (workdir / "out.json").read_bytes() == b"precious"
    code, _, err = _run(capsys, [*FIT, "--force"])
    assert code == 0, err
    assert (
        (workdir / "out.json").read_text().startswith('{\n  "format": "logistic-model"')
    )
    assert _files(workdir) == {"data.csv", "out.json"}


# -- predict / evaluate with bad inputs ------------------------------------------------
def _predict_cases(model: Path) -> list:
    raw = model.read_bytes()
    return [
        (
            "missing columns",
            {"new.csv": b"gre,other\n500,1\n"},
            ["predict", model, "new.csv", "-o", "p.csv"],
            65,
            "2 model input columns ('gpa', 'rank') not found in new.csv; available: "
            "'gre', 'other'",
        ),
        (
            "unseen category",
            {"new.csv": b"gre,gpa,rank\n500,3.1,1\n600,3.5,9\n"},
            ["predict", model, "new.csv", "-o", "p.csv"],
            65,
            "column 'rank' in new.csv has categories not seen at fit time: [9] "
            "(first at line 3); known: [1, 2, 3, 4]; give those rows empty "
            "predictions with --unknown-levels na",
        ),
        (
            "missing value",
            {"new.csv": b"gre,gpa,rank\n500,,1\n"},
            ["predict", model, "new.csv", "-o", "p.csv"],
            65,
            "missing values in new.csv: column 'gpa' (1 row(s), first at line 2); drop "
            "those rows with --missing drop or fill them in",
        ),
        (
            "truncated model",
            {"m.json": raw[:40], "new.csv": b"gre,gpa,rank\n500,3,1\n"},
            ["predict", "m.json", "new.csv", "-o", "p.csv"],
            65,
            "model file m.json is truncated or corrupt (invalid JSON: Unterminated "
            "string "
            "starting at: line 3 column 3 (char 34)); re-create it with 'logistic fit'",
        ),
        (
            "edited model",
            {
                "m.json": raw.replace(b'"gre"', b'"GRE"', 1),
                "new.csv": b"gre,gpa,rank\n500,3,1\n",
            },
            ["predict", "m.json", "new.csv", "-o", "p.csv"],
            65,
            "model file m.json is corrupt: its sha256 checksum does not match its "
            "content "
            "(edited, truncated or damaged); re-create it with 'logistic fit'",
        ),
        (
            "foreign model",
            {"m.json": b'{"weights": [1, 2]}', "new.csv": b"a\n1\n"},
            ["predict", "m.json", "new.csv", "-o", "p.csv"],
            65,
            'm.json is not a logistic model file (no "format": "logistic-model" field)',
        ),
        (
            "pickle as model",
            {"m.json": b"\x80\x04\x95\x05\x00", "new.csv": b"a\n1\n"},
            ["predict", "m.json", "new.csv", "-o", "p.csv"],
            65,
            "m.json is not a logistic model file (expected JSON starting with "
            '{"format": "logistic-model", ...})',
        ),
        (
            "missing model",
            {"new.csv": b"a\n1\n"},
            ["predict", "nope.json", "new.csv", "-o", "p.csv"],
            66,
            "model file nope.json does not exist",
        ),
        (
            "bad output suffix",
            {"new.csv": b"gre,gpa,rank\n500,3,1\n"},
            ["predict", model, "new.csv", "-o", "p.txt"],
            2,
            "--output must end in .csv or .parquet, got 'p.txt'",
        ),
        (
            "target values unknown",
            {"new.csv": b"admit,gre,gpa,rank\n7,500,3,1\n"},
            ["evaluate", model, "new.csv"],
            65,
            "target column 'admit' in new.csv has values the model was not trained on: "
            "7 (n=1) (expected 0 or 1)",
        ),
    ]


def test_predict_and_evaluate_bad_inputs(model, workdir, capsys):
    for name, files, argv, code, message in _predict_cases(model):
        for fname, content in files.items():
            (workdir / fname).write_bytes(content)
        before = _files(workdir)
        got, out, err = _run(capsys, argv)
        assert (got, err) == (code, f"error: {message}\n"), name
        assert _files(workdir) == before, name
        for fname in files:
            (workdir / fname).unlink()


def test_usage_errors_exit_2(workdir, capsys):
    (workdir / "data.csv").write_text(GOOD)
    code, _, err = _run(capsys, [*FIT, "--no-such-option"])
    assert code == 2 and "No such option: --no-such-option" in err
    code, _, err = _run(capsys, [*FIT, "--penalty", "l7"])
    assert code == 2 and "penalty" in err and "l7" in err
    assert _files(workdir) == {"data.csv"}


def test_debug_shows_traceback(workdir, capsys):
    # --debug adds the traceback; the exit code is the one without it (66)
    code = main(["fit", "nope.csv", "-t", "y", "--debug"])
    err = capsys.readouterr().err
    assert code == 66
    assert "Traceback (most recent call last)" in err and "FileNotFoundError" in err
    assert err.rstrip().splitlines()[-1].startswith("error: ")


def test_write_failure_exit_74_and_old_file_kept(workdir, capsys, monkeypatch):
    (workdir / "data.csv").write_text(GOOD)
    (workdir / "out.json").write_bytes(b"old")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    code, _, err = _run(capsys, [*FIT, "--force"])
    assert (code, err) == (
        74,
        "error: error writing out.json: No space left on device\n",
    )
    assert (workdir / "out.json").read_bytes() == b"old"
    assert _files(workdir) == {"data.csv", "out.json"}


def test_output_symlink_and_hardlink_to_input_refused(workdir, capsys):
    (workdir / "data.csv").write_text(GOOD)
    os.symlink(workdir / "elsewhere.json", workdir / "link.json")
    code, _, err = _run(capsys, [*FIT[:-1], "link.json", "--force"])
    assert (code, err) == (
        73,
        "error: refusing to write link.json: it is a symbolic link\n",
    )
    os.link(workdir / "data.csv", workdir / "hard.json")
    code, _, err = _run(capsys, [*FIT[:-1], "hard.json", "--force"])
    assert (code, err) == (
        73,
        "error: refusing to write hard.json: it is the input file data.csv\n",
    )
    assert (workdir / "data.csv").read_text() == GOOD


@pytest.mark.parametrize(
    "fault",
    ["SchedulerLostError", "EvaluationTimeoutError", "WorkerMemoryError"],
)
def test_dask_cluster_faults_exit_74_with_their_own_message(
    workdir, capsys, monkeypatch, fault
):
    from logistic import LogisticRegression
    from logistic.backends import _dask_faults

    message = f"the cluster failed ({fault})"

    def failing_fit(self, *args, **kwargs):
        raise getattr(_dask_faults, fault)(message)

    (workdir / "data.csv").write_text(GOOD)
    monkeypatch.setattr(LogisticRegression, "fit", failing_fit)
    code, out, err = _run(capsys, FIT)
    assert (code, out, err) == (74, "", f"error: {message}\n")
    assert _files(workdir) == {"data.csv"}
