"""``logistic margins --method pr``: predictive margins over a grid of values.

References (from outside this code):

* UCLA IDRE, "Logit Regression | R Data Analysis Examples" (``newdata1$rankP``:
  each rank with gre and gpa at their means) and "Logistic Regression |
  Stata Data Analysis Examples" (``margins, at(gre=(200(100)800))``);
* statsmodels' ``Logit(...).get_prediction(frame, average=True)`` for the
  standard errors, a formula with an interaction, and grouped counts (the
  same model on one 0/1 row per trial).
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
RANK_AT_MEANS = [0.5166016, 0.3522846, 0.2186120, 0.1846684]
GRE_GRID = [0.1667471, 0.198515, 0.2343805, 0.2742515, 0.3178483, 0.3646908, 0.4141038]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from logistic.cli.app import main

    tmp = tmp_path_factory.mktemp("pr")
    out = {}
    for name, formula in (
        ("plain", "admit ~ gre + gpa + C(rank)"),
        ("inter", "admit ~ gre*gpa + C(rank)"),
    ):
        out[name] = tmp / f"{name}.json"
        assert main(["fit", str(UCLA), "-o", str(out[name]), "-q", "--formula", formula]) == 0
    frame = pd.read_csv(UCLA).assign(rank=lambda d: "r" + d["rank"].astype(str))
    out["text_data"] = tmp / "text.csv"
    frame.to_csv(out["text_data"], index=False)
    out["text"] = tmp / "text.json"
    args = ["fit", str(out["text_data"]), "-o", str(out["text"]), "-q",
            "--target", "admit", "--features", "gre,gpa,rank"]  # fmt: skip
    assert main(args) == 0
    return out


def _json(capsys, model, data, *options):
    code, out, err = run_cli(
        capsys, ["margins", model, data, "--method", "pr", "--json", "-q", *options]
    )
    assert code == 0, err
    return json.loads(out)


def _margins(doc, key="margin"):
    return np.array([np.nan if m[key] is None else m[key] for m in doc["margins"]])


def test_every_rank_at_means_matches_ucla(models, capsys):
    doc = _json(capsys, models["plain"], UCLA, "--at-value", "rank=*", "--at", "mean")
    np.testing.assert_allclose(_margins(doc), RANK_AT_MEANS, atol=5e-7)
    assert [m["at"] for m in doc["margins"]] == [{"rank": r} for r in "1234"]
    assert doc["method"] == "pr" and doc["at"] == "mean" and doc["nobs"] == 400


@pytest.mark.parametrize("values", ["200:800:100", "200(100)800", "(200(100)800)",
                                    "200,300,400,500,600,700,800",
                                    "(200 300 400 500 600 700 800)"])  # fmt: skip
def test_gre_grid_spellings_match_the_ucla_stata_page(models, capsys, values):
    doc = _json(capsys, models["plain"], UCLA, "--at-value", f"gre={values}")
    np.testing.assert_allclose(_margins(doc), GRE_GRID, atol=5e-7)
    frame = pd.read_csv(UCLA)
    ref = smf.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0)
    ses = [float(ref.get_prediction(frame.assign(gre=g), average=True).se)
           for g in range(200, 801, 100)]  # fmt: skip
    np.testing.assert_allclose(_margins(doc, "std_error"), ses, rtol=1e-5)
    cov = np.array(doc["cov"])
    np.testing.assert_allclose(cov, cov.T)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), ses, rtol=1e-5)


def test_interaction_formula_sets_the_raw_variable(models, capsys):
    doc = _json(capsys, models["inter"], UCLA, "--at-value", "gre=200,800",
                "--at-value", "rank=*")  # fmt: skip
    frame = pd.read_csv(UCLA)
    ref = smf.logit("admit ~ gre*gpa + C(rank)", frame).fit(disp=0)
    points = [(g, r) for g in (200, 800) for r in (1, 2, 3, 4)]
    assert [m["label"] for m in doc["margins"]][:2] == ["gre=200, rank=1", "gre=200, rank=2"]
    for m, (g, r) in zip(doc["margins"], points, strict=True):
        pred = ref.get_prediction(frame.assign(gre=g, rank=r), average=True)
        assert m["margin"] == pytest.approx(float(pred.predicted), rel=1e-6)
        assert m["std_error"] == pytest.approx(float(pred.se), rel=1e-5)


def test_text_levels_reference_included(models, capsys):
    data = models["text_data"]
    doc = _json(capsys, models["text"], data, "--at-value", "rank=*", "--at", "mean")
    assert [m["at"]["rank"] for m in doc["margins"]] == ["r1", "r2", "r3", "r4"]
    np.testing.assert_allclose(_margins(doc), RANK_AT_MEANS, atol=5e-7)
    one = _json(capsys, models["text"], data, "--at-value", "rank=r1", "--at", "mean")
    assert one["margins"][0]["margin"] == pytest.approx(RANK_AT_MEANS[0], abs=5e-7)


def test_csv_output_has_a_column_per_set_variable(models, capsys, tmp_path):
    out = tmp_path / "pr.csv"
    argv = ["margins", models["plain"], UCLA, "--method", "pr", "-q", "-o", out,
            "--at-value", "gre=200,800", "--at-value", "rank=1,4"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["gre", "rank", "margin", "std_error", "z", "p_value",
                             "ci_low", "ci_high", "estimable"]  # fmt: skip
    assert [(r["gre"], r["rank"]) for r in rows] == [
        ("200.0", "1"), ("200.0", "4"), ("800.0", "1"), ("800.0", "4")
    ]
    frame = pd.read_csv(UCLA)
    ref = smf.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0)
    p = ref.get_prediction(frame.assign(gre=800, rank=4), average=True)
    assert float(rows[3]["margin"]) == pytest.approx(float(p.predicted), rel=1e-6)


def test_text_table(models, capsys):
    argv = ["margins", models["plain"], UCLA, "--method", "pr", "-q",
            "--at-value", "rank=*", "--at", "mean"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    assert "predictive margins" in out and "rank=4" in out and "0.516602" in out


def test_grouped_counts_equal_the_rows_per_trial(capsys, tmp_path):
    frame = pd.read_csv(UCLA)
    groups = frame.groupby("rank")["admit"].agg(["sum", "count"]).reset_index()
    groups.columns = ["rank", "successes", "trials"]
    data = tmp_path / "groups.csv"
    groups.to_csv(data, index=False)
    model = tmp_path / "g.json"
    code, _, err = run_cli(capsys, ["fit", data, "-o", model, "-q", "--formula",
                                    "successes ~ C(rank)", "--trials", "trials"])  # fmt: skip
    assert code == 0, err
    doc = _json(capsys, model, data, "--at-value", "rank=*")
    ref = smf.logit("admit ~ C(rank)", frame).fit(disp=0)
    for m, r in zip(doc["margins"], (1, 2, 3, 4), strict=True):
        pred = ref.get_prediction(frame.assign(rank=r), average=True)
        assert m["margin"] == pytest.approx(float(pred.predicted), rel=1e-6)
        assert m["std_error"] == pytest.approx(float(pred.se), rel=1e-5)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--method", "pr", "--dummy"], "--dummy applies to marginal effects"),
        (["--method", "pr", "--categorical", "levels"], "--categorical applies"),
        (["--method", "pr", "--at-value", "gre=*"], "'*' is every level"),
        (["--method", "pr", "--at-value", "gre=800:200:100"], "must be nonzero and lead"),
        (["--method", "pr", "--at-value", "gre=0:1e9:1"], "at most 2000"),
        # a step so small that the count is infinite (an OverflowError once)
        (["--method", "pr", "--at-value", "gre=0:1:1e-320"], "more than 2000 values"),
        (["--method", "pr", "--at-value", "gre=0(1e-320)1"], "more than 2000 values"),
        (["--method", "pr", "--at-value", "gre=-1e308:1e308:1e305"], "span"),
        (["--method", "pr", "--at-value", "gre=1,,2"], "an empty value"),
        (["--method", "pr", "--at-value", "gre=1", "--at-value", "gre=2"], "given twice"),
        (["--method", "pr", "--at-value", "nope=1"], "not a feature"),
        (["--method", "pr", "--at-value", "rank=9"], "9"),
    ],
)
def test_refusals(models, capsys, options, said):
    code, _, err = run_cli(capsys, ["margins", models["plain"], UCLA, *options])
    assert code == 2, err
    assert said in err, err


def test_levels_with_spaces_and_commas_are_one_value(capsys, tmp_path):
    """A level written with a space or a comma is that level, for effects and
    for a grid (it is not read as a list)."""
    frame = pd.read_csv(UCLA)
    names = {1: "New York", 2: "c,d", 3: "e", 4: "f"}
    frame["place"] = frame["rank"].map(names)
    data = tmp_path / "places.csv"
    frame.drop(columns="rank").to_csv(data, index=False)
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "-o", model, "-q", "--target",
                                    "admit", "--features", "gre,gpa,place"])  # fmt: skip
    assert code == 0, err
    doc = _json(capsys, model, data, "--at-value", "place=c,d", "--at", "mean")
    assert [m["at"]["place"] for m in doc["margins"]] == ["c,d"]
    assert doc["margins"][0]["margin"] == pytest.approx(RANK_AT_MEANS[1], abs=5e-7)
    code, out, err = run_cli(capsys, ["margins", model, data, "--json", "-q",
                                      "--at-value", "place=New York"])  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["at_values"] == {"place[T.c,d]": 0.0, "place[T.e]": 0.0,
                                            "place[T.f]": 0.0}  # fmt: skip


def test_json_leaves_out_the_covariance_of_many_points(models, capsys):
    """The margins' covariance has points² numbers: 10 000 points made 100
    million (gigabytes of JSON), and the table and CSV built it too. Beyond
    1000 points ``cov`` is null with a note; the margins are all there
    (statsmodels' average prediction at the last point)."""
    doc = _json(capsys, models["plain"], UCLA, "--at-value", "gre=0:1000:1")
    assert len(doc["margins"]) == 1001 and doc["cov"] is None
    assert any("cov is null" in n and "1001 points" in n for n in doc["notes"])
    frame = pd.read_csv(UCLA)
    ref = smf.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0)
    pred = ref.get_prediction(frame.assign(gre=1000), average=True)
    assert doc["margins"][-1]["margin"] == pytest.approx(float(pred.predicted), rel=1e-6)
    assert doc["margins"][-1]["std_error"] == pytest.approx(float(pred.se), rel=1e-5)
    small = _json(capsys, models["plain"], UCLA, "--at-value", "gre=0:999:1")
    assert len(small["cov"]) == 1000


def test_csv_column_of_a_feature_named_z_is_not_a_second_z(capsys, tmp_path):
    """Features named ``z`` and ``margin`` headed their columns ``z`` and
    ``margin`` next to the numbers' ``z`` and ``margin``: pandas read the set
    values as ``margin`` (the margin became ``margin.1``). They are ``at_z``
    and ``at_margin``; the margins are statsmodels' average predictions."""
    frame = pd.read_csv(UCLA).rename(columns={"gre": "z", "gpa": "margin"})
    data, model, out = tmp_path / "d.csv", tmp_path / "m.json", tmp_path / "pr.csv"
    frame.to_csv(data, index=False)
    code, _, err = run_cli(capsys, ["fit", data, "-o", model, "-q", "--target", "admit",
                                    "--features", "z,margin,rank"])  # fmt: skip
    assert code == 0, err
    argv = ["margins", model, data, "--method", "pr", "-q", "-o", out,
            "--at-value", "z=200,800", "--at-value", "margin=3.5"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    table = pd.read_csv(out)
    assert list(table.columns[:3]) == ["at_z", "at_margin", "margin"]
    assert "z" in table.columns and "margin.1" not in table.columns
    ref = smf.logit("admit ~ z + margin + rank", frame).fit(disp=0)
    for row in table.itertuples():
        moved = frame.assign(z=row.at_z, margin=row.at_margin)
        pred = ref.get_prediction(moved, average=True)
        assert row.margin == pytest.approx(float(pred.predicted), rel=1e-6)


def test_one_variable_set_under_two_names_is_refused(models, capsys):
    """A formula taken per variable: ``rank=2`` and ``C(rank)=3`` both set
    the variable rank; the later won silently and the point was labelled
    ``rank=2, C(rank)=3`` with rank 3's margin."""
    argv = ["margins", models["inter"], UCLA, "--method", "pr",
            "--at-value", "rank=2", "--at-value", "C(rank)=3"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 2, err
    assert "sets the variable 'rank', which --at-value rank sets already" in err, err


def test_effects_refuse_one_variable_set_under_two_names(models, capsys):
    """A formula taken per variable: ``rank=2`` and ``C(rank)=3`` set one
    variable; the later value won silently (the effects at rank 3)."""
    argv = ["margins", models["inter"], UCLA, "--at-value", "rank=2",
            "--at-value", "C(rank)=3"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 2, err
    assert "sets the variable 'rank' twice" in err and "'C(rank)'='3'" in err, err
