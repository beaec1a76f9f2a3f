"""The report of a model with an aliased column (R's NA: ``gpa2 = 2 * gpa``).

The reference is statsmodels ``Logit`` on the reduced design (intercept, gre,
gpa, rank: the model without the aliased column, R's
``glm(admit ~ gre + gpa + rank + gpa2, binomial)``, which prints gpa2 as NA
and the other rows as the fit without it). The report must show those
estimates with their standard errors and 95% Wald intervals, an ``NA`` row
for gpa2, R's note on singularities, and a coefficient plot of the estimable
terms that names the aliased one. Before, the report said "the model file
stores no covariance: no intervals" and showed gpa2 with the estimate 0.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import data_path
from logistic.cli.app import main

pytest.importorskip("matplotlib")

from logistic.metrics import evaluate  # noqa: E402
from logistic.report import _figures as F  # noqa: E402
from logistic.report import build_report  # noqa: E402

TERMS = ["Intercept", "gre", "gpa", "rank"]
KEYS = ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high")


@pytest.fixture(scope="module")
def ucla_collinear():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    d["gpa2"] = 2 * d["gpa"]
    return d


@pytest.fixture(scope="module")
def reduced(ucla_collinear):
    """statsmodels on the design without gpa2: the values of every estimable row."""
    d = ucla_collinear
    X = sm.add_constant(d[["gre", "gpa", "rank"]].astype(float))
    res = sm.Logit(d["admit"].astype(float), X).fit(disp=0, method="newton", tol=1e-12)
    ci = np.asarray(res.conf_int(0.05))
    ref = {}
    for i, term in enumerate(TERMS):
        values = (res.params.iloc[i], res.bse.iloc[i], res.tvalues.iloc[i],
                  res.pvalues.iloc[i], ci[i, 0], ci[i, 1])  # fmt: skip
        ref[term] = dict(zip(KEYS, map(float, values), strict=True))
    return res, ref


def _rows(ref):
    """The coefficient rows the CLI gives an aliased model (summary --json)."""
    return [{"term": t, **ref[t]} for t in TERMS] + [
        {"term": "gpa2", **dict.fromkeys(KEYS)}
    ]


def _summary_cells(text):
    table = re.search(r'<table id="summary">(.*?)</table>', text).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    head = re.findall(r"<th>(.*?)</th>", rows[0])
    return head, {
        html.unescape(cells[0]): cells[1:]
        for cells in (re.findall(r"<td>(.*?)</td>", r) for r in rows[1:])
    }


def _check_row(cells, want):
    """A summary row's cells: p-values as the summaries print them (<2e-16,
    0.0412), the other numbers with 6 significant digits."""
    from logistic.inference._cell_text import pvalue_text

    row = list(cells)
    assert html.unescape(row.pop(KEYS.index("p_value"))) == pvalue_text(want["p_value"])
    got = np.array(row, dtype=float)
    np.testing.assert_allclose(got, [want[k] for k in KEYS if k != "p_value"], rtol=5e-6)


def _check_report(text, ref):
    head, cells = _summary_cells(text)
    assert head == ["term", *KEYS]
    for term in TERMS:
        _check_row(cells[term], ref[term])
    assert cells["gpa2"] == ["NA"] * 6
    assert "1 not defined because of singularities: gpa2" in html.unescape(text)
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", text)
    assert (
        "Coefficients with 95% confidence intervals; not drawn: gpa2 (aliased, NA)"
        in captions
    )
    assert "stores no covariance" not in text


def _report_of_rows(rows, res):
    y = res.model.endog
    z = res.model.exog @ res.params.to_numpy()
    return build_report(title="t", meta=[], y=y, z=z, metrics=evaluate(y, z),
                        coefficients=rows, history=[])  # fmt: skip


def test_report_of_aliased_rows_shows_intervals_and_an_na_row(reduced):
    res, ref = reduced
    _check_report(_report_of_rows(_rows(ref), res), ref)


def test_coefficient_plot_draws_the_estimable_terms_and_names_the_aliased(reduced):
    _, ref = reduced
    fig = F.coefficients_figure(_rows(ref))
    fig.draw_without_rendering()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    order = np.argsort(-np.array(ax.get_yticks()))  # top to bottom
    assert [labels[i] for i in order] == ["gre", "gpa", "rank"]
    (container,) = ax.containers
    _, _, (bars,) = container.lines
    drawn = np.array([[s[0, 0], s[1, 0]] for s in map(np.asarray, bars.get_segments())])
    want = [[ref[t]["ci_low"], ref[t]["ci_high"]] for t in ("gre", "gpa", "rank")]
    np.testing.assert_allclose(drawn, want, rtol=1e-12)
    assert fig.get_suptitle() == "Coefficients with 95% confidence intervals"
    note = fig.get_supxlabel().replace("\n", " ")
    assert "Not drawn: gpa2, aliased" in note and "without it" in note


def test_plot_without_intervals_still_leaves_out_the_aliased_term():
    rows = [{"term": "Intercept", "estimate": -1.0}, {"term": "a", "estimate": 0.5},
            {"term": "b", "estimate": None}]  # fmt: skip
    fig = F.coefficients_figure(rows)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0.5])
    assert "Not drawn: b, aliased" in fig.get_supxlabel().replace("\n", " ")


def test_cli_report_of_a_collinear_fit_matches_statsmodels_and_summary(
    ucla_collinear, reduced, tmp_path, capsys
):
    _, ref = reduced
    data = tmp_path / "coll.csv"
    ucla_collinear.to_csv(data, index=False)
    model, out = tmp_path / "m.json", tmp_path / "r.html"
    fit = ["fit", str(data), "--target", "admit", "--features", "gre,gpa,rank,gpa2"]
    assert main([*fit, "-o", str(model)]) == 0
    assert main(["report", str(model), str(data), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    _check_report(text, ref)
    # the same numbers as `logistic summary m.json`
    capsys.readouterr()
    assert main(["summary", str(model), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["coefficients"]
    _, cells = _summary_cells(text)
    for row in rows:
        if row["estimate"] is None:
            assert cells[row["term"]] == ["NA"] * 6
        else:
            _check_row(cells[row["term"]], row)


def test_the_plot_names_a_few_aliased_terms_and_counts_the_rest():
    # the note listed every aliased name, growing with the design (40 aliased
    # one-hot columns made a note of 40 names under the plot); the page's
    # coefficient table keeps every one as an NA row
    rows = [{"term": "Intercept", "estimate": -1.0}, {"term": "a", "estimate": 0.5}]
    rows += [{"term": f"g[T.{i}]", "estimate": None} for i in range(40)]
    fig = F.coefficients_figure(rows)
    note = fig.get_supxlabel().replace("\n", " ")
    assert "Not drawn: g[T.0], g[T.1], g[T.2], g[T.3], g[T.4] and 35 more, aliased" in note
    assert "g[T.5]" not in note
