"""A formula's dense design is counted before it is built
(:mod:`logistic.tabular._formula_size`): ``C(g):C(h)`` of 200 levels each on
20 000 rows made 40 000 dense columns (6 GiB a copy, five copies alive while
formulaic's matrix was compared with the stored encoding's) and went on to
ask for about 30 GiB, ending in a MemoryError or the out-of-memory killer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import _memory


@pytest.fixture
def levels_csv(workdir):
    rng = np.random.default_rng(0)
    n = 1000
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n).round(3),
            "g": rng.choice([f"g{i}" for i in range(50)], n),
            "h": rng.choice([f"h{i}" for i in range(50)], n),
            "y": rng.integers(0, 2, n),
        }
    )
    frame.to_csv("d.csv", index=False)
    return "d.csv"


@pytest.mark.parametrize("formula", ["y ~ a + C(g):C(h)", "y ~ a + g:h"])
def test_a_design_beyond_memory_is_refused_before_it_is_built(
    levels_csv, capsys, monkeypatch, formula
):
    # 2 501 columns of 1 000 rows, 5 float64 copies: about 95 MiB
    monkeypatch.setattr(_memory, "process_memory", lambda: 80 * 2**20)
    calls = []
    import formulaic

    monkeypatch.setattr(formulaic, "model_matrix", lambda *a, **k: calls.append(a))
    argv = ["fit", levels_csv, "--formula", formula, "--penalty", "l2", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    term = formula.split(" + ")[-1]
    assert f"makes about 2,501 columns ({term} alone 2,500) of 1,000 rows" in err
    assert "more than the memory this process may use (80 MiB)" in err
    assert not calls  # nothing materialised


def test_a_design_within_memory_is_fitted(levels_csv, capsys, monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", lambda: 200 * 2**20)
    argv = ["fit", levels_csv, "--formula", "y ~ a + C(g)", "--penalty", "l2",
            "-o", "m.json", "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
