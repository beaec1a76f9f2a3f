"""An error line shows the file names and values it quotes as spelt, with
their unprintable characters escaped (docs/cli.md, Errors and exit codes:
never acted on by the terminal), as notes and warnings already did.

It used to replace C0 control characters by spaces (``a\\x1b[31m.csv``
shown as ``a [31m.csv``: not the file's name) and to print everything else
as it came, a bidi override (U+202E, which makes a terminal show the rest
of the line reversed) and C1 controls (U+009B, an 8-bit CSI) included, in
errors and in usage errors alike, and in ``--json``'s ``error`` too."""

from __future__ import annotations

import json

from conftest import run_cli
from logistic._messages import printable_line
from logistic.cli._codes import EX_NOINPUT, EX_USAGE


def test_missing_file_name_is_shown_escaped(tmp_path, capsys):
    name = tmp_path / "a\u202egnp.json\x1b[2J\u009b31m"
    code, out, err = run_cli(capsys, ["summary", name, "--json"])
    assert code == EX_NOINPUT
    assert err.count("\n") == 1  # one line
    line = err.rstrip("\n")
    assert line.isprintable(), repr(line)
    assert "a\\u202egnp.json\\x1b[2J\\x9b31m does not exist" in line
    assert json.loads(out)["error"] == line.removeprefix("error: ")


def test_usage_error_shows_a_typed_bidi_control_escaped(tmp_path, capsys):
    code, _, err = run_cli(capsys, ["summary", "m.json", "--bo\u202egus"])
    assert code == EX_USAGE
    line = err.rstrip("\n")
    assert line.isprintable(), repr(line)
    assert "No such option: --bo\\u202egus" in line


def test_printable_line_keeps_one_line_and_escapes_the_rest():
    assert printable_line("a\n\n  b\tc\r\n") == "a   b c"
    assert printable_line("x\x1b[1my\u202e\u200b") == "x\\x1b[1my\\u202e\\u200b"
    assert printable_line("caf\u00e9 \u7b49") == "caf\u00e9 \u7b49"  # printable
