"""Proximal Newton over the columns of an in-memory X (regularization paths).

The generic solver :class:`~logistic.solvers.coordinate_descent.NewtonCD` sees the
problem only through its objective (any backend) and forms the (p+1)² Hessian at
every outer iteration. Along a regularization path
(:mod:`logistic._path`) the data are in memory and most columns are screened out,
so ``newton_cd_columns`` works on X's columns directly, glmnet's way (Friedman,
Hastie & Tibshirani 2010, §3). The local quadratic model is minimised by
coordinate descent in one of two forms, chosen at every Newton step by
:func:`use_gram` (a cost model in multiply-adds, with the previous inner solve's
sweep count as the estimate of this one's):

* naive: updates of the working vector ``r = X_S d``, O(nnz of a column) per
  coordinate, no Hessian — wide sparse problems (the benchmark's 10k x 5k set,
  ~1,200 active columns) and the first points of every path;
* Gram: ``X_Sᵀ V X_S`` formed once (CSR row scan, or one ``dsyrk`` when dense)
  and swept at O(K) per update — small active sets that need many sweeps (a9a's
  correlated one-hot columns: up to 120 sweeps per Newton step, where the naive
  form spent 2.6 of the path's 3.2 s). The Gram matrix is kept while the logits
  stay within ``REUSE_DZ`` of where it was formed, and extended by the new
  columns' products when the active set grows.

The intercept decouples from the coefficients in the model once the columns are
centred by their curvature-weighted means ``mu = X_Sᵀv / Σv`` (then
``1ᵀ V (X_S − 1muᵀ) = 0``): with ``e = d_b + muᵀd`` the model separates into
``g_b e + ½ Σv e²`` (so ``e = −g_b/Σv``) and the lasso model of the module
docstring of :mod:`logistic._cd` in ``d``. The centring is implicit (sparse X
stays sparse). Stopping rule and line search are those of ``NewtonCD``
(standardized KKT residual ≤ tol; Armijo with Tseng & Yun's decrease); the
inner tolerance is ``max(0.05·residual, 0.01·tol)`` in the naive form, as
there, and ``max(INNER_GRAM·residual, 0.01·tol)`` in the Gram form, whose
sweeps are cheap.

The compiled kernel (``logistic._cd``) runs the sweeps, the column passes and
the small vector operations of each Newton step (trial pass, KKT residual,
predicted decrease, penalty) with the GIL released; ``LOGISTIC_KERNEL=numpy``
(or ``set_compiled_cd(False)``) selects the numpy references below, which make
the same updates in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import FloatArray
from ._base import kkt_residual
from ._column_matrix import ColumnMatrix, cd_kernel, set_compiled_cd
from ._linesearch import MAX_LOGIT_REACH, armijo, negligible
from ._newton_linalg import orthant_model_step, smooth_model_step

__all__ = [
    "ColumnFit",
    "ColumnMatrix",
    "newton_cd_columns",
    "gram_cd",
    "set_compiled_cd",
    "use_gram",
]


def _sweeps(
    sweep: Any, w: FloatArray, lam: FloatArray, d: FloatArray, tol: float,
    max_sweeps: int,
) -> int:  # fmt: skip
    """The sweep schedule of the numpy references (that of ``logistic._cd``):
    a sweep over every coordinate, then sweeps over the active ones (``w + d``
    non-zero or unpenalized) until they converge, until a full sweep converges
    or ``max_sweeps`` sweeps; returns the number of sweeps. ``sweep(which)``
    returns its largest scaled update."""
    sweeps, everything = 0, range(d.size)
    while sweeps < max_sweeps:
        sweeps += 1
        if sweep(everything) <= tol:
            break
        active = np.flatnonzero((w + d != 0) | (lam == 0))
        while sweeps < max_sweeps:
            sweeps += 1
            if sweep(active) <= tol:
                break
    return sweeps


def _cd_gram_numpy(
    H: FloatArray, g: FloatArray, w: FloatArray, lam: FloatArray,
    inv_scale: FloatArray, d: FloatArray, tol: float, max_sweeps: int,
) -> int:  # fmt: skip
    """Reference of ``logistic._cd.cd_gram`` (same updates, same order)."""
    Hd = np.zeros_like(d)

    def sweep(which: Any) -> float:
        biggest = 0.0
        for k in which:
            a = H[k, k]
            if not a > 0.0:
                continue
            old = w[k] + d[k]
            z = old - (g[k] + Hd[k]) / a
            delta = np.sign(z) * max(abs(z) - lam[k] / a, 0.0) - old
            if delta != 0.0:
                d[k] += delta
                Hd[:] += delta * H[k]
                biggest = max(biggest, abs(delta) * a * inv_scale[k])
        return biggest

    return _sweeps(sweep, w, lam, d, tol, max_sweeps)


def _exact_step(H: FloatArray, g: FloatArray) -> tuple[FloatArray, int] | None:
    """The minimiser ``-H⁻¹g`` of a smooth model (no L1 term) by Cholesky
    (:func:`._newton_linalg.smooth_model_step`), and the sweeps its ``K³/3``
    multiply-adds are worth (a Gram sweep costs ``K²``: :func:`use_gram`'s
    cost model); None where H is singular to rounding or not positive
    definite (coordinate descent then needs only ``H_kk > 0``). As
    ``newton-cd`` solves its model: coordinate descent crosses a flat valley
    of the model (one-hot columns that sum to the intercept's, held up by a
    weak L2 term alone) in thousands of sweeps, so a step cut at its sweep cap
    crept along it (a9a, C = 1000: 1 000 Newton steps, unconverged)."""
    d = smooth_model_step(H, g)
    return None if d is None else (d, _factor_sweeps(g.size))


def _factor_sweeps(k: int) -> int:
    """The Gram sweeps (``k²`` multiply-adds each) a Cholesky factor of order
    ``k`` (``k³/3``) is worth."""
    return max(1, -(-k // 3))


def gram_cd(
    H: FloatArray, g: FloatArray, w: FloatArray, lam: FloatArray, d: FloatArray,
    tol: float, max_sweeps: int,
) -> int:  # fmt: skip
    """Minimise ``gᵀd + ½ dᵀHd + Σ_k lam_k |w_k + d_k|`` by cyclic coordinate
    descent, ``d`` (zeros on entry) in place, stopping when a sweep's largest
    update ``|Δd_k|·H_kk`` is at most ``tol`` (the schedule of :func:`_sweeps`);
    returns the sweeps. Compiled (``logistic._cd.cd_gram``, GIL released) or
    its numpy reference, as :func:`set_compiled_cd` selects."""
    H = np.ascontiguousarray(H, dtype=np.float64)
    g, w, lam = (np.ascontiguousarray(a, dtype=np.float64) for a in (g, w, lam))
    ones = np.ones(d.size)
    kernel = cd_kernel()
    if kernel is not None:
        return int(kernel.cd_gram(H, g, w, lam, ones, d, tol, max_sweeps))
    return _cd_gram_numpy(H, g, w, lam, ones, d, tol, max_sweeps)


def _cd_columns_numpy(
    cm: ColumnMatrix, cols: np.ndarray, v: FloatArray, g: FloatArray, a: FloatArray,
    mu: FloatArray, vsum: float, w: FloatArray, lam: FloatArray, l2: float,
    inv_scale: FloatArray, d: FloatArray, r: FloatArray, tol: float, max_sweeps: int,
) -> tuple[int, float]:  # fmt: skip
    """Reference of ``logistic._cd.cd_columns`` (same updates, same order)."""
    m = [float(d @ mu)]

    def sweep(which: Any) -> float:
        biggest = 0.0
        for k in which:
            if not a[k] > 0.0:
                continue
            rows, x = cm._column(int(cols[k]))
            grad = float((x * v[rows]) @ r[rows])
            grad += g[k] - m[0] * mu[k] * vsum + l2 * d[k]
            old = w[k] + d[k]
            z = old - grad / a[k]
            new = np.sign(z) * max(abs(z) - lam[k] / a[k], 0.0)
            delta = new - old
            if delta != 0.0:
                d[k] += delta
                m[0] += delta * mu[k]
                r[rows] += delta * x
                biggest = max(biggest, abs(delta) * a[k] * inv_scale[k])
        return biggest

    return _sweeps(sweep, w, lam, d, tol, max_sweeps), m[0]


#: Dense Gram matrices come from one BLAS ``gemm``, about this many times faster
#: per multiply-add than the compiled loops (single core, measured on spambase).
BLAS_SPEEDUP = 8.0
#: No Gram form past this many active columns (K² memory).
MAX_GRAM = 4096


def use_gram(cm: ColumnMatrix, cols: np.ndarray, nnz: float | None = None) -> bool:
    """The inner solver's form, by a cost model in multiply-adds.

    A naive sweep reads each active column twice (``2·nnz(X_S)``); the Gram
    form costs ``X_Sᵀ V X_S`` once (sparse: a scan of X's rows plus
    ``Σ_i nnz_i(S)²/2``, estimated as ``nnz(X_S)²/(2n)``; dense:
    ``n·K²/BLAS_SPEEDUP``) plus ``K²`` a sweep and one ``X_S d``. The number of
    sweeps is estimated by the previous inner solve's. ``nnz``: ``nnz(X_S)``
    when the caller knows it.
    """
    K, sweeps = cols.size, max(cm.last_sweeps, 1)
    if K == 0 or K > MAX_GRAM:
        return False
    if nnz is None:
        nnz = float(cm.col_nnz[cols].sum())
    if cm.sparse:  # one scan of all rows, then the products of active pairs
        form = float(cm.col_nnz.sum()) + nnz * nnz / (2.0 * max(cm.n, 1))
    else:
        form = cm.n * K * K / BLAS_SPEEDUP
    return form + sweeps * K * K + nnz < sweeps * 2.0 * nnz


#: The Gram form keeps ``X_Sᵀ V X_S`` while the logits stay within this distance
#: (max-norm) of those it was formed at: a Newton step with a slightly stale
#: curvature is still a descent direction for the line search, and the stopping
#: rule uses the true gradient. Consecutive warm-started points mostly reuse it.
#: Measured on the path benchmark: 0.3 beats 0.1 and 1.0 (a9a: 0.65 s / 0.76 s /
#: 0.73 s CPU); an L1 test on the weights themselves needed many more Newton steps.
REUSE_DZ = 0.3

#: Inner tolerance of the Gram form, relative to the KKT residual (the naive
#: form uses 0.05, as NewtonCD): a Gram sweep costs K² multiply-adds, far less
#: than the loss pass and ``Xᵀr`` of an outer step, so the inner model is
#: solved almost exactly and Newton converges in fewer steps (spambase path:
#: 239 → 205 steps, 0.140 → 0.127 s CPU; a9a 231 → 220; 1e-4 and 0 no better).
INNER_GRAM = 1e-3



class _Curvature:
    """The quadratic model's curvature over ``cols``, taken at logits ``z``
    (weights ``v``): ``X_Sᵀv``, ``(X_S∘X_S)ᵀv``, Σv and, for the Gram form,
    ``X_Sᵀ V X_S``. Kept along the path while the logits stay within
    ``REUSE_DZ``; when the columns change, only the new columns' products are
    computed (with the same ``v``). It holds no reference to the
    :class:`ColumnMatrix` that keeps it (``cm.curvature``): that cycle kept
    each fit's column copy of X alive until the garbage collector ran, one
    per fold of a cross-validation."""

    def __init__(
        self, cm: ColumnMatrix, cols: np.ndarray, z: FloatArray, v: FloatArray,
        gram: bool,
    ) -> None:  # fmt: skip
        self.cols, self.z, self.v = cols, z, v
        self.xv, self.xxv = cm.stats(cols, v)
        self.vsum = float(v.sum())
        self.H = cm.gram(cols, v) if gram else None
        self._model: dict[bool, tuple[FloatArray, FloatArray | None]] = {}

    def near(self, z: FloatArray) -> bool:
        """Whether the logits moved by at most ``REUSE_DZ`` from where the
        weights were taken (each weight then within a factor ``e^{±REUSE_DZ}``)."""
        kernel = cd_kernel()
        if kernel is not None:
            return float(kernel.max_abs_diff(z, self.z)) <= REUSE_DZ
        return float(np.max(np.abs(z - self.z), initial=0.0)) <= REUSE_DZ

    def over(self, cm: ColumnMatrix, cols: np.ndarray) -> _Curvature | None:
        """The same curvature over other columns of ``cm`` (None when mostly new)."""
        if cols is self.cols or (
            cols.size == self.cols.size and np.array_equal(cols, self.cols)
        ):
            return self
        if self.H is None or self.cols.size == 0:
            return None
        at = np.minimum(np.searchsorted(self.cols, cols), self.cols.size - 1)
        found = self.cols[at] == cols
        fresh = np.flatnonzero(~found)
        if 2 * fresh.size > cols.size:
            return None
        out = object.__new__(_Curvature)
        out.cols, out.z, out.v = cols, self.z, self.v
        out.vsum = self.vsum
        out._model = {}
        old = at[found]
        K = cols.size
        H = np.empty((K, K))
        H[np.ix_(found, found)] = self.H[np.ix_(old, old)]
        out.xv, out.xxv = np.empty(K), np.empty(K)
        out.xv[found], out.xxv[found] = self.xv[old], self.xxv[old]
        if fresh.size:
            cross = cm.cross(cols, cols[fresh], self.v)
            H[:, fresh] = cross
            H[fresh, :] = cross.T
            out.xv[fresh], out.xxv[fresh] = cm.stats(cols[fresh], self.v)
        out.H = H
        return out

    def model(self, fit_intercept: bool) -> tuple[FloatArray, FloatArray | None]:
        """Weighted means ``mu`` (0 without an intercept) and the centred
        Gram ``X̃ᵀ V X̃`` (None in the naive form); computed once per
        curvature (the steps that reuse it share them: read only)."""
        found = self._model.get(fit_intercept)
        if found is not None:
            return found
        if not (fit_intercept and self.vsum > 0):
            out: tuple[FloatArray, FloatArray | None] = (
                np.zeros(self.cols.size),
                self.H,
            )
        elif self.H is None:
            out = (self.xv / self.vsum, None)
        else:
            mu = self.xv / self.vsum
            out = (mu, self.H - self.vsum * np.outer(mu, mu))
        self._model[fit_intercept] = out
        return out


@dataclass
class ColumnFit:
    """Result of :func:`newton_cd_columns`: the solution, its logits ``z``, the
    mean loss, its gradient over the columns (no penalty term), the
    residual ``s(σ(z) − y)`` (``Xᵀ`` of it is the gradient of any column) and
    the curvature weights ``s σ(z)σ(−z)`` (a warm start at ``z`` reuses them)."""

    w: FloatArray
    b: float
    z: FloatArray
    n_iter: int
    converged: bool
    loss: float
    grad: FloatArray
    residual: FloatArray
    weights: FloatArray
    #: ``Σ residual`` as the pass that made the residual summed it (the next
    #: Newton step's intercept gradient), where the solver keeps it
    residual_sum: float | None = None


def _pass(
    y: FloatArray, s: FloatArray, z: FloatArray
) -> tuple[float, FloatArray, FloatArray]:
    """Mean loss, residual ``s(σ(z) − y)`` and curvature ``s σ(z)σ(−z)``
    (``s`` the normalised weights; the formulas of :mod:`logistic._math`)."""
    kernel = cd_kernel()
    if kernel is not None:
        res, v = np.empty_like(z), np.empty_like(z)
        return kernel.loss_pass(y, s, z, res, v), res, v
    t = np.exp(-np.abs(z))
    inv = 1.0 / (1.0 + t)
    pos = z >= 0
    sig = np.where(pos, inv, t * inv)
    lo = np.log1p(t) + y * np.maximum(-z, 0) + (1 - y) * np.maximum(z, 0)
    return float(s @ lo), s * (sig - y), s * (t * inv * inv)


def _pass_step(
    y: FloatArray, s: FloatArray, z: FloatArray, dz: FloatArray, t: float
) -> tuple[float, FloatArray, FloatArray, FloatArray, float]:
    """:func:`_pass` at the trial logits ``z + t·dz``: ``(loss, logits,
    residual, curvature, Σ residual)``."""
    kernel = cd_kernel()
    if kernel is not None:
        zt, res, v = np.empty_like(z), np.empty_like(z), np.empty_like(z)
        value, rsum = kernel.loss_pass_step(y, s, z, dz, t, zt, res, v)
        return value, zt, res, v, rsum
    zt = z + t * dz
    value, res, v = _pass(y, s, zt)
    return value, zt, res, v, float(res.sum())


def _kkt(
    g_loss: FloatArray, w: FloatArray, l2: float, g_b: float, mean: FloatArray,
    inv_scale: FloatArray, l1: float,
) -> tuple[FloatArray, float]:  # fmt: skip
    """``(g, residual)``: the gradient ``g_loss + l2·w`` and the stopping
    rule's KKT residual in standardized coordinates (with ``|g_b|``)."""
    kernel = cd_kernel()
    if kernel is not None:
        g = np.empty_like(w)
        resid = kernel.kkt_standardized(g_loss, w, l2, g_b, mean, inv_scale, l1, g)
        return g, float(resid)
    g = g_loss + l2 * w
    gs = (g - mean * g_b) * inv_scale
    resid = kkt_residual(w / inv_scale, gs, l1 * inv_scale)
    return g, max(resid, abs(g_b))


def _decrease(
    g: FloatArray, w: FloatArray, d: FloatArray, l1: float, g_b: float, d_b: float
) -> float:
    """``gᵀd + g_b·d_b + l1·Σ(|w + d| − |w|)`` (the step's predicted decrease)."""
    kernel = cd_kernel()
    if kernel is not None:
        return float(kernel.predicted_decrease(g, w, d, l1, g_b, d_b))
    decrease = float(g @ d) + g_b * d_b
    return decrease + l1 * float(np.sum(np.abs(w + d) - np.abs(w)))


def _penalty_step(
    w: FloatArray, d: FloatArray, t: float, l1: float, l2: float
) -> tuple[FloatArray, float]:
    """``(wt, penalty)``: ``wt = w + t·d`` and ``l1‖wt‖₁ + l2/2‖wt‖²``."""
    kernel = cd_kernel()
    if kernel is not None:
        wt = np.empty_like(w)
        return wt, float(kernel.penalty_step(w, d, t, l1, l2, wt))
    wt = w + t * d
    return wt, l1 * float(np.abs(wt).sum()) + 0.5 * l2 * float(wt @ wt)


#: ``(t, wt, loss, logits, residual, curvature, Σ residual, objective)``.
_Trial = tuple[
    float, FloatArray, float, FloatArray, FloatArray, FloatArray, float, float
]


def _line_search(
    y: FloatArray, s: FloatArray, z: FloatArray, dz: FloatArray, w: FloatArray,
    d: FloatArray, l1: float, l2: float, F: float, decrease: float,
    max_backtracks: int,
) -> _Trial | None:
    """Backtracking along ``(d, dz)`` from the objective ``F`` with predicted
    ``decrease``: ``(t, wt, loss, logits, residual, curvature, Σ residual,
    objective)`` of the accepted trial, or None when the line search hit the
    precision limit. The first trial moves no logit farther than
    ``MAX_LOGIT_REACH`` (:mod:`._linesearch`; ``dz`` is at hand, so its exact
    reach); a step whose decrease is below rounding is taken untested."""
    reach = float(np.max(np.abs(dz))) if dz.size else 0.0
    t = MAX_LOGIT_REACH / reach if reach > MAX_LOGIT_REACH else 1.0
    for _ in range(max_backtracks + 1):
        wt, pen = _penalty_step(w, d, t, l1, l2)
        vt, zt, res_t, v_t, rsum = _pass_step(y, s, z, dz, t)
        Ft = vt + pen
        if (negligible(-decrease * t, F) and np.isfinite(Ft)) or armijo(
            Ft, F, t, decrease
        ):
            return t, wt, vt, zt, res_t, v_t, rsum, Ft
        t *= 0.5
    return None


def newton_cd_columns(
    cm: ColumnMatrix, y: FloatArray, s: FloatArray, cols: np.ndarray,
    w: FloatArray, b: float, z: FloatArray, *, l1: float, l2: float,
    mean: FloatArray, inv_scale: FloatArray, fit_intercept: bool, tol: float,
    max_iter: int, max_sweeps: int = 500, max_backtracks: int = 30,
    start: tuple[float, FloatArray, FloatArray, FloatArray] | None = None,
) -> ColumnFit:  # fmt: skip
    """Minimise ``Σ s_i L(y_i, z_i) + l1‖w‖₁ + l2/2‖w‖²`` over the columns ``cols``.

    ``s`` sums to 1; ``z = X_S w + b + offset`` on entry. ``mean`` and
    ``inv_scale`` are the standardization of :mod:`logistic._scaling` for
    these columns (the stopping rule: max-norm of the KKT residual in
    standardized coordinates ≤ ``tol``). ``start``, when given, is the mean
    loss, residual, curvature weights and loss gradient over ``cols`` already
    known at the entry ``z`` (a warm start from the previous solve), so the
    first loss pass and ``X_Sᵀr`` are not repeated.
    """
    w = np.array(w, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)  # never written: each step makes new logits
    K = cols.size
    lam = np.full(K, float(l1))
    kernel = cd_kernel()
    if start is None:
        value, res, v = _pass(y, s, z)
        g_loss = cm.dots(cols, res)
    else:
        value, res, v, g_loss = start
    g_b = float(res.sum()) if fit_intercept else 0.0
    nnz = float(cm.col_nnz[cols].sum())
    F = value + _penalty_step(w, np.zeros(K), 0.0, l1, l2)[1]
    n_iter, converged = 0, False
    while True:
        g, resid = _kkt(g_loss, w, l2, g_b, mean, inv_scale, l1)
        if resid <= tol:
            converged = True
            break
        if n_iter >= max_iter:
            break
        n_iter += 1
        gram = use_gram(cm, cols, nnz)
        cur = cm.curvature if gram and cm.curvature is not None else None
        if cur is not None and cur.near(z):
            cur = cur.over(cm, cols)
        else:
            cur = None
        if cur is None:
            cur = _Curvature(cm, cols, z, v, gram)
        cm.curvature = cur if gram else None
        mu, Hc = cur.model(fit_intercept)
        vsum = cur.vsum
        gt = g - g_b * mu
        inner = max((INNER_GRAM if Hc is not None else 0.05) * resid, 0.01 * tol)
        H = Hc
        if Hc is not None and l2:
            H = Hc.copy()
            H.flat[:: K + 1] += l2
        # a Gram-form model is solved exactly first: a smooth one by Cholesky,
        # an L1 one by coordinate descent refined on its orthant
        # (orthant_model_step); where that step is no descent direction or
        # fails its line search (a model singular to rounding: one-hot columns
        # with every level kept, no penalty), by coordinate descent alone
        found, limits = None, (inner, max_sweeps)
        for exact in (True, False) if H is not None else (False,):
            d, took_exact = np.zeros(K), False
            if H is not None:
                step = _exact_step(H, gt) if exact and not l1 else None
                if step is not None:
                    (d[:], sweeps), took_exact = step, True
                else:
                    if kernel is not None:
                        sweeps = kernel.cd_gram(H, gt, w, lam, inv_scale, d, *limits)
                    else:
                        sweeps = _cd_gram_numpy(H, gt, w, lam, inv_scale, d, *limits)
                    refined = (
                        orthant_model_step(H, gt, w, lam, d, cm.n) if exact else None
                    )
                    if refined is not None:
                        d[:], took_exact = refined, True
                        sweeps += _factor_sweeps(int(np.count_nonzero(w + d)))
                r, m = cm.matvec(cols, d), float(mu @ d)
            else:
                r = np.zeros(cm.n)
                a = cur.xxv - mu * cur.xv + l2
                model = (cols, v, gt, a, mu, vsum, w, lam, l2, inv_scale)
                if kernel is not None:
                    sweeps, m = kernel.cd_columns(cm.arg, *model, d, r, *limits)
                else:
                    sweeps, m = _cd_columns_numpy(cm, *model, d, r, *limits)
            cm.last_sweeps = int(sweeps)
            d_b = (-g_b / vsum - m) if fit_intercept and vsum > 0 else 0.0
            decrease = _decrease(g, w, d, l1, g_b, d_b)
            if decrease < 0:
                dz = r
                dz += d_b
                found = _line_search(
                    y, s, z, dz, w, d, l1, l2, F, decrease, max_backtracks
                )
            # else the KKT residual at its precision floor (or a bad step)
            if found is not None or not took_exact:
                break
        if found is None:
            break  # no decrease: the precision limit
        t, w, value, z, res, v, rsum, F = found
        b += t * d_b
        g_b = rsum if fit_intercept else 0.0
        g_loss = cm.dots(cols, res)
    return ColumnFit(w, float(b), z, n_iter, converged, value, g - l2 * w, res, v)
