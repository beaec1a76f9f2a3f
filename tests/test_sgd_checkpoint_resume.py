"""An SGD fit stopped after any epoch and resumed from its checkpoint ends
with the coefficients of the fit that ran through, bit for bit, in memory
and streamed (docs/scaling.md, Checkpoints: the generator's state is part of
the solver state; the page said SGD lost its random stream on resume)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.backends import as_backend

KW = {"penalty": "l2", "alpha": 1e-3, "solver": "sgd", "random_state": 5}


class _Stop(Exception):
    pass


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 4))
    y = (rng.random(1500) < 1 / (1 + np.exp(-X @ [1.0, -1.0, 0.5, 0.0]))).astype(float)
    return X, y


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("stop", [1, 4, 9])
def test_a_resumed_sgd_fit_is_the_uninterrupted_one(tmp_path, stop, streamed):
    X, y = _data()

    def data():
        if streamed:  # chunks of 333 rows: batches across chunk ends
            return as_backend(lambda: [(X, y)], None, chunk_rows=333), None
        return X, y

    kw = {**KW, "tol": 0.0, "max_iter": 12}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached: the point here
        ref = LogisticRegression(**kw).fit(*data())
        seen = []

        def callback(info):
            seen.append(info)
            if len(seen) == stop:
                raise _Stop

        ck = tmp_path / "fit.ckpt"
        with pytest.raises(_Stop):
            LogisticRegression(**kw).fit(*data(), checkpoint=ck, callback=callback)
        resumed = LogisticRegression(**kw).fit(*data(), checkpoint=ck)
    np.testing.assert_array_equal(resumed.coef_, ref.coef_)
    np.testing.assert_array_equal(resumed.intercept_, ref.intercept_)
