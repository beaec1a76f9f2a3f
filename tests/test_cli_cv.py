"""``logistic fit --cv K``: the chosen strength, the CV table, the model file's
optional ``model.cross_validation`` field and the report's CV figures.

The reference is the library's ``LogisticRegressionCV`` (itself checked
against scikit-learn in tests/test_cv.py) on the same folds and grid.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.model_selection import StratifiedKFold  # noqa: E402

import logistic  # noqa: E402
from conftest import data_path, run_cli  # noqa: E402
from logistic import ModelFormatError  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402


@pytest.fixture
def breast_csv(workdir):
    d = np.loadtxt(
        data_path("breast-cancer-wisconsin", "breast_cancer.csv"),
        delimiter=",",
        skiprows=1,
    )
    # texture, smoothness, symmetry, fractal dimension and their errors: weak
    # predictors, far from separable (all 30 columns separate the classes)
    cols = [1, 4, 8, 9, 11, 14, 18, 19]
    X = (d[:, cols] - d[:, cols].mean(0)) / d[:, cols].std(0)
    y = d[:, -1].astype(int)
    names = [f"f{j}" for j in range(X.shape[1])]
    lines = [",".join([*names, "y"])]
    lines += [
        ",".join([*(repr(float(v)) for v in row), str(t)])
        for row, t in zip(X, y, strict=True)
    ]
    (workdir / "bc.csv").write_text("\n".join(lines) + "\n")
    return workdir / "bc.csv", X, y


def test_fit_cv_chooses_the_strength_of_logistic_regression_cv(capsys, breast_csv):
    path, X, y = breast_csv
    code, out, err = run_cli(
        capsys,
        ["fit", path, "--target", "y", "--cv", "5", "--penalty", "l1",
         "--n-alphas", "20", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    assert "5-fold cross-validation (l1, log loss)" in out
    assert "<- best" in out
    ref = LogisticRegressionCV(
        penalty="l1", n_alphas=20, cv=StratifiedKFold(5, shuffle=True, random_state=0)
    ).fit(X, y)
    model = logistic.load("m.json", strict=True)
    cv = model.cross_validation_
    assert cv["alpha"] == pytest.approx(ref.alpha_, rel=1e-12)
    assert cv["chosen_index"] == ref.best_index_
    np.testing.assert_allclose(cv["mean"], ref.cv_curve_.mean, rtol=1e-9)
    np.testing.assert_allclose(cv["std_err"], ref.cv_curve_.std_err, rtol=1e-6)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    assert model.penalty == "l1" and model.alpha == pytest.approx(ref.alpha_)
    coefs = np.asarray(cv["path"]["coefs"])
    assert coefs.shape == (20, 8) and not coefs[0].any()
    np.testing.assert_allclose(coefs[ref.best_index_], ref.coef_.ravel(), atol=1e-6)


def test_fit_cv_json_prints_the_cross_validation(capsys, breast_csv):
    """``--json`` replaced the CV table by nothing: its output held neither
    the chosen strength nor the curve. It now has the record the table
    prints and the model file stores, under ``cross_validation``."""
    path, X, y = breast_csv
    code, out, err = run_cli(
        capsys,
        ["fit", path, "--target", "y", "--cv", "5", "--penalty", "l1",
         "--n-alphas", "20", "--cv-rule", "1se", "--json", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    got = json.loads(out)["cross_validation"]
    ref = LogisticRegressionCV(
        penalty="l1", n_alphas=20, rule="1se",
        cv=StratifiedKFold(5, shuffle=True, random_state=0),
    ).fit(X, y)  # fmt: skip
    assert got["alpha"] == pytest.approx(ref.alpha_, rel=1e-12)
    assert got["chosen_index"] == ref.index_1se_ and got["rule"] == "1se"
    np.testing.assert_allclose(got["mean"], ref.cv_curve_.mean, rtol=1e-9)
    stored = json.loads((path.parent / "m.json").read_text())["model"]
    assert got == stored["cross_validation"]


def test_one_standard_error_rule_with_elastic_net(capsys, breast_csv):
    path, X, y = breast_csv
    code, out, err = run_cli(
        capsys,
        ["fit", path, "--target", "y", "--cv", "4", "--penalty", "elasticnet",
         "--l1-ratio", "0.5", "--n-alphas", "12", "--cv-rule", "1se", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    model = logistic.load("m.json")
    cv = model.cross_validation_
    assert cv["rule"] == "1se" and cv["chosen_index"] == cv["index_1se"]
    assert cv["index_1se"] <= cv["best_index"]
    assert model.l1_ratio == 0.5 and model.alpha == cv["alpha"]


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--cv", "1"], "at least 2"),
        (["--cv", "3", "--alpha", "0.1"], "--alpha"),
        (["--cv", "3", "--C", "1"], "--C"),
        (["--n-alphas", "10"], "only with --cv"),
        (["--cv", "3", "--penalty", "firth"], "l1, l2 or elasticnet"),
        (["--cv", "3", "--cv-rule", "2se"], "'min' or '1se'"),
        (["--cv", "3", "--stream"], "in memory"),
    ],
)
def test_inconsistent_cv_options_exit_2(capsys, breast_csv, extra, message):
    path = breast_csv[0]
    code, out, err = run_cli(capsys, ["fit", path, "--target", "y", *extra])
    assert code == 2
    assert message in err


def test_model_file_field_is_validated_at_load(capsys, breast_csv, workdir):
    path = breast_csv[0]
    code, _, err = run_cli(
        capsys, ["fit", path, "--target", "y", "--cv", "3", "--n-alphas", "5"]
    )
    assert code == 0, err
    model = logistic.load("model.json")
    good = model.cross_validation_
    for key, value, name in [
        ("alphas", good["alphas"][::-1], "alphas"),
        ("mean", good["mean"][:-1], "mean"),
        ("best_index", 99, "best_index"),
        ("rule", "max", "rule"),
        ("path", {"coefs": [[1.0]]}, "path.coefs"),
    ]:
        model.cross_validation_ = {**good, key: value}
        logistic.save(model, workdir / "bad.json")
        with pytest.raises(ModelFormatError, match=f"cross_validation.{name}"):
            logistic.load(workdir / "bad.json")
    # a model without the field writes none and loads without the attribute
    del model.cross_validation_
    logistic.save(model, workdir / "plain.json")
    doc = json.loads((workdir / "plain.json").read_text())
    assert "cross_validation" not in doc["model"]
    assert not hasattr(logistic.load(workdir / "plain.json"), "cross_validation_")


def test_report_shows_the_path_and_the_cv_curve(capsys, breast_csv):
    pytest.importorskip("matplotlib")
    path = breast_csv[0]
    code, _, err = run_cli(
        capsys,
        ["fit", path, "--target", "y", "--cv", "3", "--penalty", "l1",
         "--n-alphas", "8", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", "m.json", path, "-o", "r.html"])
    assert code == 0, err
    html = open("r.html", encoding="utf-8").read()
    assert 'id="coefficient-path"' in html and 'id="cv-curve"' in html
    code, _, err = run_cli(
        capsys, ["fit", path, "--target", "y", "-o", "p.json", "--penalty", "l2"]
    )
    assert code == 0
    code, _, err = run_cli(capsys, ["report", "p.json", path, "-o", "p.html"])
    assert code == 0, err
    assert 'id="cv-curve"' not in open("p.html", encoding="utf-8").read()


def test_the_stored_paths_warnings_are_the_fits_warnings(capsys, breast_csv):
    """The coefficient path stored in the record (all rows, the CV grid) warned
    outside the fit's warnings: with --json its ConvergenceWarning went to
    stderr as a bare "warning: ConvergenceWarning: path: ..." and not into
    the output's "warnings"; without, it was printed with nothing saying
    which path stopped short. It is now one of the fit's warnings, named."""
    path = breast_csv[0]
    code, out, err = run_cli(
        capsys,
        ["fit", path, "--target", "y", "--cv", "3", "--penalty", "l1",
         "--n-alphas", "6", "--max-iter", "2", "--json", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    said = json.loads(out)["warnings"]
    # stderr prints the fit's warnings, those of the output, nothing else
    assert [x for x in err.splitlines() if "warning" in x] == [f"warning: {m}" for m in said]
    stored = [m for m in said if m.startswith("coefficient path on all rows: ")]
    assert len(stored) == 1 and "ConvergenceWarning: path:" in stored[0]
    assert "did not converge within --max-iter 2" in stored[0]
