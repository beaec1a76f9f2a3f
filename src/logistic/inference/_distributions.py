"""Tail probabilities and quantiles of the normal and χ² distributions.

Convention (owned here): the values of ``scipy.stats.norm.sf`` / ``isf`` and
``scipy.stats.chi2.sf``, computed without importing scipy where a closed form
exists, because ``import scipy.special`` (or ``scipy.stats``) costs ≈ 0.3 s,
more than a whole small fit and its summary:

* ``normal_sf(x) = P(Z > x) = ½ erfc(x / √2)`` (``math.erfc``, one value at a
  time: meant for a table's few p-values);
* ``normal_isf(q)``, the ``x`` with ``P(Z > x) = q``, by
  :class:`statistics.NormalDist` (Wichura's AS 241, ≈ 1e-16 relative);
* ``chi2_sf(x, df) = Q(df/2, x/2)``, the regularized upper incomplete gamma
  function: for whole ``df`` up to :data:`CHI2_CLOSED_MAX` by its finite sums
  (even ``df``: ``e^{-h} Σ_{j<df/2} h^j / j!``; odd ``df``: ``erfc(√h) +
  e^{-h} Σ_{j≤(df-3)/2} h^{j+½} / Γ(j+3/2)``, with ``h = x/2``; every term
  positive, evaluated in logs so nothing overflows), otherwise by
  ``scipy.special.chdtrc`` (the function ``chi2.sf`` calls). ``chi2.sf``'s
  domain handling is kept: ``x < 0`` gives 1, ``df ≤ 0`` gives nan, nan stays
  nan.

These agree with scipy to a few ulp for the normal and to ≈ 1e-14 relative
for the χ² sums (tests/test_distributions.py).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = ["CHI2_CLOSED_MAX", "chi2_sf", "normal_isf", "normal_sf"]

#: Whole degrees of freedom up to this many take the finite sums (at most
#: 500 terms a value); larger or fractional ones take scipy's ``chdtrc``.
CHI2_CLOSED_MAX = 1000

_SQRT2 = math.sqrt(2.0)


def normal_sf(x: Any) -> Any:
    """``P(Z > x)`` for a standard normal Z, elementwise (float64; nan stays nan)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.frompyfunc(lambda v: 0.5 * math.erfc(v / _SQRT2), 1, 1)(x)
    return np.asarray(out, dtype=np.float64)[()]


def normal_isf(q: float) -> float:
    """The ``x`` with ``P(Z > x) = q`` for ``0 < q < 1``
    (``scipy.stats.norm.isf``; e.g. 1.959964 for q = 0.025)."""
    return -NormalDist().inv_cdf(float(q))


def _chi2_sf_whole(x: float, k: int) -> float:
    """``P(χ²(k) > x)`` for a whole ``k ≥ 1`` and ``x ≥ 0`` by the finite sums."""
    if x == 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    h = 0.5 * x
    log_h = math.log(h)
    if k % 2 == 0:
        return math.fsum(
            math.exp(-h + j * log_h - math.lgamma(j + 1.0)) for j in range(k // 2)
        )
    tail = math.fsum(
        math.exp(-h + (j + 0.5) * log_h - math.lgamma(j + 1.5))
        for j in range((k - 1) // 2)
    )
    return math.erfc(math.sqrt(h)) + tail


def _chi2_sf_one(x: float, df: float) -> float:
    if math.isnan(x) or math.isnan(df) or df <= 0:
        return math.nan
    k = int(df) if df == int(df) and df <= CHI2_CLOSED_MAX else 0
    if k:
        return min(1.0, _chi2_sf_whole(max(x, 0.0), k))
    from scipy.special import chdtrc  # ≈ 0.3 s: only fractional or large df

    return float(chdtrc(df, max(x, 0.0)))


def chi2_sf(x: Any, df: Any) -> Any:
    """``P(χ²(df) > x)``, the values of ``scipy.stats.chi2.sf``, elementwise."""
    x = np.asarray(x, dtype=np.float64)
    df = np.asarray(df, dtype=np.float64)
    out = np.frompyfunc(_chi2_sf_one, 2, 1)(x, df)
    return np.asarray(out, dtype=np.float64)[()]
