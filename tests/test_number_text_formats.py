"""Numbers written with thousands separators (``3,400``, ``1,200.50``) or as
percentages (``43.4%``) in a text column are refused, naming the column and
how to write them, by the file encoder and the DataFrame encoder alike; they
were one-hot encoded (a 940-level ``utilization``), dropped as free text, or,
for ``3,400`` beside ``800``, met with advice to pass ``--decimal ,``, which
reads ``3,400`` as 3.4 and fits a coefficient of the wrong sign.

Reference: pandas' own reading of the same text (``read_csv(thousands=",")``,
``str.rstrip("%")``) gives the numbers the refused columns stand for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic._exceptions import DataValidationError
from logistic._number_text import formatted_numbers

N = 400


def _frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.choice([450, 800, 950, 1200, 2500, 3400, 5600], N)
    share = np.round(rng.uniform(0, 100, N), 1)
    y = (rng.uniform(size=N) < 1 / (1 + np.exp(-(income / 1000 - 2)))).astype(int)
    return pd.DataFrame(
        {
            "income": [f"{v:,}" for v in income],  # '3,400' beside '800'
            "amount": [f"{v * 1.5:,.2f}" for v in income],  # '1,200.00'
            "share": [f"{v}%" for v in share],
            "code": rng.choice(["A1", "B2", "C3"], N),  # text, not numbers
            "y": y,
        }
    )


def _flags(*values: str) -> tuple[tuple[np.ndarray, ...], int]:
    """The rule's inputs for a column of ``values``: pattern matches and the
    count of plain numbers."""
    import re

    from logistic._number_text import (
        COMMA_NUMBER,
        NUMBER,
        PERCENT_NUMBER,
        THOUSANDS_NUMBER,
    )

    def match(pattern: str) -> np.ndarray:
        return np.array([re.match(pattern, v) is not None for v in values])

    patterns = (PERCENT_NUMBER, THOUSANDS_NUMBER, COMMA_NUMBER)
    return tuple(match(p) for p in patterns), int(match(NUMBER).sum())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["3,400", "800", "1,200"], ("thousands", 0)),  # beside a plain number
        (["x", "1,200.50", "2,000.00"], ("thousands", 1)),  # groups, then a point
        (["1,234,567", "2,345,678"], ("thousands", 0)),
        (["3,400", "1,250"], None),  # ambiguous: the decimal-comma message
        (["3,400", "13,2", "800"], None),  # 13,2: a decimal comma
        (["72.2%", "5%", "x"], ("percent", 0)),
        (["a", "b", "5%"], None),  # mostly other text
        (["a", "b"], None),
    ],
)
def test_the_rule(values, expected):
    flags, n_plain = _flags(*values)
    assert formatted_numbers(flags, n_plain, len(values)) == expected


def test_the_pandas_reading_is_what_the_columns_stand_for(tmp_path):
    frame = _frame()
    frame.to_csv(tmp_path / "d.csv", index=False)
    read = pd.read_csv(tmp_path / "d.csv", thousands=",")
    assert read["income"].dtype.kind in "if" and read["income"].max() == 5600
    shares = frame["share"].str.rstrip("%").astype(float)
    assert shares.between(0, 100).all()


@pytest.mark.parametrize(
    ("column", "words", "example"),
    [
        ("income", "thousands separators", "'"),
        ("amount", "thousands separators", ".00'"),
        ("share", "as percentages", "%'"),
    ],
)
def test_file_column_is_refused_naming_the_form(
    workdir, capsys, column, words, example
):
    _frame()[[column, "code", "y"]].to_csv(workdir / "d.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert (code, out) == (65, "")
    assert f"column {column!r} holds numbers written " in err and words in err
    assert example in err and "at line 2" in err
    assert "--decimal" not in err  # the advice that read 3,400 as 3.4
    assert not (workdir / "m.json").exists()


def test_every_such_column_is_named_at_once(workdir, capsys):
    _frame().to_csv(workdir / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 65
    assert all(f"column {c!r}" in err for c in ("income", "amount", "share"))


def test_text_codes_and_decimal_commas_are_unchanged(workdir, capsys):
    frame = _frame()
    frame["x"] = [f"{v:.2f}".replace(".", ",") for v in np.linspace(-2, 2, N)]
    frame[["code", "x", "y"]].to_csv(workdir / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 65 and "decimal comma" in err and "--decimal ," in err
    argv = ["fit", "d.csv", "-t", "y", "--decimal", ",", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


@pytest.mark.parametrize(
    ("column", "words"),
    [("income", "thousands separators"), ("share", "percent signs")],
)
def test_dataframe_column_is_refused(column, words):
    frame = _frame()
    with pytest.raises(DataValidationError, match=words) as info:
        LogisticRegression().fit(frame[[column, "code"]], frame["y"])
    assert f"X column {column!r}" in str(info.value)
    assert "index label 0)" in str(info.value)  # not np.int64(0)


def test_dataframe_text_codes_still_encode():
    frame = _frame()
    model = LogisticRegression().fit(frame[["code"]], frame["y"])
    assert list(model.feature_names_in_) == ["code[T.B2]", "code[T.C3]"]
