"""Array-API backend: PyTorch tensors, CuPy arrays (dense or CSR) and any
array-API array, reduced where they live (a GPU, or the CPU).

Convention (owned here): the data stay on their device. ``X`` is never copied
to the host; value, gradient, Hessian and Hessian-vector partial sums run in
the array library's own operations (:mod:`logistic._kernels_xp`, the same
formulas as :mod:`logistic._kernels`), and only p-sized vectors, p×p
matrices and scalars cross to the host: once a pass, after the blocks' partial
sums have been added on the device. The solvers work on the host in float64,
as for every backend.

* Rows are cut into blocks of at most ``block_bytes`` (default 1 GiB) of X,
  which bounds the block-sized temporaries of a Hessian (``X ⊙ √d``) and of
  the column statistics (float64); a 10M × 100 float32 X is 4 blocks. Sums
  are added in block order (deterministic).
* float32 is first class (the GPU's fast path): elementwise work and matrix
  products in float32, sums in float64. Integer or boolean X is converted to
  float64 on its device; float32 and float64 are kept.
* Labels, sample weights (times class weights) and offsets are checked on the
  host by :mod:`logistic._validation` and :mod:`logistic._labels` (one copy of
  these n-vectors, once per fit) and put back on X's device: labels in X's
  dtype, weights and offsets in float64.
* Sparse X: CuPy CSR (``cupyx.scipy.sparse.csr_matrix``, one block); other
  CuPy formats are converted to CSR; sparse PyTorch tensors are refused with
  a message naming what is supported.
* The backend offers reductions only (no ``rows()``/``blocks()``), like Dask:
  the separation check reports "unchecked", and ``sgd`` and Firth (which need
  the rows on the host) are refused by the estimator.

``array_api_compat`` (and torch, cupy) are imported when such an array is
first seen, never by ``import logistic``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np

from .. import _kernels_xp as kx
from .._exceptions import DataValidationError, InvalidParameterError
from .._labels import check_y_classes
from .._multiclass import binary_only
from .._typing import BackendCapabilities, Block
from .._validation import check_shape, check_vector, combined_weights
from ._reduce import tree_sum

__all__ = [
    "ArrayAPI",
    "decision_function",
    "host_array",
    "label_dtype",
    "predict",
    "predict_log_proba",
    "predict_proba",
    "require",
]

T = TypeVar("T")

#: Largest block of X (bytes): bounds the Hessian's block-sized temporary.
DEFAULT_BLOCK_BYTES = 2**30

_EXTRAS = {"torch": "torch", "cupy": "cupy", "cupyx": "cupy"}


def require(module: str) -> Any:
    """Import an optional array library, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        extra = _EXTRAS.get(module.split(".")[0], module)
        raise ImportError(
            f"{module} is needed for arrays on a GPU but is not installed; install "
            f"it with pip install 'logistic[{extra}]' (for CUDA, the {extra} build "
            f"matching your CUDA version)"
        ) from None


def _namespace(X: Any) -> Any:
    try:
        import array_api_compat  # noqa: F401
    except ImportError:
        raise ImportError(
            f"X is a {type(X).__module__}.{type(X).__name__}: fitting array-API "
            f"arrays needs array-api-compat; pip install 'logistic[torch]' or "
            f"'logistic[cupy]'"
        ) from None
    return kx.namespace(X)


def _check_sparse(X: Any) -> Any:
    """CuPy CSR as is, other CuPy sparse formats as CSR; torch sparse refused."""
    if kx.is_sparse(X):
        return X if X.format == "csr" else X.tocsr()
    layout = str(getattr(X, "layout", "torch.strided"))
    if type(X).__module__.split(".")[0] == "torch" and layout != "torch.strided":
        raise InvalidParameterError(
            f"X is a sparse torch tensor ({layout}), which is not supported; sparse "
            f"X on a GPU must be a CuPy CSR matrix (cupyx.scipy.sparse.csr_matrix), "
            f"or pass X.to_dense()"
        )
    return X


def _detached(X: Any) -> Any:
    """A torch tensor that records gradients (``requires_grad``) as a view
    that does not: the fit and its predictions need no autograd graph, and
    ``torch.asarray`` of such a tensor warns that it keeps one."""
    if getattr(X, "requires_grad", False) and hasattr(X, "detach"):
        return X.detach()
    return X


def check_device_X(X: Any, estimator: str = "LogisticRegression") -> Any:
    """A 2-D, finite, real array-API X of at least one row and one column on its
    device, as :func:`logistic._validation.check_X` requires of numpy X (ints
    become float64; a torch tensor that records gradients detached from its
    graph)."""
    X = _check_sparse(_detached(X))
    xp = _namespace(X)
    if len(X.shape) != 2:
        raise DataValidationError(
            f"Expected a 2D array for X of {estimator}, got an array of shape "
            f"{tuple(X.shape)}; reshape a single feature with X.reshape(-1, 1)"
        )
    check_shape(tuple(X.shape), estimator)
    if kx.is_sparse(X):
        if np.dtype(X.dtype).kind == "c":  # astype would drop the imaginary part
            raise DataValidationError(
                f"Complex data not supported: X has a complex dtype ({X.dtype})"
            )
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        values = X.data
    else:
        if xp.isdtype(X.dtype, "complex floating"):  # astype would drop it too
            raise DataValidationError(
                f"Complex data not supported: X has a complex dtype ({X.dtype})"
            )
        if X.dtype not in (xp.float32, xp.float64):
            X = xp.astype(X, xp.float64)
        values = X
    finite = xp.isfinite(values)
    if not bool(xp.all(finite)):
        if kx.is_sparse(X):
            where = "a stored value"
        else:
            bad = ~xp.all(finite, axis=1)
            where = f"row {int(xp.argmax(xp.astype(bad, xp.int32)))} (0-based)"
        raise DataValidationError(
            f"Input X of {estimator} contains NaN or infinity (first at {where})."
        )
    return X


class ArrayAPI:
    """Data on an array-API device; implements :class:`logistic._typing.Backend`.

    Parameters
    ----------
    X : array-API array of shape (n_samples, n_features) or CuPy CSR matrix
        float32 or float64, validated (:func:`check_device_X`). Not copied.
    y : array of shape (n_samples,) on X's device, in {0, 1}, X's dtype
    sample_weight, offset : arrays of shape (n_samples,) on X's device or None
    classes : ndarray of shape (2,) or None
    block_bytes : int
        Largest row block of X in bytes.
    """

    capabilities = BackendCapabilities(device_blocks=True)

    def __init__(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
        *,
        classes: Any = None,
        feature_names: Any = None,
        block_bytes: int = DEFAULT_BLOCK_BYTES,
    ) -> None:
        self.X, self.y = X, y
        self.sample_weight, self.offset = sample_weight, offset
        self.xp = kx.namespace(X)
        self.device = kx.device_of(X)
        self.classes_ = np.array([0, 1]) if classes is None else np.asarray(classes)
        self.feature_names = None if feature_names is None else list(feature_names)
        self.n_samples, self.n_features = (int(s) for s in X.shape)
        f32 = np.float32 if kx.is_sparse(X) else self.xp.float32
        single = X.dtype == f32
        self.dtype = np.dtype(np.float32 if single else np.float64)
        self.nnz: int | None = int(X.nnz) if kx.is_sparse(X) else None
        row_bytes = max(1, self.n_features * self.dtype.itemsize)
        rows = max(1, int(block_bytes) // row_bytes)
        self.block_rows = self.n_samples if self.nnz is not None else rows
        self._fingerprint: str | None = None

    @classmethod
    def from_arrays(
        cls,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
        *,
        class_weight: Any = None,
        estimator: str = "LogisticRegression",
        block_bytes: int = DEFAULT_BLOCK_BYTES,
    ) -> ArrayAPI:
        """Validated data (as ``fit`` validates in-memory data) on X's device."""
        X = check_device_X(X, estimator)
        xp, dev = kx.namespace(X), kx.device_of(X)
        n = int(X.shape[0])
        classes, y01 = check_y_classes(host_array(y), n)
        if len(classes) > 2:
            raise binary_only(
                "torch, CuPy and other array-API arrays",
                "convert X and y to numpy arrays (X.cpu().numpy() for a torch "
                "tensor, X.get() for CuPy), whose fit is multinomial; predict "
                "then accepts torch and CuPy arrays (docs/gpu.md)",
            )
        sw = combined_weights(host_array(sample_weight), class_weight, classes, y01)
        off = None if offset is None else check_vector(host_array(offset), n, "offset")
        acc = kx.accumulation_dtype(xp, dev, X.dtype)
        return cls(
            X,
            kx.to_device(y01, xp, dev, X.dtype),
            None if sw is None else kx.to_device(sw, xp, dev, acc),
            None if off is None else kx.to_device(off, xp, dev, acc),
            classes=classes,
            block_bytes=block_bytes,
        )

    def _block(self, start: int, stop: int) -> Block:
        def rows(v: Any) -> Any:
            if v is None or (start == 0 and stop == self.n_samples):
                return v
            return v[start:stop, ...]

        return Block(
            rows(self.X), rows(self.y), rows(self.sample_weight), rows(self.offset)
        )

    def _blocks(self) -> Iterator[Block]:
        n, step = self.n_samples, self.block_rows
        for start in range(0, max(n, 1), step):
            yield self._block(start, min(start + step, n))

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        """Sum ``fn(block)`` over the blocks on the device, in block order, then
        move the total to the host (one transfer a pass)."""
        total = tree_sum(fn(block) for block in self._blocks())
        return kx.to_host(total)  # type: ignore[no-any-return]

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T:
        raise NotImplementedError("ArrayAPI does not declare block_index")

    def blocks(self) -> Iterator[Block]:
        raise NotImplementedError("ArrayAPI does not declare blocks")

    def rows(self) -> Block:
        raise NotImplementedError("ArrayAPI does not declare rows_in_memory")

    @property
    def fingerprint(self) -> str:
        """Content hash of X, y, weights and offsets, block by block on the host
        (copies one block at a time; computed once, for checkpoints only)."""
        if self._fingerprint is None:
            h = hashlib.blake2b(digest_size=16)
            for block in self._blocks():
                X = block.X
                parts = [X.data, X.indices, X.indptr] if kx.is_sparse(X) else [X]
                for v in (*parts, block.y, block.sample_weight, block.offset):
                    h.update(b"-" if v is None else kx.to_numpy(v).tobytes())
            self._fingerprint = h.hexdigest()
        return self._fingerprint


# -- prediction on the device -------------------------------------------------------
def decision_function(
    X: Any,
    coef: np.ndarray,
    intercept: float,
    offset: Any = None,
    *,
    n_features: int,
    estimator: str = "LogisticRegression",
) -> Any:
    """Logits ``X w + b (+ offset)`` as a float64 array on X's device."""
    X = check_device_X(X, estimator)
    if X.shape[1] != n_features:
        raise DataValidationError(
            f"X has {X.shape[1]} features, but {estimator} is expecting "
            f"{n_features} features as input."
        )
    off = None
    if offset is not None:
        xp, dev = kx.namespace(X), kx.device_of(X)
        v = check_vector(host_array(offset), int(X.shape[0]), "offset")
        off = kx.to_device(v, xp, dev, kx.accumulation_dtype(xp, dev, X.dtype))
    return kx.decision_logits(X, np.asarray(coef, dtype=np.float64), intercept, off)


def predict_proba(z: Any) -> Any:
    """Columns ``[σ(-z), σ(z)]`` of device logits, on their device."""
    xp = kx.namespace(z)
    return xp.stack([kx.sigmoid(xp, -z), kx.sigmoid(xp, z)], axis=1)


def predict_log_proba(z: Any) -> Any:
    """Columns ``[log σ(-z), log σ(z)]`` of device logits, on their device:
    ``log σ(z) = -(max(-z, 0) + log1p(e^{-|z|}))``, finite for every finite z."""
    xp = kx.namespace(z)
    t = xp.log1p(xp.exp(-xp.abs(z)))
    zero = xp.zeros_like(z)
    return xp.stack([-(xp.maximum(z, zero) + t), -(xp.maximum(-z, zero) + t)], axis=1)


def host_array(v: Any) -> Any:
    """``v`` as a numpy array when it is a dense device array, else ``v``
    unchanged (a sparse torch tensor is left to the 1-D checks to refuse by
    name: :func:`logistic._missing_values.refuse_sparse`)."""
    if str(getattr(v, "layout", "torch.strided")) != "torch.strided":
        return v
    return kx.to_numpy(v) if kx.is_device_array(v) else v


def label_dtype(xp: Any, dtype: np.dtype) -> Any:
    """The dtype of namespace ``xp`` for numeric or boolean labels of numpy
    ``dtype``: the same (bool, int32, float32, ...) where ``xp`` has it, else
    float64 or int64."""
    same = getattr(xp, dtype.name, None)
    if same is not None:
        return same
    return xp.float64 if dtype.kind == "f" else xp.int64


def predict(z: Any, classes: np.ndarray) -> Any:
    """``classes[1]`` where ``z > 0``, else ``classes[0]``: on z's device for
    numeric and boolean labels, in ``classes``' dtype where the namespace has
    it (as numpy's ``predict`` returns them), a numpy array for other labels
    (strings)."""
    if classes.dtype.kind not in "biuf":
        return classes[(kx.to_numpy(z) > 0).astype(np.intp)]
    xp, dev = kx.namespace(z), kx.device_of(z)
    c = kx.to_device(classes, xp, dev, label_dtype(xp, classes.dtype))
    return xp.where(z > 0, c[1], c[0])
