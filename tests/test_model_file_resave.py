"""A model file loaded and saved again (``logistic.save(logistic.load(path),
other)``) keeps what the file said of the fit, and writes its bytes again but
for ``created`` and the checksum.

``save`` wrote only what the estimator held: a command-line file lost its
``encoding`` (the label mapping, the ``--weights`` and ``--offset`` columns)
and its ``training`` record (the data file's sha256, the options, the
warnings), so ``logistic predict`` of the saved copy left the offset column
out of the logits without a word. Reference values: statsmodels' GLM
(binomial, ``freq_weights``, ``offset``) of the same rows and design.

The covariance of an unpenalized fit was recomputed at each save from the
statistics load rebuilt from it (two inversions), so a saved copy's standard
errors moved in their last digits, and again at every further copy.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
IRIS = data_path("iris", "iris.csv")


def _frame() -> pd.DataFrame:
    frame = pd.read_csv(UCLA)
    frame["level"] = "r" + frame["rank"].astype(str)  # a text column, one-hot
    frame["w"] = 1 + np.arange(len(frame)) % 3  # frequency weights
    frame["o"] = np.round(np.sin(np.arange(len(frame))) / 2, 3)  # an offset
    return frame.drop(columns="rank")


def test_a_cli_file_saved_again_keeps_its_encoding_and_training(workdir, capsys):
    frame = _frame()
    frame.to_csv("d.csv", index=False)
    argv = ["fit", "d.csv", "-t", "admit", "--weights", "w", "--offset", "o", "-q"]
    code, _, err = run_cli(capsys, [*argv, "-o", "m.json"])
    assert code == 0, err
    logistic.save(logistic.load("m.json"), "again.json")
    first, again = (json.loads((workdir / f).read_text()) for f in ("m.json", "again.json"))
    assert again["encoding"] == first["encoding"] and again["encoding"]["offset"] == "o"
    assert again["training"] == first["training"]
    assert again["model"] == first["model"]

    code, _, err = run_cli(capsys, ["predict", "again.json", "d.csv", "-o", "p.csv", "-q"])
    assert code == 0, err
    sm = pytest.importorskip("statsmodels.api")
    design = pd.get_dummies(frame[["gre", "gpa", "level"]], drop_first=True, dtype=float)
    design = sm.add_constant(design)
    ref = sm.GLM(
        frame["admit"], design, family=sm.families.Binomial(),
        freq_weights=frame["w"], offset=frame["o"],
    ).fit(tol=1e-12)  # fmt: skip
    expected = design.to_numpy() @ ref.params.to_numpy() + frame["o"].to_numpy()
    got = pd.read_csv("p.csv")["logit"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)


def test_a_refitted_model_does_not_write_the_file_it_was_loaded_from(workdir, capsys):
    frame = _frame()
    frame.to_csv("d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "admit", "--offset", "o", "-q"])
    assert code == 0, err
    model = logistic.load("model.json")
    model.fit(frame[["gre", "gpa"]].to_numpy(), frame["admit"].to_numpy())
    logistic.save(model, "refit.json")
    doc = json.loads((workdir / "refit.json").read_text())
    assert doc["encoding"] is None and "data" not in doc["training"]


def _libsvm(frame: pd.DataFrame, path: str) -> None:
    """``frame``'s admit (as -1/+1), gre and gpa in LibSVM text."""
    with open(path, "w") as fh:
        for admit, gre, gpa in frame[["admit", "gre", "gpa"]].itertuples(index=False):
            fh.write(f"{2 * admit - 1:+d} 1:{gre / 100:g} 2:{gpa:g}\n")


def _changed_lines(first, second) -> list[bytes]:
    a, b = first.read_bytes().splitlines(), second.read_bytes().splitlines()
    assert len(a) == len(b)
    return [x for x, y in zip(a, b, strict=True) if x != y]


@pytest.mark.parametrize(
    "kind",
    ["weights-offset", "three-classes", "python", "formula", "libsvm", "grouped"],
)
def test_saved_again_a_file_has_the_same_bytes_but_created_and_checksum(
    workdir, capsys, kind
):
    frame = _frame()
    frame.to_csv("d.csv", index=False)
    if kind == "python":
        model = logistic.LogisticRegression().fit(frame[["gre", "gpa"]], frame["admit"])
        logistic.save(model, "m.json")
    else:
        argv = ["fit", "d.csv", "-t", "admit", "--weights", "w", "--offset", "o"]
        if kind == "three-classes":
            argv = ["fit", str(IRIS), "-t", "species"]
        if kind == "formula":  # as typed, not as its terms render it
            argv = ["fit", "d.csv", "--formula", "admit ~ gre*gpa+I(gpa**2) + level"]
        if kind == "libsvm":  # its file has no 'weights' and 'offset' fields
            _libsvm(frame, "d.svm")
            argv = ["fit", "d.svm"]
        if kind == "grouped":  # 'binomial' in the file's key order
            frame["k"], frame["n"] = frame["admit"] + frame["w"] - 1, frame["w"] + 1
            frame.to_csv("d.csv", index=False)
            argv = ["fit", "d.csv", "--formula", "cbind(k, n) ~ gre + level"]
        code, _, err = run_cli(capsys, [*argv, "-q", "-o", "m.json"])
        assert code == 0, err
    assert json.loads((workdir / "m.json").read_text())["covariance"] is not None
    logistic.save(logistic.load("m.json"), "again.json")
    logistic.save(logistic.load("again.json"), "third.json")
    for copy in ("again.json", "third.json"):
        changed = _changed_lines(workdir / "m.json", workdir / copy)
        assert all(b'"created":' in x or b'"value":' in x for x in changed), changed[:4]


def test_a_formula_file_saved_again_keeps_the_formula_as_typed(workdir, capsys):
    """The loaded model shows the text its terms render to (what predicts);
    a save of it wrote that text over the file's own formula, so a copy's
    bytes differed from the file's (``admit ~ gre*gpa`` became ``admit ~ gre
    + gpa + gre:gpa``)."""
    frame = _frame()
    frame.to_csv("d.csv", index=False)
    typed = "admit ~ gre*gpa"
    code, _, err = run_cli(capsys, ["fit", "d.csv", "--formula", typed, "-q"])
    assert code == 0, err
    logistic.save(logistic.load("model.json"), "again.json")
    again = json.loads((workdir / "again.json").read_text())
    assert again["encoding"]["formula"] == typed
    code, out, err = run_cli(capsys, ["summary", "again.json"])
    assert code == 0, err
    assert "formula: admit ~ gre + gpa + gre:gpa" in out
