"""``--cluster`` of ``summary`` and ``margins`` is one column: given twice it
is refused (exit 2) naming both, as two-way clustering is not supported,
rather than the last one used silently (``--cluster a --cluster b`` gave the
one-way table of ``b`` under a request that read as two-way, Cameron,
Gelbach and Miller's).

Reference for the one column that is taken: statsmodels' ``Logit`` with
``cov_type="cluster"`` on the Spector data (tests/data/spector, from the
statsmodels package), clusters of four consecutive observations, without
its further ``(n - 1) / (n - k)`` factor (docs/inference.md: the library's
cluster covariance is Stata's ``logit, vce(cluster g)``, ``G / (G - 1)`` only).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli
from logistic.cli._codes import EX_USAGE
from test_inference import spector

sm = pytest.importorskip("statsmodels.api")


@pytest.fixture
def spector_files(workdir, capsys):
    X, y = spector()
    d = X.assign(GRADE=y, cl=np.arange(len(y)) // 4, other=np.arange(len(y)) % 3)
    d.to_csv(workdir / "s.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", "s.csv", "-t", "GRADE", "--drop", "cl,other", "-o", "m.json"]
    )
    assert code == 0, err
    return X, y, d


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_cluster_given_twice_is_refused_naming_both(spector_files, capsys, command):
    code, out, err = run_cli(
        capsys,
        [command, "m.json", "s.csv", "--cov-type", "cluster", "--cluster", "cl",
         "--cluster", "other"],
    )  # fmt: skip
    assert code == EX_USAGE
    assert out == ""
    assert "--cluster given 2 times (--cluster cl, --cluster other)" in err
    assert "two-way (multi-way) clustering is not supported" in err


def test_cluster_once_is_statsmodels_one_way_table(spector_files, capsys):
    X, y, d = spector_files
    code, out, err = run_cli(
        capsys,
        ["summary", "m.json", "s.csv", "--cov-type", "cluster", "--cluster", "cl",
         "--json"],
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)["inference"]["coefficients"]
    ref = sm.Logit(y, sm.add_constant(X)).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": d.cl}
    )
    got = {r["term"]: r["std_error"] for r in rows}
    n, k = X.shape[0], X.shape[1] + 1
    bse = ref.bse * np.sqrt((n - k) / (n - 1))
    want = dict(zip(["Intercept", "GPA", "TUCE", "PSI"], bse, strict=True))
    for term, se in want.items():
        assert got[term] == pytest.approx(se, rel=1e-6)
