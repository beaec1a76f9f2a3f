"""Amounts written with a currency sign (``$1,200.50``, ``€12``, ``12,50 €``),
as spreadsheets export a column in a currency format, are refused in a text
column, naming the column, its first value and how to write the numbers, by
the file encoder and the DataFrame encoder alike, as percentages and
thousands separators are. A column of a few such amounts was one-hot encoded
(``price[T.$10]``, ``price[T.$20]``, ... : a coefficient a price level,
unordered), one of many was left out as free text ("'price' has 380 different
texts in 400 rows"), without a word about the numbers in it.

The reference fit is statsmodels' Logit of the same amounts as numbers, which
a fit of the file with the signs removed matches.
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
    CURRENCY_NUMBER,
    FORMATTED_PATTERNS,
    NUMBER,
    formatted_numbers,
)

N = 400


def _amounts(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    price = rng.choice([10, 20, 30, 40], N) * 1.0
    y = (rng.uniform(size=N) < 1 / (1 + np.exp(-(price / 20 - 1.2)))).astype(int)
    return price, y


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("$1,200.50", True),
        ("-$5", True),
        ("$ 10", True),
        ("€12", True),
        ("12,50 €", True),
        ("1.234,56 €", True),
        ("£3.2", True),
        ("¥1000", True),
        ("1200", False),  # a plain number
        ("$", False),
        ("USD", False),
        ("A1", False),
    ],
)
def test_what_an_amount_is(value, matches):
    assert (re.match(CURRENCY_NUMBER, value) is not None) is matches


def test_the_rule_takes_mostly_amounts():
    def rule(*values: str) -> tuple[str, int] | None:
        flags = tuple(
            np.array([re.match(p, v) is not None for v in values])
            for p in FORMATTED_PATTERNS
        )
        plain = sum(re.match(NUMBER, v) is not None for v in values)
        return formatted_numbers(flags, plain, len(values))

    assert rule("x", "$10", "$20") == ("currency", 1)
    assert rule("$10", "15", "n/a") == ("currency", 0)
    assert rule("a", "b", "$5") is None  # mostly other text


@pytest.mark.parametrize(
    "write",
    [lambda v: f"${v:,.2f}", lambda v: f"{v:.2f} €".replace(".", ",")],
    ids=["dollars", "euros after"],
)
def test_file_column_is_refused(workdir, capsys, write):
    price, y = _amounts()
    frame = pd.DataFrame({"price": [write(v) for v in price], "y": y})
    frame.to_csv(workdir / "d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    first = write(price[0])
    assert (code, err) == (
        65,
        f"error: d.csv: column 'price' holds numbers written with a currency sign "
        f"(e.g. {first!r} at line 2): remove the currency signs (and any thousands "
        "separators; C(column) in --formula makes them categories). Read as text, "
        "such a column would be one-hot encoded\n",
    )
    assert not (workdir / "m.json").exists()


def test_amounts_without_signs_fit_as_numbers(workdir, capsys):
    sm = pytest.importorskip("statsmodels.api")
    price, y = _amounts()
    pd.DataFrame({"price": price, "y": y}).to_csv(workdir / "d.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "--json"])
    assert code == 0, err
    reference = sm.Logit(y, sm.add_constant(price)).fit(disp=0).params
    import json

    fitted = json.loads(out)
    got = [fitted["intercept"], *fitted["coef"]]
    np.testing.assert_allclose(got, reference, rtol=1e-8)


def test_dataframe_column_is_refused():
    price, y = _amounts()
    frame = pd.DataFrame({"price": [f"${v:.0f}" for v in price]})
    with pytest.raises(DataValidationError) as refused:
        LogisticRegression().fit(frame, y)
    assert str(refused.value) == (
        f"X column 'price' holds numbers written with currency signs (e.g. "
        f"'${price[0]:.0f}' at row 0 (0-based; index label 0)): convert the column "
        "to numbers, without the signs and any thousands separators, or give it "
        "the 'category' dtype to encode it as categories; as text they would be "
        "encoded as categories"
    )
    categories = frame.astype({"price": "category"})
    model = LogisticRegression().fit(categories, y)  # asked for: levels
    assert list(model.feature_names_in_) == [
        "price[T.$20]", "price[T.$30]", "price[T.$40]"
    ]
