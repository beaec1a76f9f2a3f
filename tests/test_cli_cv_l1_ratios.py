"""``logistic fit --cv K --penalty elasticnet --l1-ratios R1,R2,...``: the
mixing chosen with the strength, recorded in the model file.

The reference is the library's ``LogisticRegressionCV(l1_ratios=...)`` on
the same folds and grid (itself checked against scikit-learn's
``LogisticRegressionCV(l1_ratios=...)`` in tests/test_cv_l1_ratios.py).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.model_selection import StratifiedKFold  # noqa: E402

import logistic  # noqa: E402
from conftest import run_cli  # noqa: E402
from logistic import ModelFormatError  # noqa: E402
from logistic.io._schema import _canonical  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402
from test_cli_cv import breast_csv  # noqa: E402, F401 (a fixture)

GRID = ["--cv", "3", "--penalty", "elasticnet", "--n-alphas", "10"]


def test_fit_cv_chooses_the_mixing_of_logistic_regression_cv(capsys, breast_csv):  # noqa: F811
    path, X, y = breast_csv
    code, out, err = run_cli(
        capsys,
        ["fit", path, "--target", "y", *GRID, "--l1-ratios", "0.05, 0.5,1",
         "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    ref = LogisticRegressionCV(
        penalty="elasticnet", l1_ratios=[0.05, 0.5, 1.0], n_alphas=10,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)  # fmt: skip
    model = logistic.load("m.json", strict=True)
    cv = model.cross_validation_
    chosen = ref.cv_curve_.l1_ratio
    assert cv["l1_ratio"] == chosen == model.l1_ratio
    assert cv["alpha"] == pytest.approx(ref.alpha_, rel=1e-12) == model.alpha
    np.testing.assert_allclose(cv["alphas"], ref.alphas_, rtol=1e-12)
    grid = cv["l1_ratio_grid"]
    assert grid["l1_ratios"] == [0.05, 0.5, 1.0]
    assert grid["l1_ratios"][grid["chosen_index"]] == chosen
    for i, curve in enumerate(ref.cv_curves_):
        np.testing.assert_allclose(grid["mean"][i], curve.mean, rtol=1e-9)
        np.testing.assert_allclose(grid["std_err"][i], curve.std_err, rtol=1e-6)
    np.testing.assert_allclose(cv["mean"], ref.cv_curve_.mean, rtol=1e-9)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    # the stored path is the chosen mixing's, on all rows
    np.testing.assert_allclose(
        cv["path"]["coefs"][ref.best_index_], ref.coef_.ravel(), atol=1e-6
    )
    assert f"l1_ratio = {chosen:g}" in out and "<- chosen" in out
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0, err
    assert f"l1_ratio = {chosen:g} (of 0.05, 0.5, 1)" in " ".join(out.split())
    # the curves of mixings that differ: the grid is a real choice here
    assert len({round(min(-np.asarray(m)), 9) for m in grid["mean"]}) == 3


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--l1-ratios", "0.5"], "--l1-ratios is used only with --cv K"),
        (["--cv", "3", "--l1-ratios", "0.5"], "only with --penalty elasticnet"),
        (["--cv", "3", "--penalty", "l1", "--l1-ratios", "0.5"], "--penalty l1"),
        ([*GRID, "--l1-ratios", "0.2,abc"], "item 2 is 'abc', not a number"),
        ([*GRID, "--l1-ratios", "0.2,,0.5"], "item 2 is empty"),
        ([*GRID, "--l1-ratios", "0.2,1.5"], "item 2 is 1.5, outside [0, 1]"),
        ([*GRID, "--l1-ratios", "nan"], "item 1 is nan, outside [0, 1]"),
        ([*GRID, "--l1-ratio", "0.3", "--l1-ratios", "0.2,0.5"], "give one of them"),
    ],
)
def test_bad_l1_ratios_exit_2(capsys, breast_csv, extra, message):  # noqa: F811
    code, _, err = run_cli(capsys, ["fit", breast_csv[0], "--target", "y", *extra])
    assert code == 2
    assert message in " ".join(err.split())


def _two_mixings(capsys, data):
    """The model `fit --cv --l1-ratios 0.3,0.9` writes to m.json, loaded."""
    code, _, err = run_cli(
        capsys,
        ["fit", data, "--target", "y", *GRID, "--n-alphas", "4",
         "--l1-ratios", "0.3,0.9", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    return logistic.load("m.json")


def test_model_file_grid_is_validated_at_load(capsys, breast_csv, workdir):  # noqa: F811
    model = _two_mixings(capsys, breast_csv[0])
    record = model.cross_validation_
    good = record["l1_ratio_grid"]
    other = 1 - good["chosen_index"]
    for key, value, name in [
        ("chosen_index", other, "l1_ratio_grid.chosen_index"),
        ("l1_ratios", [0.3, 1.2], "l1_ratio_grid.l1_ratios"),
        ("mean", good["mean"][:1], "l1_ratio_grid.mean"),
        ("std_err", [good["std_err"][0], [-1.0] * 4], r"l1_ratio_grid.std_err\[1\]"),
    ]:
        model.cross_validation_ = {**record, "l1_ratio_grid": {**good, key: value}}
        logistic.save(model, workdir / "bad.json", overwrite=True)
        with pytest.raises(ModelFormatError, match=f"cross_validation.{name}"):
            logistic.load(workdir / "bad.json")


def test_a_refit_forgets_the_cross_validation_record(capsys, breast_csv, workdir):  # noqa: F811
    # the record says how `fit --cv` chose alpha and the mixing; after a refit
    # with other settings it describes no fit of the model, and a file saved
    # from it had summary name a strength and mixing the model does not have
    path, X, y = breast_csv
    model = _two_mixings(capsys, path)
    assert model.cross_validation_["l1_ratio"] == model.l1_ratio
    model.set_params(alpha=0.5, l1_ratio=0.5).fit(X, y)
    assert getattr(model, "cross_validation_", None) is None
    logistic.save(model, workdir / "refit.json")
    code, out, err = run_cli(capsys, ["summary", str(workdir / "refit.json")])
    assert code == 0, err
    assert "cross-validation" not in out and "l1_ratio=0.5" in out


def test_a_grid_that_contradicts_its_record_or_model_is_refused(
    capsys,
    breast_csv,  # noqa: F811
    workdir,
):
    # the grid's chosen curve is the record's curve, of an elastic-net model
    # whose l1_ratio is the chosen one: a file saying otherwise would have
    # summary and report show numbers of no fit
    model = _two_mixings(capsys, breast_csv[0])
    record = model.cross_validation_
    good = record["l1_ratio_grid"]
    i = good["chosen_index"]
    other = [list(row) for row in good["mean"]]
    other[i] = [m - 0.01 for m in other[i]]
    for change, name in [
        ({"penalty": "l2"}, "l1_ratio_grid.*elastic-net.*l2"),
        ({"l1_ratio_grid": {**good, "mean": other}}, rf"l1_ratio_grid.mean\[{i}\]"),
    ]:
        model.cross_validation_ = {**record, **change}
        logistic.save(model, workdir / "bad.json", overwrite=True)
        with pytest.raises(ModelFormatError, match=f"cross_validation.{name}"):
            logistic.load(workdir / "bad.json")
    # the model's own mixing is not the record's chosen one
    model.cross_validation_ = record
    logistic.save(model, workdir / "ok.json", overwrite=True)
    assert logistic.load(workdir / "ok.json").l1_ratio == good["l1_ratios"][i]
    doc = json.loads((workdir / "ok.json").read_text())
    doc["model"]["params"]["l1_ratio"] = good["l1_ratios"][1 - i]
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    (workdir / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ModelFormatError, match="cross_validation.l1_ratio.*params"):
        logistic.load(workdir / "bad.json")
