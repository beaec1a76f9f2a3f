"""Numbers whose thousands are separated by a space, a no-break space (French
and other locales' spreadsheet exports: ``18 111,50``) or an apostrophe (Swiss:
``12'345``) are refused in a text column, naming the column, its first value
and the remedy, by the file encoder and the DataFrame encoder, as comma
thousands separators are; the column was left out as "an identifier or free
text" (or, with few values, one-hot encoded), also with ``--decimal ,``, whose
decimal commas (``871,50`` beside ``18 111,50``) count as such numbers.

The reference is pandas' ``read_csv(thousands=..., decimal=...)``, which reads
the same text as numbers."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic._exceptions import DataValidationError

N = 200
SEPARATORS = {"no-break space": "\u00a0", "space": " ", "apostrophe": "'"}


def _amounts(separator: str, decimal: str) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(4)
    cents = rng.integers(50_000, 9_999_999, N)
    cents[:5] = rng.integers(100, 99_999, 5)  # under a thousand: no separator
    text = [
        f"{c // 100:,}".replace(",", separator) + f"{decimal}{c % 100:02d}" for c in cents
    ]
    return text, cents / 100


@pytest.mark.parametrize("name", sorted(SEPARATORS))
@pytest.mark.parametrize("decimal", [",", "."])
def test_file_column_is_refused(workdir, capsys, name, decimal):
    separator = SEPARATORS[name]
    text, values = _amounts(separator, decimal)
    y = np.arange(N) % 2
    csv = "amount;y\n" + "".join(f"{t};{v}\n" for t, v in zip(text, y, strict=True))
    read = pd.read_csv(
        io.StringIO(csv), sep=";", thousands=separator, decimal=decimal, engine="python"
    )
    np.testing.assert_allclose(read["amount"], values)  # numbers, as pandas reads them
    (workdir / "d.csv").write_text(csv)
    options = ["--decimal", ","] if decimal == "," else []
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", *options, "-o", "m.json"])
    first = text[5]  # the first with a separator, on line 7
    assert (code, err) == (
        65,
        f"error: d.csv: column 'amount' holds numbers written with thousands "
        f"separators (e.g. {first!r} at line 7): remove the separators. Read as "
        "text, such a column would be one-hot encoded\n",
    )


def test_dataframe_column_is_refused():
    text, _ = _amounts("\u00a0", ",")
    with pytest.raises(DataValidationError, match="thousands separators") as info:
        LogisticRegression().fit(pd.DataFrame({"amount": text}), np.arange(N) % 2)
    assert "X column 'amount'" in str(info.value)


def test_codes_with_spaces_are_still_text(workdir, capsys):
    # not numbers: letters, or groups that are not of three digits
    codes = ["AB 123", "12 34", "1 2345", "X 999"] * 50
    frame = pd.DataFrame({"code": codes, "y": np.arange(N) % 2})
    frame.to_csv(workdir / "d.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "--json", "-o", "m.json"])
    assert code == 0, err
    levels = ["code[T.12 34]", "code[T.AB 123]", "code[T.X 999]"]  # '1 2345' first
    assert all(level in out for level in levels)
