"""Hosmer–Lemeshow groups whose fitted probabilities are all exactly 0 or 1.

Such a group's term ``(O - E)² / (E (1 - E/n))`` is ``0/0`` as written (R's
``ResourceSelection::hoslem.test`` returns NaN, and so did this library). The
convention (logistic.inference._goodness) is the limit as the probabilities
approach 0 or 1: 0 when the observed counts equal the expected ones, infinite
(p = 0) when the group holds an outcome its probabilities make impossible,
with a note and a ``PerfectSeparationWarning``.

References computed here, outside the code under test:

* the statistic of the groups by hand (each group's cut points are obvious:
  the probabilities are distinct or tied on purpose), the 0/0 cells dropped
  as DescTools' ``HosmerLemeshowTest`` does (``sum((Obs - Exp)^2 / Exp,
  na.rm = TRUE)`` over the g x 2 cells), p-values from ``scipy.stats.chi2``;
* the limit itself: the same data with probabilities 1e-12 away from 0 and 1,
  where the ordinary formula is finite, give (nearly) the same statistic.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest
from scipy.stats import chi2

from logistic import LogisticRegression, PerfectSeparationWarning
from logistic.cli.app import main
from logistic.inference import hosmer_lemeshow

Y = np.array([0, 0, 1, 1, 1, 0, 1], float)
P = np.array([0.0, 0.0, 1.0, 1.0, 0.5, 0.3, 0.7])


def _cells_statistic(y, p, labels):
    """Pearson χ² of the g x 2 table of observed and expected counts, 0/0
    cells left out (DescTools' ``na.rm = TRUE``)."""
    obs = np.array([[np.sum(1 - y[labels == k]), np.sum(y[labels == k])]
                    for k in np.unique(labels)])  # fmt: skip
    exp = np.array([[np.sum(1 - p[labels == k]), np.sum(p[labels == k])]
                    for k in np.unique(labels)])  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum((obs - exp) ** 2 / exp))


# the five groups of P: {0, 0}, {0.3}, {0.5}, {0.7}, {1, 1}
LABELS = np.array([0, 0, 4, 4, 2, 1, 3])


def test_groups_at_0_and_1_that_fit_add_zero_not_nan():
    with pytest.warns(PerfectSeparationWarning, match="groups? 1 are all exactly 0"):
        hl = hosmer_lemeshow(Y, P)
    by_hand = 0.3**2 / (0.3 * 0.7) + 0.5**2 / (0.5 * 0.5) + 0.3**2 / (0.7 * 0.3)
    assert by_hand == pytest.approx(_cells_statistic(Y, P, LABELS), rel=1e-14)
    assert hl.statistic == pytest.approx(by_hand, rel=1e-13)  # 1.857142857
    assert (hl.groups, hl.df) == (5, 3)
    assert hl.pvalue == pytest.approx(chi2.sf(by_hand, 3), rel=1e-10)
    assert "group 5 all exactly 1" in hl.note and "add 0" in hl.note
    assert "p-value is doubtful" in hl.note and "Note:" in str(hl)
    # the limit: probabilities 1e-12 inside (0, 1) give the ordinary formula
    eps = 1e-12
    near = np.clip(P, eps, 1 - eps)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no exact 0/1: no warning, no note
        assert hosmer_lemeshow(Y, near).note is None
        assert hosmer_lemeshow(Y, near).statistic == pytest.approx(by_hand, abs=1e-9)


@pytest.mark.parametrize(
    ("y", "says"),
    [
        ([1, 0, 1, 1, 1, 0, 1], "Group 1 holds events at probability 0"),
        ([0, 0, 1, 0, 1, 0, 1], "Group 5 holds non-events at probability 1"),
    ],
)
def test_an_impossible_outcome_makes_the_statistic_infinite(y, says):
    y = np.array(y, float)
    with pytest.warns(PerfectSeparationWarning):
        hl = hosmer_lemeshow(y, P)
    assert hl.statistic == np.inf and hl.pvalue == 0.0
    assert says in hl.note and "infinite and p = 0" in hl.note
    assert _cells_statistic(y, P, LABELS) == np.inf
    # the limit: 1e-12 from 0 or 1, the statistic is of order 1e12
    near = hosmer_lemeshow(y, np.clip(P, 1e-12, 1 - 1e-12))
    assert near.statistic > 1e11 and near.pvalue == 0.0


def test_r_grouping_gets_the_same_convention():
    with pytest.warns(PerfectSeparationWarning):
        hl = hosmer_lemeshow(Y, P, groups=5, method="r")
    assert np.isfinite(hl.statistic) and np.isfinite(hl.pvalue)
    # R's breaks, quantile(sort(P), 0:5/5) by type 7 (1 + 6 k/5 between order
    # statistics): 0, 0.06, 0.38, 0.62, 0.94, 1 -> the five groups of LABELS
    labels = np.searchsorted([0.06, 0.38, 0.62, 0.94], P, side="left")
    np.testing.assert_array_equal(labels, LABELS)
    assert hl.statistic == pytest.approx(_cells_statistic(Y, P, labels), rel=1e-12)
    assert hl.df == 3 and hl.pvalue == pytest.approx(chi2.sf(hl.statistic, 3))


def test_separated_fit_gives_a_number_with_a_note():
    X = np.arange(1.0, 11.0)[:, None]
    y = (X[:, 0] > 5).astype(float)
    with pytest.warns(PerfectSeparationWarning):
        m = LogisticRegression().fit(X, y)
        res = m.inference(X, y)
    p = m.predict_proba(X)[:, 1]
    assert (p == 1.0).any()  # the logits of the top rows round σ to 1
    with pytest.warns(PerfectSeparationWarning, match="Hosmer-Lemeshow"):
        hl = res.hosmer_lemeshow()
    assert np.isfinite(hl.statistic) and np.isfinite(hl.pvalue)
    labels = np.searchsorted(hl.cut_points, p, side="left")  # the groups' own cuts
    assert hl.statistic == pytest.approx(_cells_statistic(y, p, labels), abs=1e-12)
    assert hl.note is not None and "exactly 1" in hl.note


@pytest.fixture
def separated_model(tmp_path):
    pytest.importorskip("matplotlib")
    train = tmp_path / "sep.csv"
    train.write_text("x,y\n" + "".join(f"{i},{int(i > 5)}\n" for i in range(1, 11)))
    model = tmp_path / "sep.json"
    assert (
        main(["fit", str(train), "--target", "y", "--features", "x", "-o", str(model)])
        == 0
    )
    return train, model


def _hl_section(path):
    text = path.read_text(encoding="utf-8")
    return re.search(r"<h2>Hosmer-Lemeshow test</h2>(.*?)<table", text).group(1)


def test_report_of_a_separated_fit_has_no_nan(separated_model, tmp_path):
    train, model = separated_model
    out = tmp_path / "r.html"
    assert main(["report", str(model), str(train), "-o", str(out)]) == 0
    section = _hl_section(out)
    assert "nan" not in section
    m = re.search(r"chi2 = ([0-9.]+) on (\d+) degrees", section)
    assert float(m.group(1)) < 1e-4  # every group fits: all terms ~0 or 0
    assert 'id="hosmer-lemeshow-note"' in section and "exactly 1" in section


def test_report_on_rows_with_an_impossible_outcome_says_infinite(
    separated_model, tmp_path
):
    _, model = separated_model
    other = tmp_path / "other.csv"  # x = 10 is a non-event: probability 1 said 1
    other.write_text(
        "x,y\n" + "".join(f"{i},{int(i > 5 and i != 10)}\n" for i in range(1, 11))
    )
    out = tmp_path / "r.html"
    assert main(["report", str(model), str(other), "-o", str(out)]) == 0
    section = _hl_section(out)
    assert "nan" not in section and "chi2 = ∞ on" in section and "p = 0;" in section
    assert "non-events at probability 1" in section


def test_evaluate_json_carries_the_note_and_no_infinity(
    separated_model, tmp_path, capsys
):
    train, model = separated_model
    other = tmp_path / "other.csv"  # x = 10 is a non-event at probability 1
    other.write_text(
        "x,y\n" + "".join(f"{i},{int(i > 5 and i != 10)}\n" for i in range(1, 11))
    )

    def strict(token):  # Infinity or NaN are not JSON
        raise AssertionError(f"{token} in the JSON output")

    for data, infinite in ((train, False), (other, True)):
        capsys.readouterr()
        assert main(["evaluate", str(model), str(data), "--json", "-q"]) == 0
        hl = json.loads(capsys.readouterr().out, parse_constant=strict)[
            "hosmer_lemeshow"
        ]
        assert "exactly 1" in hl["note"]
        assert (hl["statistic"] is None) == infinite
        assert hl["pvalue"] == (0.0 if infinite else 1.0)
