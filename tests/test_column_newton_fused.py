"""``newton-cd-columns``' Newton steps with the model formed in the first
sweep (:mod:`logistic.solvers._column_step`) and X held as scipy's ``tocsc``
leaves it (int32 indices).

Reference: the path's column solver
:func:`logistic.solvers.column_cd.newton_cd_columns` on the intp column copy
(:class:`ColumnMatrix`), whose steps are tested against its numpy reference
and scikit-learn in tests/test_cd.py and tests/test_sparse_newton_columns.py:
the fused steps make the same products and sums in the same order, so the
results must agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic.solvers import _column_step, column_newton
from logistic.solvers._column_matrix import ColumnMatrix, cd_kernel
from logistic.solvers.column_cd import newton_cd_columns

pytestmark = pytest.mark.skipif(cd_kernel() is None, reason="compiled _cd not built")


def _text_like(n=500, p=900, seed=0):
    rng = np.random.default_rng(seed)
    freq = 0.25 / np.arange(1, p + 1) ** 0.7
    mask = rng.random((n, p)) < freq
    X = sp.csr_matrix(mask * rng.random((n, p)) * 3, dtype=np.float64)
    w = rng.standard_normal(p) * (rng.random(p) < 0.1)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 1.0)))).astype(np.float64)
    return X, y


def _problem(X, n_steps=6):
    n, p = X.shape
    mean = np.asarray(X.mean(axis=0)).ravel()
    inv_scale = 1.0 / (np.sqrt(np.asarray(X.multiply(X).mean(axis=0)).ravel()) + 0.1)
    return np.arange(p, dtype=np.intp), mean, inv_scale


def _args(X, y, s, cm, l1, fit_intercept, max_iter):
    n, p = X.shape
    cols, mean, inv_scale = _problem(X)
    return (cm, y, s, cols, np.zeros(p), 0.0, np.zeros(n)), dict(
        l1=l1, l2=1.0 / n, mean=mean, inv_scale=inv_scale,
        fit_intercept=fit_intercept, tol=1e-12, max_iter=max_iter, max_sweeps=3,
        max_backtracks=30,
    )  # fmt: skip


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1", [0.0, 2e-3])
@pytest.mark.parametrize("weighted", [False, True])
def test_fused_steps_equal_the_column_solver_bit_for_bit(fit_intercept, l1, weighted):
    # one Newton step a call, chained as newton-cd-columns chains them (the
    # state's gradient and first sweep), against one newton_cd_columns call
    # of k steps, for k = 1..6
    X, y = _text_like()
    n = X.shape[0]
    s = np.random.default_rng(3).random(n) + 0.5 if weighted else np.ones(n)
    s = s / s.sum()
    fused_cm = ColumnMatrix(X)
    assert fused_cm.indices.dtype == np.int32  # scipy's tocsc arrays, not converted
    args, kw = _args(X, y, s, fused_cm, l1, fit_intercept, 0)
    col, first, reads = _column_step.fused_step(*args, **kw, focus=0.0)
    assert reads == 1 and col.n_iter == 0
    for k in range(1, 7):
        assert _column_step.fused_form(fused_cm, args[3], float(X.nnz))
        start = (col.loss, col.residual, col.weights, col.grad)
        args = (*args[:4], col.w, col.b, col.z)
        kw.update(max_iter=1, start=start)
        col, first, reads = _column_step.fused_step(*args, **kw, first=first, focus=0.0)
        sweeps = fused_cm.last_sweeps
        cm = ColumnMatrix(X)
        ref_args, ref_kw = _args(X, y, s, cm, l1, fit_intercept, k)
        ref = newton_cd_columns(*ref_args, **ref_kw)
        assert cm.last_sweeps == sweeps and reads == sweeps
        assert col.n_iter == min(ref.n_iter, 1) and col.converged == ref.converged
        assert col.b == ref.b and col.loss == ref.loss
        for name in ("w", "z", "residual", "weights"):
            np.testing.assert_array_equal(getattr(col, name), getattr(ref, name))
        # ref's gradient is (g + l2 w) - l2 w: within an ulp of l2 w
        tiny = 4 * np.finfo(float).eps * (np.abs(col.w).max() / n + 1e-300)
        np.testing.assert_allclose(col.grad, ref.grad, rtol=0, atol=tiny)
        if ref.converged:
            break


def test_int32_columns_give_the_intp_kernels_results():
    X, _ = _text_like(seed=2)
    n, p = X.shape
    # a CSC X takes the converting copy (intp indices)
    a, b = ColumnMatrix(X), ColumnMatrix(sp.csc_matrix(X))
    assert a.indices.dtype == np.int32 and b.indices.dtype == np.intp
    np.testing.assert_array_equal(a.col_nnz, b.col_nnz)
    rng = np.random.default_rng(1)
    cols = np.sort(rng.choice(p, 300, replace=False)).astype(np.intp)
    v, coef = rng.random(n), rng.standard_normal(cols.size)
    for x, y in zip(a.stats(cols, v), b.stats(cols, v), strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.dots(cols, v), b.dots(cols, v))
    np.testing.assert_array_equal(a.matvec(cols, coef), b.matvec(cols, coef))
    np.testing.assert_array_equal(a.gram(cols[:40], v), b.gram(cols[:40], v))


def test_non_canonical_csr_keeps_the_converting_copy():
    # a duplicate entry (summed by the converting copy) and float32 values
    dup = sp.csr_matrix(
        (np.array([1.0, 2.0, 3.0]), np.array([1, 1, 0]), np.array([0, 2, 3])),
        shape=(2, 4),
    )
    assert not dup.has_canonical_format
    cm = ColumnMatrix(dup)
    assert cm.indices.dtype == np.intp  # the converting copy
    np.testing.assert_array_equal(cm.data, [3.0, 3.0])
    X, _ = _text_like(seed=4)
    assert ColumnMatrix(X.astype(np.float32)).indices.dtype == np.intp


def test_a_fused_step_counts_its_sweeps_and_the_gradient(monkeypatch):
    # the model's column sums and the first sweep come with the gradient's
    # read of X: a naive step reads X once a sweep (its first made with the
    # previous step's gradient, and the new gradient with the next step's)
    X, y = _text_like(n=800, p=1500, seed=5)
    stats_calls, sweeps = [0], []
    stats = ColumnMatrix.stats

    def counted(self, *a, **k):
        stats_calls[0] += 1
        return stats(self, *a, **k)

    solve = column_newton.fused_step

    def spy(cm, *a, **k):
        out = solve(cm, *a, **k)
        if k.get("max_iter"):
            sweeps.append(cm.last_sweeps)
        return out

    monkeypatch.setattr(ColumnMatrix, "stats", counted)
    monkeypatch.setattr(column_newton, "fused_step", spy)
    model = LogisticRegression(
        penalty="l2", alpha=1 / X.shape[0], solver="newton-cd-columns", tol=1e-8
    ).fit(X, y)
    counted_passes = [h["n_passes"] for h in model.history_]
    steps = [b - a for a, b in zip(counted_passes, counted_passes[1:], strict=False)]
    assert sweeps and stats_calls[0] == 0
    assert steps == sweeps


def test_a_resumed_sparse_fit_makes_the_same_steps_bit_for_bit(tmp_path):
    # the first sweep kept in the state is not checkpointed: the resumed step
    # makes it again at the same point, with the same bits
    from logistic._objective import LogisticObjective
    from logistic.solvers import get_solver

    X, y = _text_like(n=700, p=1200, seed=6)

    def solve(**kw):
        obj = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
        solver = get_solver("newton-cd-columns")(tol=1e-12, max_iter=12)
        return solver.solve(obj, np.zeros(obj.n_params), **kw)

    full = solve()
    assert full.n_iter > 4
    start = _checkpoint_at(solve, 3, tmp_path)
    assert start is not None and start["n_iter"] == 3
    resumed = solve(start=start)
    np.testing.assert_array_equal(resumed.coef, full.coef)
    assert resumed.n_iter == full.n_iter
    assert [h["objective"] for h in resumed.history] == [
        h["objective"] for h in full.history
    ]
    assert [h["grad_max_norm"] for h in resumed.history] == [
        h["grad_max_norm"] for h in full.history
    ]


@pytest.mark.parametrize("focus", [0.0, 0.05, 0.5])
def test_focused_sweeps_reach_scikit_learns_optimum(monkeypatch, focus):
    # later sweeps over the coordinates the first sweep moved most change the
    # Newton steps, not the optimum (scikit-learn's lbfgs at tol 1e-12, C=1/(alpha n))
    sk = pytest.importorskip("sklearn.linear_model")
    X, y = _text_like(n=600, p=1500, seed=7)
    n = X.shape[0]
    monkeypatch.setattr(_column_step, "FOCUS", focus)
    ours = LogisticRegression(
        penalty="l2", alpha=1 / n, solver="newton-cd-columns", tol=1e-10
    ).fit(X, y)
    ref = sk.LogisticRegression(C=1.0, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_.ravel(), ref.coef_.ravel(), atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


@pytest.mark.parametrize("case", ["l2", "l1", "weighted", "offset"])
@pytest.mark.parametrize("margin", [0.0, np.inf])
def test_a_gradient_alone_read_makes_the_same_steps_bit_for_bit(
    monkeypatch, margin, case
):
    # the read of a point where the fit is predicted to stop makes the gradient
    # alone (fused_step's expect); where the fit goes on, the next step makes
    # the first sweep at that point from the state: the same steps, bit for
    # bit, whether the gradient-alone read is never made (margin 0) or made at
    # every step the prediction covers (margin inf); with an l1 penalty, sample
    # weights or an offset too (the KKT residual, the sweep's model and the
    # logits carry them)
    from logistic._objective import LogisticObjective
    from logistic.solvers import get_solver

    X, y = _text_like(n=700, p=1200, seed=8)
    rng = np.random.default_rng(9)
    s = rng.random(X.shape[0]) + 0.1 if case == "weighted" else None
    offset = rng.normal(size=X.shape[0]) * 0.3 if case == "offset" else None
    l1 = 1e-3 if case == "l1" else 0.0
    dots = [0]
    plain = ColumnMatrix.dots

    def counted(self, *a, **k):
        dots[0] += 1
        return plain(self, *a, **k)

    def solve():
        obj = LogisticObjective.from_arrays(X, y, s, offset, l2=1.0 / X.shape[0])
        solver = get_solver("newton-cd-columns")(tol=1e-10, max_iter=50, l1=l1)
        return solver.solve(obj, np.zeros(obj.n_params))

    ref = solve()
    monkeypatch.setattr(_column_step, "EXPECT_MARGIN", margin)
    monkeypatch.setattr(ColumnMatrix, "dots", counted)
    got = solve()
    assert ref.converged and ref.n_iter > 4
    np.testing.assert_array_equal(got.coef, ref.coef)
    assert got.n_iter == ref.n_iter
    for key in ("objective", "grad_max_norm"):
        assert [h[key] for h in got.history] == [h[key] for h in ref.history]
    if margin == 0.0:
        assert dots[0] == 0
    else:  # every step but the first predicts (it needs the last step's rate)
        assert dots[0] == ref.n_iter - 1


def test_steps_far_from_the_optimum_make_one_sweep(monkeypatch):
    # a step from a point whose KKT residual is above EARLY times the starting
    # point's makes one sweep (its read of X, which also makes the gradient
    # where it lands, is the whole step); the later steps up to the option's
    # two; the optimum is scikit-learn's (lbfgs at tol 1e-12, C=1/(alpha n))
    sk = pytest.importorskip("sklearn.linear_model")
    X, y = _text_like(n=600, p=1500, seed=9)
    n, sweeps = X.shape[0], []
    solve = column_newton.fused_step

    def spy(cm, *a, **k):
        out = solve(cm, *a, **k)
        if k.get("max_iter"):
            sweeps.append(cm.last_sweeps)
        return out

    monkeypatch.setattr(column_newton, "fused_step", spy)
    ours = LogisticRegression(
        penalty="l2", alpha=1 / n, solver="newton-cd-columns", tol=1e-10
    ).fit(X, y)
    g = [h["grad_max_norm"] for h in ours.history_]
    far = [gi > column_newton.EARLY * g[0] for gi in g[: len(sweeps)]]
    assert far[0] and not far[-1]
    assert [s for s, f in zip(sweeps, far, strict=True) if f] == [1] * sum(far)
    assert max(s for s, f in zip(sweeps, far, strict=True) if not f) == 2
    ref = sk.LogisticRegression(C=1.0, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_.ravel(), ref.coef_.ravel(), atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_a_slow_one_sweep_step_ends_the_one_sweep_steps(monkeypatch):
    # a one-sweep step that leaves more than SLOW of the KKT residual ends
    # the one-sweep steps: the step after it makes more than one sweep though
    # its point is still above EARLY times the start's (positive values in 5%
    # of a 2000 x 300 X, where one sweep is too little); the optimum is
    # scikit-learn's (newton-cholesky at tol 1e-12, C = 1 / (alpha n); its
    # lbfgs stops ~2e-6 off on these data)
    sk = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    X = sp.random(2000, 300, density=0.05, format="csr", random_state=1)
    X.data = np.abs(rng.standard_normal(X.nnz)) + 0.5
    w = rng.standard_normal(300)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(X @ w)))).astype(np.float64)
    steps = []  # (residual before, residual after, sweeps) a Newton step
    step = column_newton.ColumnNewtonCD.step

    def spy(self, fit, state):
        new = step(self, fit, state)
        steps.append((state.grad_max_norm, new.grad_max_norm, new.last_sweeps))
        return new

    monkeypatch.setattr(column_newton.ColumnNewtonCD, "step", spy)
    ours = LogisticRegression(
        penalty="l2", alpha=1e-4, solver="newton-cd-columns", tol=1e-10
    ).fit(X, y)
    early = column_newton.EARLY * steps[0][0]
    i = next(
        i for i, (g, g_new, _) in enumerate(steps) if g_new > column_newton.SLOW * g
    )
    assert all(g > early and k == 1 for g, _, k in steps[: i + 1])
    assert steps[i + 1][0] > early and steps[i + 1][2] > 1
    ref = sk.LogisticRegression(C=5.0, tol=1e-12, solver="newton-cholesky")
    ref.fit(X, y)
    np.testing.assert_allclose(ours.coef_.ravel(), ref.coef_.ravel(), atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_a_checkpoint_without_the_one_sweep_bound_resumes(tmp_path):
    # a state written before the field ``early`` existed resumes with its
    # default (no one-sweep steps) and reaches the uninterrupted fit's optimum
    from logistic._objective import LogisticObjective
    from logistic.solvers import get_solver

    X, y = _text_like(n=700, p=1200, seed=10)

    def solve(**kw):
        obj = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
        solver = get_solver("newton-cd-columns")(tol=1e-10, max_iter=50)
        return solver.solve(obj, np.zeros(obj.n_params), **kw)

    full = solve()
    start = _checkpoint_at(solve, 1, tmp_path)
    assert start is not None and start["state"].pop("early") > 0
    resumed = solve(start=start)
    assert resumed.converged
    np.testing.assert_allclose(resumed.coef, full.coef, atol=1e-7)


def _checkpoint_at(solve, n_iter, tmp_path):
    """The checkpoint a fit ``solve(on_iteration=...)`` saves at each
    iteration, as loaded after the fit is stopped at iteration ``n_iter``."""
    from logistic._checkpoint import Checkpointer

    ckpt = Checkpointer(tmp_path / "c.json", fingerprint="f", config={})

    class Stop(Exception):
        pass

    def crash(n, state, history):
        ckpt.save(n, state, history)
        if n == n_iter:
            raise Stop

    with pytest.raises(Stop):
        solve(on_iteration=crash)
    return ckpt.load()
