"""Whether an object is a scipy sparse matrix or array, without importing scipy.

``import scipy.sparse`` costs ≈ 0.1–0.3 s (it pulls in scipy's array-API
layer). An object can only be a scipy sparse matrix if its class was defined,
i.e. if ``scipy.sparse`` is already in ``sys.modules``; otherwise the answer
is ``False`` without any import. Modules that import ``scipy.sparse`` only to
ask this call :func:`issparse` here and import ``scipy.sparse`` inside the
functions that build sparse matrices. A leaf: imports the standard library
only.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["issparse"]


def issparse(x: Any) -> bool:
    """``scipy.sparse.issparse(x)``, without importing scipy.sparse."""
    sp = sys.modules.get("scipy.sparse")
    return sp is not None and bool(sp.issparse(x))
