"""A continuous target is called one however many distinct values it has.

``logistic fit Wells.csv -t distance`` (2,938 distinct distances in metres)
said the target had "more than the 1000 classes a multinomial model takes",
as if the only problem were the count; ``-t arsenic`` (424 values) was
called a continuous target. Both are now.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

WELLS = data_path("wells-arsenic", "Wells.csv")


@pytest.mark.parametrize("target", ["distance", "arsenic"])
def test_non_integral_targets_are_called_continuous(tmp_path, capsys, target):
    code, _, err = run_cli(capsys, ["fit", WELLS, "-t", target, "-o", tmp_path / "m.json"])
    assert code == 65
    assert f"target column {target!r}" in err
    assert "holds non-integral numbers" in err and "a continuous target, not classes" in err
    assert "multinomial model takes" not in err


def test_many_integral_values_still_name_the_class_limit(tmp_path, capsys):
    rows = "\n".join(f"{i},{i % 7}" for i in range(1500))
    (tmp_path / "d.csv").write_text("y,x\n" + rows + "\n")
    code, _, err = run_cli(capsys, ["fit", tmp_path / "d.csv", "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 65
    assert "has 1500 distinct values, more than the 1000 classes" in err


def test_a_target_of_proportions_names_the_grouped_options(tmp_path, capsys):
    """A target of proportions in [0, 1] (R's glm(p ~ x, weights = n) data) is
    refused naming how grouped counts are fitted; other continuous targets
    are not told so."""
    rows = "\n".join(f"{i % 5},{(i % 4) / 6:.4f},6" for i in range(40))
    (tmp_path / "p.csv").write_text("x,p,n\n" + rows + "\n")
    code, _, err = run_cli(capsys, ["fit", tmp_path / "p.csv", "-t", "p", "--weights", "n",
                                    "-o", tmp_path / "m.json"])  # fmt: skip
    assert code == 65 and "a continuous target" in err
    assert "--target SUCCESSES --trials TRIALS" in err and "cbind(" in err
    code, _, err = run_cli(capsys, ["fit", WELLS, "-t", "arsenic", "-o", tmp_path / "m.json"])
    assert code == 65 and "--trials" not in err
