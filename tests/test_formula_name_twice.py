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


def test_the_names_of_a_wide_design_are_checked_in_linear_time():
    # a sparse C(zip) design of 30 000 levels: the check counted each name in
    # the whole list (quadratic: about 40 s on a shared 2-core machine, most of
    # a 20 000-level design's time); counted once it takes milliseconds. A
    # bound far above the linear time and far below the quadratic one, in
    # the process's CPU time, which other work on the machine does not stretch.
    import time

    from logistic._exceptions import DataValidationError
    from logistic._feature_names import check_formula_names

    names = [f"C(zip)[T.z{i:05d}]" for i in range(30_000)]
    start = time.process_time()
    check_formula_names("y ~ C(zip)", names, ["zip", "y"])
    assert time.process_time() - start < 2.0
    # the first repeated name in the list's order is still the one named
    with pytest.raises(DataValidationError, match=r"named 'C\(zip\)\[T.z00003\]'"):
        check_formula_names("y ~ C(zip)", [*names, names[7], names[3]], ["zip"])
