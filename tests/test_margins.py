"""Marginal effects (``InferenceResults.get_margeff``) against outside references.

References used here, all computed in the test:
* statsmodels ``Logit(...).fit().get_margeff(at, method, atexog, dummy)`` (effects,
  standard errors, z, p, intervals), also fitted with ``cov_type`` HC0, HC1 and
  cluster; its cluster covariance carries an extra ``(n-1)/(n-k)`` factor (see
  ``logistic.inference._covariance``), undone here.
* Level contrasts of a one-hot term (Stata's ``margins, dydx(i.race)``, which
  statsmodels does not offer): statsmodels predictions with the whole term set to
  each level, averaged, and standard errors by a numerical delta method (central
  differences of that average in the parameters) with statsmodels' ``cov_params``.
* Frequency weights: statsmodels on the rows replicated by their integer weights.
* HC1: statsmodels' ``Logit`` HC1 equals its HC0; this project's HC1 is R
  ``sandwich::vcovHC(type="HC1")``, ``n/(n-k)`` HC0, so its standard errors are
  statsmodels' HC0 ones times ``sqrt(n/(n-k))``.
Data: Spector (tests/data/spector, read from the installed statsmodels) and the
low-birth-weight data (tests/data/lbw-hosmer-lemeshow, MASS ``birthwt``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from scipy.special import expit

from conftest import data_path
from logistic import InvalidParameterError, LogisticRegression
from logistic.inference import MarginalEffects, fit_inference
from test_inference import _chunked, spector

KINDS = ("dydx", "eyex", "dyex", "eydx")
# statsmodels divides 0 by 0 for the z of an effect that is exactly 0 (its SE is 0)
pytestmark = pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
RTOL, ATOL = 1e-6, 1e-9


# -- data -------------------------------------------------------------------------------
def lbw_frame() -> pd.DataFrame:
    return pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))


def lbw() -> tuple[pd.DataFrame, pd.Series]:
    """Low birth weight with race one-hot, white the reference (names as formulas)."""
    d = lbw_frame()
    X = d[["age", "lwt"]].astype(float)
    X["race[T.black]"] = (d.race == 2) * 1.0
    X["race[T.other]"] = (d.race == 3) * 1.0
    for c in ("smoke", "ptl", "ht", "ui"):
        X[c] = d[c] * 1.0
    return X, d.low


def fit(X, y, **kw):
    return LogisticRegression(tol=1e-10).fit(X, y, **kw)


def sm_logit(X, y, **kw):
    """statsmodels Logit with the constant first (column 0)."""
    exog = sm.add_constant(np.asarray(X, dtype=float), prepend=True)
    return sm.Logit(np.asarray(y, dtype=float), exog).fit(
        method="newton", tol=1e-14, maxiter=100, disp=0, **kw
    )


def close(ours, ref, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(ours), np.asarray(ref), rtol=rtol, atol=atol)


def same_as_statsmodels(me: MarginalEffects, ref, se_scale: float = 1.0) -> None:
    close(me.margeff, ref.margeff)
    close(me.margeff_se, ref.margeff_se * se_scale)
    if se_scale == 1.0:
        close(me.pvalues, ref.pvalues)
        close(me.conf_int(0.1), ref.conf_int(0.1))


# -- Spector: every kind, overall and at the means, with the PSI dummy ----------------
# elasticities in x of a dummy are refused by both (test_clear_errors)
SPECTOR_CASES = [
    (m, d) for m in KINDS for d in (False, True) if not (d and m.endswith("ex"))
]


@pytest.mark.parametrize(("method", "dummy"), SPECTOR_CASES)
@pytest.mark.parametrize("at", ["overall", "mean"])
def test_spector_equals_statsmodels(method, at, dummy):
    X, y = spector()
    res = fit(X, y).inference(X, y)
    me = res.get_margeff(at=at, method=method, dummy=dummy)
    ref = sm_logit(X, y).get_margeff(at=at, method=method, dummy=dummy)
    same_as_statsmodels(me, ref)
    assert list(me.margeff.index) == ["GPA", "TUCE", "PSI"]
    if dummy:
        assert me.dummy_idx.tolist() == [2] == (ref.dummy_idx - 1).tolist()  # sm: const


@pytest.mark.parametrize("at", ["median", "zero"])
@pytest.mark.parametrize("method", KINDS)
def test_spector_median_and_zero_equal_statsmodels(at, method):
    X, y = spector()
    res = fit(X, y).inference(X, y)
    same_as_statsmodels(
        res.get_margeff(at=at, method=method),
        sm_logit(X, y).get_margeff(at=at, method=method),
    )


def test_spector_summary_frame_is_statsmodels_frame():
    X, y = spector()
    res = fit(X, y).inference(X, y)
    ours = res.get_margeff(method="eydx", dummy=True).summary_frame(alpha=0.1)
    ref = sm_logit(X, y).get_margeff(method="eydx", dummy=True).summary_frame(0.1)
    assert list(ours.columns) == list(ref.columns)
    close(ours.to_numpy(), ref.to_numpy())
    np.testing.assert_array_equal(ours.index, ["GPA", "TUCE", "PSI"])


def test_spector_atexog_equals_statsmodels():
    X, y = spector()
    res = fit(X, y).inference(X, y)
    model = sm_logit(X, y)
    for at in ("overall", "mean"):
        # statsmodels' integer keys count its constant (column 0 here)
        ref = model.get_margeff(at=at, atexog={1: 3.0, 2: 20.0}, dummy=True)
        same_as_statsmodels(
            res.get_margeff(at=at, atexog={"GPA": 3.0, 1: 20.0}, dummy=True), ref
        )


def test_summary_text_and_plain_arrays():
    X, y = spector()
    res = fit(X.to_numpy(), y.to_numpy()).inference(X.to_numpy(), y.to_numpy())
    me = res.get_margeff(dummy=True)
    assert isinstance(me.margeff, np.ndarray) and me.conf_int().shape == (3, 2)
    text = me.summary()
    assert "dy/dx" in text and "x3 (d)" in text and "discrete change" in text
    assert str(me) == text and "method='dydx'" in repr(me)
    np.testing.assert_array_equal(me.tvalues, me.zvalues)
    assert me.jacobian.shape == (3, 4)  # intercept first, as params


# -- a categorical term ------------------------------------------------------------------
@pytest.mark.parametrize("method", ["dydx", "eydx"])
@pytest.mark.parametrize("at", ["overall", "mean"])
def test_categorical_columns_mode_equals_statsmodels_dummy(method, at):
    X, y = lbw()
    res = fit(X, y).inference(X, y)
    me = res.get_margeff(at=at, method=method, dummy=True, categorical="columns")
    ref = sm_logit(X, y).get_margeff(at=at, method=method, dummy=True)
    same_as_statsmodels(me, ref)
    # race[T.black], race[T.other], smoke, ht, ui are 0/1 (ptl is a count)
    assert me.dummy_idx.tolist() == [2, 3, 4, 6, 7] == (ref.dummy_idx - 1).tolist()


@pytest.mark.parametrize("method", KINDS)
def test_lbw_continuous_kinds_equal_statsmodels(method):
    X, y = lbw()
    res = fit(X, y).inference(X, y)
    for at in ("overall", "mean"):
        same_as_statsmodels(
            res.get_margeff(at=at, method=method),
            sm_logit(X, y).get_margeff(at=at, method=method),
        )


def _level_contrasts(model, X, term, method, at):
    """Each level of ``term`` against the reference (the term's columns all 0), from
    statsmodels' predictions, averaged over the rows (or at the mean row)."""
    exog = sm.add_constant(np.asarray(X, dtype=float), prepend=True)
    if at == "mean":
        exog = exog.mean(axis=0, keepdims=True)
    cols = [1 + X.columns.get_loc(c) for c in term]

    def effects(params):
        base = exog.copy()
        base[:, cols] = 0.0
        p0 = model.model.predict(params, base)
        out = []
        for c in cols:
            level = base.copy()
            level[:, c] = 1.0
            p1 = model.model.predict(params, level)
            d = np.log(p1) - np.log(p0) if method == "eydx" else p1 - p0
            out.append(d.mean())
        return np.array(out)

    params = np.asarray(model.params)
    h = 1e-6
    jac = np.column_stack(
        [
            (effects(params + h * e) - effects(params - h * e)) / (2 * h)
            for e in np.eye(params.size)
        ]
    )
    se = np.sqrt(np.diag(jac @ np.asarray(model.cov_params()) @ jac.T))
    return effects(params), se


@pytest.mark.parametrize("method", ["dydx", "eydx"])
@pytest.mark.parametrize("at", ["overall", "mean"])
def test_categorical_levels_mode_equals_level_contrasts(method, at):
    X, y = lbw()
    res = fit(X, y).inference(X, y)
    me = res.get_margeff(at=at, method=method, dummy=True)  # categorical="levels"
    term = ["race[T.black]", "race[T.other]"]
    effect, se = _level_contrasts(sm_logit(X, y), X, term, method, at)
    close(me.margeff[term], effect)
    close(me.margeff_se[term], se, rtol=1e-6, atol=1e-8)
    # the other columns are as in statsmodels (0/1 dummies are discrete changes)
    ref = sm_logit(X, y).get_margeff(at=at, method=method, dummy=True)
    others = [j for j, c in enumerate(X.columns) if c not in term]
    close(me.margeff.iloc[others], ref.margeff[others])
    close(me.margeff_se.iloc[others], ref.margeff_se[others])
    assert "against the" in me.summary()


def test_text_column_encoded_by_the_library_is_a_term():
    """A DataFrame text column becomes race[T.other], race[T.white] (reference
    black, the first sorted level); its levels are contrasted as one term."""
    d = lbw_frame()
    frame = d[["age", "lwt", "smoke"]].astype(float)
    frame["race"] = d.race.map({1: "white", 2: "black", 3: "other"})
    res = fit(frame, d.low).inference(frame, d.low)
    names = list(res.feature_names)
    assert names == ["age", "lwt", "smoke", "race[T.other]", "race[T.white]"]
    design = pd.DataFrame(
        {
            **{c: frame[c] for c in ("age", "lwt", "smoke")},
            "race[T.other]": (frame.race == "other") * 1.0,
            "race[T.white]": (frame.race == "white") * 1.0,
        }
    )
    me = res.get_margeff(dummy=["race[T.white]"])  # one listed column: the term
    term = ["race[T.other]", "race[T.white]"]
    effect, se = _level_contrasts(
        sm_logit(design, d.low), design, term, "dydx", "overall"
    )
    close(me.margeff[term], effect)
    close(me.margeff_se[term], se, rtol=1e-6, atol=1e-8)
    assert me.dummy_idx.tolist() == [3, 4]  # smoke not listed: a derivative


# -- covariance types and weights ---------------------------------------------------------
@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "cluster"])
def test_robust_covariances_equal_statsmodels(cov_type):
    X, y = lbw()
    groups = np.arange(len(y)) % 23
    model = fit(X, y)
    res = model.inference(
        X, y, cov_type=cov_type, groups=groups if cov_type == "cluster" else None
    )
    n, k = len(y), X.shape[1] + 1
    if cov_type == "cluster":  # statsmodels' extra (n-1)/(n-k), undone
        ref_fit = sm_logit(X, y, cov_type="cluster", cov_kwds={"groups": groups})
        scale = np.sqrt((n - k) / (n - 1))
    elif cov_type == "HC1":  # statsmodels' Logit HC1 is its HC0; R's is n/(n-k) HC0
        ref_fit = sm_logit(X, y, cov_type="HC0")
        scale = np.sqrt(n / (n - k))
    else:
        ref_fit, scale = sm_logit(X, y, cov_type=cov_type), 1.0
    for at, method in (("overall", "dydx"), ("mean", "eydx")):
        ref = ref_fit.get_margeff(at=at, method=method, dummy=True)
        me = res.get_margeff(at=at, method=method, dummy=True, categorical="columns")
        same_as_statsmodels(me, ref, se_scale=scale)
        assert me.cov_type == cov_type


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_frequency_weights_equal_replicated_rows(cov_type):
    X, y = lbw()
    w = np.random.default_rng(7).integers(1, 4, len(y))
    res = fit(X, y, sample_weight=w.astype(float)).inference(
        X, y, w.astype(float), cov_type=cov_type
    )
    rep = np.repeat(np.arange(len(y)), w)
    ref_fit = sm_logit(X.iloc[rep], y.iloc[rep], cov_type=cov_type)
    for at, method, dummy in (
        ("overall", "dydx", True),
        ("overall", "eyex", False),
        ("mean", "eydx", True),
        ("median", "dyex", False),
    ):
        me = res.get_margeff(at=at, method=method, dummy=dummy, categorical="columns")
        same_as_statsmodels(me, ref_fit.get_margeff(at=at, method=method, dummy=dummy))
        assert me.nobs == w.sum()


def test_offset_enters_the_logit():
    """statsmodels' get_margeff drops the offset; here it is part of z: the average
    of ``σ'(x_iᵀβ + o_i) β`` with a numerical delta method for the SE."""
    X, y = spector()
    o = np.random.default_rng(2).normal(0.0, 0.5, len(y))
    res = fit(X, y, offset=o).inference(X, y, None, o)
    exog = sm.add_constant(X.to_numpy(), prepend=True)
    ref_fit = sm.Logit(y.to_numpy(float), exog, offset=o).fit(disp=0, tol=1e-14)

    def ame(params):
        z = exog @ params + o
        return (expit(z) * expit(-z)).mean() * params[1:]

    params, h = np.asarray(ref_fit.params), 1e-6
    jac = np.column_stack(
        [(ame(params + h * e) - ame(params - h * e)) / (2 * h) for e in np.eye(4)]
    )
    me = res.get_margeff()
    close(me.margeff, ame(params))
    close(me.margeff_se, np.sqrt(np.diag(jac @ ref_fit.cov_params() @ jac.T)))


# -- without data, other inputs, other backends ---------------------------------------------
def test_at_mean_without_data_uses_the_stored_means():
    X, y = spector()
    model = fit(X, y)
    stored = model.inference()  # no data: fit_statistics_
    with_data = model.inference(X, y)
    for method in KINDS:
        close(
            stored.get_margeff(at="mean", method=method).margeff,
            with_data.get_margeff(at="mean", method=method).margeff,
            rtol=1e-12,
        )
    listed = stored.get_margeff(at="mean", dummy=["PSI"])
    found = with_data.get_margeff(at="mean", dummy=True)
    close(listed.margeff, found.margeff, rtol=1e-12)
    close(listed.margeff_se, found.margeff_se, rtol=1e-12)
    close(
        stored.get_margeff(at="zero").margeff, with_data.get_margeff(at="zero").margeff
    )
    with pytest.raises(InvalidParameterError, match="at='overall'.*training rows"):
        stored.get_margeff()
    with pytest.raises(InvalidParameterError, match="dummy=True.*training data"):
        stored.get_margeff(at="mean", dummy=True)
    with pytest.raises(InvalidParameterError, match="median.*rows in memory"):
        stored.get_margeff(at="median")


def test_sparse_rows_equal_dense():
    X, y = lbw()
    dense = fit(X.to_numpy(), y.to_numpy())
    Xs = sp.csr_matrix(X.to_numpy())
    for kw in ({"method": "eyex"}, {"dummy": True}, {"atexog": {1: 120.0}}):
        a = dense.inference(X.to_numpy(), y.to_numpy()).get_margeff(**kw)
        b = dense.inference(Xs, y.to_numpy()).get_margeff(**kw)
        close(b.margeff, a.margeff, rtol=1e-12, atol=1e-15)
        close(b.margeff_se, a.margeff_se, rtol=1e-12, atol=1e-15)


CASES = [
    {"method": "dydx", "dummy": True},
    {"method": "eyex"},
    {"method": "eydx", "dummy": True, "categorical": "columns"},
    {"at": "mean", "method": "dyex", "atexog": {"age": 30.0}},
    {"at": "mean", "dummy": True},
]


def test_streamed_file_equals_in_memory(tmp_path):
    X, y = lbw()
    rng = np.random.default_rng(3)
    w = rng.integers(1, 4, len(y)).astype(float)
    o = rng.normal(0.0, 0.3, len(y))
    model = fit(X, y, sample_weight=w, offset=o)
    data = _chunked(tmp_path, X, y, w, o)
    for cov_type in ("nonrobust", "HC1"):
        streamed = fit_inference(model, data, cov_type=cov_type)
        memory = model.inference(X, y, w, o, cov_type=cov_type)
        for kw in CASES:
            a, b = streamed.get_margeff(**kw), memory.get_margeff(**kw)
            close(a.margeff, b.margeff, rtol=1e-10, atol=1e-14)
            close(a.margeff_se, b.margeff_se, rtol=1e-10, atol=1e-14)
    before = data.n_passes
    streamed.get_margeff(dummy=True)
    assert data.n_passes - before == 2  # the 0/1 columns, then the effects
    with pytest.raises(InvalidParameterError, match="median.*rows in memory"):
        streamed.get_margeff(at="median")


def test_array_api_rows_equal_numpy():
    """Rows held as torch tensors (the array-API backend) give numpy's numbers."""
    torch = pytest.importorskip("torch")
    from logistic.backends import as_backend

    X, y = lbw()
    Xn, yn = X.to_numpy(), y.to_numpy().astype(float)
    model = fit(Xn, yn)
    device = fit_inference(
        model, as_backend(torch.from_numpy(Xn), torch.from_numpy(yn))
    )
    memory = model.inference(Xn, yn)
    cases = [*(c for c in CASES if "atexog" not in c), {"atexog": {0: 30.0}}]
    for kw in cases:  # features unnamed here (x1, ...): atexog by index
        a, b = device.get_margeff(**kw), memory.get_margeff(**kw)
        close(a.margeff, b.margeff, rtol=1e-10, atol=1e-14)
        close(a.margeff_se, b.margeff_se, rtol=1e-10, atol=1e-14)


@pytest.mark.dask
@pytest.mark.slow
def test_dask_equals_in_memory(dask_client):
    da = pytest.importorskip("dask.array")
    from logistic.backends.dask import Dask

    X, y = lbw()
    Xn, yn = X.to_numpy(), y.to_numpy()
    w = np.random.default_rng(4).integers(1, 4, len(yn)).astype(float)
    model = fit(Xn, yn, sample_weight=w)
    memory = model.inference(Xn, yn, w, cov_type="HC0")
    data = Dask(
        da.from_array(Xn, chunks=(50, Xn.shape[1])),
        da.from_array(yn, chunks=50),
        da.from_array(w, chunks=50),
        client=dask_client,
    )
    streamed = fit_inference(model, data, cov_type="HC0")
    got = [streamed.get_margeff(**kw) for kw in CASES[:3]]
    for kw, a in zip(CASES[:3], got, strict=True):
        b = memory.get_margeff(**kw)
        close(a.margeff, b.margeff, rtol=1e-10, atol=1e-14)
        close(a.margeff_se, b.margeff_se, rtol=1e-10, atol=1e-14)


# -- errors ---------------------------------------------------------------------------------
def test_clear_errors():
    X, y = spector()
    res = fit(X, y).inference(X, y)
    cases = [
        ({"method": "dydz"}, "'method' parameter must be one of"),
        ({"at": "all"}, "'at' parameter must be one of"),
        ({"categorical": "both"}, "'categorical' parameter must be one of"),
        ({"atexog": {"SAT": 3.0}}, "atexog names 'SAT', which is not a feature"),
        ({"atexog": {3: 1.0}}, "atexog names column 3, but the model has 3 features"),
        ({"atexog": [3.0]}, "atexog as a list holds mappings .* got an item of type float"),
        ({"atexog": {"GPA": "high"}}, r"atexog\['GPA'\] must be a number"),
        ({"dummy": ["PSI", "GRADE"]}, "dummy names 'GRADE'"),
        ({"dummy": "PSI"}, "dummy must be True, False or a list"),
        ({"dummy": "PSI", "method": "eyex"}, "dummy must be True, False or a list"),
        ({"method": "eyex", "dummy": True}, "not defined for discrete changes"),
        ({"at": "median", "dummy": True}, "not allowed with discrete changes"),
    ]
    for kw, message in cases:
        with pytest.raises(InvalidParameterError, match=message):
            res.get_margeff(**kw)
    assert res.get_margeff(method="eyex", dummy=[]).dummy_idx is None  # none listed
    # statsmodels refuses the same combinations
    for kw in ({"method": "eyex", "dummy": True}, {"at": "median", "dummy": True}):
        with pytest.raises(ValueError):
            sm_logit(X, y).get_margeff(**kw)


def test_without_intercept_equals_statsmodels():
    X, y = spector()
    res = LogisticRegression(fit_intercept=False, tol=1e-10).fit(X, y).inference(X, y)
    ref_fit = sm.Logit(y.to_numpy(float), X.to_numpy()).fit(disp=0, tol=1e-14)
    for at, method, dummy in (("overall", "dydx", True), ("mean", "eyex", False)):
        me = res.get_margeff(at=at, method=method, dummy=dummy)
        same_as_statsmodels(me, ref_fit.get_margeff(at=at, method=method, dummy=dummy))
        assert me.jacobian.shape == (3, 3)


def test_one_hot_names_are_parsed_back():
    from logistic._onehot import dummy_names, split_dummy_name

    for name, levels in (
        ("race", ["white", "black"]),
        ("C(rank)", ["1", "2", "4"]),
        ("C(tok)", ["T.x", "[x]", "a:b", "x]", "(18, 25]"]),  # levels like tokens
    ):
        for column, level in zip(dummy_names(name, levels), levels[1:], strict=True):
            assert split_dummy_name(column) == (name, level)
    for other in ("age", "x[1]", "a:b[T.x]", "a[T.x]:b[T.y]", "[T.x]", "a[T.x]:b"):
        assert split_dummy_name(other) is None


def test_the_documented_example_runs():
    """docs/marginal-effects.md: its code block runs as written."""
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "marginal-effects.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "marginal-effects.md", "exec"), namespace)
    ame = namespace["ame"]
    assert list(ame.margeff.index) == [
        "gre",
        "gpa",
        "rank[T.2]",
        "rank[T.3]",
        "rank[T.4]",
    ]
    levels = namespace["res"].get_margeff(dummy=True).margeff
    assert round(levels["rank[T.2]"], 3) == -0.157  # the value the page quotes


# -- atexog on a categorical term (Stata's at(race=...)) -----------------------------
def test_atexog_sets_a_term_by_its_level_as_stata_at():
    """Setting race to black on every row sets race[T.black] = 1 and
    race[T.other] = 0 (Stata ``margins, dydx(*) at(race=2)``); the reference,
    statsmodels' get_margeff with every level column given explicitly."""
    X, y = lbw()
    res = fit(X, y).inference(X, y)
    model = sm_logit(X, y)
    # statsmodels' keys count its constant: race[T.black] is 3, race[T.other] 4
    ref = model.get_margeff(atexog={3: 1.0, 4: 0.0})
    for spec in ({"race": "black"}, {"race[T.black]": 1}, {"race[T.black]": 1.0}):
        me = res.get_margeff(atexog=spec)
        same_as_statsmodels(me, ref)
        assert me.margeff_options["atexog"] == {
            "race[T.black]": 1.0,
            "race[T.other]": 0.0,
        }
    reference_level = model.get_margeff(atexog={3: 0.0, 4: 0.0}, at="mean")
    same_as_statsmodels(
        res.get_margeff(atexog={"race[T.black]": 0, "race[T.other]": 0}, at="mean"),
        reference_level,
    )
    text = res.get_margeff(atexog={"race": "black", "age": 30}).summary()
    assert "Set on every row: age=30, race[T.black]=1, race[T.other]=0" in text
    cases = [
        ({"race": "white"}, "sets race to 'white', which is not one of the term's levels with a column"),
        ({"race[T.black]": 2.0}, "sets a level column of race to 0 or 1"),
        ({"race": "black", "race[T.other]": 1}, "sets race.* to both"),
    ]
    for spec, message in cases:
        with pytest.raises(InvalidParameterError, match=message):
            res.get_margeff(atexog=spec)


def test_atexog_finds_a_formula_term_by_its_variable():
    """``C(rank)`` columns are named ``C(rank)[T.2]``; ``{"rank": 2}`` and
    ``{"C(rank)": "2"}`` set rank 2 on every row (the reference: statsmodels
    with the three level columns given)."""
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = d[["gre", "gpa"]].astype(float)
    for k in (2, 3, 4):
        X[f"C(rank)[T.{k}]"] = (d["rank"] == k) * 1.0
    res = fit(X, d.admit).inference(X, d.admit)
    ref = sm_logit(X, d.admit).get_margeff(atexog={3: 1.0, 4: 0.0, 5: 0.0})
    for spec in ({"rank": 2}, {"C(rank)": "2"}, {"C(rank)": 2.0}):
        same_as_statsmodels(res.get_margeff(atexog=spec), ref)
    # the tester's by-hand Stata at(rank=2) value for gpa
    assert res.get_margeff(atexog={"rank": 2}).margeff["gpa"] == pytest.approx(
        0.1765, abs=5e-5
    )


def test_dummy_listing_a_column_that_is_not_0_1_is_refused():
    """dummy=['GPA'] silently gave a 0 -> 1 change of a continuous column."""
    X, y = spector()
    model = fit(X, y)
    with pytest.raises(InvalidParameterError, match="'GPA', which is not a 0/1 column"):
        model.inference(X, y).get_margeff(dummy=["GPA"])
    with pytest.raises(InvalidParameterError, match="'TUCE', which is not a 0/1"):
        model.inference().get_margeff(dummy=["TUCE"], at="mean")  # from fit's moments
    ref = sm_logit(X, y).get_margeff(at="mean", dummy=True)
    same_as_statsmodels(model.inference().get_margeff(dummy=["PSI"], at="mean"), ref)


def test_nobs_is_an_integer_when_whole():
    X, y = spector()
    me = fit(X, y).inference(X, y).get_margeff()
    assert me.nobs == 32 and isinstance(me.nobs, int)
    w = np.full(len(y), 50_000.0)
    big = fit(X, y, sample_weight=w).inference(X, y, sample_weight=w).get_margeff()
    assert big.nobs == 1_600_000 and "No. observations: 1600000" in big.summary()
    half = np.full(len(y), 0.5)
    assert fit(X, y, sample_weight=half).inference(
        X, y, sample_weight=half
    ).get_margeff().nobs == pytest.approx(16.0)


def test_grouped_fit_says_what_works():
    """The message told to pass the data to inference(), which a grouped fit
    (trials=) refuses."""
    from test_grouped import star98

    X, k, f = star98()
    res = LogisticRegression().fit(X, k, trials=k + f).inference()
    with pytest.raises(InvalidParameterError, match=r"grouped binomial .*at='mean'"):
        res.get_margeff()
    with pytest.raises(
        InvalidParameterError, match=r"grouped binomial .*dummy=\[\.\.\.\]"
    ):
        res.get_margeff(at="mean", dummy=True)
    assert np.all(np.isfinite(res.get_margeff(at="mean").margeff_se))
