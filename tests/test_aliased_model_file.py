"""A model file of a fit with aliased (exactly collinear) columns keeps the
reduced model's covariance (null rows and columns for the aliased terms) and
estimate, so that ``load(path).summary()`` and ``logistic summary MODEL``
print, without the data, the table printed right after the fit.

Reference: statsmodels ``Logit`` fitted in the test on the REDUCED design (the
aliased column left out, as R's ``glm`` drops it): its estimates and standard
errors are what R prints for the kept coefficients, with ``NA`` for the
aliased one. Data: the UCLA admissions data shipped with the package, with a
column ``gre2 = 2 * gre`` added after the others.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from logistic import LogisticRegression
from logistic._exceptions import ModelFormatError
from logistic.cli.app import main
from logistic.io import _schema

NAMES = ["gre", "gpa", "rank2", "rank3", "rank4"]


def _ucla() -> tuple[pd.DataFrame, np.ndarray]:
    X, y, names = logistic.datasets.load_ucla_admissions()
    assert list(names) == NAMES
    frame = pd.DataFrame(X, columns=NAMES)
    return frame.assign(gre2=2.0 * frame.gre), np.asarray(y, dtype=float)


def _fit(X: pd.DataFrame, y: np.ndarray) -> LogisticRegression:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fit's own singular-Hessian warning
        return LogisticRegression().fit(X, y)


def _reference(X: pd.DataFrame, y: np.ndarray):
    exog = sm.add_constant(X.drop(columns=["gre2"])).rename(
        columns={"const": "Intercept"}
    )
    return sm.Logit(y, exog).fit(method="newton", tol=1e-14, maxiter=100, disp=0)


def _rewrite(path: Path, edit) -> None:
    """Edit a model file's JSON and recompute its checksum (a *valid* file)."""
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = hashlib.sha256(_schema._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


def _strict_json(text: str):
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def saved(tmp_path):
    X, y = _ucla()
    model = _fit(X, y)
    path = tmp_path / "m.json"
    logistic.save(model, path)
    return model, path, X, y


def test_the_file_stores_the_reduced_covariance_with_null_marks(saved):
    model, path, X, y = saved
    doc = json.loads(path.read_text())
    cov = doc["covariance"]
    assert cov["names"] == ["Intercept", *NAMES, "gre2"]
    matrix = cov["matrix"]
    assert matrix[-1] == [None] * 7
    assert all(row[-1] is None for row in matrix)
    kept = np.array([row[:-1] for row in matrix[:-1]], dtype=float)
    ref = _reference(X, y)
    np.testing.assert_allclose(kept, ref.cov_params().to_numpy(), rtol=1e-6)
    reduced = doc["training"]["fit_statistics"]["reduced_theta"]
    assert reduced[NAMES.index("gre") + 5] is None  # objective order: gre2 is 6th
    assert reduced.count(None) == 1


def test_load_summary_is_the_fits_and_statsmodels_reduced_fit(saved):
    model, path, X, y = saved
    ref = _reference(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning on load
        loaded = logistic.load(path)
    res = loaded.inference()
    assert res.aliased == ["gre2"]
    assert res.df_model == 5
    np.testing.assert_allclose(res.params[:-1], ref.params, rtol=1e-7)
    np.testing.assert_allclose(res.bse[:-1], ref.bse, rtol=1e-7)
    assert np.isnan(res.params["gre2"]) and np.isnan(res.bse["gre2"])
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    assert res.aic == pytest.approx(ref.aic, rel=1e-10)
    assert loaded.summary().as_text() == model.summary().as_text()


def test_cli_summary_without_data_prints_the_fits_table(tmp_path, capsys):
    X, y = _ucla()
    data = tmp_path / "ucla.csv"
    X.assign(admit=y.astype(int)).to_csv(data, index=False)
    out = tmp_path / "m.json"
    assert main(["fit", str(data), "--target", "admit", "-o", str(out), "--quiet"]) == 0
    fitted = capsys.readouterr().out
    assert main(["summary", str(out)]) == 0
    text = capsys.readouterr().out
    table = [t for t in fitted.splitlines() if t.split()[:1] in (["gre"], ["gre2"])]
    assert table and all(line in text.splitlines() for line in table)
    ref = _reference(X, y)
    for term in ["Intercept", *NAMES]:
        cells = next(t for t in text.splitlines() if t.startswith(term + " ")).split()
        assert float(cells[1]) == pytest.approx(ref.params[term], rel=1e-3)
        assert float(cells[2]) == pytest.approx(ref.bse[term], rel=1e-3)
    row = next(t for t in text.splitlines() if t.startswith("gre2 "))
    assert row.split()[1:] == ["NA"] * 6
    assert "(1 not defined because of singularities: gre2)" in text

    assert main(["summary", str(out), "--json"]) == 0
    doc = _strict_json(capsys.readouterr().out)
    rows = {r["term"]: r for r in doc["coefficients"]}
    assert all(v is None for k, v in rows["gre2"].items() if k != "term")
    for term in ["Intercept", *NAMES]:
        assert rows[term]["estimate"] == pytest.approx(ref.params[term], rel=1e-7)
        assert rows[term]["std_error"] == pytest.approx(ref.bse[term], rel=1e-7)

    # the HTML report of the same file and data draws the file's estimates
    assert main(["report", str(out), str(data), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size > 0
    capsys.readouterr()

    assert main(["summary", str(out), "--json", "--odds-ratios"]) == 0
    doc = _strict_json(capsys.readouterr().out)
    odds = {r["term"]: r for r in doc["odds_ratios"]}
    assert odds["gre2"]["odds_ratio"] is None
    assert odds["gpa"]["odds_ratio"] == pytest.approx(np.exp(ref.params["gpa"]))
    # statsmodels' delta-method standard error of exp(b): exp(b) * se(b)
    se = np.exp(ref.params["gpa"]) * ref.bse["gpa"]
    assert odds["gpa"]["std_error"] == pytest.approx(se, rel=1e-6)


def test_a_loaded_model_saves_the_same_marks(saved, tmp_path):
    _, path, _, _ = saved
    again = tmp_path / "again.json"
    logistic.save(logistic.load(path), again)
    first, second = (json.loads(p.read_text()) for p in (path, again))
    a, b = (np.array(d["covariance"]["matrix"], dtype=float) for d in (first, second))
    np.testing.assert_array_equal(a, b)  # the file's, null marks included
    key = "fit_statistics"
    assert (
        second["training"][key]["reduced_theta"]
        == (first["training"][key]["reduced_theta"])
    )


def test_files_without_marks_load_as_before(saved):
    """A file written before the covariance kept aliased marks: covariance
    null and no reduced_theta; it loads, without statistics (the table needs
    the data then, as it did)."""
    model, path, X, _ = saved

    def old(doc):
        doc["covariance"] = None
        del doc["training"]["fit_statistics"]["reduced_theta"]

    _rewrite(path, old)
    loaded = logistic.load(path)
    assert getattr(loaded, "fit_statistics_", None) is None
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def _null_entry(doc):
    doc["covariance"]["matrix"][1][2] = None


def _numbers_in_a_marked_column(doc):
    doc["covariance"]["matrix"][0][6] = 0.5


def _all_null(doc):
    doc["covariance"]["matrix"] = [[None] * 7 for _ in range(7)]


def _marks_elsewhere(doc):
    reduced = doc["training"]["fit_statistics"]["reduced_theta"]
    reduced[0], reduced[5] = None, 0.0


def _no_reduced_theta(doc):
    del doc["training"]["fit_statistics"]["reduced_theta"]


def _reduced_theta_without_marks(doc):
    stats = doc["training"]["fit_statistics"]
    matrix = doc["covariance"]["matrix"]
    for i in range(7):
        matrix[i][6] = matrix[6][i] = 1.0 if i == 6 else 0.0
    stats["reduced_theta"][5] = 0.0


def _text_in_reduced_theta(doc):
    doc["training"]["fit_statistics"]["reduced_theta"][0] = "1"


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (_null_entry, "covariance.matrix"),
        (_numbers_in_a_marked_column, "covariance.matrix"),
        (_all_null, "covariance.matrix"),
        (_marks_elsewhere, "reduced_theta"),
        (_no_reduced_theta, "reduced_theta"),
        (_reduced_theta_without_marks, "reduced_theta"),
        (_text_in_reduced_theta, "reduced_theta"),
    ],
)
def test_wrong_marks_are_refused(saved, edit, match):
    _, path, _, _ = saved
    _rewrite(path, edit)
    with pytest.raises(ModelFormatError, match=match):
        logistic.load(path)


def test_predict_interval_of_the_loaded_model_is_the_reduced_fits(saved):
    """Rows off the dependency (gre2 != 2 gre): R's predict.glm and
    statsmodels' reduced fit use the reduced coefficients; so does the
    loaded model, without the data."""
    _, path, X, y = saved
    new = X.iloc[:12].assign(gre2=np.linspace(200.0, 1600.0, 12))
    ref = _reference(X, y)
    exog = sm.add_constant(new.drop(columns=["gre2"]), has_constant="add")
    theirs = ref.get_prediction(exog).summary_frame()
    ours = logistic.load(path).predict_interval(new)
    np.testing.assert_allclose(
        np.asarray(ours.iloc[:, 0]), theirs["predicted"], rtol=1e-7
    )
    np.testing.assert_allclose(np.asarray(ours.iloc[:, 1]), theirs["se"], rtol=1e-6)


def test_predict_interval_without_the_reduced_estimates_is_refused(saved):
    """A file with the reduced covariance (null rows at the aliased terms) but
    without the reduced estimates (``training.fit_statistics`` left out) has
    no standard error for the stored coefficients: refused, naming the term,
    in place of infinite standard errors and [0, 1] intervals."""
    _, path, X, _ = saved
    _rewrite(path, lambda doc: doc["training"].pop("fit_statistics"))
    model = logistic.load(path)
    with pytest.raises(logistic.InvalidParameterError, match="aliased terms 'gre2'"):
        model.predict_interval(X.iloc[:3])


def test_cli_predict_interval_is_the_reduced_fits(tmp_path, capsys):
    """``logistic predict --interval`` on a file of an aliased fit gives the
    reduced model's standard errors (statsmodels on the reduced design), as
    ``load(path).predict_interval`` does, not infinite ones."""
    X, y = _ucla()
    data = tmp_path / "ucla.csv"
    X.assign(admit=y.astype(int)).to_csv(data, index=False)
    model_path, pred_path = tmp_path / "m.json", tmp_path / "p.csv"
    fit = ["fit", str(data), "--target", "admit", "-o", str(model_path), "--quiet"]
    assert main(fit) == 0
    new = X.iloc[:12].assign(gre2=np.linspace(200.0, 1600.0, 12))
    new_path = tmp_path / "new.csv"
    new.to_csv(new_path, index=False)
    args = ["predict", str(model_path), str(new_path), "-o", str(pred_path)]
    args += ["--interval", "0.95"]
    assert main(args) == 0
    capsys.readouterr()
    got = pd.read_csv(pred_path)
    ref = _reference(X, y)
    exog = sm.add_constant(new.drop(columns=["gre2"]), has_constant="add")
    theirs = ref.get_prediction(exog).summary_frame()
    np.testing.assert_allclose(got["proba_se"], theirs["se"], rtol=1e-5)
    np.testing.assert_allclose(got["proba_lower"], theirs["ci_lower"], rtol=1e-5)
