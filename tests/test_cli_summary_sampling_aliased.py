"""``logistic summary MODEL`` of a ``--weights-kind sampling`` fit with an
aliased term.

A rating-factor level whose rows all have weight 0 is aliased (R's NA).
``logistic fit`` printed the HC0 table with the NA row, and the file keeps
that covariance (null at the aliased term) with the reduced estimate, but
``logistic summary MODEL`` showed the estimates alone (the aliased one as
0.000000) and said they were "not identified", and ``--odds-ratios`` had no
standard errors. The reference: statsmodels ``GLM(var_weights=w)
.fit(cov_type="HC0")`` of the model without the empty level, on the rows of
positive weight (docs/inference.md, ``sample_weight_kind``).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from logistic.cli.app import main


def test_summary_without_data_gives_the_reduced_hc0_table(tmp_path, capsys):
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    n = 800
    region = rng.choice(["a", "b", "c"], size=n)
    x = rng.normal(size=n)
    off = np.log(rng.uniform(0.2, 1.0, size=n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * x + off)))).astype(int)
    w = np.where(region == "c", 0.0, rng.uniform(0.5, 3.0, size=n))
    d = pd.DataFrame({"y": y, "region": region, "x": x, "off": off, "w": w})
    d.to_csv(tmp_path / "t.csv", index=False)
    model = tmp_path / "m.json"
    assert main(["fit", str(tmp_path / "t.csv"), "-o", str(model), "-q",
                 "--formula", "y ~ C(region) + x", "--offset", "off",
                 "--weights", "w", "--weights-kind", "sampling"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["summary", str(model), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    rows = {r["term"]: r for r in info["coefficients"]}
    assert rows["C(region)[T.c]"]["std_error"] is None
    assert "C(region)[T.c]" in info["singularities"]

    kept = d[d.w > 0]
    X = np.column_stack([np.ones(len(kept)), kept.region == "b", kept.x]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.GLM(kept.y.to_numpy(), X, family=sm.families.Binomial(), offset=kept.off.to_numpy(),
                     var_weights=kept.w.to_numpy()).fit(tol=1e-12, cov_type="HC0")  # fmt: skip
    for i, term in enumerate(["Intercept", "C(region)[T.b]", "x"]):
        assert rows[term]["estimate"] == pytest.approx(ref.params[i], rel=1e-7)
        assert rows[term]["std_error"] == pytest.approx(ref.bse[i], rel=1e-6)

    assert main(["summary", str(model), "--odds-ratios"]) == 0
    text = capsys.readouterr().out
    line = next(t for t in text.splitlines() if t.startswith("x "))
    assert float(line.split()[2]) == pytest.approx(
        np.exp(ref.params[2]) * ref.bse[2], rel=1e-4
    )
