"""Names and levels that differ only in Unicode form are said to.

A file from macOS writes 'é' as 'e' + a combining accent (NFD): predict
refused 'Île' "not seen at fit time" next to the known 'Île', and a header
'région' as not found ("did you mean 'région'?"), the two looking the same.
"""

from __future__ import annotations

import unicodedata

from conftest import run_cli

NFC, NFD = (unicodedata.normalize(f, "Île") for f in ("NFC", "NFD"))
COLUMN_NFC, COLUMN_NFD = (unicodedata.normalize(f, "région") for f in ("NFC", "NFD"))


def _rows(column, level):
    lines = [f"y,x,{column}"]
    for i in range(12):
        lines.append(f"{i % 2},{i * 0.7 % 3:.2f},{level if i % 3 else 'Nord'}")
    return "\n".join(lines) + "\n"


def test_levels_and_names_in_another_unicode_form_are_explained(tmp_path, capsys):
    train, other_values, other_header = (tmp_path / n for n in ("t.csv", "v.csv", "h.csv"))
    train.write_text(_rows(COLUMN_NFC, NFC), encoding="utf-8")
    other_values.write_text(_rows(COLUMN_NFC, NFD), encoding="utf-8")
    other_header.write_text(_rows(COLUMN_NFD, NFC), encoding="utf-8")
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", train, "-t", "y", "--penalty", "l2", "-o", model, "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["predict", model, other_values, "-o", "-", "-q"])
    assert code == 65 and "look alike but differ in their Unicode form" in err
    code, _, err = run_cli(capsys, ["predict", model, other_header, "-o", "-", "-q"])
    assert code == 65 and "look alike but differ in their Unicode form" in err
    assert "did you mean" not in err
