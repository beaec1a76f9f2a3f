"""The range limits of the column statistics, their spread from raw moments,
and the usual end of a dense block's first sweep in a few numpy calls.

:func:`logistic._moments._compiled_dense_stats` turns the first sweep's
``lo``, ``hi``, ``Σ s x`` and ``Σ s x²`` into the block's statistics. In the
usual case (every column's ``max|x|`` inside ``(SAFE_LOW, SAFE_HIGH)``, so
no column is rescaled and every unit is 1, and every column near-centred)
:func:`unscaled_raw_moments` does that in a handful of calls on the p-sized
arrays where the general rule (:func:`logistic._moments._units`, the divisor
test, :func:`logistic._moments._from_raw_moments`) makes about twenty, which
in a process's first full-size fit run unspecialized. The values are the
same, by the same operations; where its tests fail it answers None and the
caller takes the general rule, which then decides.
"""

from __future__ import annotations

import numpy as np

from ._typing import FloatArray

__all__ = [
    "RAW_MOMENT_MAX_CANCELLATION",
    "SAFE_HIGH",
    "SAFE_LOW",
    "_from_raw_moments",
    "unscaled_raw_moments",
]

#: Columns with ``max|x|`` in ``(SAFE_LOW, SAFE_HIGH)`` are summed unscaled.
SAFE_LOW, SAFE_HIGH = 2.0**-400, 2.0**400
#: A sparse block's spread comes from its raw second moment ``Σ s x²`` (one
#: sweep over the stored values) when, in every column, ``Σ s x²`` is at most
#: this many times the centred sum ``m2``; otherwise from the centred second
#: sweep. The subtraction ``Σ s x² - (Σ s x)²/Σ s`` loses about log2 of that
#: ratio in bits (10 of 53), far below the 20 bits the standardized view keeps
#: of a scale (:data:`logistic._scaling.SCALE_BITS`).
RAW_MOMENT_MAX_CANCELLATION = 2.0**10


def _from_raw_moments(
    total: float, s1: FloatArray, sq: FloatArray
) -> FloatArray | None:
    """``m2 = Σ s x² - (Σ s x)² / Σ s`` of every column, or None when some
    column would lose more than :data:`RAW_MOMENT_MAX_CANCELLATION` in the
    subtraction (a column far from centred: the centred sweep is needed).

    Implicit zeros of a sparse column add nothing to ``Σ s x`` or ``Σ s x²``,
    so the stored values give the moments of the whole column.
    """
    m2 = sq - s1 * s1 / total
    ok = np.isfinite(m2) & ((sq == 0) | (m2 * RAW_MOMENT_MAX_CANCELLATION >= sq))
    return m2 if bool(np.all(ok)) else None


def unscaled_raw_moments(
    total: float, lo: FloatArray, hi: FloatArray, s1: FloatArray, sq: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """``(unit, m2)`` of the columns when every unit is 1 and
    ``m2 = Σ s x² - (Σ s x)² / Σ s`` suffices, else None (``total = Σ s``,
    ``s1 = Σ s x``, ``sq = Σ s x²``).

    ``max(-lo, hi)`` is ``max(|lo|, |hi|)`` where ``lo ≤ hi``; a NaN in
    either propagates and fails the range test, as does a column of zeros
    (``max|x| = 0``; the general rule accepts it); a non-finite ``m2`` fails
    the last test (the general rule rejects it)."""
    amax = np.maximum(-lo, hi)
    if not (amax.min() > SAFE_LOW and amax.max() < SAFE_HIGH):
        return None
    m2 = sq - s1 * s1 / total
    ok = m2 * RAW_MOMENT_MAX_CANCELLATION >= sq
    if not (bool(ok.all()) and bool(np.isfinite(m2).all())):
        return None
    return np.ones(lo.shape), m2
