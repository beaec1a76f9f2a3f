"""A column name that Python's parser folds (NFKC) inside a formula call.

Inside a call or ``I()`` a formula name is read by Python's parser, which
folds identifiers to their NFKC form: the micro sign of a lab column ``µg``
(U+00B5) becomes the Greek ``μ`` (U+03BC), the ligature ``ﬁ`` becomes
``fi``. ``--formula "y ~ np.log(µg)"`` (backquoted too) was refused as
"--formula uses 'μg', which is not a column of d.csv; available: ..., 'µg'":
two names that print alike, with no cause and no remedy. Now the message
names the data column, both names' code points and the remedy. (formulaic
itself fails on the same name: "name 'μg' is not defined".)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

MICRO = "\u00b5g"  # 'µg', the micro sign
LIGATURE = "\ufb01t"  # 'ﬁt'


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(5)
    n = 100
    frame = pd.DataFrame(
        {"a": rng.normal(size=n), MICRO: rng.uniform(1, 2, n),
         LIGATURE: rng.normal(size=n), "y": rng.integers(0, 2, n)}
    )
    frame.to_csv(tmp_path / "d.csv", index=False, encoding="utf-8")
    return tmp_path / "d.csv"


@pytest.mark.parametrize(
    ("formula", "column", "read"),
    [
        (f"y ~ np.log({MICRO})", MICRO, "\u03bcg"),
        (f"y ~ a + np.log(`{MICRO}`)", MICRO, "\u03bcg"),
        (f"y ~ center({LIGATURE})", LIGATURE, "fit"),
    ],
)
def test_a_folded_name_is_named_with_the_remedy(data, tmp_path, capsys, formula, column, read):
    code, _, err = run_cli(
        capsys, ["fit", data, "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert (
        f"the data column {column!r} ({ascii(column)}) is read as {read!r} "
        f"({ascii(read)}) inside a call or I()"
    ) in err, err
    assert "rename the column" in err


def test_the_name_alone_is_read_as_it_is(data, tmp_path, capsys):
    code, _, err = run_cli(
        capsys, ["fit", data, "--formula", f"y ~ {MICRO} + {LIGATURE}", "-o", tmp_path / "m.json"]
    )
    assert code == 0, err
