"""The note under a profile-likelihood odds-ratio table names the null value
of that table's scale.

``summary(X, y, odds_ratios="profile")`` said "an interval excluding 0 next to
P>|z| above alpha": odds-ratio intervals never hold 0; the value that matches
coef = 0 is an odds ratio of 1.
"""

from __future__ import annotations

import pandas as pd

from logistic import LogisticRegression, datasets


def test_the_odds_ratio_note_says_excluding_1():
    X, y, names = datasets.load_ucla_admissions()
    X = pd.DataFrame(X, columns=names)
    model = LogisticRegression().fit(X, y)
    text = str(model.summary(X, y, odds_ratios="profile"))
    assert "an interval excluding 1 next to P>|z| above alpha" in text
    assert "excluding 0" not in text
