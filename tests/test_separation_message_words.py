"""The words of ``PerfectSeparationWarning``.

* A fit stopped before convergence by separation: its ``ConvergenceWarning``
  (issued before the separation check) can only name slow convergence and
  more iterations when the coefficients have not grown far yet (gradient
  descent on the breast-cancer data, which is linearly separable); the
  separation warning that follows now says that separation is why the fit
  did not converge and that more iterations cannot help.
* The linear predictor was called ``z`` beside a feature named ``z``
  (``z = +1*x +0.05*z``): it takes a name no feature has.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from logistic import ConvergenceWarning, LogisticRegression, PerfectSeparationWarning


def _separated(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=n), rng.normal(size=n)
    return pd.DataFrame({"x": x, "z": z, "y": (x > 0).astype(int)})


def _warnings(frame: pd.DataFrame, **params) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        LogisticRegression(**params).fit(frame[["x", "z"]], frame["y"])
    return record


def test_a_fit_stopped_by_separation_is_told_why():
    record = _warnings(_separated(), solver="gd", max_iter=20)
    kinds = [w.category for w in record]
    assert ConvergenceWarning in kinds and PerfectSeparationWarning in kinds
    text = str(next(w.message for w in record if w.category is PerfectSeparationWarning))
    assert "This is why the fit did not converge: more iterations cannot help." in text


def test_a_converged_separated_fit_has_no_such_sentence():
    record = _warnings(_separated(), solver="newton")
    text = str(next(w.message for w in record if w.category is PerfectSeparationWarning))
    assert "This is why" not in text


@pytest.mark.parametrize(
    "columns,name",
    [(["x", "w"], "z"), (["x", "z"], "eta"), (["z", "eta"], "lp")],
)
def test_the_linear_predictor_takes_a_name_no_feature_has(columns, name):
    frame = _separated().rename(columns=dict(zip(["x", "z"], columns, strict=True)))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        LogisticRegression().fit(frame[columns], frame["y"])
    text = str(next(w.message for w in record if w.category is PerfectSeparationWarning))
    assert f"the linear predictor {name} = " in text
    assert f"({name} > 0 for classes_[1], {name} < 0 for classes_[0];" in text


def test_every_usual_name_taken_still_names_the_predictor():
    """Features named z, eta, lp, score and z1: the fit raised StopIteration
    from the message's name choice."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    names = ["z", "eta", "lp", "score", "z1"]
    frame = pd.DataFrame({n: rng.normal(size=60) for n in names}).assign(z=x)
    y = (x > 0).astype(int)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        LogisticRegression().fit(frame[names], y)
    text = str(next(w.message for w in record if w.category is PerfectSeparationWarning))
    assert "the linear predictor z2 = " in text
