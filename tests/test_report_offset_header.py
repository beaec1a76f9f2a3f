"""The report's header names the offset column of a model fitted with
``--offset`` (its weights column it named already): the report's logits,
curves and calibration include DATA's offset column, and nothing in the page
said so. The reference is the command line that fitted the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _report_page import header_items
from conftest import data_path, run_cli

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("offset", [True, False])
def test_the_report_names_the_offset_column(workdir, capsys, offset):
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    frame["o"] = np.round(np.sin(np.arange(len(frame))) / 2, 3)
    frame.to_csv("d.csv", index=False)
    roles = ["--offset", "o"] if offset else ["--drop", "o"]
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "admit", *roles, "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", "model.json", "d.csv", "-o", "r.html", "-q"])
    assert code == 0, err
    meta = dict(header_items((workdir / "r.html").read_text()))
    if offset:
        assert meta["offset"] == "column 'o', added to each row's logit"
    else:
        assert "offset" not in meta
