"""A stray target value (one ``Yes`` among ``yes``/``no``) makes a
three-class model with other prediction columns: ``fit`` warns, naming the
class, its row count and the other classes, and says how to get a two-class
model. Iris (50 rows per class) gets no such warning."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from conftest import data_path, run_cli
from logistic._rare_classes import rare_class_text, rare_classes


def test_rare_classes_thresholds():
    assert rare_classes(["a", "b"], [1, 199]) == []  # two classes: binary
    assert rare_classes(["Yes", "no", "yes"], [1, 74, 125]) == [0]
    assert rare_classes(["a", "b", "c"], [5, 500, 495]) == [0]  # 0.5% < 1%
    assert rare_classes(["a", "b", "c"], [10, 500, 490]) == []  # 1%, 10 rows
    assert rare_classes(["a", "b", "c"], [4, 3, 3]) == [0, 1, 2]  # < 5 rows
    # 150 classes of 60-70 rows each (under 1 % each): none is rare, one of 6 is
    many = [60 + k % 11 for k in range(149)] + [6]
    assert rare_classes([f"c{k}" for k in range(150)], many) == [149]


def test_rare_class_text_names_counts_and_twin():
    text = rare_class_text(["Yes", "no", "yes"], [1, 74, 125], 0)
    assert text.startswith("class 'Yes' has 1 row of 200 (0.5%)")
    assert "'no' (74), 'yes' (125)" in text
    assert "'Yes' differs from 'yes' only in case" in text


@pytest.fixture
def typo_csv(tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "typo.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "y"])
        for i in range(200):
            x1, x2 = rng.normal(size=2)
            y = "yes" if rng.random() < 1 / (1 + np.exp(-(x1 - x2))) else "no"
            w.writerow([f"{x1:.6f}", f"{x2:.6f}", "Yes" if i == 10 else y])
    return path


def test_fit_warns_about_a_stray_class(typo_csv, tmp_path, capsys):
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", typo_csv, "-t", "y", "-o", out, "-q"])
    assert code == 0
    assert "class 'Yes' has 1 row of 200" in err
    assert "'no' (" in err and "'yes' (" in err
    assert "--positive" in err and "two-class" in err
    stored = json.loads(out.read_text())["training"]["warnings"]
    assert any("class 'Yes' has 1 row" in w for w in stored)
    code, out_json, _ = run_cli(
        capsys, ["fit", typo_csv, "-t", "y", "-o", out, "--force", "--json"]
    )
    assert code == 0
    assert any("class 'Yes'" in w for w in json.loads(out_json)["warnings"])


def test_positive_then_requires_two_classes(typo_csv, tmp_path, capsys):
    out = tmp_path / "m.json"
    code, _, err = run_cli(
        capsys, ["fit", typo_csv, "-t", "y", "--positive", "yes", "-o", out]
    )
    assert code == 65 and "'Yes' (n=1)" in err


def test_balanced_multiclass_gets_no_warning(tmp_path, capsys):
    out = tmp_path / "m.json"
    iris = data_path("iris", "iris.csv")
    code, _, err = run_cli(
        capsys, ["fit", iris, "-t", "species", "--penalty", "l2", "-o", out, "-q"]
    )
    assert code == 0
    assert "row of" not in err and "rows of" not in err


@pytest.mark.parametrize(("n_rare", "more"), [(4, ""), (849, ", … and 844 more")])
def test_many_rare_classes_are_one_warning(n_rare, more):
    """A target of 1,000 classes, 849 of them under 5 rows, printed 849
    warnings (317 KB of stderr), each listing the same ten 'others'. More
    than MAX_RARE_WARNINGS rare classes now make one line naming five."""
    from types import SimpleNamespace

    from logistic.cli._common import MAX_RARE_WARNINGS, rare_class_warnings

    common = 1000 - n_rare
    levels = [str(k) for k in range(1000)]
    y = np.r_[np.repeat(np.arange(common), 30), np.arange(common, 1000)]
    design = SimpleNamespace(encoding={"label": {"column": "t", "levels": levels}}, y=y)
    assert n_rare > MAX_RARE_WARNINGS
    (line,) = rare_class_warnings(design)
    assert f"{n_rare:,} classes have fewer than 5 rows" in line
    assert f"'{common}' (1), '{common + 1}' (1)" in line
    last = common + min(n_rare, 5) - 1
    assert f"'{last}' (1){more}. If they are typos" in line
