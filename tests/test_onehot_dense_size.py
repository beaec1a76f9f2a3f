"""A dense one-hot design is counted before it is built
(:func:`logistic._onehot.dense_size_problem`), by ``logistic fit`` on a
file's text columns and by the estimator on a DataFrame's: a DataFrame column
of 30 000 zip codes on 150 000 rows asked numpy for 33.5 GiB (a bare
MemoryError naming no column), and a file of five 1 000-level text columns
on 400 000 rows went on to two 12.8 GB copies on a 24 GB machine. The
column counts are those of scikit-learn's ``OneHotEncoder(drop="first")``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import OneHotEncoder

from conftest import run_cli
from logistic import LogisticRegression, _memory
from logistic._exceptions import DataValidationError

ROWS, LEVELS = 3000, 1000


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    codes = np.r_[np.arange(LEVELS), rng.integers(0, LEVELS, ROWS - LEVELS)]
    return pd.DataFrame(
        {
            "x": rng.normal(size=ROWS).round(4),
            "zip": [f"z{c:04d}" for c in codes],
            "y": rng.integers(0, 2, ROWS),
        }
    )


def _encoded_width(frame: pd.DataFrame) -> int:
    """Columns of the design: x and scikit-learn's one-hot columns of zip."""
    return 1 + OneHotEncoder(drop="first").fit_transform(frame[["zip"]]).shape[1]


def test_fit_refuses_text_columns_beyond_memory(workdir, capsys, monkeypatch):
    # 1 000 columns of 3 000 rows, 3 float64 copies: about 69 MiB
    frame = _frame()
    frame.to_csv("zips.csv", index=False)
    monkeypatch.setattr(_memory, "process_memory", lambda: 50 * 2**20)
    argv = ["fit", "zips.csv", "--target", "y", "--penalty", "l2", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    width = _encoded_width(frame)
    assert (
        f"one-hot encoding makes {width:,} columns of {ROWS:,} rows (column 'zip' "
        f"alone {width - 1:,})"
    ) in err
    assert "more than the memory this process may use (50 MiB)" in err
    assert "--drop zip" in err
    # the other remedy named, a sparse formula design, fits in that memory
    assert "encode them in a sparse formula design (e.g. --formula " in err
    assert "'... + C(zip)' --sparse)" in err
    argv[2:4] = ["--formula", "y ~ x + C(zip)", "--sparse"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


def test_fit_within_memory_encodes_as_before(workdir, capsys, monkeypatch):
    _frame().to_csv("zips.csv", index=False)
    monkeypatch.setattr(_memory, "process_memory", lambda: 200 * 2**20)
    argv = ["fit", "zips.csv", "--target", "y", "--penalty", "l2", "-o", "m.json",
            "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


@pytest.mark.parametrize("dtype", ["category", "object"])
def test_estimator_refuses_a_frame_beyond_memory(monkeypatch, dtype):
    frame = _frame()
    X = frame[["x", "zip"]].astype({"zip": dtype})
    monkeypatch.setattr(_memory, "process_memory", lambda: 50 * 2**20)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression(penalty="l2").fit(X, frame["y"])
    width = _encoded_width(frame)
    message = str(info.value)
    assert f"makes {width:,} columns of {ROWS:,} rows (column 'zip' alone" in message
    assert "scipy sparse matrix" in message and "OneHotEncoder" in message


def test_the_sparse_design_the_message_names_fits_as_scikit_learn():
    """The remedy: the same columns from ``OneHotEncoder`` in a
    ``ColumnTransformer`` (scipy sparse), fitted without densifying; its
    probabilities are scikit-learn's on that design (same C, tight tol)."""
    frame = _frame()
    ct = ColumnTransformer(
        [("zip", OneHotEncoder(drop="first"), ["zip"])], remainder="passthrough"
    )
    Z = ct.fit_transform(frame[["x", "zip"]])
    assert hasattr(Z, "tocsr")  # sparse
    ours = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(Z, frame["y"])
    ref = SkLogisticRegression(C=1.0, tol=1e-12, solver="newton-cholesky").fit(
        Z, frame["y"]
    )
    np.testing.assert_allclose(
        ours.predict_proba(Z)[:, 1], ref.predict_proba(Z)[:, 1], atol=1e-7
    )


def test_predicting_more_rows_than_memory_holds_is_refused_naming_chunks(
    monkeypatch,
):
    """A model fitted within memory, asked to predict a frame whose dense
    design would not fit: refused before it is built, as at fit."""
    frame = _frame()
    X = frame[["x", "zip"]].astype({"zip": "category"})
    model = LogisticRegression(penalty="l2").fit(X, frame["y"])
    monkeypatch.setattr(_memory, "process_memory", lambda: 50 * 2**20)
    with pytest.raises(DataValidationError) as info:
        model.predict_proba(X)
    width = _encoded_width(frame)
    assert f"makes {width:,} columns of {ROWS:,} rows" in str(info.value)
    assert "X.iloc[i:i + k]" in str(info.value)
    monkeypatch.undo()
    half = model.predict_proba(X.iloc[: ROWS // 2])  # within memory: as before
    np.testing.assert_array_equal(half, model.predict_proba(X)[: ROWS // 2])


def test_fit_design_is_pandas_get_dummies(workdir):
    """The file encoder fills one design a column at a time (as predict
    does); its columns are pandas' ``get_dummies(drop_first=True)`` of the
    same file, level names included."""
    from logistic.tabular import fit_design, read_data

    frame = _frame()
    frame["tok"] = np.array(["a:b", "T.x", "[x]", "plain"])[np.arange(ROWS) % 4]
    frame.to_csv("zips.csv", index=False)
    design = fit_design(read_data("zips.csv"), target="y")
    ref = pd.get_dummies(
        frame[["x", "zip", "tok"]], columns=["zip", "tok"], drop_first=True,
        prefix_sep="[T.", dtype=float,
    )  # fmt: skip
    ref.columns = [c if c == "x" else c + "]" for c in ref.columns]
    assert design.feature_names == list(ref.columns)
    np.testing.assert_array_equal(design.X, ref.to_numpy())
