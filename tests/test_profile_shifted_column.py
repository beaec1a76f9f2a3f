"""Profile intervals of a column far from 0 (inference/_profile._ProfileDeviance).

Firth's penalized likelihood is invariant under an affine change of a column
(the penalty ``½ log det I`` moves by a constant, the intercept takes the
shift), so the profile penalized-likelihood interval of every slope must not
move when a column is shifted. On a separated fit with its columns shifted by
±100 the interval of ``a`` raised scipy's bare ``ValueError: f(a) and f(b) must
have different signs``, and ``logistic fit --penalty firth`` fell back to Wald
values with that message: the endpoint search re-fitted a bracket's end from
the far end's point, which settled on another local maximum of the penalized
likelihood, of the other sign. The reference is the same fit without the
shift (logistf's intervals are those of the unshifted data; the law is the
invariance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from logistic import LogisticRegression


def _separated():
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"a": rng.standard_normal(60), "b": rng.standard_normal(60)})
    y = (X["a"] + 0.3 * X["b"] > 0).astype(float)
    return X, y


def test_firth_profile_interval_of_a_shifted_column_does_not_move():
    X, y = _separated()
    Xs = X + [100.0, -100.0]
    res = LogisticRegression(penalty="firth").fit(X, y).inference(X, y)
    shifted = LogisticRegression(penalty="firth").fit(Xs, y).inference(Xs, y)
    expected = res.conf_int(method="profile", terms=["a"]).loc["a"].to_numpy()
    got = shifted.conf_int(method="profile", terms=["a"]).loc["a"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-7)
    assert expected[1] > 60  # a long, skewed profile: far points visited
