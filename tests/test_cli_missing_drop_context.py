"""An error about the target after ``--missing drop`` says how many rows the
drop left and which columns the dropped rows missed, with ``--drop`` for a
feature missing in most of them.

Before: "target column 'y' in const.csv has a single class: 0 (n=1)", with
no word on the 199 rows ``--missing drop`` had removed for one sparse column.
"""

from __future__ import annotations

import numpy as np

from conftest import run_cli


def test_single_class_after_the_drop_names_the_column(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = (rng.random(200) < 0.4).astype(int)
    single = [""] * 200
    single[5] = "3.5"
    data = tmp_path / "const.csv"
    data.write_text(
        "y,x,single\n"
        + "".join(f"{a},{b:.4f},{c}\n" for a, b, c in zip(y, x, single, strict=True))
    )
    code, _, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--missing", "drop", "-o", tmp_path / "m.json"]
    )
    assert code == 65
    assert "has a single class" in err
    assert "--missing drop left 1 of 200 rows" in err
    assert "the dropped rows miss 'single' in 199" in err
    assert "--drop single keeps those rows" in err


def test_with_a_formula_the_remedy_is_the_formula(tmp_path, capsys):
    # --drop does not apply with --formula (a usage error): the remedy names
    # the formula instead (review)
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = (rng.random(200) < 0.4).astype(int)
    single = [""] * 200
    single[5] = "3.5"
    data = tmp_path / "const.csv"
    data.write_text(
        "y,x,single\n"
        + "".join(f"{a},{b:.4f},{c}\n" for a, b, c in zip(y, x, single, strict=True))
    )
    code, _, err = run_cli(
        capsys,
        ["fit", data, "--formula", "y ~ x + single", "--missing", "drop",
         "-o", tmp_path / "m.json"],  # fmt: skip
    )
    assert code == 65
    assert "taking column 'single' out of the formula keeps those rows" in err
    assert "--drop" not in err
