"""Stata's factor-variable notation in a formula is named with its spelling here.

A Stata user writes ``admit ~ gre + i.rank`` (Stata [U] 11.4.3, "Factor
variables": ``i.`` a categorical variable, ``ib4.`` its base level 4, ``c.``
a continuous one, ``#`` an interaction and ``##`` a full factorial). The
formula parser reads ``i.rank`` as a column of that name; without one in the
data, the refusal must say that ``i.rank`` is written ``C(rank)``, never
suggest the column ``rank`` alone, which fits rank as a number (one slope
instead of a coefficient per level). A column really named ``i.rank`` is
still read.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize(
    ("term", "meant"),
    [
        ("i.rank", "written C(rank) here"),
        ("ib4.rank", "written C(rank, Treatment(4)) here"),
        ("c.gpa", "written gpa here"),
    ],
)
def test_a_stata_prefix_names_the_spelling_here(workdir, capsys, term, meant):
    formula = f"admit ~ gre + {term}"
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])
    assert code == 65, err
    assert f"'{term}' is Stata's factor-variable spelling" in err and meant in err, err
    assert "did you mean" not in err, err
    assert not (workdir / "m.json").exists()


@pytest.mark.parametrize("formula", ["admit ~ gre#gpa", "admit ~ C(rank)##gpa"])
def test_stata_interactions_name_colon_and_star(workdir, capsys, formula):
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])
    assert code == 2, err
    assert "Stata's interactions; write a:b for a#b and a*b for a##b" in err, err


def test_a_column_named_like_a_stata_term_is_read(workdir, capsys):
    frame = pd.read_csv(UCLA).rename(columns={"rank": "i.rank"})
    frame.to_csv(workdir / "d.csv", index=False)
    argv = ["fit", "d.csv", "--formula", "admit ~ gre + i.rank", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert (workdir / "m.json").exists()
