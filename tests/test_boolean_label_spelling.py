"""A boolean target (a CSV column of ``True``/``False``, which pyarrow reads
as booleans) is named on the command line the way the file spells it, in any
letter case, and every message writes its values as ``true``/``false``, the
spelling of ``evaluate``, ``predict`` and the model file: unquoted, as
booleans, never as the text ``'true'`` (a text label of its own)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from conftest import run_cli
from logistic._exceptions import DataValidationError
from logistic._labels import encode, match_label
from logistic.tabular._labels import apply_labels


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


@pytest.mark.parametrize("spelled", [("True", "False"), ("TRUE", "FALSE")])
def test_evaluate_names_boolean_targets_a_model_lacks_as_booleans(
    bool_csv, workdir, capsys, spelled
):
    """A model of text classes (no/yes), evaluated on a file whose target
    pyarrow reads as booleans: the unknown values are the booleans read,
    written as the fit's messages write them, with their counts."""
    text = bool_csv.assign(y=np.where(bool_csv["y"], "yes", "no"))
    text.to_csv(workdir / "text.csv", index=False)
    argv = ["fit", "text.csv", "--target", "y", "--positive", "yes", "-o", "m.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    written = bool_csv.assign(y=np.where(bool_csv["y"], *spelled))
    written.to_csv(workdir / "new.csv", index=False)
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "new.csv"])
    n_true = int(bool_csv["y"].sum())
    assert (code, out) == (65, "")
    assert err == (
        "error: target column 'y' in new.csv has values the model was not trained "
        f"on: false (n={400 - n_true}), true (n={n_true}) (expected 'no' or 'yes')\n"
    )


def test_the_encoder_passes_unknown_labels_as_given_not_as_their_text():
    seen = []

    def unseen(bad):
        seen.append(bad)
        return ValueError("unseen")

    with pytest.raises(ValueError, match="unseen"):
        encode(np.array([True, False, True]), ["no", "yes"], by_text=True, unseen=unseen)
    assert seen[0].tolist() == [True, False, True] and seen[0].dtype == bool
    with pytest.raises(ValueError, match="unseen"):
        encode(np.array([2.0, 0.0]), [0, 1, "a"], by_text=True, unseen=unseen)
    assert seen[1].tolist() == [2.0] and seen[1].dtype == np.float64


def test_unknown_targets_of_mixed_kinds_are_each_named_as_given():
    """Targets that do not compare with each other (numbers beside text, an
    object array) are still counted and named as given, in text order."""
    y = np.array([2, "x", 2, 7.0], dtype=object)
    mapping = {"column": "y", "negative": False, "positive": True}
    with pytest.raises(DataValidationError) as err:
        apply_labels(y, mapping, "new.csv")
    assert str(err.value) == (
        "target column 'y' in new.csv has values the model was not trained on: "
        "2 (n=2), 7 (n=1), 'x' (n=1) (expected false or true)"
    )


def test_a_boolean_model_names_only_the_unknown_values_of_a_text_target(
    bool_csv, workdir, capsys
):
    """One value that is not a boolean (``maybe``) makes pyarrow read the
    whole column as text; the column's ``TRUE``/``True``/``FALSE`` are still
    the model's classes in another letter case, so the error names
    ``maybe`` alone, and the same column without it scores as booleans."""
    assert run_cli(capsys, ["fit", "b.csv", "--target", "y", "-o", "m.json", "-q"])[0] == 0
    rows = bool_csv.iloc[:5].assign(y=["TRUE", "maybe", "FALSE", "TRUE", "True"])
    rows.to_csv(workdir / "t.csv", index=False)
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "t.csv"])
    assert (code, out) == (65, "")
    assert err == (
        "error: target column 'y' in t.csv has values the model was not trained "
        "on: 'maybe' (n=1) (expected false or true)\n"
    )
    y = np.array(["TRUE", "False", "true", "FALSE"], dtype=object)
    mapping = {"column": "y", "negative": False, "positive": True}
    assert apply_labels(y, mapping, "t.csv").tolist() == [1.0, 0.0, 1.0, 0.0]
