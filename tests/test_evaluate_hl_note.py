"""``evaluate`` says why Hosmer–Lemeshow is missing when every prediction is equal.

The line was left out silently and ``--json`` had ``hosmer_lemeshow: null``
with ``hosmer_lemeshow_note: null`` (the report said why).
"""

from __future__ import annotations

import json

from conftest import run_cli

CSV = "y,c\n" + "".join(f"{i % 3 == 0:d},1\n" for i in range(30))


def test_equal_predictions_name_the_missing_test(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(CSV)
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path, "--json"])
    assert code == 0, err
    m = json.loads(out)
    assert m["hosmer_lemeshow"] is None
    assert m["hosmer_lemeshow_note"].startswith("not computed: fewer than 3 groups")
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path])
    assert "Hosmer-Lemeshow: not computed: fewer than 3 groups" in out + err
