"""A LibSVM feature index too large to use is quoted as the file writes it.

Found by a security reviewer: a line ``-1 2:1 99999999999999999999999:1``
was refused as ``feature index 99999999999999991611392 at line 2 is too
large``: the index read as a float64 and printed from it, a number the file
does not hold.
"""

from __future__ import annotations

import pytest

from conftest import run_cli

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "second",
    [f"-1 2:1 {HUGE}:1", f"-1 qid:4 2:1 {HUGE}:1 # {HUGE}0:1", f"-1 {HUGE}:1"],
    ids=["plain", "qid-and-comment", "alone"],
)
def test_a_huge_index_is_quoted_as_written(tmp_path, capsys, second):
    data = tmp_path / "d.svm"
    data.write_text(f"1 1:1 3:2\n{second}\n1 1:2\n-1 2:2\n")
    code, _, err = run_cli(capsys, ["fit", data, "-o", tmp_path / "m.json"])
    assert code == 65, err
    assert f"feature index {HUGE} at line 2 is too large" in err
