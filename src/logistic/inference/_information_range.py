"""What an information matrix cannot tell because of where the values of X lie.

Two causes that the covariance's rank checks would otherwise word as
collinearity or "no information" (:func:`._covariance.invert_information`):

* **Scale** (:func:`scale_problem`): a column whose squares overflow float64
  (values beyond ~1e154) has information ``inf``; one whose squares are within
  a factor 2^52 of float64's smallest normal number (values below ~1e-146)
  can have subnormal information, which has lost its digits. Such a column
  carries information; in other units the same data give standard errors.
* **Columns far from 0** (:func:`far_from_zero_note`): a column whose mean is
  over :data:`logistic._numerics.FAR_FROM_CENTRE` times its spread is nearly
  a multiple of the intercept column; the information, summed about 0,
  keeps only about ``ε / rcond`` of relative precision.

Both return words, not errors, so that the covariance module raises them.
"""

from __future__ import annotations

import numpy as np

from .._messages import name_list
from .._typing import FloatArray

__all__ = ["SUBNORMAL_REACH", "far_from_zero_note", "scale_problem"]

#: A column whose values' root mean square is below this (the square root of
#: float64's smallest normal number times 2^52) can have subnormal information.
SUBNORMAL_REACH = float(np.sqrt(np.finfo(np.float64).tiny * 2.0**52))
_TINY = float(np.finfo(np.float64).tiny)


def scale_problem(
    rms: FloatArray | None, diag: FloatArray, names: list[str]
) -> tuple[str, list[str]] | None:
    """``(message, columns)`` naming the parameters whose information is beyond
    float64's range, or None.

    Overflow: a diagonal entry not finite. Underflow: a diagonal entry below
    float64's smallest normal number where the column's values, not all
    zeros, have a root mean square ``rms`` below :data:`SUBNORMAL_REACH` (a
    column of ordinary values whose information is that small carries none:
    every fitted probability of its rows is 0 or 1; a column of zeros has
    none either: the rank checks name both). Without ``rms`` (the
    multinomial's summed blocks) only overflow is told apart."""
    d = np.asarray(diag, dtype=np.float64)
    big_mask = ~np.isfinite(d)
    small_mask = np.zeros(d.shape, dtype=bool)
    if rms is not None:
        r = np.asarray(rms, dtype=np.float64)
        small_mask = (r > 0) & (r < SUBNORMAL_REACH) & ~(d >= _TINY)
    big = [names[j] for j in np.flatnonzero(big_mask)]
    small = [names[j] for j in np.flatnonzero(small_mask & ~big_mask)]
    if not big and not small:
        return None

    def hold(cols: list[str], what: str) -> str:
        verb = "holds" if len(cols) == 1 else "hold"
        return f"{name_list(cols)} {verb} values whose squares {what}"

    parts = []
    if big:
        parts.append(hold(big, "overflow float64 (beyond ~1e154)"))
    if small:
        tiny = "are too small for float64's precision (below ~1e-146)"
        parts.append(hold(small, tiny))
    message = (
        f"{' and '.join(parts)}: the information matrix cannot be formed in these "
        "units, so standard errors cannot be computed. Rescale those columns (e.g. "
        "divide or multiply by a power of ten; a coefficient scales inversely) and "
        "fit again."
    )
    return message, big + small


def far_from_zero_note(
    involved: list[str], far: dict[str, float], rcond: float
) -> str:
    """The cause and the remedy of a near collinearity that only columns far
    from 0 (``far``: name → mean over spread) and the intercept take part in,
    or "".

    Such a column's values lie at ``mean ± spread`` with ``mean ≫ spread``, so
    its information is nearly a multiple of the intercept's: the intercept
    (the logit where the column is 0, far outside the data) is poorly
    determined, and the information, summed about 0, keeps only about
    ``ε / rcond`` of relative precision, which every standard error inverted
    from it carries (a slope's standard error off by 1e-3 to 5e-3 at a mean
    2e6 times the spread on 500 rows, against statsmodels on the centred
    rows, where ``ε / rcond`` is 5e-3). Subtracting a value near the mean
    changes the intercept alone.
    """
    cols = [c for c in involved if c in far]
    if not cols or len(involved) > len(cols) + 1:
        return ""
    ratio = max(far[c] for c in cols)
    error = float(np.finfo(np.float64).eps) / max(rcond, 1e-300)
    return (
        f" The values of {name_list(cols)} lie far from 0 (a mean {ratio:.2g} times "
        "the spread): the intercept, the logit where they are 0, lies far outside "
        "the data, and the information summed about 0 leaves every standard error "
        f"with rounding of about {min(error, 1.0):.1g} of its value. Subtract a "
        "value near the mean of each such column (its coefficient stays the same) "
        "for precise standard errors."
    )
