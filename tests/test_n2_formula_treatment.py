"""``0 + C(x, Treatment(ref))``: full dummy coding without intercept.

Without an intercept (and no other term that makes the factor reduced)
every level of ``C(x, Treatment(ref))`` is a column and the reference has no
effect: formulaic and patsy give the columns ``C(x, Treatment(ref))[l]`` for
every level in sorted order, R's ``~ 0 + relevel(x, ref)`` the same columns
with ``ref`` first. It was refused ("cannot be stored exactly in a model
file"). References: statsmodels ``smf.logit`` (patsy) on the same formula and
the UCLA admissions file.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

import logistic.io
from conftest import data_path, run_cli

smf = pytest.importorskip("statsmodels.formula.api")

UCLA = data_path("ucla-admissions", "binary.csv")


def _fit(capsys, formula, out="m.json"):
    return run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", out, "--json"])


def test_no_intercept_treatment_factor_has_every_level(workdir, capsys):
    formula = "admit ~ 0 + C(rank, Treatment(3)) + gre"
    code, _, err = _fit(capsys, formula)
    assert code == 0, err
    model = json.loads((workdir / "m.json").read_text())
    ref = smf.logit(formula, pd.read_csv(UCLA)).fit(disp=0, method="newton", tol=1e-12)
    names = model["encoding"]["feature_names"]
    assert names == list(ref.params.index)  # levels 1, 2, 3, 4 (sorted), then gre
    levels = model["encoding"]["factors"]["C(rank, Treatment(3))"]["levels"]
    assert levels == [1, 2, 3, 4]
    assert model["model"]["params"]["fit_intercept"] is False
    coef = np.asarray(model["model"]["coef"], dtype=float).ravel()
    np.testing.assert_allclose(coef, ref.params.to_numpy(), rtol=1e-6, atol=1e-9)
    (workdir / "new.csv").write_text("gre,gpa,rank\n500,3.0,2\n640,3.5,3\n700,3.9,4\n")
    code, out, err = run_cli(capsys, ["predict", "m.json", "new.csv", "-o", "-"])
    assert code == 0, err
    proba = pd.read_csv(io.StringIO(out))["proba"].to_numpy()
    expected = ref.predict(pd.read_csv(workdir / "new.csv")).to_numpy()
    np.testing.assert_allclose(proba, expected, rtol=1e-6)


def test_reference_and_full_coding_of_one_factor_is_refused_by_name(workdir, capsys):
    formula = "admit ~ C(rank, Treatment(3)) + C(rank, Treatment(3)):gre"
    code, _, err = _fit(capsys, formula)
    assert code != 0
    assert "C(rank):gre instead of C(rank, Treatment(3)):gre" in err
    assert "cannot be stored exactly" not in err  # the old, misleading message
    # the spelling it names works and equals patsy's fit of that formula
    fixed = "admit ~ C(rank, Treatment(3)) + C(rank):gre"
    code, _, err = _fit(capsys, fixed)
    assert code == 0, err
    model = json.loads((workdir / "m.json").read_text())
    ref = smf.logit(fixed, pd.read_csv(UCLA)).fit(disp=0, method="newton", tol=1e-12)
    got = dict(
        zip(
            model["encoding"]["feature_names"],
            np.asarray(model["model"]["coef"], dtype=float).ravel(),
            strict=True,
        )
    )
    for name, value in ref.params.drop("Intercept").items():
        assert got[name] == pytest.approx(value, rel=1e-5, abs=1e-8), name


def test_reference_level_first_is_stored_when_the_factor_is_reduced(workdir, capsys):
    # unchanged: beside the intercept the reference is the first stored level
    code, _, err = _fit(capsys, "admit ~ gre + C(rank, Treatment(3))")
    assert code == 0, err
    model = json.loads((workdir / "m.json").read_text())
    levels = model["encoding"]["factors"]["C(rank, Treatment(3))"]["levels"]
    assert levels == [3, 1, 2, 4]


def test_stored_reference_needs_format_1_3(tmp_path, capsys):
    """A formula factor that no term reduces stores its Treatment reference
    and the file says 1.3 (a reduced one stays 1.1); the same file claiming
    1.2 is refused, naming the factor."""
    from test_io import _edited

    full, reduced = tmp_path / "full.json", tmp_path / "reduced.json"
    for out, formula in (
        (full, "admit ~ 0 + C(rank, Treatment(3)) + gre"),
        (reduced, "admit ~ C(rank, Treatment(3)) + gre"),
    ):
        code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", out])
        assert code == 0, err
    assert json.loads(full.read_text())["format_version"] == "1.3"
    assert json.loads(reduced.read_text())["format_version"] == "1.1"
    assert logistic.io.load(full) is not None
    p = _edited(full, tmp_path, lambda d: d.update(format_version="1.2"))
    with pytest.raises(
        logistic.io.ModelFormatError,
        match=r"is 1\.2 but formula factor 'C\(rank, Treatment\(3\)\)' stores a "
        r"reference \(format 1\.3 or later\)",
    ):
        logistic.io.load(p)


@pytest.mark.parametrize(
    "term", ["C(rank, Sum)", "C(rank, levels=[1, 2, 3, 4])", "C(rank, Treatment(3), Sum)"]
)
def test_other_contrasts_are_refused_naming_what_c_takes(workdir, capsys, term):
    # the message said "C() takes exactly one argument and no options here"
    # while C(rank, Treatment(3)) is accepted
    code, _, err = _fit(capsys, f"admit ~ gre + {term}")
    assert code == 2  # the formula's grammar: a bad option value
    assert err.endswith(
        f"{term!r}: C() takes a column and, optionally, its reference level: "
        "C(column, Treatment(reference=LEVEL)); treatment coding is the only one "
        "supported (no Sum, Helmert or Poly contrast, and no options such as "
        "levels=)\n"
    ), err


@pytest.mark.parametrize("contrast", ["Treatment(3)", "Treatment(reference=3)"])
def test_a_backquoted_column_takes_a_reference_level(workdir, capsys, contrast):
    # C(`my rank`, Treatment(3)) was refused as an unsupported contrast while
    # C(rank, Treatment(3)) and C(`my rank`) were each taken; patsy spells the
    # name Q("my rank"), the reference is statsmodels'
    frame = pd.read_csv(UCLA).rename(columns={"rank": "my rank"})
    frame.to_csv(workdir / "spaced.csv", index=False)
    formula = f"admit ~ gre + C(`my rank`, {contrast})"
    code, _, err = run_cli(
        capsys, ["fit", "spaced.csv", "--formula", formula, "-o", "m.json", "--json"]
    )
    assert code == 0, err
    model = json.loads((workdir / "m.json").read_text())
    levels = model["encoding"]["factors"][f"C(`my rank`, {contrast})"]["levels"]
    assert levels == [3, 1, 2, 4]
    ref = smf.logit(f'admit ~ gre + C(Q("my rank"), {contrast})', frame).fit(
        disp=0, method="newton", tol=1e-12
    )
    coef = np.asarray(model["model"]["coef"], dtype=float).ravel()
    got = dict(zip(model["encoding"]["feature_names"], coef, strict=True))
    for name, value in ref.params.drop("Intercept").items():
        ours = name.replace('Q("my rank")', "`my rank`")
        assert got[ours] == pytest.approx(value, rel=1e-6, abs=1e-9), name
