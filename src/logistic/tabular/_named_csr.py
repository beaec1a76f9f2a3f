"""The CSR matrix class that carries a formula's feature names
(:func:`._named.named_csr`).

A class of its own module, not one made inside a function, so that the
matrix pickles by reference to it (``multiprocessing``, a
``ProcessPoolExecutor``, joblib's workers) as a scipy matrix does; the
module imports scipy.sparse, so :mod:`._named` imports it only when a sparse
design is named.
"""

from __future__ import annotations

import scipy.sparse as sp

__all__ = ["NamedCSR"]


class NamedCSR(sp.csr_matrix):
    """A CSR matrix whose ``columns`` are the feature names (None unless set:
    the matrices scipy derives from it)."""

    columns: tuple[str, ...] | None = None
