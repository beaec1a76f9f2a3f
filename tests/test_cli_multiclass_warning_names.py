"""A K-class fit's warnings name its parameters by the target's levels, as its
tables do: a nearly collinear information matrix was reported as
"'2.0:x1', '2.0:x2', ..." (the class codes the model is fitted on), and once
more by ``save``, which computes the covariance the file keeps (a save says
nothing the inference already said)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import run_cli


def test_nearly_collinear_warning_names_levels_once(workdir, capsys):
    rng = np.random.default_rng(0)
    n = 3000
    x1 = rng.normal(size=n)
    x2 = x1 + 1e-5 * rng.normal(size=n)  # nearly the same column
    z = np.column_stack([np.zeros(n), x1, -x1])
    u = rng.random(n)[:, None]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = np.array(["low", "mid", "top"])[(u > p.cumsum(axis=1)).sum(axis=1)]
    pd.DataFrame({"x1": x1, "x2": x2, "y": y}).to_csv(workdir / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    said = [line for line in err.splitlines() if "nearly collinear" in line]
    assert len(said) == 1, err
    named = said[0].split(" are nearly collinear")[0]
    assert named.endswith("the 4 columns: 'top:x1', 'top:x2', 'mid:x2', 'mid:x1'")
    assert "1.0:" not in said[0] and "2.0:" not in said[0], said[0]


def test_summary_of_the_file_names_levels_too(workdir, capsys):
    test_nearly_collinear_warning_names_levels_once(workdir, capsys)
    for argv in (["m.json", "d.csv"], ["m.json", "--odds-ratios"], ["m.json"]):
        code, out, err = run_cli(capsys, ["summary", *argv])
        assert code == 0, err
        # said once: inference's on stderr, or the fit's stored one ("fit
        # warning:" on stdout) with inference's repeat of it left out
        lines = err.splitlines() + [
            line for line in out.splitlines() if line.startswith("fit warning:")
        ]
        said = [line for line in lines if "nearly collinear" in line]
        assert len(said) == 1, (argv, out, err)
        assert all("'top:x1'" in line and "2.0:" not in line for line in said), said
