"""Marginal effects pickle and copy (joblib workers return them, users cache
them), labelled by feature name as before: the results kept the pandas
module itself, which cannot be pickled ("cannot pickle 'module' object")."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression


@pytest.fixture(scope="module")
def results():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=150),
            "d": (rng.random(150) < 0.5).astype(float),
            "c": rng.choice(["x", "y", "z"], 150),
        }
    )
    y = (X["a"] + rng.normal(size=150) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression().fit(X, y).inference(X, y)


@pytest.mark.parametrize("kw", [{}, {"dummy": True}, {"at": "mean"}])
@pytest.mark.parametrize(
    "copier", [lambda o: pickle.loads(pickle.dumps(o)), copy.deepcopy, copy.copy]
)
def test_labelled_marginal_effects_pickle_and_copy(results, kw, copier):
    effects = results.get_margeff(**kw)
    back = copier(effects)
    assert type(back) is type(effects)
    pd.testing.assert_series_equal(back.margeff, effects.margeff)
    pd.testing.assert_series_equal(back.margeff_se, effects.margeff_se)
    pd.testing.assert_frame_equal(back.summary_frame(), effects.summary_frame())
    assert list(back.margeff.index) == ["a", "d", "c[T.y]", "c[T.z]"]
    assert back.summary() == effects.summary()


def test_unlabelled_marginal_effects_stay_arrays():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    effects = LogisticRegression().fit(X, y).inference(X, y).get_margeff()
    back = pickle.loads(pickle.dumps(effects))
    assert isinstance(back.margeff, np.ndarray)
    np.testing.assert_array_equal(back.margeff, effects.margeff)
