"""A formula's unknown column gets the hints every other column option gets.

``--target A`` of a column ``a`` says "did you mean 'a'?", ``--features
pad`` of a header `` pad`` names the header's leading space, and a name
whose accent is written in another Unicode form (NFC against a macOS file's
NFD) is named as such (``logistic._column_hints.absent_column_hint``). The
formula's "not a column" message had its own close-spelling rule only, so
``y ~ A`` and ``y ~ pad`` got no hint, and ``y ~ région`` (NFC) of a header
``région`` (NFD) listed two names that print alike, with no cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

NFD = "re\u0301gion"


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(10)
    n = 60
    frame = pd.DataFrame(
        {"a": rng.normal(size=n), " pad": rng.normal(size=n),
         NFD: rng.choice(["u", "v"], n), "y": rng.integers(0, 2, n)}
    )
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "d.csv"


@pytest.mark.parametrize(
    ("formula", "hint"),
    [
        ("y ~ A", "(did you mean 'a'?)"),
        ("y ~ pad", "(the header writes it ' pad', with leading whitespace"),
        ("y ~ r\u00e9gion", "look alike but differ in their Unicode form"),
        ("y ~ C(r\u00e9gion)", "look alike but differ in their Unicode form"),
    ],
)
def test_the_column_hint_follows(data, tmp_path, capsys, formula, hint):
    code, _, err = run_cli(
        capsys, ["fit", data, "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert "which is not a column of" in err and hint in err, err
