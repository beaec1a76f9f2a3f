"""A formula's dense design is counted before it is built
(:mod:`logistic.tabular._formula_size`): ``C(g):C(h)`` of 200 levels each on
20 000 rows made 40 000 dense columns (6 GiB a copy, five copies alive while
formulaic's matrix was compared with the stored encoding's) and went on to
ask for about 30 GiB, ending in a MemoryError or the out-of-memory killer.
Now such a design is built sparse where only that fits (a term stores at
most one value a row: 2 000 here), unless ``--no-sparse`` asks for it dense;
then the refusal names ``--sparse``."""

from __future__ import annotations

import json

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
def test_a_dense_design_beyond_memory_is_refused_before_it_is_built(
    levels_csv, capsys, monkeypatch, formula
):
    # 2 501 columns of 1 000 rows, 5 float64 copies: about 95 MiB
    monkeypatch.setattr(_memory, "process_memory", lambda: 80 * 2**20)
    calls = []
    import formulaic

    monkeypatch.setattr(formulaic, "model_matrix", lambda *a, **k: calls.append(a))
    argv = ["fit", levels_csv, "--formula", formula, "--penalty", "l2", "-o", "m.json",
            "--no-sparse"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    term = formula.split(" + ")[-1]
    assert f"makes about 2,501 columns ({term} alone 2,500) of 1,000 rows" in err
    assert "more than the memory this process may use (80 MiB)" in err
    # the remedy: 2 terms x 1 000 rows stored, SPARSE_BYTES each
    assert "build the design sparse with --sparse (about 312 KiB for its 2,000" in err
    assert not calls  # nothing materialised


def test_a_design_within_memory_is_fitted(levels_csv, capsys, monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", lambda: 200 * 2**20)
    argv = ["fit", levels_csv, "--formula", "y ~ a + C(g)", "--penalty", "l2",
            "-o", "m.json", "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


def test_sparse_is_chosen_where_only_it_fits(levels_csv, capsys, monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", lambda: 80 * 2**20)
    argv = ["fit", levels_csv, "--formula", "y ~ a + C(g):C(h)", "--penalty", "l2",
            "-o", "m.json"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert "is built as a sparse design (at most 2,000 stored values in 1,000 " in err
    # the columns are counted before the design is built, every level of each
    # factor: an upper bound of the 2 500 made (a, and 2 500 less a reference)
    assert "in 1,000 rows x at most 2,501 columns, every level counted)" in err
    model = json.loads(open("m.json").read())
    assert model["encoding"]["sparse"] is True
    assert len(model["model"]["coef"]) == 2500  # a, and C(g):C(h) less a reference


def test_a_design_too_large_both_ways_is_refused(levels_csv, capsys, monkeypatch):
    from logistic.tabular import _formula_size

    monkeypatch.setattr(_memory, "process_memory", lambda: 80 * 2**20)
    monkeypatch.setattr(_formula_size, "SPARSE_BYTES", 10**5)  # 191 MiB
    for flag in ([], ["--sparse"]):
        argv = ["fit", levels_csv, "--formula", "y ~ a + C(g):C(h)", "-o", "m.json",
                *flag]  # fmt: skip
        code, _, err = run_cli(capsys, argv)
        assert code == 65, err
        assert "about 191 MiB for its 2,000 stored values" in err, err
        assert ("both more than" in err) is not bool(flag), err


@pytest.mark.parametrize("flag", ["--sparse", "--no-sparse"])
def test_sparse_flags_need_a_formula(levels_csv, capsys, flag):
    code, _, err = run_cli(capsys, ["fit", levels_csv, "-t", "y", flag, "-o", "m.json"])
    assert code == 2, err
    assert f"{flag} applies to a --formula design" in err
