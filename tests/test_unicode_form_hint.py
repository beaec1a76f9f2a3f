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


def _nfd_escaped(text: str) -> str:
    """``text`` in NFD as the hint writes it: its code points escaped
    (``ascii``), so that it does not read as the NFC twin beside it."""
    return ascii(unicodedata.normalize("NFD", text))


def test_a_name_typed_in_another_form_is_told_apart(tmp_path, capsys):
    """The file's header is NFC, the name typed on the command line NFD: the
    hint wrote both as 'région' and told the user to convert the file to
    NFC, which it already was."""
    data = tmp_path / "d.csv"
    data.write_text(_rows(COLUMN_NFC, NFC), encoding="utf-8")
    args = ["fit", data, "-t", "y", "--features", COLUMN_NFD, "-o", tmp_path / "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 65, err
    assert f"{_nfd_escaped('région')} and 'région' look alike" in err
    assert "the first writes its accents as a letter and a combining accent (NFD)" in err
    assert "the second as one character (NFC)" in err


def test_a_target_value_typed_in_another_form_is_explained(tmp_path, capsys):
    """``--positive`` and ``--reference`` given in NFD against the file's NFC
    values: 'Île' is not a value ...; values: 'Île' (n=4), with nothing said."""
    for option, k in (("--positive", 2), ("--reference", 3)):
        data = tmp_path / f"d{k}.csv"
        values = (NFC, "Nord", "Sud")[:k]
        rows = "".join(f"{i},{values[i % k]}\n" for i in range(12))
        data.write_text("x,y\n" + rows, encoding="utf-8")
        args = ["fit", data, "-t", "y", option, NFD, "-o", tmp_path / "m.json"]
        code, _, err = run_cli(capsys, args)
        assert code == 65, err
        assert f"{_nfd_escaped('Île')} and 'Île' look alike" in err, err
