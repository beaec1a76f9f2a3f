"""The quasi-separated design of the separation-stop tests.

150 sparse rows × 100 columns (density 0.02) with random labels, 30 of them
repeated with the other label: points seen with both classes lie on every
separating direction's boundary, so the data are quasi-completely separated
and the maximum-likelihood estimate does not exist (Albert & Anderson 1984).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def quasi_separated(extra_rows: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """The design (CSR) and its labels; ``extra_rows`` = 2 appends a row of
    ones under each label (no single column then separates, only the linear
    program finds the separation)."""
    rng = np.random.default_rng(0)
    X = sp.random(150, 100, density=0.02, random_state=0, format="csr")
    y = (rng.random(150) < 0.3).astype(int)
    blocks = [X, X[:30]]
    labels = [y, 1 - y[:30]]
    if extra_rows:
        blocks.append(sp.csr_matrix(np.ones((2, 100))))
        labels.append(np.array([0, 1]))
    return sp.vstack(blocks, format="csr"), np.concatenate(labels)
