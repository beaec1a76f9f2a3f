"""A report of data read from standard input names it so.

``logistic report model.json - -o r.html`` headed the page "data: -" and
said "not shown: - is not the data model.json was fitted on"; messages and
``summary`` name it "standard input" (``logistic._files.STDIN_NAME``).
"""

from __future__ import annotations

import html
import os
import re

import pytest

from conftest import data_path, fit_ucla_model, run_cli

pytest.importorskip("matplotlib")


def test_the_report_names_standard_input(workdir, capsys, monkeypatch):
    from test_read_options import _piped_stdin

    model = fit_ucla_model(workdir)
    rows = data_path("ucla-admissions", "binary.csv").read_text().splitlines()[:101]
    read = _piped_stdin(monkeypatch, ("\n".join(rows) + "\n").encode())
    try:
        code, _, err = run_cli(capsys, ["report", model, "-", "-o", "r.html", "-q"])
    finally:
        os.close(read)
    assert code == 0, err
    page = html.unescape((workdir / "r.html").read_text())
    assert re.search(r"<li><b>data</b>: standard input</li>", page)
    assert "not shown: standard input is not the data" in page
    assert ": -<" not in page and " - is not" not in page
