"""A data column named like a function the formula calls.

formulaic evaluates a call with the data's columns in scope, so a column
named ``C``, ``I``, ``center``, ``log`` or ``np`` hides the function of that
name: ``--formula "y ~ C(C)"`` failed with formulaic's "Unable to evaluate
factor `C(C)`. [TypeError: 'Series' object is not callable]", an internal
object and no cause. The message now also names the column and says to
rename it. (formulaic's own ``model_matrix`` fails the same way: checked
below, so the refusal is not ours to lift.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture
def frame():
    rng = np.random.default_rng(6)
    n = 100
    return pd.DataFrame(
        {"C": rng.choice(["p", "q"], n), "log": rng.uniform(1, 2, n),
         "np": rng.uniform(1, 2, n), "g": rng.choice(["u", "v"], n),
         "y": rng.integers(0, 2, n)}
    )


@pytest.mark.parametrize(
    ("formula", "named"),
    [
        ("y ~ C(C)", "the data column 'C' has the name of a function the formula calls"),
        ("y ~ log(log)", "the data column 'log' has the name of a function"),
        ("y ~ np.log(np) + C(C)", "the data columns 'np', 'C' have the names of functions"),
    ],
)
def test_a_column_that_hides_a_function_is_named(frame, tmp_path, capsys, formula, named):
    formulaic = pytest.importorskip("formulaic")
    with pytest.raises(Exception, match="not callable|has no attribute"):
        formulaic.model_matrix(formula.split("~")[1], frame)
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.csv", "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert named in err, err
    assert "rename the column" in err


def test_a_column_named_like_an_uncalled_function_is_used(frame, tmp_path, capsys):
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.csv", "--formula", "y ~ C(g) + log + np",
                 "-o", tmp_path / "m.json"]
    )
    assert code == 0, err
