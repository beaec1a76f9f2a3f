"""A formula whose design holds two columns of one name.

A data column named like another term's column (`` `a:b` `` beside the
interaction ``a:b``, `` `g[T.lo]` `` beside ``g``'s treatment column) gives
two design columns of one name; formulaic's matrix keeps only one of them.
The fit was refused as "cannot be stored exactly in a model file; precompute
its transformed columns in the data instead", which named neither the
column nor the cause (the columns were already in the data). Now the
refusal names the repeated name and says to rename the data column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(3)
    n = 200
    frame = pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n),
         "g": rng.choice(["hi", "lo"], n), "y": rng.integers(0, 2, n)}
    )
    frame["a:b"] = rng.normal(size=n)
    frame["g[T.lo]"] = rng.normal(size=n)
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "d.csv"


@pytest.mark.parametrize(
    ("formula", "name"),
    [("y ~ `a:b` + a:b + a + b", "a:b"), ("y ~ `g[T.lo]` + g", "g[T.lo]")],
)
def test_a_column_named_like_a_term_is_named(data, tmp_path, capsys, formula, name):
    formulaic = pytest.importorskip("formulaic")
    matrix = formulaic.model_matrix(formula.split("~")[1], pd.read_csv(data))
    assert list(matrix.columns).count(name) == 1  # formulaic keeps one of two
    code, _, err = run_cli(
        capsys, ["fit", data, "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert f"makes two design columns named {name!r}" in err, err
    assert f"the data column {name!r} is named like another term's column" in err
    assert "cannot be stored exactly" not in err
    assert not (tmp_path / "m.json").exists()
