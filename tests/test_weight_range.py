"""Weights float64 cannot resolve are warned of by every backend.

One row weighted 1e30 among weights of 1 gave ``Converged: True`` with
coefficients far from the optimum (3038 where a moderate weight gives about
-1): the other rows add less than the rounding of the sums they enter, so
the information matrix is of rank one within rounding. A fit now warns where
the smallest positive weight is below float64's epsilon (2.2e-16) times the
largest (``logistic._block_moments.warn_weight_range``); a spread of 1e12,
which float64 resolves and which the fit solves, is not warned of.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression, NumericalStabilityWarning
from logistic.datasets import load_ucla_admissions

PHRASE = "beyond the 4.5e+15 that float64 resolves"


def _weights(heavy: float, n: int) -> np.ndarray:
    w = np.ones(n)
    w[0] = heavy
    return w


def _range_warnings(record) -> list[str]:
    return [str(w.message) for w in record if PHRASE in str(w.message)]


def test_a_weight_of_1e30_among_ones_is_warned_of():
    X, y, _ = load_ucla_admissions()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        LogisticRegression(penalty=None).fit(X, y, sample_weight=_weights(1e30, len(y)))
    found = _range_warnings(record)
    assert len(found) == 1, [str(w.message) for w in record]
    assert found[0].startswith(
        "sample_weight: the largest weight (1e+30) is 1e+30 times the smallest "
        "positive one (1)"
    )
    assert all(w.category is NumericalStabilityWarning for w in record if PHRASE in str(w.message))


@pytest.mark.parametrize("heavy", [1.0, 1e12])
def test_weights_float64_resolves_are_not_warned_of(heavy):
    X, y, _ = load_ucla_admissions()
    w = _weights(heavy, len(y))
    w[1] = 0.0  # a row of weight 0 is not the smallest positive weight
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        LogisticRegression(penalty=None).fit(X, y, sample_weight=w)
    assert _range_warnings(record) == []


def test_a_multinomial_fit_warns_of_it():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = rng.integers(0, 3, 300)
    with pytest.warns(NumericalStabilityWarning, match=re.escape(PHRASE)):
        LogisticRegression(penalty="l2").fit(X, y, sample_weight=_weights(1e20, 300))


@pytest.mark.parametrize(
    ("suffix", "mode"),
    [
        ("csv", []),
        ("csv", ["--stream"]),
        ("parquet", ["--stream"]),
        pytest.param("parquet", ["--workers", "1"], id="dask"),
    ],
)
def test_every_reader_warns_of_it(workdir, capsys, suffix, mode):
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"])
    frame["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-frame["a"]))).astype(int)
    frame["w"] = _weights(1e30, n)
    data = workdir / f"wr.{suffix}"
    frame.to_csv(data, index=False) if suffix == "csv" else frame.to_parquet(data)
    code, out, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--weights", "w", *mode, "-o", "m.json"]
    )
    assert PHRASE in err, err
    assert "the largest weight (1e+30) is 1e+30 times" in err


def test_a_path_and_a_cross_validation_warn_once():
    """``path`` and ``LogisticRegressionCV`` fitted such weights silently;
    the cross-validation warns once for the whole data, not for each fold."""
    from logistic import LogisticRegressionCV, path

    X, y, _ = load_ucla_admissions()
    w = _weights(1e30, len(y))
    for fit in (
        lambda: path(X, y, n_alphas=3, sample_weight=w),
        lambda: LogisticRegressionCV(Cs=3, cv=3).fit(X, y, sample_weight=w),
    ):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            fit()
        assert len(_range_warnings(record)) == 1, [str(r.message) for r in record]


def test_a_ratio_beyond_float64_is_said_in_words():
    X, y, _ = load_ucla_admissions()
    w = np.ones(len(y))
    w[0], w[1] = 1e300, 1e-300
    with pytest.warns(NumericalStabilityWarning, match="is more than 1e\\+308 times"):
        LogisticRegression(penalty="l2").fit(X, y, sample_weight=w)
