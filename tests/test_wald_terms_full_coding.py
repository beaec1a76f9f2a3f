"""Per-term Wald tests of factors coded with every level, and of levels
holding brackets.

``term_of`` knew a factor's column only as ``x[T.level]`` with a level free
of ``]``. So a formula factor coded with every level (``0 + C(rank)``,
``C(rank):gpa``, R's nested ``a/b``) and a level such as ``p[1]`` or
pandas' interval ``(500, 650]`` made every column a term of its own:
``logistic test --terms`` printed ``C(rank)[1]:gpa`` ... with 1 df each
instead of one ``C(rank):gpa`` with 4, and ``test MODEL 'C(rank)'`` was an
unknown term. Reference: statsmodels' ``wald_test_terms`` of the same
formula. A lone column named with units (``weight[kg]``) is still its own
term.
"""

from __future__ import annotations

import pandas as pd
import pytest
import statsmodels.formula.api as smf

import logistic
from conftest import data_path, run_cli
from logistic.inference._hypothesis import term_columns


@pytest.fixture(scope="module")
def ucla(tmp_path_factory):
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    frame["band"] = pd.cut(frame.gre, [0, 500, 650, 900]).astype(str)  # (0, 500]
    frame["tag"] = frame["rank"].map({1: "p[1]", 2: "p[2]", 3: "q", 4: "q"})
    path = tmp_path_factory.mktemp("full") / "u.csv"
    frame.to_csv(path, index=False)
    return frame, path


@pytest.mark.parametrize(
    "formula",
    [
        "admit ~ C(rank):gpa",
        "admit ~ 0 + C(rank) + gpa",
        "admit ~ C(rank)/gpa",
        "admit ~ C(band)*gpa",
        "admit ~ C(tag)*gpa",
    ],
)
def test_terms_match_statsmodels(ucla, tmp_path, capsys, formula):
    frame, path = ucla
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", path, "--formula", formula, "-o", model])
    assert code == 0, err
    ours = logistic.load(model).inference().wald_test_terms()
    table = smf.logit(formula, frame).fit(disp=0).wald_test_terms(scalar=True)
    frame_ref = table.summary_frame()
    assert set(ours) == set(frame_ref.index)
    for term, row in frame_ref.iterrows():
        assert ours[term].df == row["df constraint"]
        assert ours[term].statistic == pytest.approx(row["chi2"], rel=1e-6)


def test_a_lone_bracketed_name_is_its_own_term():
    names = ["weight[kg]", "x[T.a]", "x[T.b]", "C(g)[a]:z", "C(g)[b]:z"]
    assert term_columns(names) == {"weight[kg]": [0], "x": [1, 2], "C(g):z": [3, 4]}
