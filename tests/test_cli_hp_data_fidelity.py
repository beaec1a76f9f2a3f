"""Commands that read data for a saved model read it as ``predict`` does, and
``predict --keep`` copies kept values exactly.

References come from outside the code under test: kept values are the bytes
written to the file (read back with Python's ``csv``), and marginal effects
are the library's ``get_margeff`` on a design matrix built here by hand.
"""

from __future__ import annotations

import csv
import functools
import json

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import run_cli
from test_cli_predict_text_columns import _rows
from test_cli_predict_text_columns import _training as _text_columns_training
from test_read_options import _piped_stdin

# the training file of test_cli_predict_text_columns, 300 rows here
_training = functools.partial(_text_columns_training, n=300)


# -- margins, evaluate and report read the model's categorical columns as text


@pytest.mark.parametrize("levels", [["007", "008", "009"], ["True", "False"]])
@pytest.mark.parametrize("formula", [False, True])
def test_margins_reads_the_model_categories_as_text(workdir, capsys, levels, formula):
    """Fitted on Parquet, where ``cat`` is stored as text; margins on the same
    rows as CSV, where every value of ``cat`` looks like a number or a
    boolean: the levels are the strings seen at fit time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = _training(workdir / "fit.csv", levels)
    d = pd.read_csv(workdir / "fit.csv", dtype={"cat": str})
    pq.write_table(pa.Table.from_pandas(d, preserve_index=False), workdir / "f.parquet")
    model = ["--formula", "y ~ x1 + x2 + C(cat)"] if formula else ["-t", "y"]
    code, _, err = run_cli(capsys, ["fit", "f.parquet", *model, "-o", "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "fit.csv", "--json", "-q"])
    assert code == 0, err
    doc = json.loads(out)
    loaded = logistic.load(workdir / "m.json")
    names = list(loaded.feature_names_in_)
    X = pd.DataFrame({"x1": d.x1, "x2": d.x2})
    for name in names[2:]:  # cat[T.level] or C(cat)[T.level]
        X[name] = (d.cat == name.rsplit("[T.", 1)[1][:-1]) * 1.0
    expected = loaded.inference(X[names], d.y).get_margeff()
    assert doc["nobs"] == len(lines) - 1
    np.testing.assert_allclose(
        [r["effect"] for r in doc["effects"]], expected.margeff, rtol=1e-10
    )


@pytest.mark.parametrize("command", ["evaluate", "report"])
def test_evaluate_and_report_of_a_batch_of_number_like_levels(workdir, capsys, command):
    lines = _training(workdir / "fit.csv", ["007", "x", "y"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    batch = [line for line in lines[1:] if line.split(",")[2] == "007"]
    (workdir / "batch.csv").write_text("\n".join([lines[0], *batch]) + "\n")
    extra = ["-o", "r.html"] if command == "report" else []
    code, _, err = run_cli(capsys, [command, "m.json", "batch.csv", *extra])
    assert code == 0, err
    assert "not seen" not in err


# -- fit refuses a control character in a column name or label before fitting


def _control_file(path, name="x\x1bb", label="n"):
    rows = [(1, 2, label), (2, 1, "y"), (3, 3, label), (4, 1, "y"), (0, 0, "y")]
    body = "".join(f"{a},{b},{c}\n" for a, b, c in rows * 4)
    path.write_bytes(f"{name},x2,y\n{body}".encode())


@pytest.mark.parametrize("stream", [["--stream"], []])
@pytest.mark.parametrize("role", [[], ["--weights", "x\x1bb"]])
def test_fit_refuses_a_control_character_in_a_column_name_up_front(
    workdir, capsys, stream, role
):
    _control_file(workdir / "ctl.csv")
    features = ["--features", "x2"] if role else []
    args = ["fit", "ctl.csv", "-t", "y", "--positive", "y", *features, *role]
    code, _, err = run_cli(capsys, [*args, *stream, "-o", "m.json"])
    assert code == 65
    assert "ctl.csv: column name 'x\\x1bb' holds the control character" in err
    assert "\x1b" not in err  # shown escaped
    assert "Separation" not in err and "streamed" not in err  # no fit ran
    assert not (workdir / "m.json").exists()


def test_streamed_fit_refuses_a_control_character_in_a_label_before_fitting(
    workdir, capsys
):
    _control_file(workdir / "ctl.csv", name="x1", label="n\x07")
    code, _, err = run_cli(
        capsys,
        ["fit", "ctl.csv", "-t", "y", "--positive", "y", "--stream", "-o", "m.json"],
    )
    assert code == 65
    assert "ctl.csv: label 'n\\x07' of target column 'y' holds the control" in err
    assert "Separation" not in err and "\x07" not in err
    assert not (workdir / "m.json").exists()


# -- predict --keep copies every kept value exactly

_TOKENS = ["NA", "N/A", "null", "NULL", "nan", "NaN", "#N/A", "-nan", " NA", "007"]


def _new_data(path):
    """Kept ``id`` values include every missing-value token, an unquoted and a
    quoted empty field and a quoted ``NA``; ``x1`` (a model input) holds
    ``1.50`` and ``NA``; ``cat`` (a model input) holds ``NA``."""
    ids = [*_TOKENS, "", '""', '"NA"']
    x1 = ["1.50", "NA", *["0.25"] * (len(ids) - 2)]
    cat = ["a", "b", "NA", *["c"] * (len(ids) - 3)]
    lines = ["id,x1,x2,cat"] + [
        f"{i},{x},0.5,{c}" for i, x, c in zip(ids, x1, cat, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("keep", [["id"], ["id", "x1", "cat"]])
def test_keep_copies_missing_value_tokens_unchanged(workdir, capsys, keep):
    _training(workdir / "fit.csv", ["a", "b", "c"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    written = _new_data(workdir / "new.csv")
    base = ["predict", "m.json", "new.csv", "--missing", "na"]
    code, plain, err = run_cli(capsys, base)
    assert code == 0, err
    keeps = [a for name in keep for a in ("--keep", name)]
    code, out, err = run_cli(capsys, [*base, *keeps])
    assert code == 0, err
    got = _rows(out)
    for name in keep:
        assert [r[name] for r in got] == [r[name] for r in written]
    # the model still reads NA in x1 and cat as missing, as without --keep
    for ref, row in zip(_rows(plain), got, strict=True):
        assert row["proba"] == ref["proba"] and row["label"] == ref["label"]
    assert [r["proba"] == "" for r in got] == [False, True, True] + [False] * 10
    # an unquoted empty field stays unquoted, a quoted one stays quoted
    assert out.splitlines()[11].startswith(",") and out.splitlines()[12][:3] == '"",'


def test_keep_to_parquet_keeps_tokens_and_empty_fields(workdir, capsys):
    import pyarrow.parquet as pq

    _training(workdir / "fit.csv", ["a", "b", "c"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    _new_data(workdir / "new.csv")
    args = ["predict", "m.json", "new.csv", "--missing", "na", "--keep", "id"]
    code, _, err = run_cli(capsys, [*args, "--keep", "x1", "-o", "p.parquet"])
    assert code == 0, err
    table = pq.read_table(workdir / "p.parquet")
    assert table.column("id").to_pylist() == [*_TOKENS, None, "", "NA"]
    assert table.column("x1").to_pylist()[:3] == ["1.50", "NA", "0.25"]


def test_excel_safe_keeps_a_numeric_column_with_missing_tokens(workdir, capsys):
    _training(workdir / "fit.csv", ["a", "b", "c"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    nums = ["-3", "NA", "+4", "", "null"]
    body = "".join(f"{n},0.1,0.2,a\n" for n in nums)
    (workdir / "new.csv").write_text("num,x1,x2,cat\n" + body)
    args = ["predict", "m.json", "new.csv", "--keep", "num", "--excel-safe"]
    code, out, err = run_cli(capsys, args)
    assert code == 0, err
    assert [r["num"] for r in _rows(out)] == nums


# -- messages name the line a row starts on


def _line_of_row(path, row):
    """The line (header = 1) where 0-based data row ``row`` starts, by Python's
    csv module (blank lines are no rows, as for pyarrow)."""
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        before, k = reader.line_num, -1
        for record in reader:
            if record:
                k += 1
                if k == row:
                    return before + 1
            before = reader.line_num
    raise AssertionError(row)


def _messy_file(path, blank):
    """Every row's note holds a line break; row 7 misses ``x``; ``blank``
    adds blank lines before it."""
    rows = [
        f'{"" if i == 7 else f"{i % 3}.5"},"note {i}\nsecond line",{i % 2}'
        for i in range(12)
    ]
    if blank:
        rows.insert(3, "")
        rows.insert(5, "")
    path.write_text("x,note,y\n" + "\n".join(rows) + "\n")


@pytest.mark.parametrize("blank", [False, True])
def test_a_missing_value_is_named_by_its_line(workdir, capsys, blank):
    _messy_file(workdir / "messy.csv", blank)
    code, _, err = run_cli(
        capsys, ["fit", "messy.csv", "-t", "y", "--drop", "note", "-o", "m.json"]
    )
    assert code == 65, err
    line = _line_of_row(workdir / "messy.csv", 7)
    assert f"line {line}" in err, err
    assert f"line {7 + 2}" not in err


@pytest.mark.parametrize("blank", [False, True])
def test_an_unseen_level_is_named_by_its_line_also_from_standard_input(
    workdir, capsys, monkeypatch, blank
):
    import os

    _training(workdir / "fit.csv", ["a", "b", "c"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    rows = [f'"id\n{i}",0.1,0.2,{"z" if i == 4 else "a"}' for i in range(6)]
    if blank:
        rows.insert(2, "")
    text = "id,x1,x2,cat\n" + "\n".join(rows) + "\n"
    (workdir / "new.csv").write_text(text)
    line = _line_of_row(workdir / "new.csv", 4)
    code, _, err = run_cli(capsys, ["predict", "m.json", "new.csv"])
    assert code == 65 and f"first at line {line})" in err, err
    fd = _piped_stdin(monkeypatch, (text + "\n\n").encode())  # blank lines at the end
    code, _, err = run_cli(capsys, ["predict", "m.json", "-"])
    os.close(fd)
    # a pipe's copy is gone when the message is made: with blank lines among
    # the rows the line is not known, and the message counts data rows
    where = "data row 5" if blank else f"line {line}"
    assert code == 65 and f"first at {where})" in err, err


def test_margins_cluster_labels_are_text(workdir, capsys):
    """``07`` and ``7`` are two clusters, as ``c07`` and ``c7`` are."""
    lines = _training(workdir / "fit.csv", ["a", "b", "c"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    labels = [("07", "7", "8", "08")[i % 4] for i in range(len(lines) - 1)]
    for name, prefix in (("num.csv", ""), ("text.csv", "c")):
        rows = [
            f"{line},{prefix}{g}" for line, g in zip(lines[1:], labels, strict=True)
        ]
        (workdir / name).write_text("\n".join([lines[0] + ",g", *rows]) + "\n")
    docs = []
    for name in ("num.csv", "text.csv"):
        args = ["margins", "m.json", name, "--cov-type", "cluster", "--cluster", "g"]
        args += ["--json", "-q"]
        code, out, err = run_cli(capsys, args)
        assert code == 0, err
        docs.append([r["std_error"] for r in json.loads(out)["effects"]])
    np.testing.assert_allclose(docs[0], docs[1], rtol=1e-12)
