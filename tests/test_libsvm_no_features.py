"""A LibSVM file of labels only (no ``index:value`` pair on any line): fit
refused it with the estimator's "Found array with 0 feature(s) (shape=(4, 0))
while a minimum of 1 is required by LogisticRegression", naming neither the
file nor what it lacks, where a CSV of the target alone is refused naming
the file. Predicting such a file with a fitted model stays valid (every
feature 0)."""

from __future__ import annotations

from conftest import run_cli


def test_fit_of_labels_only_names_the_file(workdir, capsys):
    (workdir / "l.svm").write_text("1\n0\n1\n0\n")
    code, _, err = run_cli(capsys, ["fit", "l.svm", "-o", "m.json"])
    assert code == 65, err
    assert "l.svm: 0 features" in err and "at least one feature" in err
    assert "Found array" not in err


def test_predicting_labels_only_is_all_zero_features(workdir, capsys):
    (workdir / "f.svm").write_text("1 1:1\n0 1:0.2\n1 1:0.9\n0 1:0.5\n1 1:0.1\n")
    assert run_cli(capsys, ["fit", "f.svm", "-o", "m.json"])[0] == 0
    (workdir / "l.svm").write_text("1\n0\n")
    code, _, err = run_cli(capsys, ["predict", "m.json", "l.svm", "-o", "p.csv"])
    assert code == 0, err
