"""A column of dates, times or durations where the model reads numbers is
refused by name at predict time, as at fit time.

For a model with a text column (a DataFrame one-hot encoded at fit, or a
model file of ``logistic fit`` with a categorical column), the numeric
columns went through ``pandas.to_numeric``, which reads datetime64 and
timedelta64 as integers (microseconds): every probability came out 0 or 1,
silently. scikit-learn refuses such a frame (``DTypePromotionError``); a
model without a text column refused it already. ``logistic predict`` of a
Parquet file with a timestamp column failed with "internal error:
ArrowNotImplementedError" (exit 1); it is a data error (exit 65).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import run_cli
from logistic import DataValidationError, LogisticRegression

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _frame(n: int = 300) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x1": rng.normal(size=n), "cat": rng.choice(["a", "b"], n)})
    y = (rng.random(n) < 1 / (1 + np.exp(-X["x1"]))).astype(int)
    return X, y


DATES = {
    "datetime64": lambda n: pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n), "D"),
    "timedelta64": lambda n: pd.to_timedelta(np.arange(n), "D"),
}


@pytest.mark.parametrize("kind", sorted(DATES))
def test_a_frame_model_refuses_dates_in_a_numeric_column(kind):
    X, y = _frame()
    model = LogisticRegression().fit(X, y)
    dated = X.assign(x1=DATES[kind](len(X)))
    for method in (model.predict_proba, model.decision_function, model.predict):
        with pytest.raises(DataValidationError, match=r"X column 'x1' holds dates, times"):
            method(dated)


def test_a_cli_model_loaded_in_python_refuses_dates(tmp_path, capsys):
    X, y = _frame()
    X.assign(y=y).to_csv(tmp_path / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", tmp_path / "d.csv", "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 0, err
    model = logistic.load(tmp_path / "m.json")
    with pytest.raises(DataValidationError, match="holds dates, times or durations"):
        model.predict_proba(X.assign(x1=DATES["datetime64"](len(X))))


@pytest.mark.parametrize(
    "column,said",
    [
        (pa.array(pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(300), "D")),
         r"type timestamp\[\w+\], not numbers; convert it to numbers first \(e\.g\. "
         r"days since a reference date\)"),
        (pa.array([[float(i)] for i in range(300)]),
         r"type list<\w+: double>, not numbers; convert it to numbers first"),
    ],
    ids=["timestamp", "list"],
)
def test_predict_refuses_a_column_that_is_not_numbers(tmp_path, capsys, column, said):
    X, y = _frame()
    X.assign(y=y).to_csv(tmp_path / "d.csv", index=False)
    assert run_cli(capsys, ["fit", tmp_path / "d.csv", "-t", "y", "-o", tmp_path / "m.json"])[0] == 0
    pq.write_table(pa.table({"x1": column, "cat": pa.array(X["cat"])}), tmp_path / "new.parquet")
    code, out, err = run_cli(capsys, ["predict", tmp_path / "m.json", tmp_path / "new.parquet", "-o", "-"])
    assert (code, out) == (65, "")
    where = re.escape(str(tmp_path / "new.parquet"))
    assert re.fullmatch(f"error: column 'x1' in {where} has {said}\n", err), err


def test_fit_refuses_a_timestamp_weights_column(tmp_path, capsys):
    X, y = _frame()
    frame = X.assign(y=y, w=pd.Timestamp("2020-01-01"))
    frame.to_parquet(tmp_path / "d.parquet")
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.parquet", "-t", "y", "--weights", "w", "-o", tmp_path / "m.json"]
    )
    assert code == 65
    assert "--weights column 'w'" in err and "not numbers" in err
    assert not (tmp_path / "m.json").exists()
