"""A column of decimal-comma numbers with ``.`` thousands separators
(``1.234,5``) is text to the reader even with ``--decimal ,``: the error names
the separators as the cause instead of asking for ``--decimal ,`` again.

Before, ``fit FILE --decimal ,`` answered "column 'amount' holds numbers
written with a decimal comma ... pass --decimal , to read them as numbers",
the option it had been given.
"""

from __future__ import annotations

from conftest import run_cli

ROWS = (
    "y;x1;amount\n1;2,5;1.234,5\n0;1,5;-317,16\n1;0,5;12,0\n"
    "0;3,5;2.000,25\n1;1,0;5,5\n0;2,0;7,75\n"
)


def _fit(tmp_path, capsys, *args: str):
    data = tmp_path / "de.csv"
    data.write_text(ROWS)
    return run_cli(capsys, ["fit", data, "-t", "y", *args, "-o", tmp_path / "m.json"])


def test_with_decimal_comma_the_separators_are_named(tmp_path, capsys):
    code, _, err = _fit(tmp_path, capsys, "--decimal", ",")
    assert code == 65
    assert "column 'amount' holds numbers written with '.' thousands separators" in err
    assert "'1.234,5' at line 2" in err
    assert "remove the '.' separators" in err
    assert "column 'x1'" not in err  # read as numbers with --decimal ,


def test_without_it_both_remedies_are_given(tmp_path, capsys):
    code, _, err = _fit(tmp_path, capsys)
    assert code == 65
    assert "column 'x1' holds numbers written with a decimal comma (e.g. '2,5'" in err
    assert "pass --decimal , to read them as numbers" in err
    assert "column 'amount' holds numbers written with '.' thousands separators" in err
