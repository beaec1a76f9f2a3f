"""A numeric column named like a text column's encoded level is named as such.

A file with a text column ``wc`` (no/yes) and a numeric column ``wc[T.yes]``
was refused as "X has 1 column name(s) used more than once (['wc[T.yes]'])",
naming neither the file nor the encoding that made the second name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic._exceptions import DataValidationError


def _frame():
    rng = np.random.default_rng(2)
    n = 60
    return pd.DataFrame(
        {
            "y": (rng.random(n) < 0.5).astype(int),
            "wc": rng.choice(["no", "yes"], n),
            "wc[T.yes]": rng.normal(size=n),
            "x": rng.normal(size=n),
        }
    )


def test_command_line_names_file_column_and_level(tmp_path, capsys):
    path = tmp_path / "d.csv"
    _frame().to_csv(path, index=False)
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"])
    assert code == 65
    assert (
        "d.csv: column 'wc[T.yes]' has the name one-hot encoding gives level 'yes' of "
        "the text column 'wc'; rename that column (or leave one of the two out with --drop)"
    ) in err
    code, _, err = run_cli(
        capsys, ["fit", path, "-t", "y", "--drop", "wc[T.yes]", "-o", tmp_path / "m.json", "-q"]
    )
    assert code == 0, err


def test_dataframe_fit_names_the_clash():
    d = _frame()
    with pytest.raises(DataValidationError, match=r"X column 'wc\[T\.yes\]' has the name one-hot"):
        LogisticRegression().fit(d.drop(columns="y"), d["y"])
