"""``alpha`` of the interval methods is one minus the coverage (statsmodels'
convention): a value above 0.5, almost always a coverage passed as alpha, gets
an IntervalAlphaWarning naming the caller's line, once a call however deep the
library's own calls go; the command line, which takes the coverage (--level),
never shows it."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import run_cli
from logistic import IntervalAlphaWarning, LogisticRegression


@pytest.fixture(scope="module")
def model():
    X, y, names = logistic.datasets.load_ucla_admissions()
    return LogisticRegression().fit(pd.DataFrame(X, columns=names), y), X


def _caught(call):
    """The warnings of ``call()`` under Python's default filter."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        out = call()
    return out, [w for w in caught if issubclass(w.category, IntervalAlphaWarning)]


@pytest.mark.parametrize(
    "method",
    ["conf_int", "predict_interval", "summary", "odds_ratios", "to_dataframe"],
)
def test_an_alpha_above_one_half_warns_once_at_the_callers_line(model, method):
    m, X = model
    res = m.inference()
    calls = {
        "conf_int": lambda: res.conf_int(alpha=0.95),
        "predict_interval": lambda: m.predict_interval(X[:3], alpha=0.95),
        "summary": lambda: res.summary(alpha=0.95).as_text(),
        "odds_ratios": lambda: res.odds_ratios(alpha=0.95),
        "to_dataframe": lambda: res.to_dataframe(alpha=0.95),
    }
    _, got = _caught(calls[method])
    assert len(got) == 1, [str(w.message) for w in got]
    assert str(got[0].message) == (
        "alpha=0.95 gives 5% intervals: alpha is one minus the coverage "
        "(alpha=0.05 for 95% intervals)"
    )
    assert got[0].filename == __file__


def test_the_asked_intervals_are_still_given(model):
    """The warning changes nothing: 5 % intervals, as statsmodels'
    ``conf_int(alpha=0.95)`` gives them (inside the 95 % ones)."""
    m, _ = model
    res = m.inference()
    narrow, _ = _caught(lambda: np.asarray(res.conf_int(alpha=0.95)))
    wide = np.asarray(res.conf_int(alpha=0.05))
    assert (narrow[:, 0] > wide[:, 0]).all() and (narrow[:, 1] < wide[:, 1]).all()


@pytest.mark.parametrize("alpha", [0.05, 0.5, 0.1])
def test_no_warning_at_or_below_one_half(model, alpha):
    _, got = _caught(lambda: model[0].inference().conf_int(alpha=alpha))
    assert got == []


def test_the_command_line_takes_the_coverage_and_shows_no_alpha_warning(
    tmp_path, capsys
):
    data = logistic.datasets.ucla_admissions_path()
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "-t", "admit", "-o", out, "-q"])
    assert code == 0, err
    code, text, err = run_cli(capsys, ["margins", out, data, "--level", "0.3"])
    assert code == 0, err
    assert "alpha" not in err and "warning" not in err
    assert re.search(r"\[0\.35 +0\.65\]", text), text  # the 30 % interval's bounds


@pytest.mark.parametrize("alpha", ["0.05", None, True, [0.05]])
@pytest.mark.parametrize(
    "method",
    [
        "conf_int",
        "predict_interval",
        "summary",
        "odds_ratios",
        "margins",
        "margins summary",
    ],
)
def test_an_alpha_that_is_no_number_is_refused_by_name(model, method, alpha):
    """A string, None, a boolean or a list raised a bare TypeError ("'<' not
    supported between instances of 'int' and 'str'") naming no parameter."""
    m, X = model
    res = m.inference()
    calls = {
        "conf_int": lambda: res.conf_int(alpha=alpha),
        "predict_interval": lambda: m.predict_interval(X[:3], alpha=alpha),
        "summary": lambda: res.summary(alpha=alpha).as_text(),
        "odds_ratios": lambda: res.odds_ratios(alpha=alpha),
        "margins": lambda: res.get_margeff(at="mean").conf_int(alpha=alpha),
        "margins summary": lambda: res.get_margeff(at="mean").summary(alpha=alpha),
    }
    with pytest.raises(logistic.InvalidParameterError, match="^alpha must be a number"):
        calls[method]()


def test_a_numpy_alpha_is_a_number(model):
    m, _ = model
    res = m.inference()
    want = res.conf_int(alpha=0.1)
    for alpha in (np.float32(0.1), np.float64(0.1), np.array(0.1)):
        np.testing.assert_allclose(res.conf_int(alpha=alpha), want, rtol=1e-6)


def test_an_alpha_just_above_one_half_warns(model):
    _, got = _caught(lambda: model[0].inference().conf_int(alpha=0.6))
    assert len(got) == 1


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.05, 1.5])
def test_an_alpha_outside_zero_one_is_refused(model, alpha):
    # alpha = 0 would ask for infinite intervals, 1 for empty ones
    with pytest.raises(logistic.InvalidParameterError, match=r"alpha must be in"):
        model[0].inference().conf_int(alpha=alpha)
