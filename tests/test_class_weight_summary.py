"""Summary and warning of a fit with ``class_weight="balanced"``.

Balanced weights ``n / (2 n_c)`` sum to the row count n in exact arithmetic
(400 for the UCLA admissions data, 400 rows), but their floating-point sum
can be off in the last bit: the summary shows the count as the integer 400,
never ``400.0000``. The warning about class weights names the public
``class_weight`` parameter (``--class-weight`` in the CLI), not a private module.
"""

from __future__ import annotations

import warnings

import pytest

from logistic import LogisticRegression, datasets


def test_balanced_class_weight_summary_counts_rows_as_an_integer():
    X, y, _ = datasets.load_ucla_admissions()
    model = LogisticRegression(class_weight="balanced").fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = str(model.summary(X, y))
    line = next(ln for ln in text.splitlines() if "No. observations" in ln)
    assert line.split("No. observations:")[1].split()[0] == str(len(y)) == "400"
    messages = [str(w.message) for w in caught if "class_weight" in str(w.message)]
    assert messages
    assert all("logistic.inference._" not in m for m in messages)
    assert any("fit without class_weight" in m for m in messages)


@pytest.mark.parametrize(
    ("nobs", "shown"),
    [
        (400.0, "400"),
        (399.99999999999994, "400"),
        (400.00000000000006, "400"),
        (672.5, "672.5000"),
        (1e-3, "0.0010"),
        (123456789012345.0, "123456789012345"),
        (1e15, "1e+15"),
        (1e160, "1e+160"),
    ],
)
def test_observation_count_format(nobs, shown):
    from logistic.inference._cell_text import nobs_text

    assert nobs_text(nobs) == shown


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (-428.53961, 4, "-428.5396"),
        (-1e-15, 2, "0.00"),
        (99999999999999.5, 1, "99999999999999.5"),
        (-3.0818844731223927e158, 4, "-3.08188e+158"),
        (float("nan"), 3, "nan"),
    ],
)
def test_header_statistic_format(value, decimals, shown):
    from logistic.inference._cell_text import fixed

    assert fixed(value, decimals) == shown


def test_summary_of_a_weight_of_1e160_stays_narrow():
    """Rows weighted 1e160 give a log-likelihood near -2e162 and a count of
    4e162: the header prints them to 6 significant digits, not as hundreds
    of digits that stretch every line of the table. (Every row carries the
    weight: one row weighted 1e160 among rows of weight 1 leaves an
    information matrix singular to rounding, which the summary refuses.)"""
    X, y, _ = datasets.load_ucla_admissions()
    w = [1e160] * len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None).fit(X, y, sample_weight=w)
        text = str(model.summary())
    assert "4e+162" in text
    table = [line for line in text.splitlines() if not line.startswith("Note")]
    assert max(len(line) for line in table) < 100


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1500000.0, "1500000"), (672.5, "672.5"), (1e160, "1e+160"), (-1e20, "-1e+20")],
)
def test_message_count_format(value, shown):
    """Counts in the command line's messages and tables: whole numbers in
    full, 6 significant digits from 1e15 on (a weight of 1e160 printed 161
    digits in ``evaluate``'s header)."""
    from logistic._messages import count_text

    assert count_text(value) == shown


@pytest.mark.parametrize("classes", [2, 3])
def test_residual_df_is_written_as_the_observations_are(classes):
    # non-integer frequency weights: "No. observations 340.3354" stood beside
    # "Df residuals 337.335" (6 significant digits); both are sums of weights
    # less a count, written by one rule; balanced class weights stay integers
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = rng.integers(0, classes, 300)
    w = rng.uniform(0.5, 1.8, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = LogisticRegression().fit(X, y, sample_weight=w).inference(X, y, w)
        text = " ".join(str(res.summary()).split())
    assert f"Df residuals: {res.df_resid:.4f}" in text.replace("Df residuals ", "Df residuals: ")
    assert f"{res.nobs:.4f}" in text
    X, y, _ = datasets.load_ucla_admissions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = str(LogisticRegression(class_weight="balanced").fit(X, y).summary(X, y))
    shown = text.split("Df residuals:")[1].split()[0]
    assert shown.isdigit(), shown  # e.g. 394, never 394.0000
