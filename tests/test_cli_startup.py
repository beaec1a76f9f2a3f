"""The command line tool fits and predicts on numpy data without pandas.

``Design.named_X`` gives the estimators a :class:`NamedColumns` array (an
ndarray with ``columns``), so the model records and checks its feature names
as it did from a pandas DataFrame; the reference is the same estimator fitted
on a pandas DataFrame of the same file (the way the CLI fitted before).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import logistic
from logistic import LogisticRegression
from logistic.io import read_model_file
from logistic.tabular._named import NamedColumns

UCLA = Path(logistic.__file__).parent / "datasets" / "ucla_admissions.csv"

# runs the CLI in this interpreter, then says whether pandas was ever imported
_WRAPPER = (
    "import sys, runpy\n"
    "sys.argv = ['logistic', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('logistic.cli.app', run_name='__main__')\n"
    "except SystemExit as e:\n"
    "    code = e.code\n"
    "else:\n"
    "    code = 0\n"
    "print('pyarrow.compute imported:', 'pyarrow.compute' in sys.modules,\n"
    "      file=sys.stderr)\n"
    "print('pandas imported:', 'pandas' in sys.modules, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _run(*args: str) -> list[str]:
    """The CLI's last two stderr lines: pyarrow.compute and pandas imported?"""
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.strip().splitlines()[-2:]


def _ucla_with_text_rank(tmp_path: Path) -> Path:
    d = pd.read_csv(UCLA)
    d["rank"] = "r" + d["rank"].astype(str)
    path = tmp_path / "ucla_text_rank.csv"
    d.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("penalty", [["--penalty", "l2"], []])
def test_fit_on_ucla_imports_no_pandas(tmp_path, penalty):
    # nor pyarrow.compute: numeric columns are read from the Arrow buffers; the
    # unpenalized fit's summary and stored covariance are built without pandas
    out = tmp_path / "m.json"
    lines = _run("fit", str(UCLA), "--target", "admit", *penalty, "-o", str(out))
    assert lines == ["pyarrow.compute imported: False", "pandas imported: False"]
    mf = read_model_file(out)
    assert list(mf.model.feature_names_in_) == ["gre", "gpa", "rank"]


@pytest.mark.parametrize("penalty", [None, "l2"])
def test_cli_model_matches_a_dataframe_fit(tmp_path, penalty):
    # one-hot design: rank as text, reference level r1 dropped
    data = _ucla_with_text_rank(tmp_path)
    out = tmp_path / "m.json"
    args = ["fit", str(data), "--target", "admit", "-o", str(out)]
    args += [] if penalty is None else ["--penalty", penalty]
    _run(*args)
    mf = read_model_file(out)
    names = ["gre", "gpa", "rank[T.r2]", "rank[T.r3]", "rank[T.r4]"]
    assert list(mf.model.feature_names_in_) == names
    assert mf.encoding["feature_names"] == names
    d = pd.read_csv(data)
    frame = pd.DataFrame(
        {
            "gre": d["gre"].astype(float),
            "gpa": d["gpa"],
            **{n: (d["rank"] == n[-3:-1]).astype(float) for n in names[2:]},
        }
    )
    ref = LogisticRegression(penalty=penalty).fit(frame, d["admit"].to_numpy())
    assert list(ref.feature_names_in_) == names
    np.testing.assert_allclose(mf.model.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        mf.model.intercept_, ref.intercept_, rtol=1e-9, atol=1e-12
    )


def test_cli_predictions_match_a_dataframe_model(tmp_path):
    # predictions of the CLI equal the DataFrame model's on the same rows
    model = tmp_path / "m.json"
    _run("fit", str(UCLA), "--target", "admit", "--penalty", "l2", "-o", str(model))
    preds = tmp_path / "p.csv"
    _run("predict", str(model), str(UCLA), "-o", str(preds))
    d = pd.read_csv(UCLA)
    X = d[["gre", "gpa", "rank"]].astype(float)
    ref = LogisticRegression(penalty="l2").fit(X, d["admit"].to_numpy())
    got = pd.read_csv(preds)["proba"].to_numpy()
    np.testing.assert_allclose(got, ref.predict_proba(X)[:, 1], rtol=1e-9)


def test_named_columns_record_and_check_feature_names():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(float)
    model = LogisticRegression().fit(NamedColumns(X, ["a", "b"]), y)
    assert list(model.feature_names_in_) == ["a", "b"]
    # same names: no warning, same values as the plain array
    np.testing.assert_array_equal(
        model.decision_function(NamedColumns(X, ["a", "b"])),
        LogisticRegression().fit(X, y).decision_function(X),
    )
    with pytest.raises(ValueError, match="feature names"):
        model.predict(NamedColumns(X, ["b", "a"]))
    # derived arrays carry no names (a column slice would carry wrong ones)
    assert NamedColumns(X, ["a", "b"])[:, ::-1].columns is None
    with pytest.raises(ValueError, match="names"):
        NamedColumns(X, ["a"])


def test_missing_drop_fit_imports_no_pandas_and_drops_the_rows(tmp_path):
    d = pd.read_csv(UCLA)
    d.loc[[3, 50, 51], "gpa"] = np.nan
    data = tmp_path / "holes.csv"
    d.to_csv(data, index=False)
    out = tmp_path / "m.json"
    lines = _run(
        "fit", str(data), "--target", "admit", "--penalty", "l2",
        "--missing", "drop", "-o", str(out),
    )  # fmt: skip
    assert lines[-1] == "pandas imported: False"
    kept = d.dropna()
    X = kept[["gre", "gpa", "rank"]].astype(float)
    ref = LogisticRegression(penalty="l2").fit(X, kept["admit"].to_numpy())
    mf = read_model_file(out)
    np.testing.assert_allclose(mf.model.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
