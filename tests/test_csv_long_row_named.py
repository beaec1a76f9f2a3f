"""A CSV row longer than the reader's block because of a quoted value across
many lines (a 20 MB text value, lines of 1,000 characters) is refused naming
the line the row starts on, in memory and with --stream; the messages were
pyarrow's "straddling object straddles two block boundaries (try to increase
block size?)", an option no user can pass, and, streamed, "a line is longer
than the reader's block (is the file CSV text with line breaks?). The file is
corrupt, truncated or not in the expected format". The row's line is counted
here from the text written."""

from __future__ import annotations

import pytest

from conftest import run_cli


@pytest.mark.parametrize(
    ("stream", "block"), [(False, 4 << 20), (True, 8 << 20)], ids=["memory", "stream"]
)
def test_long_quoted_value_names_its_row(workdir, capsys, stream, block):
    rows = [f"{i % 5},{i % 2},short" for i in range(20)]
    rows[7] = "3,1,\"" + ("q" * 1000 + "\n") * 20_000 + "\""  # row 7: line 9
    (workdir / "d.csv").write_text("x,y,note\n" + "\n".join(rows) + "\n")
    args = ["fit", "d.csv", "-t", "y", "--drop", "note", "-o", "m.json"]
    code, _, err = run_cli(capsys, [*args, *(["--stream", "--no-cache"] if stream else [])])
    start = "d.csv: cannot read CSV: " if not stream else "cannot read d.csv: "
    assert (code, err) == (
        65,
        f"error: {start}the row starting on line 9 holds a value longer than {block} "
        "bytes (a quoted value across lines), the most one row may hold\n",
    )
