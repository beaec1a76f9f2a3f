"""An error about the target after ``--missing drop`` says how many rows the
drop left and which columns the dropped rows missed, with ``--drop`` for a
feature missing in most of them (with a formula: taking it out of the
formula, as ``--drop`` does not apply there).

Before: "target column 'y' in const.csv has a single class: 0 (n=1)", with
no word on the 199 rows ``--missing drop`` had removed for one sparse column.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli


def _one_value_column(tmp_path):
    """200 rows whose column ``single`` holds one value (row 5, class 0)."""
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
    return data


@pytest.mark.parametrize(
    ("args", "remedy"),
    [
        (["-t", "y"], "--drop single keeps those rows"),
        (["--formula", "y ~ x + single"],
         "taking column 'single' out of the formula keeps those rows"),  # fmt: skip
    ],
)
def test_single_class_after_the_drop_names_the_column(tmp_path, capsys, args, remedy):
    data = _one_value_column(tmp_path)
    code, _, err = run_cli(
        capsys, ["fit", data, *args, "--missing", "drop", "-o", tmp_path / "m.json"]
    )
    assert code == 65
    assert "has a single class" in err
    assert "--missing drop left 1 of 200 rows" in err
    assert "the dropped rows miss 'single' in 199" in err
    assert remedy in err
    if "--formula" in args:
        assert "--drop" not in err
