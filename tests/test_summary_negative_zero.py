"""Header statistics that are 0 up to rounding read ``0.00``, not ``-0.00``.

Three rows whose best slope is 0 by symmetry (``y`` 0, 1, 0 at ``a`` 1, 2,
3): the fit's log-likelihood equals the null's, and an L-BFGS fit left the LR
statistic at about -1e-15, printed ``LR chi2(1): -0.00`` and ``Pseudo R-sq.:
-0.0000``. statsmodels' ``Logit`` gives ``llr`` of order 1e-15 for the same
rows (either sign) and its summary prints what it has.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.inference._cell_text import fixed


@pytest.mark.parametrize(
    "value,decimals,text",
    [(-1e-15, 2, "0.00"), (-0.004, 2, "0.00"), (-0.005001, 2, "-0.01"), (0.0, 4, "0.0000"),
     (-0.0, 4, "0.0000"), (3.14159, 2, "3.14"), (-2.5e-5, 4, "0.0000"), (-12.3456, 4, "-12.3456")],
)
def test_fixed_has_no_negative_zero(value, decimals, text):
    assert fixed(value, decimals) == text


@pytest.mark.parametrize("solver", ["lbfgs", "newton", "gd"])
def test_a_null_fit_header_reads_zero(solver):
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([0, 1, 0])
    model = LogisticRegression(solver=solver, tol=1e-10, max_iter=100_000).fit(X, y)
    text = str(model.inference(X, y).summary())
    header = text.split("coef")[0]  # the table's cells are left as computed
    assert re.search(r"LR chi2\(1\):\s+(\S+)", header).group(1) == "0.00"
    assert re.search(r"Pseudo R-sq\.:\s+(\S+)", header).group(1) == "0.0000"


def test_summary_and_report_lines_of_a_null_fit_read_zero(tmp_path, capsys):
    """``logistic summary`` printed ``pseudo R-squared (McFadden) -0.0000`` and
    the report ``pseudo_rsquared -2.22045e-16`` for a gradient-descent fit
    equal to the null (the file's statistics as stored)."""
    from conftest import run_cli

    pytest.importorskip("matplotlib")
    (tmp_path / "null3.csv").write_text("y,a\n0,1\n1,2\n0,3\n")
    model = tmp_path / "m.json"
    fit = ["fit", tmp_path / "null3.csv", "-t", "y", "--solver", "gd", "-o", model]
    assert run_cli(capsys, fit)[0] == 0
    code, out, _ = run_cli(capsys, ["summary", model])
    assert code == 0
    assert "pseudo R-squared (McFadden) 0.0000" in out
    report = tmp_path / "r.html"
    assert run_cli(capsys, ["report", model, tmp_path / "null3.csv", "-o", report])[0] == 0
    assert re.search(r"pseudo_rsquared 0(?![.\d])", report.read_text())
