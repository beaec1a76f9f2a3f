"""The Newton steps of ``newton-cd-columns`` on sparse X: one read of X a sweep.

:func:`logistic.solvers.column_cd.newton_cd_columns` (the path's column
solver) reads X three times a Newton step besides its coordinate sweeps:
``X_Sᵀr`` for the gradient at the new point, then the step's model
(``X_Sᵀv`` and ``(X_S∘X_S)ᵀv``, :meth:`ColumnMatrix.stats`), then the first
sweep. Over every column in the naive form (no Gram matrix) a column's
gradient, model and coordinate update need that column only, so
:func:`gradient_sweep` makes all three as it reads each column
(``logistic._cd.gradient_sweep``): the read that makes the gradient at a
point also makes the first sweep of the Newton step from it
(:class:`FirstSweep`), which the next :func:`fused_step` goes on from
(``logistic._cd.more_sweeps``, whose later sweeps go over the coordinates
the first moved most, :data:`FOCUS`). The same products and sums in the
same order: with ``focus=0`` the steps of one :func:`newton_cd_columns`
call bit for bit, with two reads of X fewer a step (reuters: 7 steps of 3
sweeps in 22 reads of X instead of 36). When the iterations stop, the last
first sweep is unused. The same read makes the stopping rule's gradient and
KKT residual at its point (:meth:`FirstSweep.kkt`, ``_kkt``'s numbers bit
for bit) while each column's gradient is in the cache, so the stopping rule
makes no pass of its own over six vectors that the sweep has pushed out of
it.

Anything else (the Gram form, dense X, the numpy reference) is
:func:`newton_cd_columns` itself (:func:`fused_form` decides).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray
from ._column_matrix import ColumnMatrix, cd_kernel
from .column_cd import (
    ColumnFit,
    _decrease,
    _kkt,
    _line_search,
    _pass,
    _penalty_step,
    use_gram,
)

__all__ = ["FirstSweep", "fused_form", "fused_step"]

#: The sweeps after a step's first go over the coordinates whose first-sweep
#: update (scaled, as the stopping rule measures it) exceeded FOCUS times the
#: largest one, until they converge; then every coordinate again. On text
#: (nearly orthogonal columns) most coordinates settle in the first sweep.
#: reuters, thread CPU a fit (medians of 5 at load 6) and gap to the optimum:
#: FOCUS 0 (every coordinate): tol 1e-6 29.5 ms, 7 steps (tol 1e-5 leaves a
#: 1.2e-7 gap); 0.01: tol 1e-5 25.3 ms, 7 steps, gap 3.6e-10 (tol 1e-6 27.8);
#: 0.05: tol 1e-6 25.8 ms, 8 steps. Above 0.01 a flat direction (a9a's
#: duplicated columns, l2 = 1e-3) is left visibly unconverged at tol 1e-9
#: (tests/test_solver_contract.py, sparse against dense). 0 gives the steps
#: of newton_cd_columns.
FOCUS = 0.01
#: A point whose predicted KKT residual is at most EXPECT_MARGIN times the
#: tolerance gets its gradient alone (:func:`fused_step`'s ``expect``): the
#: read skips the first sweep of a step the fit will probably not take.
#: The gradient alone costs c ≈ 0.31 of a first sweep (reuters: 0.19 against
#: 0.62 ms), and a wrong guess costs it on top of the sweep the next step
#: then makes, so it pays where the fit stops at the point with probability
#: above c: the break-even margin is 1 / (the c-quantile of the residual
#: reached over the one predicted, the last step's rate times the
#: residual). Over the 326 predicted steps of reuters, w8a,
#: sparse200k[:40000] and a9a at alpha 0.1/n, 1/n and 10/n, that ratio is
#: at most 1 in 63 % of them and at most 0.87 in 31 % (break-even 1.15);
#: over each fit's first 15 steps at most 1 in 49 %, at most 0.77 in 31 %
#: (1.30); the median over the 12 fits of each fit's 0.31-quantile is 0.75
#: (1.33). 1 is below all three break-evens
#: (``python -m benchmarks.expect_margin``).
EXPECT_MARGIN = 1.0


def fused_form(cm: ColumnMatrix, cols: np.ndarray, nnz: float) -> bool:
    """Whether this step runs here: sparse X, the compiled kernel, the naive
    form (:func:`use_gram`'s choice), and every column (``cols`` an
    arange: the first sweep forms the model of every column)."""
    return (
        cm.sparse
        and cd_kernel() is not None
        and not use_gram(cm, cols, nnz)
        and cols.size == cm.col_nnz.size
    )


@dataclass
class FirstSweep:
    """The first coordinate sweep of the Newton step at a point, made by the
    read of X that made the point's gradient (:func:`gradient_sweep`): the
    step's model (``gt``, ``a``, ``mu``, ``vsum``, the intercept gradient
    ``g_b`` it used), its direction so far (``d``, ``r = X d``, ``m = muᵀd``)
    and the sweep's largest scaled update ``change``; and the stopping
    rule's numbers at the point ``w`` it was made at, from ``g_loss``:
    the gradient ``g`` and the KKT residual ``resid`` (``_kkt``'s, made by
    the same read; None where not made), with the ``rule`` they were made
    under: ``(l1, l2, mean, inv_scale)``."""

    gt: FloatArray
    a: FloatArray
    mu: FloatArray
    d: FloatArray
    r: FloatArray
    vsum: float
    g_b: float
    m: float
    change: float
    w: FloatArray | None = None
    g_loss: FloatArray | None = None
    g: FloatArray | None = None
    resid: float = float("nan")
    rule: tuple[float, float, FloatArray, FloatArray] | None = None

    def kkt(
        self, g_loss: FloatArray, w: FloatArray, g_b: float, l1: float, l2: float,
        mean: FloatArray, inv_scale: FloatArray,
    ) -> tuple[FloatArray, float] | None:  # fmt: skip
        """``(g, resid)``, ``_kkt(g_loss, w, l2, g_b, mean, inv_scale, l1)``,
        where this sweep made them: ``g_loss`` its array, ``w`` its point
        bit for bit, ``g_b``, ``l1`` and ``l2`` its values, ``mean`` and
        ``inv_scale`` its arrays; else None (the caller calls ``_kkt``)."""
        same = self.g is not None and g_loss is self.g_loss and g_b == self.g_b
        if not same or self.w is None or self.g is None or self.rule is None:
            return None
        l1_, l2_, mean_, inv_scale_ = self.rule
        if not (l1 == l1_ and l2 == l2_ and mean is mean_ and inv_scale is inv_scale_):
            return None
        if self.w is not w and not np.array_equal(
            self.w.view(np.int64), np.asarray(w, dtype=np.float64).view(np.int64)
        ):
            return None
        return self.g, self.resid


def gradient_sweep(
    cm: ColumnMatrix, cols: np.ndarray, res: FloatArray, v: FloatArray,
    w: FloatArray, g_b: float, *, l1: float, l2: float, inv_scale: FloatArray,
    fit_intercept: bool, lam: FloatArray | None = None,
    spent: FirstSweep | None = None, mean: FloatArray | None = None,
) -> tuple[FloatArray, FirstSweep]:  # fmt: skip
    """``(X_Sᵀres, the first sweep of the Newton step here)`` in one read of X
    (``logistic._cd.gradient_sweep``): ``res`` and ``v`` the residual and
    curvature weights at the point, ``g_b`` the intercept's gradient;
    ``lam`` the L1 weights (``l1`` each when None). ``spent``: a first sweep
    the caller is done with (its ``g`` among them), whose arrays this one
    is written into: fresh arrays would fault in new pages every step
    (``g_loss`` is new: the caller keeps it). ``mean``
    (the standardization's, with ``inv_scale``): the same read also makes
    the stopping rule's gradient and KKT residual at ``w``
    (:meth:`FirstSweep.kkt`; ``_kkt``'s numbers, bit for bit)."""
    K = cols.size
    vsum = float(v.sum())
    center = bool(fit_intercept and vsum > 0)
    g_loss = np.empty(K)
    gt: FloatArray
    a: FloatArray
    mu: FloatArray
    d: FloatArray
    r: FloatArray
    if spent is None:
        gt, a, mu = np.empty(K), np.empty(K), np.empty(K)
        d, r = np.zeros(K), np.zeros(cm.n)
    else:
        gt, a, mu, d, r = spent.gt, spent.a, spent.mu, spent.d, spent.r
        d.fill(0.0)
        r.fill(0.0)
    if lam is None:
        lam = np.full(K, float(l1))
    g = None
    if mean is not None:
        g = None if spent is None else spent.g
        if g is None or g.size != K:
            g = np.empty(K)
    change, m, resid = cd_kernel().gradient_sweep(
        *cm.arg, cols, v, vsum, res, g_b, center, w, lam, l2, inv_scale,
        g_loss, gt, a, mu, d, r, g, mean, float(l1),
    )  # fmt: skip
    first = FirstSweep(gt, a, mu, d, r, vsum, g_b, float(m), float(change))
    if g is not None and mean is not None:
        first.w, first.g_loss, first.g, first.resid = w, g_loss, g, float(resid)
        first.rule = (float(l1), float(l2), mean, inv_scale)
    return g_loss, first


def fused_step(
    cm: ColumnMatrix, y: FloatArray, s: FloatArray, cols: np.ndarray,
    w: FloatArray, b: float, z: FloatArray, *, l1: float, l2: float,
    mean: FloatArray, inv_scale: FloatArray, fit_intercept: bool, tol: float,
    max_iter: int, max_sweeps: int, max_backtracks: int = 30,
    start: tuple[float, FloatArray, FloatArray, FloatArray] | None = None,
    first: FirstSweep | None = None, g_b: float | None = None,
    stored: Callable[[FloatArray, float], FloatArray] | None = None,
    focus: float | None = None, measure_last: bool = True,
    expect: float | None = None,
) -> tuple[ColumnFit, FirstSweep | None, int]:  # fmt: skip
    """:func:`newton_cd_columns` (same arguments and result; ``max_iter``
    Newton steps, each model formed and each first sweep made by the read of
    X that makes the gradient) and the first sweep of the next step.

    ``first``: the first sweep at the entry point, which ``start``'s
    gradient was made with (None: made here, a read of X, with the intercept
    gradient ``g_b``, by default ``Σ res``: the one the step that made the
    point used keeps a resumed fit on the same bits). ``stored(w, b)``: the
    coefficients the caller's next step will start from, as it stores the
    point (rounded by a change of coordinates; default ``w``): the next
    first sweep is made at them. ``focus``: :data:`FOCUS` if None; with 0 the steps
    equal those of one :func:`newton_cd_columns` call bit for bit.
    ``measure_last``: False skips the KKT residual of the point the last of
    ``max_iter`` steps reached (``converged`` is then False there), for a
    caller that measures that point itself. ``expect``: the KKT residual
    the caller predicts at the point the last step reaches; at most
    ``EXPECT_MARGIN·tol`` (the fit will probably stop there), that point's
    read makes the gradient alone (:meth:`ColumnMatrix.dots`: the same sums
    in the same order, about a third of a sweep's time) and the next first
    sweep is None, made by the next call instead (from ``start``, ``g_b``
    the result's ``residual_sum``): the same steps either way. The
    result's ``grad`` is the loss gradient as the read of X made it.
    Returns the result, the next first sweep (or None) and the reads of X
    made.
    """
    w = np.array(w, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)  # never written: each step makes new logits
    K = cols.size
    lam = np.full(K, float(l1))
    kernel = cd_kernel()
    focus = FOCUS if focus is None else focus

    def sweep_at(
        res: FloatArray, v: FloatArray, w: FloatArray, g_b: float,
        spent: FirstSweep | None = None,
    ) -> tuple[FloatArray, FirstSweep]:  # fmt: skip
        return gradient_sweep(
            cm, cols, res, v, w, g_b, l1=l1, l2=l2, inv_scale=inv_scale,
            fit_intercept=fit_intercept, lam=lam, spent=spent, mean=mean,
        )  # fmt: skip

    if start is None:
        value, res, v = _pass(y, s, z)
        first = None
    else:
        value, res, v, g_loss = start
    reads = 0
    if first is None:
        if g_b is None or not fit_intercept:
            g_b = float(res.sum()) if fit_intercept else 0.0
        g_loss, first = sweep_at(res, v, w, g_b)
        reads += 1
    g_b = first.g_b
    F = value + _penalty_step(w, np.zeros(K), 0.0, l1, l2)[1]
    n_iter, converged, pending = 0, False, False
    while True:
        if n_iter and n_iter >= max_iter and not measure_last:
            break
        # the read of X that made g_loss made these too, where it was at w
        made = None
        if first is not None:
            made = first.kkt(g_loss, w, g_b, l1, l2, mean, inv_scale)
        g, resid = made or _kkt(g_loss, w, l2, g_b, mean, inv_scale, l1)
        if resid <= tol:
            converged = True
            break
        if n_iter >= max_iter:
            break
        n_iter += 1
        cm.curvature = None
        f, vsum = first, first.vsum
        inner = max(0.05 * resid, 0.01 * tol)
        sweeps, m = kernel.more_sweeps(
            *cm.arg, cols, v, f.gt, f.a, f.mu, vsum, w, lam, l2, inv_scale,
            f.d, f.r, f.m, f.change, inner, max_sweeps, focus,
        )  # fmt: skip
        cm.last_sweeps = int(sweeps)
        reads += int(sweeps) - 1
        d = f.d
        d_b = (-g_b / vsum - m) if fit_intercept and vsum > 0 else 0.0
        decrease = _decrease(g, w, d, l1, g_b, d_b)
        if not decrease < 0:
            break  # KKT residual at its precision floor
        dz = f.r
        dz += d_b
        found = _line_search(y, s, z, dz, w, d, l1, l2, F, decrease, max_backtracks)
        if found is None:
            break  # the line search hit the precision limit
        t, w, value, z, res, v, rsum, F = found
        b += t * d_b
        g_b = rsum if fit_intercept else 0.0
        reads += 1
        if n_iter >= max_iter and expect is not None and expect <= EXPECT_MARGIN * tol:
            g_loss, pending = cm.dots(cols, res), True
            continue  # the loop ends: n_iter >= max_iter
        # the step's first sweep (its d and r among them) is spent: its
        # arrays take the next one
        g_loss, first = sweep_at(
            res, v, w if stored is None else stored(w, b), g_b, spent=first
        )
    # the loss gradient as the read of X made it (``g - l2·w`` would round it)
    col = ColumnFit(w, float(b), z, n_iter, converged, value, g_loss, res, v, g_b)
    return col, None if pending else first, reads
