"""CLI output of Firth and penalized fits says what it shows.

References from outside the code under test:
* complete separation on 10 rows (T3's sep.csv): the penalized LR test of x
  and its profile penalized-likelihood interval, computed here with numpy /
  scipy from ``ℓ(β) + ½ log det I(β)`` (T3's independent value: χ² 7.7588,
  p 0.00535, CI (0.196, 5.564)).
* the L2 strength ``alpha = 1/(C·Σs)`` with scikit-learn's default C = 1 on
  the 189 rows of birthwt: 1/189.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import brentq, minimize, minimize_scalar
from scipy.special import expit, log_expit
from scipy.stats import chi2

from conftest import data_path
from logistic.cli.app import main

X_SEP = np.arange(1.0, 11.0)
Y_SEP = (X_SEP > 5).astype(float)
LBW = str(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))


def _pll(b0: float, b1: float) -> float:
    z = b0 + b1 * X_SEP
    v = expit(z) * expit(-z)
    Xt = np.column_stack([np.ones(10), X_SEP])
    ll = np.sum(Y_SEP * log_expit(z) + (1 - Y_SEP) * log_expit(-z))
    return ll + 0.5 * np.linalg.slogdet(Xt.T @ (v[:, None] * Xt))[1]


def _reference() -> tuple[float, float, float]:
    full = minimize(lambda b: -_pll(*b), [0.0, 0.0], method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000})  # fmt: skip

    def profile(c: float) -> float:
        return -minimize_scalar(lambda b0: -_pll(b0, c)).fun

    top = -full.fun
    stat = 2 * (top - profile(0.0))
    q = chi2.isf(0.05, 1)
    b1 = full.x[1]
    lo = brentq(lambda c: 2 * (top - profile(c)) - q, b1 - 3, b1)
    return stat, lo, float(chi2.sf(stat, 1))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("hf")
    sep = root / "sep.csv"
    sep.write_text(
        "x,y\n" + "".join(f"{x:g},{y:g}\n" for x, y in zip(X_SEP, Y_SEP, strict=True))
    )
    return root, sep


def test_cli_firth_fit_prints_logistf_tests(files, capsys):
    root, sep = files
    args = ["fit", str(sep), "--target", "y", "--penalty", "firth"]
    assert main(args + ["-o", str(root / "f.json")]) == 0
    out = capsys.readouterr().out
    stat, lo, p = _reference()
    assert stat == pytest.approx(7.7588, abs=1e-3)
    row = next(line.split() for line in out.splitlines() if line.startswith("x "))
    assert row[3] == f"{stat:.3f}" and row[4] == f"{p:.4f}"
    assert float(row[5]) == pytest.approx(lo, abs=1e-3)
    assert "profile [0.025" in out and "P>chi2" in out


def test_cli_summary_of_firth_file_labels_wald(files, capsys):
    root, sep = files
    path = root / "f2.json"
    main(["fit", str(sep), "--target", "y", "--penalty", "firth", "-o", str(path)])
    capsys.readouterr()
    for extra in ([], ["--odds-ratios"]):
        assert main(["summary", str(path), *extra]) == 0
        out = capsys.readouterr().out
        assert "are Wald" in out and "penalized likelihood-ratio" in out


def test_cli_penalized_fit_says_penalized(files, capsys):
    root, _ = files
    path = root / "l2.json"
    args = ["fit", LBW, "--formula", "low ~ age + lwt + smoke", "--penalty", "l2"]
    assert main(args + ["-o", str(path)]) == 0
    assert "PENALIZED estimates" in capsys.readouterr().out
    alpha = f"alpha = 1/(C·Σs) = {1 / 189:.4g}"
    for extra in ([], ["--odds-ratios"]):
        assert main(["summary", str(path), *extra]) == 0
        out = capsys.readouterr().out
        assert "PENALIZED estimates" in out and alpha in out
    assert main(["summary", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["penalty"].startswith("l2, C=1") and alpha in info["penalty"]
    html = root / "l2.html"
    assert main(["report", str(path), LBW, "-o", str(html)]) == 0
    text = html.read_text()
    assert "<b>penalty</b>" in text and "PENALIZED estimates" in text


def test_cli_summary_with_data_gives_robust_table(files, capsys):
    sm = pytest.importorskip("statsmodels.api")
    import pandas as pd

    root, _ = files
    path = root / "ml.json"
    formula = "low ~ age + lwt + smoke + ht"
    assert main(["fit", LBW, "--formula", formula, "-o", str(path), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["summary", str(path), LBW, "--cov-type", "HC0"]) == 0
    out = capsys.readouterr().out
    d = pd.read_csv(LBW)
    X = sm.add_constant(d[["age", "lwt", "smoke", "ht"]].astype(float))
    ref = sm.Logit(d.low.astype(float), X).fit(disp=0, cov_type="HC0")
    assert "Covariance type:" in out and "HC0" in out
    for term, name in (("Intercept", "const"), ("lwt", "lwt"), ("ht", "ht")):
        row = next(line.split() for line in out.splitlines() if line.startswith(term))
        assert float(row[2]) == pytest.approx(ref.bse[name], rel=1e-3)
    assert main(["summary", str(path), "--cov-type", "HC0"]) == 2
    assert "pass the training file as DATA" in capsys.readouterr().err
