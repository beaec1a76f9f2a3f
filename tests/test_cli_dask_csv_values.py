"""``fit data.csv --workers N``: a value Dask cannot read is named as the
streamed fit names it, in one line.

* A text value in a numeric column past Dask's dtype sample: pandas' "could
  not convert string to float: 'n/a-text'" named neither the column nor the
  line ("partition 0 failed: ValueError: ..."), after the worker's "Compute
  Failed" log. The file is read again by the streamed reader up to the value.
* An empty target field past the sample: Dask's 600-character "Mismatched
  dtypes found in pd.read_csv ... | y | float64 | int64 |" in place of the
  streamed fit's missing-value error; the target column is read again, as
  text, for it. The labels keep Dask's inferred type: integer labels stay
  integers in the model file, as ``--stream`` stores them. A word among
  integer labels there makes them text, as the whole file reads them.

Run in a fresh interpreter: the workers' standard error is the CLI's own.
The cases about the text value and the late words start their own cluster
(``--workers 1``, whose workers share that standard error and whose option
the refusal names); the others read on the session's shared cluster
(``--scheduler``, conftest's ``dask_scheduler``: one cluster start, its
workers' standard error checked as the command's), those that check labels,
warnings and coefficients in this process.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli, run_cli_process

pytest.importorskip("distributed")


def _frame(n: int = 60_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": y})


def _fit(directory, *mode: str) -> tuple[int, str, str]:
    """A fit in a fresh interpreter: the Dask fits, whose workers share its
    standard error. One worker: a CSV file under its 64 MB block is one
    partition, read on one worker however many there are."""
    return run_cli_process(directory, ["fit", "d.csv", "-t", "y", *mode, "-o", "m.json", "-q"])


def _fit_here(capsys, *mode: str) -> tuple[int, str, str]:
    """A fit in this process (run from the data's folder): the in-memory or
    streamed fit, or a Dask fit on the shared cluster whose labels, warnings
    or coefficients are checked, not its whole standard error."""
    return run_cli(capsys, ["fit", "d.csv", "-t", "y", *mode, "-o", "m.json", "-q"])


def test_a_text_value_in_a_numeric_column_is_named_by_column_and_line(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    frame = _frame()
    frame["b"] = frame["b"].astype(object)
    frame.loc[50_000, "b"] = "n/a-text"  # line 50002: past the 1 MB the plan reads
    frame.to_csv(tmp_path / "d.csv", index=False)
    said = (
        "error: column 'b' in d.csv is numeric but has non-numeric value 'n/a-text' "
        "at line 50002 (1 such value(s)); fix the data or mark missing values with an "
        "empty field or NA\n"
    )
    # the streamed fit in a fresh interpreter too: in a process whose Arrow
    # thread pool started while a LocalCluster's OMP_NUM_THREADS=1 was set
    # (another test's, in the same xdist worker), pyarrow's message holds
    # "Row #50002: " and the fit said "cannot read d.csv: ArrowInvalid: ..."
    # (reported: `OMP_NUM_THREADS=1 logistic fit d.csv -t y --stream`)
    assert _fit(tmp_path, "--stream") == (65, "", said)
    assert _fit(tmp_path, "--workers", "1") == (65, "", said)
    assert not (tmp_path / "m.json").exists()


def test_an_empty_target_field_is_a_missing_value(tmp_path, dask_scheduler):
    frame = _frame()
    frame["y"] = frame["y"].astype(object)
    frame.loc[50_000, "y"] = None  # an empty field past the 1 MB the plan reads
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, out, err = _fit(tmp_path, "--scheduler", dask_scheduler)
    assert (code, out) == (65, "")
    assert err.startswith("error: missing values in d.csv: column 'y' (first at line 50002)"), err
    assert err.count("\n") == 1 and "Mismatched dtypes" not in err


def test_a_word_among_integer_labels_makes_them_text(
    tmp_path, monkeypatch, capsys, dask_scheduler
):
    """A word among integer labels past Dask's sample (and the plan's first
    1 MB): Dask's int64 failed the partition and the word was refused by
    line, where the whole file reads the column as text and fits three
    labels with a warning. The Dask fit now reads it as text too."""
    import json

    monkeypatch.chdir(tmp_path)
    frame = _frame()
    frame["y"] = frame["y"].astype(object)
    frame.loc[50_000, "y"] = "yes"
    frame.to_csv(tmp_path / "d.csv", index=False)
    # labels and warnings only: one iteration
    fits = [
        _fit_here(capsys, "--max-iter", "1"),
        _fit_here(capsys, "--scheduler", dask_scheduler, "--max-iter", "1", "--force"),
    ]
    warned = []
    for code, _, err in fits:
        assert code == 0, err
        warned.append([w for w in err.splitlines() if "'y': 3 classes" in w])
    # reference: the row counts of the labels as written (pandas' value_counts)
    counts = frame["y"].astype(str).value_counts()
    assert warned[0] == [
        f"warning: target 'y': 3 classes, so the model is multinomial; class 'yes' has 1 "
        f"row of 60000 (0.0017%); the others: '0' ({counts['0']}), '1' ({counts['1']}). "
        "If that class is a typo or a stray value, correct or remove those rows for a "
        "two-class model; --positive VALUE makes fit require exactly two classes"
    ]
    assert warned[1] == warned[0]
    label = json.loads((tmp_path / "m.json").read_text())["encoding"]["label"]
    assert label == {"column": "y", "levels": ["0", "1", "yes"]}


def test_integer_labels_are_stored_as_the_streamed_fit_stores_them(
    tmp_path, monkeypatch, capsys, dask_scheduler
):
    import json

    monkeypatch.chdir(tmp_path)
    frame = _frame()
    frame["y"] = frame["y"] + 1  # labels 1 and 2
    frame.to_csv(tmp_path / "d.csv", index=False)
    labels = []
    options = ("--positive", "2", "--force")
    for dask in (False, True):  # each model file read before the next fit
        if dask:
            done = _fit_here(capsys, "--scheduler", dask_scheduler, *options)
        else:
            done = _fit_here(capsys, "--stream", *options)
        assert done[0] == 0, done[2]
        labels.append(json.loads((tmp_path / "m.json").read_text())["encoding"]["label"])
    assert labels[0] == labels[1] == {"column": "y", "negative": 1, "positive": 2}
    assert all(type(v) is int for v in (labels[1]["negative"], labels[1]["positive"]))


def test_integer_labels_then_decimals_are_read_as_decimals(
    tmp_path, monkeypatch, capsys, dask_scheduler
):
    """Labels written 0/1 and, past Dask's sample, 0.0/1.0: Dask's
    "Mismatched dtypes ... | y | float64 | int64 |" table, exit 65, where the
    in-memory and streamed fits read the column as decimals. The Dask fit now
    does the same: labels 0.0 and 1.0, the in-memory fit's coefficients."""
    import json

    frame = _frame()
    frame["y"] = frame["y"].astype(object)
    frame.loc[50_000:, "y"] = frame.loc[50_000:, "y"].map(lambda v: f"{v}.0")
    frame.to_csv(tmp_path / "d.csv", index=False)
    monkeypatch.chdir(tmp_path)
    fits = []
    for mode in ([], ["--stream"], ["--scheduler", dask_scheduler]):
        code, out, err = _fit_here(capsys, *mode, "--force")
        assert code == 0, (mode, err)
        assert "Mismatched" not in err
        fits.append(json.loads((tmp_path / "m.json").read_text()))
    for doc in fits:
        label = doc["encoding"]["label"]
        assert label == {"column": "y", "negative": 0.0, "positive": 1.0}
        assert type(label["positive"]) is float
    coef = [np.r_[doc["model"]["coef"], doc["model"]["intercept"]] for doc in fits]
    np.testing.assert_allclose(coef[2], coef[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(coef[1], coef[0], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("bad", ["inf", "1e400", "0.5"])
def test_decimal_labels_with_a_value_no_label_takes_are_named_by_line(
    tmp_path, dask_scheduler, bad
):
    """Labels 0/1, then 0.0/1.0 and one value that is not a whole finite
    number (an infinity read as float64 would reach the model file, after the
    whole fit: "field 'encoding.label.levels' must hold … finite numbers";
    0.5 gave Dask's "Mismatched dtypes" table): the target is not read again
    as decimals, and the value is named by its line."""
    frame = _frame()
    frame["y"] = frame["y"].astype(object)
    frame.loc[50_000:, "y"] = frame.loc[50_000:, "y"].map(lambda v: f"{v}.0")
    labels = frame["y"].map(float)  # the values as numbers, before the bad one
    frame.loc[55_000, "y"] = bad
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, out, err = _fit(tmp_path, "--scheduler", dask_scheduler)
    assert (code, out) == (65, ""), err
    if bad == "0.5":  # among 0 and 1: a continuous target, as in memory
        n1 = int((labels.drop(55_000) == 1).sum())
        n0 = 60_000 - 1 - n1
        assert err == (
            f"error: target column 'y' in d.csv holds non-integral numbers (0 (n={n0}), "
            f"0.5 (n=1), 1 (n={n1}); 0.5 first at line 55002): a continuous target, "
            "not classes; proportions of grouped trials are fitted from their counts: "
            "--target SUCCESSES --trials TRIALS, or the formula "
            "'cbind(successes, failures) ~ ...'\n"
        )
        return
    assert err == (  # --stream's words: the target read again as floats
        "error: column 'y' in d.csv has an infinite value (inf) at line 55002; "
        "only finite numbers are allowed (a number beyond float64's ±1.8e308, such "
        "as 1e999, reads as infinite)\n"
    )
    assert not (tmp_path / "m.json").exists()


def test_late_words_in_a_feature_column_are_refused_in_dask_words(tmp_path):
    """Numbers in the first 1 MB the plan reads, then mostly words: the fit
    refuses a text column as the plan refuses one it sees, in terms of the
    option given (--workers), not --stream's ("streaming needs ... (without
    --stream)", an option this command line does not hold)."""
    frame = _frame(120_000)
    frame["b"] = frame["b"].astype(object)
    frame.loc[55_000:, "b"] = "word"  # most of the column: text
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert _fit(tmp_path, "--workers", "1") == (
        2,
        "",
        "error: Dask (--workers 1) needs numeric feature columns, but d.csv has text "
        "column(s) ['b'] (one-hot encoding needs every level before the first pass); "
        "leave them out with --drop b, encode them as numbers, or fit in memory "
        "(without --workers)\n",
    )
    assert not (tmp_path / "m.json").exists()
