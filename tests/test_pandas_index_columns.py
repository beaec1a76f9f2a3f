"""Index columns pandas writes into data files are row labels, not features.

Reference: pandas' own reading of the same file (``pd.read_parquet`` makes
the columns named in the pandas metadata the index; ``pd.read_csv`` with
``index_col=0`` the first, unnamed one); coefficients from statsmodels on the
columns pandas reads as data. Also: the messages of ``evaluate`` without the
target and the confusion matrix labelled with the classes.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

pytest.importorskip("pyarrow")

UCLA = data_path("ucla-admissions", "binary.csv")


def _shuffled() -> pd.DataFrame:
    # the usual state after a shuffle, filter or split: a non-default index
    return pd.read_csv(UCLA).sample(frac=1, random_state=0)


def _features(model: str) -> list[str]:
    with open(model) as fh:
        return list(json.load(fh)["encoding"]["feature_names"])


def _statsmodels_coef(frame: pd.DataFrame) -> np.ndarray:
    import statsmodels.api as sm

    X = sm.add_constant(frame.drop(columns="admit").astype(float))
    return np.asarray(sm.Logit(frame["admit"], X).fit(disp=0).params)


def _coef(model: str) -> np.ndarray:
    from logistic.io import load

    m = load(model)
    return np.r_[m.intercept_.ravel(), m.coef_.ravel()]


def test_parquet_index_column_left_out_of_fit_with_a_note(workdir, capsys):
    _shuffled().to_parquet("idx.parquet")
    pandas_columns = list(pd.read_parquet("idx.parquet").columns)
    assert "__index_level_0__" not in pandas_columns  # pandas: the index
    code, _, err = run_cli(
        capsys, ["fit", "idx.parquet", "-t", "admit", "-o", "m.json"]
    )
    assert code == 0, err
    assert _features("m.json") == [c for c in pandas_columns if c != "admit"]
    notes = [line for line in err.splitlines() if "__index_level_0__" in line]
    assert len(notes) == 1 and "pandas index" in notes[0], err
    expected = _statsmodels_coef(pd.read_parquet("idx.parquet"))
    np.testing.assert_allclose(_coef("m.json"), expected, rtol=1e-6)
    # the model applies to data without the index (a CSV written index=False)
    pd.read_csv(UCLA).to_csv("test.csv", index=False)
    for command in ("evaluate", "predict"):
        code, _, err = run_cli(capsys, [command, "m.json", "test.csv"])
        assert code == 0, err


def test_parquet_named_index_left_out_and_kept_when_named(workdir, capsys):
    frame = _shuffled().rename_axis("row")
    frame.to_parquet("idx.parquet")
    assert pd.read_parquet("idx.parquet").index.name == "row"
    code, _, err = run_cli(
        capsys, ["fit", "idx.parquet", "-t", "admit", "-o", "a.json"]
    )
    assert code == 0, err
    assert _features("a.json") == ["gre", "gpa", "rank"]
    assert "pandas index column 'row'" in err
    named = ["--features", "gre,gpa,rank,row"]
    code, _, err = run_cli(
        capsys, ["fit", "idx.parquet", "-t", "admit", *named, "-o", "b.json"]
    )
    assert code == 0, err
    assert _features("b.json") == ["gre", "gpa", "rank", "row"]
    assert "pandas index" not in err


def test_parquet_index_left_out_with_cv_and_formula_unaffected(workdir, capsys):
    _shuffled().to_parquet("idx.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "idx.parquet", "-t", "admit", "--cv", "3", "-o", "cv.json"]
    )
    assert code == 0, err
    assert _features("cv.json") == ["gre", "gpa", "rank"]
    assert "__index_level_0__" in err
    formula = ["--formula", "admit ~ gre + gpa"]
    code, _, err = run_cli(capsys, ["fit", "idx.parquet", *formula, "-o", "f.json"])
    assert code == 0, err
    assert _features("f.json") == ["gre", "gpa"]


def test_default_range_index_is_no_column(workdir, capsys):
    pd.read_csv(UCLA).to_parquet("plain.parquet")  # RangeIndex: metadata only
    code, _, err = run_cli(
        capsys, ["fit", "plain.parquet", "-t", "admit", "-o", "m.json"]
    )
    assert code == 0, err
    assert _features("m.json") == ["gre", "gpa", "rank"]
    assert "pandas index" not in err


def test_python_api_file_input_leaves_out_the_index(workdir):
    from logistic import LogisticRegression

    _shuffled().to_parquet("idx.parquet")
    model = LogisticRegression().fit("idx.parquet", "admit")
    expected = [c for c in pd.read_parquet("idx.parquet").columns if c != "admit"]
    assert list(model.feature_names_in_) == expected


def test_streamed_fit_leaves_out_the_index(workdir, capsys):
    _shuffled().to_parquet("idx.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "idx.parquet", "-t", "admit", "--stream", "-o", "m.json"]
    )
    assert code == 0, err
    assert _features("m.json") == ["gre", "gpa", "rank"]


def test_csv_with_pandas_index_fits_with_the_note(workdir, capsys):
    _shuffled().to_csv("idx.csv")  # index written, first header empty
    pandas_columns = list(pd.read_csv("idx.csv", index_col=0).columns)
    note = "ignored column(s) [1] with an empty header name"
    code, _, err = run_cli(capsys, ["fit", "idx.csv", "-t", "admit", "-o", "m.json"])
    assert code == 0, err
    assert note in err
    assert _features("m.json") == [c for c in pandas_columns if c != "admit"]
    expected = _statsmodels_coef(pd.read_csv("idx.csv", index_col=0))
    np.testing.assert_allclose(_coef("m.json"), expected, rtol=1e-6)
    named = ["--features", "gre,gpa,rank"]
    code, _, err = run_cli(
        capsys, ["fit", "idx.csv", "-t", "admit", *named, "-o", "n.json"]
    )
    assert code == 0 and note in err, err
    for command in ("evaluate", "predict"):
        code, _, err = run_cli(capsys, [command, "m.json", "idx.csv"])
        assert code == 0 and note in err, err


def test_csv_empty_header_elsewhere_refused_with_the_remedy(workdir, capsys):
    frame = pd.read_csv(UCLA)
    frame.insert(2, "", np.arange(len(frame)))  # an unnamed middle column
    frame.to_csv("mid.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "mid.csv", "-t", "admit", "-o", "m.json"])
    assert code == 65
    assert "column(s) [3] have an empty header name" in err
    assert "give each column a name in the header line" in err
    # an unnamed first column that is no index (repeated values): refused too
    frame = pd.read_csv(UCLA)
    frame.index = frame.index % 7
    frame.to_csv("rep.csv")
    code, _, err = run_cli(capsys, ["fit", "rep.csv", "-t", "admit", "-o", "m.json"])
    assert code == 65 and "column(s) [1] have an empty header name" in err


def test_evaluate_without_target_names_the_target_and_file(workdir, capsys):
    pd.read_csv(UCLA).to_csv("train.csv", index=False)
    pd.read_csv(UCLA).drop(columns="admit").to_csv("new.csv", index=False)
    assert run_cli(capsys, ["fit", "train.csv", "-t", "admit", "-o", "m.json"])[0] == 0
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "new.csv"])
    assert code == 65
    assert "target column 'admit' (from the model file) not found in new.csv" in err
    assert "model input" not in err


def test_confusion_matrix_labelled_with_the_classes(workdir, capsys):
    frame = pd.read_csv(UCLA)
    frame["admit"] = frame["admit"].map({0: "no", 1: "yes"})
    frame.to_csv("yn.csv", index=False)
    assert run_cli(capsys, ["fit", "yn.csv", "-t", "admit", "-o", "m.json"])[0] == 0
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "yn.csv"])
    assert code == 0, err
    for text in ("actual no", "actual yes", "predicted no", "predicted yes"):
        assert text in out
    assert "actual 0" not in out
    code, _, err = run_cli(capsys, ["report", "m.json", "yn.csv", "-o", "r.html"])
    assert code == 0, err
    html = (workdir / "r.html").read_text()
    assert "actual no" in html and "predicted yes" in html and "actual 0" not in html
