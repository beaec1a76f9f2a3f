"""The report's CV figures say which strength the model took.

The coefficient path and the CV curve mark the best strength and the 1-SE
one, but not which of them the fit used (``--cv-rule min`` or ``1se``); the
header gives only the alpha. The chosen line's legend now says "(chosen)".
Reference: the model file's ``cross_validation.chosen_index`` against its
``best_index`` and ``index_1se``, as ``logistic fit --cv`` wrote them.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import data_path, run_cli

pytest.importorskip("matplotlib")

from logistic.report._cv_figures import (  # noqa: E402
    coefficient_path_figure,
    cv_curve_figure,
)


def _legend(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


@pytest.mark.parametrize("rule", ["min", "1se"])
def test_the_chosen_strength_is_labelled(workdir, capsys, rule):
    data = data_path("ucla-admissions", "binary.csv")
    args = ["fit", data, "-t", "admit", "--cv", "3", "--cv-rule", rule, "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    cv = json.loads((workdir / "m.json").read_text())["model"]["cross_validation"]
    best, one_se, chosen = cv["best_index"], cv["index_1se"], cv["chosen_index"]
    assert best != one_se  # two lines to tell apart
    alphas = np.asarray(cv["alphas"])
    loss = -np.asarray(cv["mean"])
    figures = [
        cv_curve_figure(alphas, loss, np.asarray(cv["std_err"]), best, one_se, 3, chosen),
        coefficient_path_figure(
            alphas, np.asarray(cv["path"]["coefs"]), ["gre", "gpa", "rank"], best, one_se, chosen
        ),
    ]
    want = "best (chosen)" if rule == "min" else "1 SE (chosen)"
    other = "1 SE" if rule == "min" else "best"
    for fig in figures:
        labels = _legend(fig)
        assert want in labels and other in labels
        assert sum("(chosen)" in t for t in labels) == 1
