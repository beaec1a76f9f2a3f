"""formulaic's parse error quotes the character it cannot read, which may be
a control character of the formula (a bidirectional mark pasted with it, an
escape): it went to the terminal as is, while the ``--formula`` quoted
before it was escaped. Now both are escaped (``'\\u200f'``), as every
message writes a control character (``logistic.io._fields.escaped``).
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize(("char", "shown"), [("\u200f", "\\u200f"), ("\x1b", "\\x1b")])
def test_the_unreadable_character_is_escaped(tmp_path, capsys, char, shown):
    formula = f"admit ~ gre +{char} gpa"
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 2, err
    assert f"Unknown operator '{shown}'" in err, err
    assert char not in err
