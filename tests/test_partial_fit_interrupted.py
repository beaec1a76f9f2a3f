"""A ``partial_fit`` call stopped part-way through its chunk (a
``KeyboardInterrupt`` in Jupyter, an error) leaves the estimator as the last
complete call left it, so that giving the chunk again continues the stream
as if the stopped call had not happened.

The SGD pass updated the stream's state (iterate, average, step counter,
random generator, rows seen) in place, batch by batch, while ``coef_`` was
set only at the end: after an interrupt the coefficients were the previous
call's but the state had taken the first batches of the chunk, and the chunk
given again took them twice. The interruption is made here by stopping
``sgd_pass`` after two of the chunk's mini-batches; the reference is the same
stream run without the interruption.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic.solvers.gradient_descent as gd
from logistic import LogisticRegression


def _chunks(k: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 3))
    z = X[:, 0] - 0.5 * X[:, 1] + rng.logistic(size=3000)
    y = (z > 0).astype(int) if k == 2 else np.digitize(z, [-1.0, 1.0])
    return (X[:1000], y[:1000]), (X[1000:], y[1000:])


def _stop_after_two_batches(monkeypatch):
    real = gd.sgd_pass

    def stopping(obj, batches, state, *args, **kwargs):
        it = iter(batches)
        real(obj, [next(it), next(it)], state, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(gd, "sgd_pass", stopping)


@pytest.mark.parametrize("k", [2, 3])
def test_an_interrupted_call_leaves_the_stream_as_before(monkeypatch, k):
    first, second = _chunks(k)
    classes = np.arange(k)
    reference = LogisticRegression(solver="sgd", random_state=0)
    reference.partial_fit(*first, classes=classes).partial_fit(*second)

    est = LogisticRegression(solver="sgd", random_state=0)
    est.partial_fit(*first, classes=classes)
    coef = est.coef_.copy()
    with monkeypatch.context() as m:
        _stop_after_two_batches(m)
        with pytest.raises(KeyboardInterrupt):
            est.partial_fit(*second)
    np.testing.assert_array_equal(est.coef_, coef)
    est.partial_fit(*second)  # the chunk given again
    np.testing.assert_array_equal(est.coef_, reference.coef_)
    np.testing.assert_array_equal(est.intercept_, reference.intercept_)
    np.testing.assert_array_equal(est.n_iter_, reference.n_iter_)
