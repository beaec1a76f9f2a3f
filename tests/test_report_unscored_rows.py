"""The report's header says how many rows of DATA were left out.

With ``--missing na``/``drop`` or ``--unknown-levels na``, rows that cannot be
scored are left out of the metrics; stderr counted them, but the HTML page
said only "rows: 385 (119 positive)", as if the file held 385 rows. The
header now has the stderr line. Reference: the rows of the file counted with
pandas (a missing gre, a rank not seen at fit).
"""

from __future__ import annotations

import pandas as pd
import pytest

from _report_page import header_items
from conftest import data_path, fit_ucla_model, run_cli

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("k_class", [False, True])
def test_rows_left_out_are_counted_in_the_header(workdir, capsys, k_class):
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    if k_class:  # rank as the 4-class target; admit's unseen level 7
        frame["admit"] = frame["admit"].astype(str)
        frame.to_csv("train.csv", index=False)
        fit = ["fit", "train.csv", "--formula", "rank ~ gre + C(admit)", "-o", "m.json"]
        code, _, err = run_cli(capsys, [*fit, "-q"])
        assert code == 0, err
        frame.loc[:9, "admit"] = "7"
    else:
        fit_ucla_model(workdir)  # m.json: admit ~ gre + gpa + C(rank)
        frame.loc[:9, "rank"] = 7
    frame.loc[10:14, "gre"] = None
    frame.to_csv("d.csv", index=False)
    missing = int(frame["gre"].isna().sum())
    args = ["report", "m.json", "d.csv", "-o", "r.html", "--missing", "na",
            "--unknown-levels", "na", "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    meta = dict(header_items((workdir / "r.html").read_text()))
    assert meta["rows not scored"] == (
        f"15 of {len(frame)} rows not scored: {missing} with missing values "
        "(--missing na: left out), 10 with categories not seen at fit time "
        "(--unknown-levels na: left out)"
    )
    assert meta["rows"].startswith(f"{len(frame) - 15}")
    keys = list(meta)
    assert keys.index("rows not scored") == keys.index("rows") + 1
