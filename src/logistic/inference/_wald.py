"""Wald statistics of estimates with a covariance matrix: the coefficient table.

Convention (owned here): with ``V`` the covariance of the estimates ``β̂``,

* standard errors ``se_j = sqrt(V_jj)`` (a negative diagonal, which only
  rounding can produce, counts as 0);
* ``z_j = β̂_j / se_j`` (NaN where ``se_j = 0``);
* two-sided p-values ``2 Φ(-|z_j|)``;
* intervals ``β̂_j ± z_{1-α/2} se_j`` with ``z_{1-α/2}`` the standard normal
  quantile (1.959964 for 95 %), as R's ``confint.default``.

The normal tail and quantile are :mod:`._distributions`' (the values of
``scipy.stats.norm.sf`` and ``isf``, without importing scipy).

:class:`~logistic.inference.InferenceResults` reports these for a fit it
computed; :func:`wald_table` gives the same numbers for estimates and a
covariance stored elsewhere (e.g. in a model file).

Every such table leaves the library in one of two shapes, built here:
:meth:`WaldTable.row` (the CLI's JSON keys ``std_error``, ``z``, ``p_value``,
``ci_low``, ``ci_high``) and :func:`wald_frame` (a pandas DataFrame with
statsmodels' column names, ``[0.025`` and ``0.975]`` for the bounds).
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from .._exceptions import IntervalAlphaWarning, InvalidParameterError, warn
from .._typing import FloatArray
from ._distributions import normal_isf, normal_sf

__all__ = ["WaldTable", "wald_frame", "wald_table"]


class WaldTable(NamedTuple):
    """The Wald coefficient table of :func:`wald_table`.

    Attributes
    ----------
    params, bse, zvalues, pvalues : ndarray of shape (k,)
    conf_int : ndarray of shape (k, 2)
        Lower and upper bounds at level ``1 - alpha``.
    alpha : float
    """

    params: FloatArray
    bse: FloatArray
    zvalues: FloatArray
    pvalues: FloatArray
    conf_int: FloatArray
    alpha: float

    def row(self, i: int) -> dict[str, float]:
        """Row ``i``'s ``std_error``, ``z``, ``p_value``, ``ci_low`` and
        ``ci_high`` as floats (the keys of the CLI's JSON tables)."""
        return {
            "std_error": float(self.bse[i]),
            "z": float(self.zvalues[i]),
            "p_value": float(self.pvalues[i]),
            "ci_low": float(self.conf_int[i, 0]),
            "ci_high": float(self.conf_int[i, 1]),
        }


def wald_frame(
    table: WaldTable,
    index: Any,
    estimate: str = "coef",
    *,
    columns: tuple[str, ...] | None = None,
    index_name: str | None = None,
    caller: str = "to_dataframe()",
) -> Any:
    """``table`` as a pandas DataFrame indexed by ``index``.

    Columns ``estimate`` (the params), ``std err``, ``z``, ``P>|z|``,
    ``[α/2`` and ``1-α/2]`` (statsmodels' ``summary`` names), or the six
    ``columns`` given. pandas is optional: without it, an ImportError naming
    ``caller``.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is optional
        raise ImportError(f"{caller} needs pandas (pip install pandas)") from exc
    lo, hi = table.alpha / 2.0, 1.0 - table.alpha / 2.0
    names = columns or (estimate, "std err", "z", "P>|z|", f"[{lo:g}", f"{hi:g}]")
    values = (
        table.params,
        table.bse,
        table.zvalues,
        table.pvalues,
        table.conf_int[:, 0],
        table.conf_int[:, 1],
    )
    # a MultiIndex as given: pd.Index(list(...)) would drop its level names
    rows = (
        index
        if isinstance(index, pd.MultiIndex)
        else pd.Index(list(index), name=index_name)
    )
    return pd.DataFrame(dict(zip(names, values, strict=True)), index=rows)


def check_alpha(alpha: float) -> float:
    """``alpha`` as a float in (0, 1), else :class:`InvalidParameterError`.

    ``alpha`` is one minus the coverage (statsmodels' convention): above 0.5
    it asks for intervals that cover less than half, almost always a
    coverage passed as ``alpha`` (``alpha=0.95`` for 95 % intervals), so an
    :class:`~logistic.IntervalAlphaWarning` says so, pointing at the caller's
    line (once a line under Python's default filter, however deep the call)."""
    if isinstance(alpha, np.ndarray) and alpha.ndim == 0:
        alpha = alpha.item()
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
        raise InvalidParameterError(
            f"alpha must be a number in (0, 1), one minus the coverage; got "
            f"{alpha!r:.40} ({type(alpha).__name__})"
        )
    if not 0 < alpha < 1:
        raise InvalidParameterError(f"alpha must be in (0, 1); got {alpha!r}")
    if alpha > 0.5:
        warn(
            f"alpha={alpha!r} gives {100 * (1 - alpha):.3g}% intervals: alpha is one "
            f"minus the coverage (alpha=0.05 for 95% intervals)",
            IntervalAlphaWarning,
        )
    return float(alpha)


def wald_table(params: Any, cov: Any, alpha: float = 0.05) -> WaldTable:
    """Standard errors, z, p-values and ``1 - alpha`` intervals of ``params``.

    Parameters
    ----------
    params : array-like of shape (k,)
    cov : array-like of shape (k, k)
        Covariance matrix of ``params``.
    alpha : float, default=0.05
        ``1 - alpha`` coverage of the intervals.

    Returns
    -------
    WaldTable

    Examples
    --------
    >>> t = wald_table([1.0, -2.0], [[0.25, 0.0], [0.0, 1.0]])
    >>> t.bse.tolist(), t.zvalues.tolist()
    ([0.5, 1.0], [2.0, -2.0])
    """
    alpha = check_alpha(alpha)
    beta = np.asarray(params, dtype=np.float64).ravel()
    V = np.asarray(cov, dtype=np.float64)
    if V.shape != (beta.size, beta.size):
        raise InvalidParameterError(
            f"cov has shape {V.shape}; expected ({beta.size}, {beta.size})"
        )
    se = np.sqrt(np.clip(np.diag(V), 0.0, None))
    positive = se > 0
    z = np.full(beta.size, np.nan)
    z[positive] = beta[positive] / se[positive]
    p = 2.0 * normal_sf(np.abs(z))
    half = normal_isf(alpha / 2.0) * se
    ci = np.column_stack([beta - half, beta + half])
    return WaldTable(beta, se, z, p, ci, alpha)
