"""A CSV file that holds its header alone, without a line break after it, is
called what it is, as the same header with a line break is; a file that
holds only a UTF-8 byte order mark is called empty.

Found by a security reviewer: ``printf 'y,a' > h.csv; logistic fit h.csv
--target y`` said ``h.csv: cannot read CSV: CSV parse error: Empty CSV file
or block: cannot infer number of columns`` (pyarrow's words for a last line
without a line break), where ``printf 'y,a\\n'`` gave ``h.csv has a header
but no data rows``; a byte order mark alone gave ``cannot read CSV: Empty
CSV file``.
"""

from __future__ import annotations

import pytest

from conftest import fit_ucla_model, run_cli

HEADER_ONLY = "has a header but no data rows"


@pytest.mark.parametrize(
    "content, said",
    [
        (b"y,a", HEADER_ONLY),
        (b"y", HEADER_ONLY),
        (b"\n\ny,a", HEADER_ONLY),
        (b"\xef\xbb\xbf", "is empty (no header, no data rows)"),
    ],
    ids=["two-columns", "one-column", "after-blank-lines", "bom-only"],
)
@pytest.mark.parametrize("command", ["fit", "fit --stream", "predict"])
def test_a_header_alone_is_named(tmp_path, capsys, content, said, command):
    data = tmp_path / "h.csv"
    data.write_bytes(content)
    if command == "predict":
        args = ["predict", fit_ucla_model(tmp_path), data, "-o", tmp_path / "p.csv"]
    else:
        args = [*command.split(), data, "--target", "y", "-o", tmp_path / "m.json"]
    capsys.readouterr()
    code, _, err = run_cli(capsys, args)
    assert code == 65, err
    assert f"h.csv {said}" in err, err
    assert "cannot read CSV" not in err
