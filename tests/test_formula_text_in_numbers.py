"""A text column inside a numeric function of a formula.

``I(g)`` of a text column was refused naming the term and ``C(g)``; but
``np.log(g)``, ``center(g)`` or ``I(x * g)`` reached formulaic, whose error
was numpy's: "Unable to evaluate factor `np.log(g)`. [TypeError: loop of
ufunc does not support argument 0 of type str which has no callable log
method]". They are now refused before formulaic runs, naming the term, the
column, one of its values and the spelling of its levels (formulaic's own
``model_matrix`` fails on them too: checked below).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture
def frame():
    rng = np.random.default_rng(11)
    n = 60
    return pd.DataFrame(
        {"x": rng.uniform(1, 2, n), "g": rng.choice(["lo", "hi"], n),
         "y": rng.integers(0, 2, n)}
    )


@pytest.mark.parametrize(
    ("term", "shown"),
    [("np.log(g)", "np.log(g)"), ("center(g)", "center(g)"), ("I(x*g)", "I(x * g)")],
)
def test_text_in_a_numeric_term_is_named(frame, tmp_path, capsys, term, shown):
    formulaic = pytest.importorskip("formulaic")
    with pytest.raises(Exception, match="TypeError|not supported"):
        formulaic.model_matrix(term, frame)
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.csv", "--formula", f"y ~ {term}",
                 "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert f"formula term {shown!r} reads column 'g' as numbers, but it holds text" in err
    assert "write g or C(g) for its levels" in err
    assert "ufunc" not in err
