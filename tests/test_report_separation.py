"""The report of a fit whose MLE does not exist says so, as ``summary`` does.

On separated data ``fit`` warns and ``summary`` prints ``converged=no finite
MLE (separation)`` with a note; the report's header said ``converged=True``,
and nothing in it named the separation, beside a coefficient of 408 with a
standard error of 96 000 (p = 0.997): a reader would conclude the feature
does not matter when it separates the classes. The report now has the same
header word, the note above its summary table, and the fit's recorded
warnings (``summary``'s ``fit warning:`` lines) in its header; so does the
report of a fit stopped before convergence, and of a K-class fit.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from _report_page import header_items
from conftest import data_path
from logistic.cli.app import main

pytest.importorskip("matplotlib")


def _meta(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in header_items(page):
        found.setdefault(key, []).append(value)
    return found


def _note(page: str) -> str:
    m = re.search(r'id="coefficient-note"><b>([^<]*)</b>', page)
    return "" if m is None else html.unescape(m.group(1))


@pytest.fixture
def separated(tmp_path):
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=60), rng.normal(size=60)
    pd.DataFrame({"y": (x > 0).astype(int), "x": x, "z": z}).to_csv(
        tmp_path / "sep.csv", index=False
    )
    return tmp_path / "sep.csv"


def _report(tmp_path, data, *fit_args: str) -> str:
    model, out = tmp_path / "m.json", tmp_path / "r.html"
    assert main(["fit", str(data), *fit_args, "-o", str(model), "-q", "--force"]) == 0
    assert main(["report", str(model), str(data), "-o", str(out), "-q"]) == 0
    return out.read_text()


def test_a_separated_fit_is_named_in_the_report(tmp_path, separated, capsys):
    page = _report(tmp_path, separated, "-t", "y")
    capsys.readouterr()
    meta = _meta(page)
    assert meta["solver"][0].endswith("converged=no finite MLE (separation)")
    warned = meta["fit warning"]
    assert any(w.startswith("PerfectSeparationWarning: Complete separation") for w in warned)
    assert _note(page).startswith("Separation (complete): the MLE does not exist")
    assert "--penalty firth" in _note(page)


def test_a_fit_that_did_not_converge_carries_its_warning(tmp_path, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    page = _report(tmp_path, data, "-t", "admit", "--solver", "gd", "--max-iter", "5")
    capsys.readouterr()
    meta = _meta(page)
    assert re.search(r"converged=False \(gradient max-norm \S+, tol 1e-10\)$", meta["solver"][0])
    assert any("ConvergenceWarning" in w for w in meta["fit warning"]), meta
    assert "Separation" not in _note(page)


def test_a_regular_fit_has_no_warning_lines(tmp_path, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    page = _report(tmp_path, data, "-t", "admit")
    capsys.readouterr()
    meta = _meta(page)
    assert re.search(r"converged=True \(gradient max-norm \S+, tol 1e-10\)$", meta["solver"][0])
    assert "fit warning" not in meta and _note(page) == ""


def test_a_separated_k_class_fit_says_so_in_the_header(tmp_path, capsys):
    """iris: setosa is separated from the other species (quasi-complete, the
    fit's verdict, as ``summary`` prints it)."""
    data = data_path("iris", "iris.csv")
    page = _report(tmp_path, data, "-t", "species")
    capsys.readouterr()
    assert _meta(page)["solver"][0].endswith("converged=no finite MLE (separation)")
    assert _note(page).startswith("Separation (quasi-complete)")
