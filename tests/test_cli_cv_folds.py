"""``logistic fit --cv K`` with more folds than stratified folds can make is a
usage error naming ``--cv`` and the class counts (exit 2); more folds than a
class's rows is a warning in the command line's words.

Before, scikit-learn's own text came through with the data-error exit code
65 ("Cannot have number of splits n_splits=500 greater than the number of
samples: n_samples=200."), and its warning as "UserWarning: The least
populated class ...".
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli

pytest.importorskip("sklearn")


def _data(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = np.r_[np.zeros(140, int), np.ones(60, int)]
    path = tmp_path / "d.csv"
    path.write_text("y,x\n" + "".join(f"{a},{b:.4f}\n" for a, b in zip(y, x, strict=True)))
    return path


@pytest.mark.parametrize("folds", [500, 150])
def test_too_many_folds_is_a_usage_error(tmp_path, capsys, folds):
    code, _, err = run_cli(
        capsys, ["fit", _data(tmp_path), "-t", "y", "--cv", folds, "-o", tmp_path / "m.json"]
    )
    assert code == 2, err
    assert f"--cv {folds}: stratified folds need at least {folds} rows of a class" in err
    assert "140 rows of class 0 and 60 of class 1: use --cv 60 or fewer" in err
    assert not (tmp_path / "m.json").exists()


def test_more_folds_than_a_class_warns_in_its_words(tmp_path, capsys):
    # the warning is made with the folds, before any fit: 5 strengths in place
    # of the default 100 (100 folds x 100 strengths took ~10 s unloaded)
    code, _, err = run_cli(
        capsys,
        ["fit", _data(tmp_path), "-t", "y", "--cv", 100, "--n-alphas", 5,
         "-o", tmp_path / "m.json", "-q"],
    )  # fmt: skip
    assert code == 0, err
    assert "--cv 100 makes more folds than the 60 rows of class 1" in err
    assert "least populated class" not in err


def test_one_row_of_each_class_names_no_number_of_folds(tmp_path, capsys):
    """With one row of each class no --cv can be made (2 folds need 2 rows of
    a class, and --cv 1 is refused): the error said "use --cv 2 or fewer"
    to `--cv 2` itself."""
    path = tmp_path / "two.csv"
    path.write_text("y,x\n0,0.5\n1,1.5\n")
    for folds in (2, 3):
        code, _, err = run_cli(
            capsys, ["fit", path, "-t", "y", "--cv", folds, "-o", tmp_path / "m.json"]
        )
        assert code == 2, err
        assert "1 rows of class 0 and 1 of class 1: no number of folds can be made: " \
            "fit a chosen strength with --alpha or --C" in err
        assert "or fewer" not in err
    code, _, err = run_cli(
        capsys, ["fit", path, "-t", "y", "--cv", 1, "-o", tmp_path / "m.json"]
    )
    assert code == 2 and "at least 2 folds" in err


@pytest.mark.parametrize("rows", ["0,0.5\n1,1.5\n1,0.2\n", "0,0.5\n1,1.5\n1,0.2\n1,0.9\n1,0.1\n"])
def test_a_class_of_one_row_names_no_number_of_folds(tmp_path, capsys, rows):
    """One row of class 0 beside several of class 1: the error to --cv 5 said
    "use --cv 2 or fewer" and --cv 2 or 3 went on to fail in its first fold
    ("its training rows hold no rows of class 0"), as every --cv must: the
    fold validating on that row trains without its class."""
    path = tmp_path / "d.csv"
    path.write_text("y,x\n" + rows)
    for folds in (2, 3, 5):
        code, _, err = run_cli(
            capsys, ["fit", path, "-t", "y", "--cv", folds, "-o", tmp_path / "m.json"]
        )
        assert code == 2, err
        assert "no number of folds can be made" in err and "or fewer" not in err
        assert "fold 1" not in err
