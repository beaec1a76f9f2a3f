"""A model file saved from ``LogisticRegressionCV(scoring=...)`` is described
by the score its folds were scored by, not as log loss: ``summary`` (text
and ``--json``), the CV table and the report's CV figure name the record's
``scoring``, with its values as scikit-learn's scorer gives them; and
``summary`` says which solver the refit's path ran, not "solver ?"."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli

pytest.importorskip("sklearn")
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_score  # noqa: E402

from logistic import LogisticRegressionCV, save  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def _saved(tmp_path, data, **kw):
    X, y = data
    cv = LogisticRegressionCV(cv=3, n_alphas=8, **kw).fit(X, y)
    save(cv, tmp_path / "a.json")
    return cv, str(tmp_path / "a.json")


def test_summary_names_accuracy_not_log_loss(tmp_path, capsys, data):
    cv, file = _saved(tmp_path, data, scoring="accuracy")
    code, out, err = run_cli(capsys, ["summary", file])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("strength chosen by"))
    assert "(accuracy, rule min)" in line and "log loss" not in line, line
    code, out, err = run_cli(capsys, ["summary", file, "--json"])
    assert code == 0, err
    shown = json.loads(out)["cross_validation"]
    assert shown["scoring"] == "accuracy" and shown["score"] == "accuracy"


def test_summary_of_default_scoring_says_log_loss(tmp_path, capsys, data):
    _, file = _saved(tmp_path, data)
    code, out, err = run_cli(capsys, ["summary", file])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("strength chosen by"))
    assert "(log loss, rule min)" in line, line
    code, out, _ = run_cli(capsys, ["summary", file, "--json"])
    assert json.loads(out)["cross_validation"]["score"] == "log loss"


def test_cv_table_shows_accuracy_as_scikit_learn_scores_it(tmp_path, data):
    from rich.console import Console

    from logistic.cli._cv import cv_table

    cv, _ = _saved(tmp_path, data, scoring="accuracy")
    X, y = data
    from logistic.io._cv_estimator import cv_record

    record = cv_record(cv)
    i = record["chosen_index"]
    # reference: scikit-learn's own fits and accuracy scorer on the same
    # folds (StratifiedKFold(3), unshuffled: check_cv's for an int), at the
    # chosen strength: alpha = 1/(C·n_train) for each fold's n_train rows
    folds = StratifiedKFold(3)
    ref = []
    for train, test in folds.split(X, y):
        C = 1.0 / (record["alpha"] * len(train))
        sk = SkLogisticRegression(C=C, tol=1e-10, max_iter=10_000)
        ref.append(cross_val_score(sk, X, y, cv=[(train, test)], scoring="accuracy")[0])
    assert record["mean"][i] == pytest.approx(np.mean(ref), abs=1e-12)
    console = Console(width=200, record=True)
    console.print(cv_table(record))
    text = console.export_text()
    assert "accuracy" in text and "log loss" not in text, text
    assert f"{np.mean(ref):.6f}" in text  # not negated as a loss is
    assert f"{-np.mean(ref):.6f}" not in text


def test_report_cv_figure_caption_names_the_score(tmp_path, data):
    from logistic.io._cv_estimator import cv_record
    from logistic.report._cv_figures import cv_section

    cv, _ = _saved(tmp_path, data, scoring="accuracy")
    captions = [c for _, c, ident in cv_section(cv_record(cv), []) if ident == "cv-curve"]
    assert captions and "accuracy" in captions[0], captions
    cv, _ = _saved(tmp_path, data)
    captions = [c for _, c, ident in cv_section(cv_record(cv), []) if ident == "cv-curve"]
    assert "log loss" in captions[0], captions


def test_summary_says_the_solver_of_the_path_not_a_question_mark(tmp_path, capsys, data):
    _, file = _saved(tmp_path, data, scoring="accuracy")
    code, out, err = run_cli(capsys, ["summary", file])
    assert code == 0, err
    assert "solver ?" not in out, out
    line = next(x for x in out.splitlines() if x.startswith("solver"))
    assert "auto" in line and "path" in line, line
    _, file = _saved(tmp_path, data, solver="lbfgs")
    code, out, err = run_cli(capsys, ["summary", file])
    line = next(x for x in out.splitlines() if x.startswith("solver"))
    assert "lbfgs" in line, line
