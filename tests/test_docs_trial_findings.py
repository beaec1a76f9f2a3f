"""Regressions from a trial that ran every example of README.md and docs/*.md
as a new user would: each test is one finding, with the behaviour the docs
promise (docs/cli.md: "Infinite values and non-numbers in a numeric column are
errors naming the line"; exit 65 for bad data)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

INF_ROWS = "x,y\n1,0\n2,1\n3,0\n4,1\n5,{}\n"


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400"])
@pytest.mark.parametrize(
    "how",
    [
        ["-t", "y"],
        ["-t", "y", "--penalty", "l2"],
        ["--formula", "y ~ x"],
        ["-t", "y", "--stream"],
    ],
)
def test_an_infinite_target_value_is_refused_naming_its_line(
    workdir, capsys, value, how
):
    # the value at line 6 read as a third class, a fit, then a save refusing
    # "model file inf.json: field 'encoding.label.levels' ... got None"
    (workdir / "inf.csv").write_text(INF_ROWS.format(value))
    code, out, err = run_cli(capsys, ["fit", "inf.csv", *how, "-o", "inf.json"])
    assert (code, out) == (65, "") and not (workdir / "inf.json").exists()
    assert "column 'y' in inf.csv has a" in err and "value" in err
    assert "at line 6" in err and "model file" not in err


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        ([], "column 'y' in inf.parquet has an infinite value at row 5"),
        (["--stream"], "y has a non-finite value (inf) at row 4 (0-based, global)"),
    ],
)
def test_an_infinite_target_value_in_parquet_is_refused(
    workdir, capsys, stream, message
):
    table = pa.table({"x": [1.0, 2, 3, 4, 5], "y": [0, 1, 0, 1, np.inf]})
    pq.write_table(table, workdir / "inf.parquet")
    code, out, err = run_cli(
        capsys, ["fit", "inf.parquet", "-t", "y", *stream, "-o", "inf.json"]
    )
    assert (code, out) == (65, "") and message in err


def test_an_infinite_value_in_an_evaluated_target_names_its_line(workdir, capsys):
    (workdir / "ok.csv").write_text(INF_ROWS.format("0"))
    assert run_cli(capsys, ["fit", "ok.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    (workdir / "inf.csv").write_text(INF_ROWS.format("inf"))
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "inf.csv"])
    assert (code, out) == (65, "")
    assert "column 'y' in inf.csv has an infinite value at line 6" in err


def test_a_cached_entry_with_an_infinite_label_is_scanned_again(workdir, capsys):
    # a row cache entry whose labels.npy lists inf (as one written before the
    # scan refused such labels) is treated as damaged: the source is scanned
    # again, and the fit finds its two classes, not three
    import json

    from logistic.backends import _cache

    (workdir / "s.csv").write_text(INF_ROWS.format("1"))
    opts = ["-t", "y", "--stream", "--cache-dir", "c", "-q"]
    assert run_cli(capsys, ["fit", "s.csv", *opts, "-o", "a.json"])[0] == 0
    [labels] = list((workdir / "c").rglob("labels.npy"))
    np.save(labels, np.array([0.0, 1.0, np.inf]))
    with pytest.raises(ValueError, match="not a list of labels"):
        _cache._load_labels(labels.parent, None)
    code, _, err = run_cli(capsys, ["fit", "s.csv", *opts, "-o", "b.json"])
    assert code == 0 and "positive class 1, negative 0" in err
    model = json.loads((workdir / "b.json").read_text())["model"]
    assert model["classes"]["values"] == [0.0, 1.0]
