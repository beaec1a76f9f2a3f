"""Stata's ``at()`` lists given to ``--at-value`` are answered with the
options that do it.

``margins, dydx(*) at(gpa=3.5 gre=600)`` sets two variables; ``--at-value
"gpa=3.5 gre=600"`` was refused as a feature named 'gpa=3.5 gre'. The
message now writes one ``--at-value`` per variable, which is checked against
statsmodels: the average of ``p(1-p)·b_gpa`` over the rows with gpa = 3.5
and gre = 600 (``smf.logit(...).predict`` on the moved data). Stata's
``at(gpa=(2 3 4))``, several values, is named as one run per value.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import data_path, fit_ucla_model, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
FORMULA = "admit ~ gre + gpa + C(rank)"


@pytest.fixture
def model(workdir, capsys):
    path = fit_ucla_model(workdir)  # FORMULA's fit
    capsys.readouterr()  # its summary, not the tests' output
    return path


def test_two_settings_in_one_option_name_both_options(model, capsys):
    smf = pytest.importorskip("statsmodels.formula.api")
    argv = ["margins", model, UCLA, "--at-value", "gpa=3.5 gre=600"]
    code, _, err = run_cli(capsys, argv)
    assert code == 2, err
    said = "give one COL=VALUE per --at-value: --at-value gpa=3.5 --at-value gre=600"
    assert said in err, err
    argv = ["margins", model, UCLA, "--at-value", "gpa=3.5", "--at-value", "gre=600"]
    code, out, err = run_cli(capsys, [*argv, "--json", "-q"])
    assert code == 0, err
    effects = {e["term"]: e["effect"] for e in json.loads(out)["effects"]}
    frame = pd.read_csv(UCLA)
    ref = smf.logit(FORMULA, frame).fit(disp=0)
    p = ref.predict(frame.assign(gpa=3.5, gre=600))
    assert effects["gpa"] == pytest.approx((p * (1 - p)).mean() * ref.params["gpa"], rel=1e-6)


def test_a_list_of_values_is_a_grid_of_effects(model, capsys):
    # Stata's margins, dydx(*) at(gpa=(2 3 4)): the effects at each point (it
    # was refused, naming --method pr, before the effects took a grid)
    argv = ["margins", model, UCLA, "--at-value", "gpa=(2 3 4)", "--json", "-q"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["at_values"] == [{"gpa": 2.0}, {"gpa": 3.0}, {"gpa": 4.0}]


@pytest.mark.parametrize("level", ["tier (2)", "top tier"])
def test_a_level_that_reads_as_a_list_sets_the_level(capsys, tmp_path, level):
    """A text column's level may hold spaces or brackets; ``--at-value
    "rank=tier (2)"`` sets it for marginal effects (it was refused as a list
    of values, naming --method pr). Reference: statsmodels' fit of the same
    model, ``mean(p(1-p)) · b_gpa`` with every row's rank set to the level."""
    smf = pytest.importorskip("statsmodels.formula.api")
    names = {1: "top tier", 2: "tier (2)", 3: "third", 4: "fourth"}
    frame = pd.read_csv(UCLA).assign(rank=lambda d: d["rank"].map(names))
    data, model = tmp_path / "text.csv", tmp_path / "text.json"
    frame.to_csv(data, index=False)
    argv = ["fit", data, "-o", model, "-q", "--target", "admit",
            "--features", "gre,gpa,rank"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    argv = ["margins", model, data, "--at-value", f"rank={level}", "--json", "-q"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    effects = {e["term"]: e["effect"] for e in json.loads(out)["effects"]}
    ref = smf.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0)
    p = ref.predict(frame.assign(rank=level))
    assert effects["gpa"] == pytest.approx((p * (1 - p)).mean() * ref.params["gpa"], rel=1e-6)
