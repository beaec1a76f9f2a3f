"""``inference(X)`` of a two-class fit given X as a callable of blocks, the
same X that ``fit(X, None)`` read (each block ``(X, y[, w[, offset]])``):
the blocks carry the labels, weights and offsets, as they do for ``fit``
and for a K-class ``inference``.

Reference: statsmodels' ``Logit`` with the same offset, its HC0 standard
errors and model-based ones, on the rows of the blocks stacked.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 3))
    off = 0.3 * rng.normal(size=500)
    y = (X[:, 0] - 0.5 * X[:, 1] + off + rng.logistic(size=500) > 0).astype(float)
    return X, y, off


def test_blocks_as_x_give_the_inference_of_their_rows() -> None:
    X, y, off = _data()

    def blocks():  # type: ignore[no-untyped-def]
        for i in range(0, len(y), 100):
            s = slice(i, i + 100)
            yield X[s], y[s], None, off[s]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None, tol=1e-12).fit(blocks, None)
        robust = model.inference(blocks, cov_type="HC0")
        plain = model.inference(blocks)
    ref = sm.Logit(y, sm.add_constant(X), offset=off)
    hc0 = ref.fit(disp=0, method="newton", tol=1e-12, cov_type="HC0")
    nonrobust = ref.fit(disp=0, method="newton", tol=1e-12)
    # both order the constant first
    np.testing.assert_allclose(robust.bse, hc0.bse, rtol=1e-6)
    np.testing.assert_allclose(plain.bse, nonrobust.bse, rtol=1e-6)


def test_a_list_of_blocks_is_read_as_blocks() -> None:
    """A list of ``(X, y[, w[, offset]])`` tuples, the remedy the refusal of
    a one-pass iterator names, is fitted and given to ``inference`` as its
    blocks' rows."""
    X, y, off = _data()
    blocks = [
        (X[i : i + 100], y[i : i + 100], None, off[i : i + 100])
        for i in range(0, len(y), 100)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None, tol=1e-12).fit(blocks, None)
        robust = model.inference(blocks, cov_type="HC0")
    ref = sm.Logit(y, sm.add_constant(X), offset=off).fit(
        disp=0, method="newton", tol=1e-12, cov_type="HC0"
    )
    np.testing.assert_allclose(model.intercept_[0], ref.params[0], rtol=1e-7)
    np.testing.assert_allclose(model.coef_.ravel(), ref.params[1:], rtol=1e-7)
    np.testing.assert_allclose(robust.bse, ref.bse, rtol=1e-6)


def test_a_list_of_row_tuples_is_still_an_array() -> None:
    """Rows as tuples of numbers are X's rows, not blocks."""
    X, y, _ = _data()
    rows = [tuple(r) for r in X]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = LogisticRegression(penalty=None).fit(rows, y)
        b = LogisticRegression(penalty=None).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10)
