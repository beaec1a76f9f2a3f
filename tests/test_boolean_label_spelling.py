"""A boolean target (a CSV column of ``True``/``False``, which pyarrow reads
as booleans) is named on the command line the way the file spells it, in any
letter case, and every message writes its values as ``true``/``false``, the
spelling of ``evaluate``, ``predict`` and the model file."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from conftest import run_cli
from logistic._labels import match_label


@pytest.fixture
def bool_csv(workdir):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(400)
    z = rng.standard_normal(400)
    y = x - 0.5 * z + rng.standard_normal(400) > 0.3
    frame = pd.DataFrame({"x": x, "z": z, "y": y})
    frame.to_csv(workdir / "b.csv", index=False)  # writes True / False
    assert "True" in (workdir / "b.csv").read_text()
    return frame


def _reference(frame, positive):
    """scikit-learn's unpenalized fit with ``y == positive`` as the class 1."""
    sk = SkLogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000)
    sk.fit(frame[["x", "z"]].to_numpy(), (frame["y"] == positive).to_numpy())
    return sk.coef_.ravel(), sk.intercept_[0]


@pytest.mark.parametrize(
    ("typed", "positive"),
    [("True", True), ("TRUE", True), ("true", True), ("False", False), ("false", False)],
)
def test_positive_names_a_boolean_class_as_the_file_spells_it(
    bool_csv, workdir, capsys, typed, positive
):
    argv = ["fit", "b.csv", "--target", "y", "--positive", typed,
            "--penalty", "none", "-o", "m.json"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    other = "false" if positive else "true"
    shown = "true" if positive else "false"
    assert f"target 'y': positive class {shown}, negative {other}" in err
    label = json.loads((workdir / "m.json").read_text())["encoding"]["label"]
    assert (label["positive"], label["negative"]) == (positive, not positive)
    coef, intercept = _reference(bool_csv, positive)
    model = json.loads((workdir / "m.json").read_text())["model"]
    got = np.asarray(model["coef"], dtype=float).ravel()
    np.testing.assert_allclose(got, coef, rtol=1e-5)
    np.testing.assert_allclose(np.ravel(model["intercept"])[0], intercept, rtol=1e-5)


def test_an_unknown_positive_lists_the_boolean_values_as_commands_write_them(
    bool_csv, capsys
):
    argv = ["fit", "b.csv", "--target", "y", "--positive", "yes", "-o", "m.json"]
    code, out, err = run_cli(capsys, argv)
    n_true = int(bool_csv["y"].sum())
    assert (code, out) == (65, "")
    assert (
        f"values: false (n={400 - n_true}), true (n={n_true})" in err
    ), err


def test_summary_names_the_boolean_classes_as_evaluate_does(bool_csv, workdir, capsys):
    assert run_cli(capsys, ["fit", "b.csv", "--target", "y", "-o", "m.json", "-q"])[0] == 0
    code, out, _ = run_cli(capsys, ["summary", "m.json"])
    assert code == 0
    assert "target 'y': positive true, negative false" in out
    code, out, _ = run_cli(capsys, ["evaluate", "m.json", "b.csv"])
    assert code == 0
    assert "predicted true" in out and "actual false" in out


def test_text_labels_keep_matching_exactly():
    """Control: text values ``"True"`` and ``"true"`` are two labels, each
    named by its own spelling."""
    values = ["True", "true"]
    assert match_label(values, "true") == 1
    assert match_label(values, "True") == 0
    assert match_label(["FALSE", "TRUE"], "true") is None


def test_a_boolean_label_matches_its_text_in_any_letter_case():
    assert match_label([False, True], "TRUE") == 1
    assert match_label([np.False_, np.True_], " False ") == 0
    assert match_label([False, True], "yes") is None
