"""Goodness of fit (logistic.inference._goodness): Hosmer–Lemeshow, deviance and
Pearson tests.

References, from outside the code under test:

* The primary published check: Stata 14 ``logit grade gpa tuce psi`` then
  ``estat gof, group(5) table`` on the Spector data: chi2 = 1.630883318257913,
  Prob > chi2 = 0.6524, df 3, groups of 7, 6, 7, 6, 6 rows, as recorded in
  statsmodels' test suite (``statsmodels/discrete/tests/test_discrete.py``,
  ``test_diagnostic``; checkable in the installed statsmodels).
* Secondary, NOT verified against the published text: the lbw table below and
  "Hosmer-Lemeshow chi2(8) = 9.65, Prob > chi2 = 0.2904" are quoted from memory
  of the Stata Base Reference Manual, [R] estat gof, example of ``logistic low
  age lwt i.race smoke ptl ht ui`` then ``estat gof, group(10) table`` on
  Stata's lbw.dta (the search tool of this session returned the entry's
  opening only). Their agreement with this library's output is therefore not
  independent evidence; the lbw grouping is checked independently by
  ``test_hl_equals_independent_computations`` below.
* Independent computations in this file: pandas ``qcut`` groups (R's type-7
  quantiles, ``ResourceSelection::hoslem.test``), a plain loop over Stata's
  ``_pctile`` definition, statsmodels' ``test_chisquare_binning``, and
  statsmodels' GLM Binomial deviance / Pearson chi2 with ``scipy.stats.chi2``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels
import statsmodels.api as sm
import statsmodels.stats.diagnostic_gen as dia
from scipy.stats import chi2

from logistic import InvalidParameterError, LogisticRegression
from logistic.backends import Chunked
from logistic.inference._goodness import BINARY_NOTE, hosmer_lemeshow
from test_grouped import sm_grouped, star98
from test_inference import spector, ucla

Y10 = np.array([0, 1, 0, 1, 1, 0, 1, 0, 1, 1], float)
P10 = np.linspace(0.1, 0.9, 10)


def stata_lbw() -> tuple[pd.DataFrame, pd.Series]:
    """Stata's lbw data as shipped with statsmodels (tests/data/lbw-hosmer-lemeshow)."""
    path = Path(statsmodels.__file__).parent / "genmod/tests/results/stata_lbw_glm.csv"
    d = pd.read_csv(path)
    X = d[["age", "lwt"]].astype(float)
    X["black"], X["other"] = (d.race == "black") * 1.0, (d.race == "other") * 1.0
    for c in ("smoke", "ptl", "ht", "ui"):
        X[c] = d[c] * 1.0
    return X, d.low


# Stata [R] estat gof (quoted from memory, not checked against the manual; see
# the module docstring): Group, Prob, Obs_1, Exp_1, Obs_0, Exp_0, Total
STATA_LBW_TABLE = [
    (1, 0.0827, 0, 1.2, 19, 17.8, 19),
    (2, 0.1276, 2, 2.0, 17, 17.0, 19),
    (3, 0.2015, 6, 3.2, 13, 15.8, 19),
    (4, 0.2432, 1, 4.3, 18, 14.7, 19),
    (5, 0.2792, 7, 4.9, 12, 14.1, 19),
    (6, 0.3138, 7, 5.6, 12, 13.4, 19),
    (7, 0.3872, 6, 6.5, 13, 12.5, 19),
    (8, 0.4828, 7, 8.2, 12, 10.8, 19),
    (9, 0.5941, 10, 10.3, 9, 8.7, 19),
    (10, 0.8391, 13, 12.8, 5, 5.2, 18),
]


def test_spector_reproduces_stata_estat_gof_group5():
    X, y = spector()
    res = LogisticRegression().fit(X, y).inference(X, y)
    hl = res.hosmer_lemeshow(groups=5)
    assert hl.statistic == pytest.approx(1.630883318257913, rel=1e-9)
    assert hl.df == 3 and hl.groups == 5
    assert abs(hl.pvalue - 0.6524) <= 5e-5
    assert hl.count.tolist() == [7, 6, 7, 6, 6]


def test_lbw_reproduces_the_stata_manual_table():
    X, y = stata_lbw()
    res = LogisticRegression().fit(X, y).inference(X, y)
    hl = res.hosmer_lemeshow()  # groups=10, Stata's grouping
    assert hl.df == 8 and hl.groups == 10
    assert round(hl.statistic, 2) == 9.65
    assert round(hl.pvalue, 4) == 0.2904
    for row, ref in zip(hl.table(), STATA_LBW_TABLE, strict=True):
        got = (row["group"], row["prob"], row["obs_1"], row["exp_1"], row["obs_0"],
               row["exp_0"], row["total"])  # fmt: skip
        assert got[0] == ref[0] and round(got[1], 4) == ref[1]
        assert got[2] == ref[2] and got[4] == ref[4] and got[6] == ref[6]
        assert round(got[3], 1) == ref[3] and round(got[5], 1) == ref[5]


def _hl_from_groups(y, p, labels):
    """HL statistic of given group labels (plain pandas, independent code)."""
    frame = pd.DataFrame({"y": y, "p": p, "g": labels})
    g = frame.groupby("g", observed=True).agg(
        o=("y", "sum"), e=("p", "sum"), n=("y", "size")
    )
    return float(((g.o - g.e) ** 2 / (g.e * (1 - g.e / g.n))).sum()), len(g)


def _stata_labels(p, g):
    """xtile groups by Stata's _pctile definition, written as a plain loop."""
    s = np.sort(p)
    n = len(s)
    cuts = []
    for k in range(1, g):
        P = n * k / g
        if P == int(P):
            cuts.append((s[int(P) - 1] + s[int(P)]) / 2)
        else:
            cuts.append(s[int(np.ceil(P)) - 1])
    labels = []
    for v in p:
        k = 0
        while k < len(cuts) and v > cuts[k]:
            k += 1
        labels.append(k)
    return np.array(labels)


@pytest.mark.parametrize("data", [ucla, spector, stata_lbw])
@pytest.mark.parametrize("g", [5, 10, 12])
def test_hl_equals_independent_computations(data, g):
    X, y = data()
    model = LogisticRegression().fit(X, y)
    res = model.inference(X, y)
    p = model.predict_proba(X)[:, 1]
    y = np.asarray(y, float)
    # R's ResourceSelection::hoslem.test: type-7 quantile breaks (pandas qcut)
    stat, groups = _hl_from_groups(y, p, pd.qcut(p, g, duplicates="drop"))
    hl = res.hosmer_lemeshow(groups=g, method="r")
    assert hl.statistic == pytest.approx(stat, rel=1e-10)
    assert hl.groups == groups and hl.df == g - 2
    assert hl.pvalue == pytest.approx(chi2.sf(stat, g - 2), rel=1e-10)
    # Stata's estat gof: a plain loop, and statsmodels' binning with those sizes
    labels = _stata_labels(p, g)
    stat, groups = _hl_from_groups(y, p, labels)
    hl = res.hosmer_lemeshow(groups=g)
    assert hl.statistic == pytest.approx(stat, rel=1e-10)
    assert hl.groups == groups and hl.df == groups - 2
    sizes = np.bincount(labels)
    ref = dia.test_chisquare_binning(
        np.column_stack([y, 1 - y]), np.column_stack([p, 1 - p]), sort_var=p,
        bins=np.cumsum(sizes[sizes > 0])[:-1], df=None,
    )  # fmt: skip
    assert hl.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert hl.pvalue == pytest.approx(ref.pvalue, rel=1e-9)


def test_weights_are_frequency_weights():
    X, y = ucla()
    p = LogisticRegression().fit(X, y).predict_proba(X)[:, 1]
    y = np.asarray(y, float)
    w = np.random.default_rng(0).integers(0, 4, size=y.size).astype(float)
    rep = np.repeat(np.arange(y.size), w.astype(int))
    for method in ("stata", "r"):
        a = hosmer_lemeshow(y, p, w, method=method)
        b = hosmer_lemeshow(y[rep], p[rep], method=method)
        assert a.statistic == pytest.approx(b.statistic, rel=1e-12)
        np.testing.assert_allclose(a.count, b.count)
        np.testing.assert_allclose(a.expected_1, b.expected_1, rtol=1e-12)


def test_ties_share_a_group_and_empty_groups_are_dropped():
    y = np.array([0, 1, 0, 1, 1, 0, 1, 0, 1, 1], float)
    p = np.array([0.2] * 6 + [0.7] * 4)
    p3 = np.array([0.2] * 6 + [0.5] * 2 + [0.7] * 2)
    hl = hosmer_lemeshow(y, p3, groups=5)
    assert hl.groups == 3 and hl.count.tolist() == [6, 2, 2] and hl.df == 1
    assert hosmer_lemeshow(y, p3, groups=5, method="r").df == 3  # as hoslem.test
    # two groups of distinct probabilities leave no degree of freedom
    for method in ("stata", "r"):
        with pytest.raises(
            InvalidParameterError, match="at least 3 groups.*2 distinct"
        ):
            hosmer_lemeshow(y, p, groups=5, method=method)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            (Y10, P10 * 2),
            r"proba must be probabilities in \[0, 1\]; got 1\.08889 at position 5",
        ),
        (
            (Y10 * 2, P10),
            r"y must be observed 0/1 labels or proportions in \[0, 1\]; got 2 at position 1",
        ),
        ((Y10, np.r_[P10[:-1], np.nan]), r"proba must be .* got nan at position 9"),
        ((Y10, P10[:-1]), "proba has 9 values and y has 10"),
        ((Y10, P10, np.ones(9)), "sample_weight has 9 values and y has 10"),
        ((Y10, P10, -np.ones(10)), "sample_weight must be finite and >= 0"),
        ((Y10, np.full(10, 0.3)), "at least 3 groups .* 1 distinct value"),
    ],
)
def test_inputs_are_checked(args, match):
    """Out-of-range inputs gave a negative statistic with p = 1 (proba * 2), a
    statistic for y * 2, and chi2(-1) for a constant proba."""
    with pytest.raises(InvalidParameterError, match=match):
        hosmer_lemeshow(*args, groups=3)


def test_table_counts_are_integers_when_whole():
    y = np.array([0, 1, 0, 1, 1, 0, 1, 0, 1, 1], float)
    hl = hosmer_lemeshow(y, P10, groups=3)
    frame = hl.to_dataframe()
    assert frame.index.tolist() == [1, 2, 3] and frame.index.dtype.kind == "i"
    for column in ("obs_1", "obs_0", "total"):
        assert frame[column].dtype.kind == "i"
    assert frame["exp_1"].dtype.kind == "f"
    weighted = hosmer_lemeshow(y, P10, np.full(10, 0.5), groups=3).to_dataframe()
    assert weighted["total"].dtype.kind == "f" and weighted.index.dtype.kind == "i"


def test_streamed_fit_gives_the_same_test(tmp_path):
    X, y = ucla()
    path = tmp_path / "ucla.csv"
    X.assign(admit=y).to_csv(path, index=False)
    data = Chunked.from_csv(path, target="admit", chunk_rows=37)
    streamed = LogisticRegression().fit(data, None).inference(data)
    ref = LogisticRegression().fit(X, y).inference(X, y)
    a, b = streamed.hosmer_lemeshow(), ref.hosmer_lemeshow()
    assert a.statistic == pytest.approx(b.statistic, rel=1e-9)
    np.testing.assert_array_equal(a.count, b.count)


@pytest.mark.dask
def test_dask_fit_gives_the_same_test():
    da = pytest.importorskip("dask.array")
    from logistic.backends._dispatch import as_backend

    X, y = ucla()
    Xa, ya = X.to_numpy(), y.to_numpy(float)
    backend = as_backend(
        da.from_array(Xa, chunks=(90, 5)), da.from_array(ya, chunks=90)
    )
    res = LogisticRegression().fit(backend, None).inference(backend)
    ref = LogisticRegression().fit(Xa, ya).inference(Xa, ya)
    a, b = res.hosmer_lemeshow(groups=8), ref.hosmer_lemeshow(groups=8)
    assert a.statistic == pytest.approx(b.statistic, rel=1e-9)


def test_array_api_rows_give_the_same_test():
    torch = pytest.importorskip("torch")
    from logistic.backends import as_backend

    X, y = ucla()
    Xt, yt = torch.tensor(X.to_numpy()), torch.tensor(y.to_numpy(float))
    backend = as_backend(Xt, yt)  # blocks stay torch tensors (array-API backend)
    res = LogisticRegression(tol=1e-12).fit(Xt, yt).inference(backend)
    ref = LogisticRegression(tol=1e-12).fit(X, y).inference(X, y)
    a, b = res.hosmer_lemeshow(), ref.hosmer_lemeshow()
    assert a.statistic == pytest.approx(b.statistic, rel=1e-9)


def test_without_data_the_error_says_what_is_needed():
    X, y = ucla()
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError, match="Hosmer-Lemeshow test needs the"):
        res.hosmer_lemeshow()


@pytest.mark.parametrize("bad", [2, 0, 2.5, True, "10"])
def test_bad_groups_and_method(bad):
    y, p = np.array([0.0, 1.0, 1.0]), np.array([0.2, 0.5, 0.7])
    with pytest.raises(InvalidParameterError, match="groups must be an integer"):
        hosmer_lemeshow(y, p, groups=bad)
    with pytest.raises(InvalidParameterError, match="method must be one of"):
        hosmer_lemeshow(y, p, method="sas")


def test_grouped_fit_deviance_and_pearson_tests_match_statsmodels():
    X, k, f = star98()
    n = k + f
    model = LogisticRegression().fit(X, k, trials=n)
    gof = model.inference().goodness_of_fit()
    ref = sm_grouped(X, k, f)
    assert gof.grouped and gof.note is None
    assert gof.df_resid == ref.df_resid
    assert gof.deviance == pytest.approx(ref.deviance, rel=1e-8)
    assert gof.pearson_chi2 == pytest.approx(ref.pearson_chi2, rel=1e-8)
    assert gof.deviance_pvalue == pytest.approx(
        chi2.sf(ref.deviance, ref.df_resid), rel=1e-6, abs=1e-300
    )
    assert gof.pearson_pvalue == pytest.approx(
        chi2.sf(ref.pearson_chi2, ref.df_resid), rel=1e-6, abs=1e-300
    )
    with pytest.raises(InvalidParameterError, match=r"goodness_of_fit\(\)"):
        model.inference().hosmer_lemeshow()


def test_grouped_fit_refusal_of_hosmer_lemeshow_gives_the_trials_test():
    """The refusal of res.hosmer_lemeshow() for a grouped fit names a call
    that works; that call is R's hoslem.test on the data expanded to one 0/1
    row per trial (pandas qcut breaks, as test_hl_equals_independent_computations)."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(40, 1))
    n = rng.integers(1, 7, size=40)
    k = rng.binomial(n, 1 / (1 + np.exp(-(0.3 + 1.1 * x[:, 0]))))
    model = LogisticRegression().fit(x, k, trials=n)
    with pytest.raises(InvalidParameterError) as refused:
        model.inference().hosmer_lemeshow()
    call = "hosmer_lemeshow(successes / trials, model.predict_proba(X)[:, 1], trials)"
    assert call in str(refused.value)
    hl = hosmer_lemeshow(k / n, model.predict_proba(x)[:, 1], n, method="r")
    rows = np.repeat(np.arange(40), n)
    y = np.concatenate([[1.0] * a + [0.0] * (b - a) for a, b in zip(k, n, strict=True)])
    p = model.predict_proba(x)[rows, 1]
    stat, groups = _hl_from_groups(y, p, pd.qcut(p, 10, duplicates="drop"))
    assert hl.statistic == pytest.approx(stat, rel=1e-10) and hl.groups == groups


def test_grouped_fit_that_fits_has_a_large_p_value():
    # counts drawn from the model itself: the deviance test should not reject
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    n = rng.integers(20, 60, size=60).astype(float)
    k = rng.binomial(n.astype(int), 1 / (1 + np.exp(-(X @ [0.5, -1.0] + 0.2))))
    gof = LogisticRegression().fit(X, k.astype(float), trials=n).inference()
    gof = gof.goodness_of_fit()
    ref = sm_grouped(X, k.astype(float), n - k)
    assert gof.deviance_pvalue == pytest.approx(
        chi2.sf(ref.deviance, ref.df_resid), rel=1e-7
    )
    assert gof.deviance_pvalue > 0.01


def test_binary_data_get_a_note_not_a_number():
    X, y = spector()
    gof = LogisticRegression().fit(X, y).inference().goodness_of_fit()
    assert not gof.grouped and gof.note == BINARY_NOTE
    assert gof.deviance is None and gof.deviance_pvalue is None
    assert gof.pearson_pvalue is None
    assert "grouped binomial" in str(gof)
    # the reason given: the 0/1 deviance is a function of the fitted p alone
    model = LogisticRegression().fit(X, y)
    p = model.predict_proba(X)[:, 1]
    dev = -2 * np.sum(p * np.log(p / (1 - p)) + np.log(1 - p))
    ref = sm.GLM(np.asarray(y, float), sm.add_constant(X), sm.families.Binomial())
    assert dev == pytest.approx(ref.fit().deviance, rel=1e-7)


def test_docs_example_runs():
    """docs/goodness-of-fit.md: its code block runs as written."""
    text = (Path(__file__).parents[1] / "docs" / "goodness-of-fit.md").read_text()
    code = text.split("```python\n")[1].split("```")[0]
    namespace: dict = {}
    exec(compile(code, "goodness-of-fit.md", "exec"), namespace)
    assert namespace["hl"].df == 8
    assert round(namespace["hl"].statistic, 4) == 11.0855
    np.testing.assert_allclose(
        namespace["table"].conf_int[2], np.exp([0.1602959439, 1.464142727]), rtol=2e-4
    )
    # the odds ratio per 100 GRE points, after it: R's coef 0.002264426 and
    # confint 0.0001375921 0.004435874 (UCLA OARC page), times 100
    code = text.split("```python\n")[2].split("```")[0]
    exec(compile(code, "goodness-of-fit.md", "exec"), namespace)
    assert namespace["or_c"] == pytest.approx(np.exp(0.2264426), rel=1e-6)
    np.testing.assert_allclose(
        namespace["ci_c"], np.exp([0.01375921, 0.4435874]), rtol=2e-4
    )
