"""A cross-validation over one strength (``n_alphas=1``, ``--n-alphas 1``):
the default sequence is then ``alpha_max`` alone, whatever ``eps`` (glmnet's
``lambda.min.ratio`` only sets where a sequence of two or more ends), yet the
grid-edge warning told the user to give "a smaller eps": the command line's
said "down to alpha_max x 1: to go beyond it, give a smaller --eps (below
1)", which changes nothing. It now says to ask for two or more strengths.
Reference: the grid itself, ``alphas_`` of one value whatever ``eps``."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

import logistic  # noqa: E402
from conftest import run_cli  # noqa: E402

RNG = np.random.default_rng(0)
N = 300
X = RNG.standard_normal((N, 3))
Y = (X @ np.array([2.0, -1.0, 0.5]) + RNG.standard_normal(N) > 0).astype(int)


def test_the_library_names_n_alphas():
    grids = []
    for eps in (1e-4, 1e-8):
        with pytest.warns(logistic.GridEdgeWarning) as record:
            cv = logistic.LogisticRegressionCV(penalty="l1", n_alphas=1, eps=eps, cv=3)
            cv.fit(X, Y)
        grids.append(cv.alphas_)
        message = str(record[0].message)
        assert "n_alphas of 2 or more" in message
        assert "smaller eps" not in message
    np.testing.assert_array_equal(grids[0], grids[1])  # eps changes nothing
    assert grids[0].size == 1


def test_the_command_line_names_n_alphas(workdir, capsys):
    lines = ["a,b,c,y"] + [
        ",".join(repr(float(v)) for v in row) + f",{t}"
        for row, t in zip(X, Y, strict=True)
    ]
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    args = ["fit", "d.csv", "-t", "y", "--cv", "3", "--penalty", "l1"]
    code, _, err = run_cli(capsys, [*args, "--n-alphas", "1", "-o", "m.json"])
    assert code == 0, err
    assert "give --n-alphas 2 or more" in err
    assert "smaller --eps" not in err
