"""Large weighted counts print in full; p-values in the report print as in summaries.

Confusion cells of 3 139 522 printed as ``3.13952e+06`` in ``evaluate`` and
the report (6 significant digits), and the report's summary table printed
p-values below 1e-16 as ``0``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

pytest.importorskip("matplotlib")


@pytest.fixture()
def heavy(tmp_path):
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    d["w"] = np.random.default_rng(0).integers(5000, 20000, len(d))
    path = tmp_path / "w.csv"
    d.to_csv(path, index=False)
    return d, path


def test_evaluate_and_report_print_counts_in_full(heavy, tmp_path, capsys):
    d, path = heavy
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", path, "-t", "admit", "--weights", "w", "-o", model, "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", model, path])
    assert code == 0, err
    assert "e+0" not in out
    assert f"weight {int(d['w'].sum())}" in out
    code, _, err = run_cli(capsys, ["report", model, path, "-o", tmp_path / "r.html"])
    assert code == 0, err
    page = (tmp_path / "r.html").read_text()
    confusion = page.split('<table id="confusion">')[1].split("</table>")[0]
    assert "e+0" not in confusion and re.search(r"<td>\d{7,}</td>", confusion)
    summary = page.split('<table id="summary">')[1].split("</table>")[0]
    assert "<td>&lt;2e-16</td>" in summary and "<td>0</td>" not in summary
