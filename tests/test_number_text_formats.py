"""Numbers written with thousands separators (``1,200.50``, ``1,234,567``),
with commas in groups of three that either reading fits (``3,400``: 3400 or,
with a decimal comma, 3.4) or as percentages (``43.4%``) in a text column are
refused, naming the column and how to write them, by the file encoder and the
DataFrame encoder alike. They were one-hot encoded (a 940-level
``utilization``), dropped as free text, or, for ``3,400`` beside ``800``, met
with advice to pass ``--decimal ,`` alone, which reads ``3,400`` as 3.4 and
fits a coefficient of the wrong sign. A decimal comma beyond doubt (``0,125``,
``13,2``) keeps the decimal-comma error.

The forms are those pandas' ``read_csv(thousands=",")`` and
``read_csv(decimal=",")`` read as numbers, which the DataFrame messages name.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic._exceptions import DataValidationError
from logistic._number_text import (
    FORMATTED_PATTERNS,
    NUMBER,
    comma_reading,
    formatted_numbers,
)

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

    def match(pattern: str) -> np.ndarray:
        return np.array([re.match(pattern, v) is not None for v in values])

    return tuple(match(p) for p in FORMATTED_PATTERNS), int(match(NUMBER).sum())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["3,400", "800", "1,200"], ("either", 0)),  # 3400 or 3.4
        (["45,000", "52,300"], ("either", 0)),
        (["x", "1,200.50", "2,000.00"], ("thousands", 1)),  # only thousands read it
        (["1,234,567", "2,345,678"], ("thousands", 0)),
        (["3,400", "1,200.50"], ("thousands", 0)),
        (["0,125", "1", "2,750"], None),  # 0,125: a decimal comma beyond doubt
        (["3,400", "13,2", "800"], None),  # 13,2 likewise
        (["72.2%", "5%", "x"], ("percent", 0)),
        (["a", "b", "5%"], None),  # mostly other text
        (["a", "b"], None),
    ],
)
def test_the_rule(values, expected):
    flags, n_plain = _flags(*values)
    assert formatted_numbers(flags, n_plain, len(values)) == expected


@pytest.mark.parametrize(
    ("value", "reading"),
    [("1,200.50", "thousands"), ("3,400", "either"), ("0,125", "decimal"),
     ("13,2", "decimal"), ("1.234,5", "decimal"), ("abc", None), ("800", None)],
)  # fmt: skip
def test_one_value_s_reading(value, reading):
    assert comma_reading(value) == reading


@pytest.mark.parametrize(
    ("column", "words"),
    [
        ("income", "with commas in groups of three (e.g. '"),
        ("amount", "with thousands separators (e.g. '"),
        ("share", "as percentages (e.g. '"),
    ],
)
def test_file_column_is_refused_naming_the_form(workdir, capsys, column, words):
    _frame()[[column, "code", "y"]].to_csv(workdir / "d.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert (code, out) == (65, "")
    assert f"column {column!r} holds numbers written {words}" in err
    assert "at line 2" in err
    if column == "income":  # both readings, the thousands one first
        assert err.index("remove them") < err.index("--decimal ,")
    else:
        assert "--decimal" not in err
    assert not (workdir / "m.json").exists()


def test_every_such_column_is_named_at_once(workdir, capsys):
    _frame().to_csv(workdir / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 65
    assert all(f"column {c!r}" in err for c in ("income", "amount", "share"))


def test_decimal_commas_with_three_decimals_keep_their_message(workdir, capsys):
    (workdir / "d.csv").write_text(
        "c;y\n" + "".join(f"{v};{i % 2}\n" for i, v in
                          enumerate(["0,125", "1", "2,750", "3", "1,500"] * 8))
    )  # fmt: skip
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 65 and "decimal comma (e.g. '0,125'" in err
    assert "thousands" not in err
    argv = ["fit", "d.csv", "-t", "y", "--decimal", ",", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


def test_text_codes_and_decimal_commas_are_unchanged(workdir, capsys):
    frame = _frame()
    frame["x"] = [f"{v:.2f}".replace(".", ",") for v in np.linspace(-2, 2, N)]
    frame[["code", "x", "y"]].to_csv(workdir / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 65 and "decimal comma" in err and "--decimal ," in err
    argv = ["fit", "d.csv", "-t", "y", "--decimal", ",", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


def test_predict_on_a_thousands_value_gives_both_readings(workdir, capsys):
    """A numeric column of the model holding '3,400' at predict time: the
    advice was '--decimal ,' alone, which scores 3,400 as 3.4."""
    frame = _frame()
    frame["n"] = frame["income"].str.replace(",", "").astype(float)
    frame[["n", "y"]].to_csv(workdir / "train.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "train.csv", "-t", "y", "-o", "m.json", "-q"])
    assert code == 0, err
    new = frame[["income"]].rename(columns={"income": "n"})
    new.to_csv(workdir / "new.csv", index=False)
    code, _, err = run_cli(capsys, ["predict", "m.json", "new.csv", "-o", "p.csv"])
    assert code == 65
    assert "if the commas separate thousands, remove them" in err


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (["450", "800", "950", "3,400"] * 10, "commas in groups of three"),
        (["1,200.50", "2,000.00"] * 10, "thousands separators"),
        ([f"{v}%" for v in range(20)], "percent signs"),
    ],
)
def test_dataframe_column_is_refused(values, words):
    X = pd.DataFrame({"v": values, "code": ["A1", "B2"] * (len(values) // 2)})
    y = np.arange(len(values)) % 2
    with pytest.raises(DataValidationError, match=words) as info:
        LogisticRegression().fit(X, y)
    assert "X column 'v'" in str(info.value)
    assert re.search(r"index label \d+\)", str(info.value))  # not np.int64(3)
    assert "decimal=','" not in str(info.value) or "thousands=','" in str(info.value)


def test_dataframe_text_codes_still_encode():
    frame = _frame()
    model = LogisticRegression().fit(frame[["code"]], frame["y"])
    assert list(model.feature_names_in_) == ["code[T.B2]", "code[T.C3]"]
