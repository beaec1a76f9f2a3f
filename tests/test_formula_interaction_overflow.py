"""An interaction of numbers whose product overflows float64 (``x:z`` with
x = z = 1e200: each finite, the product inf) is refused by the design
builders (:mod:`logistic.tabular._formula_design`), dense and sparse alike,
naming the term, the rows and the first one's line in the file, as a
numeric term that is not finite is; before, the infinity reached the
estimator, which named the column by an index from 0 after a numpy
RuntimeWarning ("overflow encountered in multiply").

The expected rows come from numpy's own product of the two columns as read
by pandas (IEEE 754: 1e200 * 1e200 = inf), not from the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


def _data(path: str, n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.choice(["p", "q", "r"], n),
            "x": rng.normal(size=n).round(3),
            "z": rng.normal(size=n).round(3),
            "y": rng.integers(0, 2, n),
        }
    )
    frame.to_csv(path, index=False)
    return frame


def _overflowing(frame: pd.DataFrame, rows: list[int]) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[rows, ["x", "z"]] = 1e200
    return frame


@pytest.mark.parametrize("flag", ["--sparse", "--no-sparse"])
@pytest.mark.parametrize("term", ["x:z", "C(a):x:z"])
def test_fit_refuses_an_overflowing_product_naming_the_term_and_line(
    workdir, capsys, flag, term
):
    frame = _overflowing(_data("clean.csv"), [4, 9, 30])
    frame.to_csv("d.csv", index=False)
    read = pd.read_csv("d.csv")
    with np.errstate(over="ignore"):
        bad = ~np.isfinite(read["x"].to_numpy() * read["z"].to_numpy())
    first_line = int(np.argmax(bad)) + 2  # the header is line 1
    argv = ["fit", "d.csv", "--formula", f"y ~ a + {term}", flag, "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    assert (
        f"formula term {term!r} is not finite on {int(bad.sum())} row(s) of d.csv "
        f"(first at line {first_line}); the product of its numbers overflows"
    ) in err
    assert "RuntimeWarning" not in err and "index from 0" not in err


@pytest.mark.parametrize("flag", ["--sparse", "--no-sparse"])
def test_predict_refuses_an_overflowing_product_in_new_data(workdir, capsys, flag):
    frame = _data("d.csv")
    code, _, err = run_cli(capsys, ["fit", "d.csv", "--formula", "y ~ a + x:z",
                                    flag, "-o", "m.json", "-q"])  # fmt: skip
    assert code == 0, err
    _overflowing(frame, [7]).to_csv("new.csv", index=False)
    code, _, err = run_cli(capsys, ["predict", "m.json", "new.csv", "-o", "p.csv"])
    assert code == 65, err
    assert "formula term 'x:z' is not finite on 1 row(s) of new.csv (first at line 9)" in err
    assert "RuntimeWarning" not in err
