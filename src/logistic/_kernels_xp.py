"""Per-block kernels for array-API arrays (PyTorch, CuPy, array-api-strict, ...).

The same partial sums as :mod:`logistic._kernels`, written once with the
array namespace of the block (``array_api_compat.array_namespace``), so a
block on a GPU is reduced there: only the p-sized results leave the device.

Convention (owned here, mirroring :mod:`logistic._kernels` operation for
operation, see its docstring for the numerics):

* ``z = X w + b + offset`` in X's dtype (``w`` cast to X's dtype so X is
  never upcast); coefficients beyond float32's range give ``z`` in float64;
* ``t = e^{-|z|}``; loss ``log1p(t) + (1[z≥0] - y)·z``; ``σ(z) = 1/(1+t)``
  for ``z ≥ 0`` and ``t/(1+t)`` otherwise; curvature ``t/(1+t)²`` in float64:
  nothing overflows, at ``|z| = 1e300`` too;
* elementwise results in X's dtype (float32 stays float32, the GPU's fast
  path); products ``Xᵀ r`` and ``Xᵀ D X`` in X's dtype, as BLAS does on the
  host; every sum accumulated in float64 where the device has float64 (a
  device without it, e.g. Apple's MPS, accumulates in X's dtype).

Results stay on the device: scalars are 0-d arrays and vectors/matrices
arrays of the accumulation dtype. The backend
(:class:`logistic.backends.array_api.ArrayAPI`) adds them over blocks on the
device and moves the total to the host once a pass (:func:`to_host`).

Sparse blocks: CuPy CSR matrices (``cupyx.scipy.sparse``) use the same code
(``X @ v``, ``X.T @ r``; the Hessian through a sparse product). Other sparse
device formats are refused by the backend.

``array_api_compat`` is imported on first use, never by ``import logistic``;
:func:`is_device_array` decides without importing anything.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ._exceptions import NumericalError
from ._moments import ColumnStats, _corrected, _units
from ._typing import Block

__all__ = [
    "is_device_array",
    "namespace",
    "to_host",
    "to_numpy",
    "to_device",
    "host_vectors",
    "no_columns",
    "logits",
    "decision_logits",
    "value_grad",
    "hessian",
    "value_grad_hessian",
    "hessp",
    "data_stats",
]

#: Modules whose arrays are array-API arrays even without ``__array_namespace__``.
_ARRAY_MODULES = ("torch", "cupy", "cupyx", "jax", "jaxlib", "array_api_strict")


def is_device_array(X: Any) -> bool:
    """Whether ``X`` is an array-API array other than numpy's (torch, CuPy,
    array-api-strict, ...), or a CuPy sparse matrix; imports nothing."""
    if isinstance(X, np.ndarray):
        return False
    root = type(X).__module__.split(".")[0]
    return root in _ARRAY_MODULES or (
        hasattr(X, "__array_namespace__") and hasattr(X, "shape")
    )


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a CuPy sparse matrix (``cupyx.scipy.sparse``)."""
    return type(X).__module__.startswith("cupyx.scipy.sparse")


def namespace(X: Any) -> Any:
    """The array namespace of ``X`` (CuPy's for CuPy sparse matrices)."""
    import array_api_compat

    if is_sparse(X):
        import cupy

        return array_api_compat.array_namespace(cupy.empty(0))
    return array_api_compat.array_namespace(X)


def device_of(X: Any) -> Any:
    """The device ``X`` lives on."""
    import array_api_compat

    if is_sparse(X):
        return array_api_compat.device(X.data)
    return array_api_compat.device(X)


#: Whether a (namespace, device) has float64, asked once per pair.
_HAS_FLOAT64: dict[tuple[str, str], bool] = {}


def accumulation_dtype(xp: Any, device: Any, dtype: Any) -> Any:
    """float64 when the device supports it, else ``dtype`` (e.g. MPS)."""
    key = (xp.__name__, str(device))
    if key not in _HAS_FLOAT64:
        try:
            xp.zeros(1, dtype=xp.float64, device=device)
            _HAS_FLOAT64[key] = True
        except (TypeError, RuntimeError, ValueError):  # pragma: no cover
            _HAS_FLOAT64[key] = False
    return xp.float64 if _HAS_FLOAT64[key] else dtype


def to_numpy(x: Any) -> np.ndarray:
    """A device array copied to the host as a numpy array of its own dtype
    (torch's bfloat16 and float8, which numpy lacks, as float32: exact)."""
    mod = type(x).__module__.split(".")[0]
    if mod == "torch":
        if str(x.dtype).startswith(("torch.bfloat16", "torch.float8")):
            x = x.float()
        return np.asarray(x.detach().cpu().numpy())
    if mod == "cupy":
        return np.asarray(x.get())
    return np.from_dlpack(x)


def to_host(x: Any) -> Any:
    """A device array as a numpy float64 array (0-d as a Python float); tuples
    element by element; other values (floats, numpy arrays, host objects)
    unchanged."""
    if isinstance(x, tuple):
        return tuple(to_host(v) for v in x)
    if not is_device_array(x):
        return x
    a = np.asarray(to_numpy(x), dtype=np.float64)
    return float(a) if a.ndim == 0 else a


def host_vectors(block: Block) -> Block:
    """``block`` with its labels, weights and offsets copied to the host as
    numpy arrays (X stays where it is): for passes that need the n-vectors
    themselves, such as inference's label sums (once a fit)."""

    def host(v: Any) -> Any:
        return None if v is None or not is_device_array(v) else to_numpy(v)

    return Block(block.X, host(block.y), host(block.sample_weight), host(block.offset))


def no_columns(X: Any) -> Any:
    """An ``(n_rows, 0)`` array like X on its device (a null model's design)."""
    xp = namespace(X)
    return xp.zeros((X.shape[0], 0), dtype=X.dtype, device=device_of(X))


def to_device(v: Any, xp: Any, device: Any, dtype: Any = None) -> Any:
    """A host array (numpy) on ``device`` of namespace ``xp`` (dtype ``dtype``).

    A read-only host array (such as labels that are their own encoding, a
    view of the caller's ``y``) is copied first: a namespace on the host
    (torch on CPU) would otherwise share its memory, and torch warns that it
    cannot honour the read-only flag."""
    host = np.ascontiguousarray(v)
    if not host.flags.writeable:
        host = host.copy()
    return xp.asarray(host, dtype=dtype, device=device)


def _coef(xp: Any, X: Any, w: Any) -> Any:
    """``w`` (float64 on the host or device) on X's device in X's dtype."""
    if isinstance(w, np.ndarray):
        return to_device(w, xp, device_of(X), X.dtype)
    return xp.astype(w, X.dtype)


def _finite_in(w: Any, dtype: Any, xp: Any) -> bool:
    """Whether ``w`` stays finite in ``dtype`` (on the host for host ``w``: no
    device synchronisation)."""
    if isinstance(w, np.ndarray):
        numpy_dtype = isinstance(dtype, np.dtype)  # CuPy's; no cross-library ==
        single = dtype == (np.float32 if numpy_dtype else xp.float32)
        with np.errstate(over="ignore"):
            return bool(
                np.all(np.isfinite(w.astype(np.float32 if single else w.dtype)))
            )
    return bool(xp.all(xp.isfinite(xp.astype(w, dtype))))


def _matvec(X: Any, v: Any) -> Any:
    return X @ v


def _rmatvec(X: Any, r: Any) -> Any:
    return X.T @ r


def logits(
    X: Any, w: np.ndarray, b: float, offset: Any | None, xp: Any | None = None
) -> Any:
    """``z = X w + b + offset`` in X's dtype (float64 when ``w`` overflows it)."""
    xp = namespace(X) if xp is None else xp
    wx = _coef(xp, X, w)
    if X.dtype != xp.float64 and not _finite_in(w, X.dtype, xp):
        X64 = X.astype("float64") if is_sparse(X) else xp.astype(X, xp.float64)
        z = _matvec(X64, _coef(xp, X64, w))
    else:
        z = _matvec(X, wx)
    if b != 0.0:  # a Python scalar: rounded to z's dtype, no device transfer
        z = z + float(b)
    if offset is not None:
        z = z + xp.astype(offset, z.dtype)
    return z


def _loss_residual(xp: Any, z: Any, y: Any, with_residual: bool) -> tuple[Any, Any]:
    """Per-row loss and residual ``σ(z) - y`` in z's dtype (``_kernels`` formulas)."""
    dt = z.dtype
    pos = z >= 0
    t = xp.exp(-xp.abs(z))  # e^{-|z|} in (0, 1]
    c = (xp.astype(pos, dt) - xp.astype(y, dt)) * z
    lo = xp.log1p(t) + c
    if not with_residual:
        return lo, None
    inv = 1 / (1 + t)
    sig = xp.where(pos, inv, t * inv)
    return lo, sig - xp.astype(y, dt)


def _sum(xp: Any, v: Any, s: Any | None, acc: Any) -> Any:
    """``Σ v`` or ``Σ s v`` in the accumulation dtype (a 0-d device array)."""
    if s is None:
        return xp.sum(v, dtype=acc)
    return xp.sum(xp.astype(s, acc) * xp.astype(v, acc))


def _xt_dot(xp: Any, X: Any, r: Any, acc: Any) -> Any:
    """``Xᵀ r`` in X's dtype, returned in the accumulation dtype."""
    return xp.astype(_rmatvec(X, xp.astype(r, X.dtype)), acc)


def _weight_total(xp: Any, n: int, s: Any | None, acc: Any) -> Any:
    if s is None:
        return float(n)
    return xp.sum(s, dtype=acc)


def _acc(xp: Any, X: Any) -> Any:
    return accumulation_dtype(xp, device_of(X), X.dtype)


def value_grad(
    X: Any,
    y: Any,
    w: np.ndarray,
    b: float,
    offset: Any | None = None,
    sample_weight: Any | None = None,
    with_grad: bool = True,
) -> tuple[Any, Any, Any, Any]:
    """Partial sums ``(Σ s L, Xᵀ(s r), Σ s r, Σ s)`` of one block (on its device)."""
    xp = namespace(X)
    acc = _acc(xp, X)
    n = X.shape[0]
    total = _weight_total(xp, n, sample_weight, acc)
    if n == 0:
        return 0.0, np.zeros(w.shape[0] if with_grad else 0), 0.0, total
    with np.errstate(over="ignore", invalid="ignore"):
        z = logits(X, w, b, offset, xp)
        lo, r = _loss_residual(xp, z, y, with_grad)
        loss_sum = _sum(xp, lo, sample_weight, acc)
        if r is None:
            return loss_sum, np.zeros(0), 0.0, total
        if sample_weight is not None:
            r = r * xp.astype(sample_weight, r.dtype)
        return loss_sum, _xt_dot(xp, X, r, acc), xp.sum(r, dtype=acc), total


def _curvature(xp: Any, z: Any, acc: Any) -> Any:
    """``σ(z) σ(-z) = t/(1+t)²`` with ``t = e^{-|z|}``, in the accumulation dtype."""
    t = xp.exp(-xp.abs(xp.astype(z, acc)))
    u = 1 + t
    return t / (u * u)


def _row_curvature(
    xp: Any, X: Any, w: Any, b: float, offset: Any, sample_weight: Any, acc: Any
) -> Any:
    """Each row's ``d = s σ(z) σ(-z)`` at ``z = X w + b + offset``, in ``acc``."""
    d = _curvature(xp, logits(X, w, b, offset, xp), acc)
    if sample_weight is not None:
        d = d * xp.astype(sample_weight, acc)
    return d


def weighted_gram(X: Any, d: Any, acc: Any) -> Any:
    """``Xᵀ diag(d) X`` (``d ≥ 0``) for one block, in the accumulation dtype.

    Dense: one block-sized ``X ⊙ √d`` and one matrix product in X's dtype
    (redone in float64 when a float32 product overflows); CuPy sparse: the
    sparse product ``Xᵀ (D X)``, densified (p × p).
    """
    xp = namespace(X)
    p = X.shape[1]
    if X.shape[0] == 0 or p == 0:
        return xp.zeros((p, p), dtype=acc, device=device_of(X))
    if is_sparse(X):
        import cupyx.scipy.sparse as csp

        DX = csp.diags(xp.astype(d, X.dtype)) @ X
        return xp.astype((X.T @ DX).toarray(), acc)
    sq = xp.astype(xp.sqrt(d), X.dtype)
    A = X * sq[:, None]
    H = xp.astype(A.T @ A, acc)
    if X.dtype != acc and not bool(xp.all(xp.isfinite(H))):
        A = xp.astype(X, acc) * xp.sqrt(d)[:, None]
        H = A.T @ A
    return H


def hessian(
    X: Any,
    y: Any,
    w: np.ndarray,
    b: float,
    offset: Any | None = None,
    sample_weight: Any | None = None,
) -> tuple[Any, Any, Any]:
    """Partial sums ``(Xᵀ D X, Xᵀ d, Σ d)`` with ``d = s σ(z) σ(-z)``."""
    xp = namespace(X)
    acc = _acc(xp, X)
    p = w.shape[0]
    if X.shape[0] == 0:
        return np.zeros((p, p)), np.zeros(p), 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        d = _row_curvature(xp, X, w, b, offset, sample_weight, acc)
        return weighted_gram(X, d, acc), _xt_dot(xp, X, d, acc), xp.sum(d)


def _rows(X: Any, k: int) -> Any:
    """Every k-th row of X (a strided view where the library makes one)."""
    if k == 1:
        return X
    if is_sparse(X):
        import cupy

        return X[cupy.arange(0, X.shape[0], k)]
    return X[::k, ...]


def value_grad_hessian(
    X: Any,
    y: Any,
    w: np.ndarray,
    b: float,
    offset: Any | None = None,
    sample_weight: Any | None = None,
    hessian_stride: int = 1,
) -> tuple[Any, Any, Any, Any, Any, Any, Any]:
    """Value, gradient and Hessian partial sums from one ``X @ w``
    (:func:`logistic._kernels.value_grad_hessian`, strides included)."""
    p = w.shape[0]
    n = X.shape[0]
    if n == 0 or hessian_stride == 0:
        vg = value_grad(X, y, w, b, offset, sample_weight)
        return (*vg, np.zeros((p, p)), np.zeros(p), 0.0)
    xp = namespace(X)
    acc = _acc(xp, X)
    total = _weight_total(xp, n, sample_weight, acc)
    with np.errstate(over="ignore", invalid="ignore"):
        z = logits(X, w, b, offset, xp)
        lo, r = _loss_residual(xp, z, y, True)
        loss_sum = _sum(xp, lo, sample_weight, acc)
        k = max(1, int(hessian_stride))
        zs = z[::k] if k > 1 else z
        d = _curvature(xp, zs, acc)
        if sample_weight is not None:
            r = r * xp.astype(sample_weight, r.dtype)
            sk = sample_weight[::k] if k > 1 else sample_weight
            d = d * xp.astype(sk, acc)
        g_w = _xt_dot(xp, X, r, acc)
        Xs = _rows(X, k)
        if k > 1:
            d = d * (n / zs.shape[0])
        return (
            loss_sum,
            g_w,
            xp.sum(r, dtype=acc),
            total,
            weighted_gram(Xs, d, acc),
            _xt_dot(xp, Xs, d, acc),
            xp.sum(d),
        )


def hessp(
    X: Any,
    y: Any,
    w: np.ndarray,
    b: float,
    offset: Any | None,
    sample_weight: Any | None,
    v_w: np.ndarray,
    v_b: float,
    unit: bool,
) -> tuple[Any, Any]:
    """Partial sums of ``X̃ᵀ D X̃ v`` (``D`` the curvature, or ``s/4`` when ``unit``)."""
    if X.shape[0] == 0:
        return np.zeros(w.shape[0]), 0.0
    xp = namespace(X)
    acc = _acc(xp, X)
    with np.errstate(over="ignore", invalid="ignore"):
        if unit:
            d = xp.full(X.shape[0], 0.25, dtype=acc, device=device_of(X))
            if sample_weight is not None:
                d = d * xp.astype(sample_weight, acc)
        else:
            d = _row_curvature(xp, X, w, b, offset, sample_weight, acc)
        t = (xp.astype(_matvec(X, _coef(xp, X, v_w)), acc) + v_b) * d
        return _xt_dot(xp, X, t, acc), xp.sum(t)


def curvature_diagonal(
    X: Any,
    y: Any,
    w: np.ndarray,
    b: float,
    offset: Any | None = None,
    sample_weight: Any | None = None,
) -> tuple[Any, Any, Any]:
    """Partial sums ``(Σ d x², Xᵀ d, Σ d)`` with ``d = s σ(z) σ(-z)``: the
    diagonal and the intercept row of ``X̃ᵀ D X̃`` (truncated Newton's
    preconditioner), the squares taken in the accumulation dtype."""
    p = w.shape[0]
    if X.shape[0] == 0:
        return np.zeros(p), np.zeros(p), 0.0
    xp = namespace(X)
    acc = _acc(xp, X)
    with np.errstate(over="ignore", invalid="ignore"):
        d = _row_curvature(xp, X, w, b, offset, sample_weight, acc)
        if is_sparse(X):
            squares = X.multiply(X).astype(acc)
        else:
            wide = xp.astype(X, acc)
            squares = wide * wide
        return _rmatvec(squares, d), _xt_dot(xp, X, d, acc), xp.sum(d)


def _masked_extremes(xp: Any, X: Any, keep: Any | None, acc: Any) -> tuple[Any, Any]:
    """Column minima and maxima over the rows of positive weight (float64, host)."""
    if is_sparse(X):
        lo, hi = _sparse_extremes(X, keep)
    elif keep is None:
        lo, hi = xp.min(X, axis=0), xp.max(X, axis=0)
    else:
        k, dev = keep[:, None], device_of(X)
        inf = xp.asarray(np.inf, dtype=X.dtype, device=dev)
        lo, hi = (
            xp.min(xp.where(k, X, inf), axis=0),
            xp.max(xp.where(k, X, -inf), axis=0),
        )
    return to_host(xp.reshape(xp.asarray(lo), (-1,))), to_host(
        xp.reshape(xp.asarray(hi), (-1,))
    )


def data_stats(
    X: Any, sample_weight: Any | None, y: Any | None = None, offset: Any | None = None
) -> tuple[ColumnStats, float]:
    """Column statistics (:class:`logistic._moments.ColumnStats`, on the host)
    and the weight total of one block, by :mod:`logistic._moments`' numerics:
    rows of weight 0 left out, columns beyond ``2^±400`` divided by a power of
    two, the corrected two-pass sum of squares, in the accumulation dtype.
    A dense block with labels ``y`` and no ``offset`` also gives the gradient
    sums at logit 0 (``grad0``: ``Σ r x`` and ``Σ r``, ``r = s (1/2 - y)``)
    from the same block-sized ``D``; sparse blocks leave them None."""
    xp = namespace(X)
    acc = _acc(xp, X)
    n, p = X.shape
    s = None if sample_weight is None else xp.astype(sample_weight, acc)
    keep = None if s is None else s > 0
    if keep is not None and bool(xp.all(keep)):
        keep = None
    total = float(n) if s is None else float(xp.sum(s))
    if n == 0 or not total > 0:
        empty = ColumnStats.empty(p)  # grad0: zeros, unless none could be made
        if y is None or offset is not None or is_sparse(X):
            empty = replace(empty, grad0=None)
        return empty, total
    lo, hi = _masked_extremes(xp, X, keep, acc)
    unit, divisor = _units(lo, hi)
    dev = device_of(X)
    div = to_device(divisor, xp, dev, acc)
    grad0 = None
    if is_sparse(X):
        mean_u, resid, m2 = _sparse_sums(X, s, div, total, acc)
    else:
        ones = xp.ones(n, dtype=acc, device=dev) if s is None else s
        D = xp.astype(X, acc) / div
        if keep is not None:  # rows of weight 0 do not exist (nor their values)
            D = xp.where(keep[:, None], D, xp.asarray(0.0, dtype=acc, device=dev))
        mean_u = (ones @ D) / total
        if y is not None and offset is None:
            r0 = 0.5 - xp.astype(y, acc)
            r0 = r0 if s is None else r0 * s
            r0 = r0 if keep is None else xp.where(keep, r0, xp.zeros_like(r0))
            # D = X / div exactly (powers of two), so (r0 @ D)·div is Σ r x
            grad0 = np.append(to_host((r0 @ D) * div), float(xp.sum(r0)))
        D = D - mean_u
        resid = ones @ D
        m2 = ones @ (D * D)
    stats = _corrected(
        total, to_host(mean_u), to_host(resid), to_host(m2), unit, divisor, lo, hi
    )
    return replace(stats, grad0=grad0), total


def _sparse_extremes(X: Any, keep: Any | None) -> tuple[Any, Any]:
    """Column minima and maxima of a CuPy sparse block over the rows kept,
    implicit zeros included (a column with fewer stored values than rows)."""
    import cupy
    import cupyx

    p = X.shape[1]
    coo = X.tocoo()
    col, data = coo.col, coo.data.astype(cupy.float64)
    rows = X.shape[0]
    if keep is not None:
        mask = keep[coo.row]
        col, data, rows = col[mask], data[mask], int(keep.sum())
    lo = cupy.full(p, cupy.inf)
    hi = cupy.full(p, -cupy.inf)
    cupyx.scatter_min(lo, col, data)
    cupyx.scatter_max(hi, col, data)
    implicit = cupy.bincount(col, minlength=p) < rows
    lo = cupy.where(implicit, cupy.minimum(lo, 0.0), lo)
    hi = cupy.where(implicit, cupy.maximum(hi, 0.0), hi)
    return lo, hi


def _sparse_sums(
    X: Any, s: Any | None, div: Any, total: float, acc: Any
) -> tuple[Any, Any, Any]:
    """``(mean_u, Σ s d, Σ s d²)`` of a CuPy sparse block over its stored values,
    implicit zeros entering through counts (:mod:`logistic._moments`' sparse
    formulas, with ``cupy.bincount``)."""
    import cupy

    p = X.shape[1]
    coo = X.tocoo()
    col = coo.col
    d = coo.data.astype(acc) / div[col]
    sw = cupy.ones(d.shape[0], dtype=acc) if s is None else s[coo.row]
    mean_u = cupy.bincount(col, weights=sw * d, minlength=p) / total
    stored = cupy.bincount(col, weights=sw, minlength=p)
    implicit = cupy.maximum(total - stored, 0.0)
    d = d - mean_u[col]
    m2 = cupy.bincount(col, weights=sw * d * d, minlength=p) + implicit * mean_u**2
    resid = cupy.bincount(col, weights=sw * d, minlength=p) - implicit * mean_u
    return mean_u, resid, m2


def decision_logits(X: Any, w: np.ndarray, b: float, offset: Any | None = None) -> Any:
    """``z = X w + b (+ offset)`` in float64 on X's device (predictions).

    ``X @ w`` runs in X's dtype; when some logit is not finite (a float32
    product beyond its range) the product is redone in float64. A logit
    beyond the float64 range raises :class:`NumericalError` naming the row.
    """
    xp = namespace(X)
    acc = _acc(xp, X)
    with np.errstate(over="ignore", invalid="ignore"):
        b = float(b)
        z = xp.astype(_matvec(X, _coef(xp, X, w)), acc) + b
        if not bool(xp.all(xp.isfinite(z))) and X.dtype != acc:
            X64 = X.astype("float64") if is_sparse(X) else xp.astype(X, acc)
            z = _matvec(X64, _coef(xp, X64, w)) + b
        if offset is not None:
            z = z + xp.astype(offset, acc)
        bad = ~xp.isfinite(z)
        if bool(xp.any(bad)):
            i = int(xp.argmax(xp.astype(bad, xp.int32)))
            raise NumericalError(
                f"the logit z = X w + b of row {i} of X (0-based) is beyond the "
                f"float64 range (|z| > 1.8e308), so it has no probability; check X "
                f"for unit errors or corrupt values."
            )
    return z


def sigmoid(xp: Any, z: Any) -> Any:
    """``σ(z)`` without overflow: ``1/(1+t)`` for ``z ≥ 0``, ``t/(1+t)`` else."""
    t = xp.exp(-xp.abs(z))
    inv = 1 / (1 + t)
    return xp.where(z >= 0, inv, t * inv)
