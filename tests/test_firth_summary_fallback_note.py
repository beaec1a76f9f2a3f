"""A Firth summary whose logistf tests fail says why, and only that.

When the penalized likelihood-ratio tests or profile intervals of a Firth
summary with its training data raise, the table falls back to Wald values
with a note naming the failure. A second note then said the Wald values were
shown because those computations "take many constrained refits" (the note of
a summary too large for them), which was not the reason: the two notes
contradicted each other.
"""

from __future__ import annotations

import numpy as np

from logistic import LogisticRegression
from logistic.inference import _results


def test_failed_logistf_tests_give_one_note(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] + rng.standard_normal(40) > 0).astype(float)
    res = LogisticRegression(penalty="firth").fit(X, y).inference(X, y)

    def fails(self, *args, **kwargs):
        raise FloatingPointError("made to fail")

    monkeypatch.setattr(_results.InferenceResults, "conf_int", fails)
    text = str(res.summary())
    assert "failed (made to fail); Wald values are shown" in text
    assert "take many constrained refits" not in text
    assert "z (Wald)" in text  # the columns still say what they are
