"""Residuals and influence of the training rows (statsmodels' ``GLMInfluence``).

Conventions (owned here), with ``μ = σ(z)``, ``w = σ(z) σ(-z)`` at the fitted
coefficients, ``s`` the frequency weights (1 without), ``x̃ = [x, 1]``, ``I``
the Fisher information and ``k`` the number of parameters:

* residuals, per row and **not** multiplied by the weight (statsmodels'
  GLM with ``freq_weights``): response ``y - μ``; Pearson
  ``(y - μ)/sqrt(w) = y e^{-z/2} - (1 - y) e^{z/2}`` (no cancellation at
  extreme logits); deviance ``sign(y - μ) sqrt(2 [y log(y/μ) + (1-y)
  log((1-y)/(1-μ))])``, from the stable loss;
* leverage (hat value) ``h = s w x̃ᵀ I⁻¹ x̃``; studentized residual
  ``r_P / sqrt(1 - h)``; Cook's distance ``r_stud² h / ((1 - h) k)`` with
  the p-value of ``F(k, df_resid)`` (statsmodels returns both as
  ``cooks_distance``); ``d_params`` ``Δθ_i = I⁻¹ x̃ sqrt(s) (y - μ) / (1 - h)``,
  the one-step change of the estimates when row i is left out for ``s = 1``
  (statsmodels' ``freq_weights`` scaling otherwise: leaving out the row and
  its weight ``s`` changes them by ``sqrt(s) Δθ_i``, its Cook's distance is
  ``s`` times the one here);
  ``dfbetas = Δθ / bse`` with the results' ``bse`` (its ``cov_type``);
  ``dffits_internal = x̃ᵀΔθ / se(z)`` with ``se(z)`` from the results'
  covariance. ``I⁻¹`` is the model-based covariance whatever the
  ``cov_type``, as statsmodels. All match ``GLM(y, X, Binomial(),
  freq_weights=s).fit().get_influence()``.
* Rows: every quantity is row-wise given the covariance and read block by
  block from any backend whose blocks can be iterated (arrays in memory,
  :class:`logistic.backends.Chunked`); a backend that can only reduce (Dask)
  is refused (:func:`._prediction_interval.row_blocks`). Row numbers are
  0-based positions in the training rows, in the backend's order.
  :meth:`Influence.summary_frame` is indexed by the training rows' labels
  where ``inference`` was given a pandas DataFrame (its index, as
  statsmodels' ``GLMInfluence.summary_frame`` keeps the data's row labels,
  so that it joins back onto the data by label), else 0…n-1
  (:func:`logistic._frame_array.row_labels`).
* Grouped binomial fits (``trials=``) are refused: their inference holds no
  rows (the statistics kept at fit), and statsmodels' residuals of
  ``[successes, failures]`` are on the count scale.
* Arrays are plain ndarrays of shape (n_rows,) (``dfbetas``: (n_rows, k), columns
  in display order, intercept first); :meth:`Influence.summary_frame` and
  :meth:`Influence.most_influential` are pandas DataFrames (dicts of arrays
  without pandas); ``most_influential`` is indexed 0…n-1 by rank.
* :meth:`Influence.most_influential` ``(n=10, by="cooks_distance")`` gives the
  ``n`` rows with the largest ``|measure|`` (``by`` one of
  :data:`INFLUENCE_MEASURES`), largest first, with their 0-based ``row``
  numbers and the columns ``cooks_d``, ``hat_diag``, ``standard_resid``,
  ``dffits_internal``, ``resid_pearson``, ``resid_deviance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import fdtrc

from .. import _math
from .._exceptions import InvalidParameterError
from .._typing import FloatArray
from ._passes import _xlogx
from ._prediction_interval import (
    block_linpred,
    dense64,
    frame_or_dict,
    row_blocks,
    row_chunks,
    row_quadratic,
)

__all__ = ["INFLUENCE_MEASURES", "Influence", "RowResiduals", "row_residuals"]

F64 = np.float64

#: What :meth:`Influence.most_influential` ranks by, and its column.
INFLUENCE_MEASURES = {
    "cooks_distance": "cooks_d",
    "hat_matrix_diag": "hat_diag",
    "resid_studentized": "standard_resid",
    "dffits": "dffits_internal",
}


@dataclass(frozen=True)
class RowResiduals:
    """Per-row quantities at the fitted coefficients (one pass over the rows).

    Attributes
    ----------
    y, z, s : ndarray of shape (n_rows,)
        Label (or proportion), logit, frequency weight (ones without).
    q : ndarray of shape (n_rows,)
        ``x̃ᵀ I⁻¹ x̃`` (model-based covariance).
    q_results : ndarray of shape (n_rows,)
        ``x̃ᵀ V x̃`` with the results' covariance (``q`` when nonrobust).
    """

    y: FloatArray
    z: FloatArray
    s: FloatArray
    q: FloatArray
    q_results: FloatArray

    @property
    def response(self) -> FloatArray:
        """``y - μ`` as ``y σ(-z) - (1 - y) σ(z)`` (exact at both ends)."""
        y, z = self.y, self.z
        return y * _math.sigmoid(-z) - (1.0 - y) * _math.sigmoid(z)

    @property
    def pearson(self) -> FloatArray:
        """``(y - μ) / sqrt(μ (1 - μ)) = y e^{-z/2} - (1 - y) e^{z/2}``.

        A term whose label weight is 0 is 0, not computed: a row fitted beyond
        ``|z| = 1419`` on its label's side (a separated fit) has the other
        term's ``e^{|z|/2}`` overflow, and ``0 · inf`` would make its residual,
        which is ``e^{-|z|/2}`` (0 in float64), NaN."""
        y, half = self.y, 0.5 * self.z
        up, down = np.zeros_like(half), np.zeros_like(half)
        with np.errstate(over="ignore"):
            np.multiply(y, np.exp(-half), out=up, where=y != 0.0)
            np.multiply(1.0 - y, np.exp(half), out=down, where=y != 1.0)
        return up - down

    @property
    def deviance(self) -> FloatArray:
        """``sign(y - μ) sqrt(2 (L(y, z) + y log y + (1-y) log(1-y)))``."""
        y = self.y
        unit = 2.0 * (_math.loss(y, self.z) + _xlogx(y) + _xlogx(1.0 - y))
        return np.sign(self.response) * np.sqrt(np.maximum(unit, 0.0))


def row_residuals(
    backend: Any,
    theta: FloatArray,
    cov: FloatArray,
    cov_results: FloatArray,
    fit_intercept: bool,
    what: str,
    centred: tuple[Any, Any] = (None, None),
) -> RowResiduals:
    """:class:`RowResiduals` of every row of ``backend`` (one pass, by blocks);
    ``centred`` the two covariances in a Firth fit's centred coordinates
    (:class:`._prediction_interval.CentredCovariance`), where the forms are
    computed, or None each."""
    parts: list[tuple[FloatArray, ...]] = []
    same = cov_results is cov
    c, c_results = centred
    for block in row_blocks(backend, what):
        X = sp.csr_matrix(block.X) if sp.issparse(block.X) else block.X
        n = X.shape[0]
        z, q, qr = np.empty(n), np.empty(n), np.empty(n)
        off = None if block.offset is None else np.asarray(block.offset, dtype=F64)
        for rows in row_chunks(n, cov.shape[0]):
            Xr = dense64(X[rows])
            z[rows] = block_linpred(Xr, theta, fit_intercept, _at(off, rows))
            q[rows] = row_quadratic(Xr, cov, fit_intercept, c)
            qr[rows] = (
                q[rows]
                if same
                else row_quadratic(Xr, cov_results, fit_intercept, c_results)
            )
        s = np.ones(n) if block.sample_weight is None else block.sample_weight
        parts.append((np.asarray(block.y, dtype=F64), z, np.asarray(s, F64), q, qr))
    if not parts:
        empty = np.empty(0)
        return RowResiduals(empty, empty, empty, empty, empty)
    y, z, s, q, qr = (np.concatenate(c) for c in zip(*parts, strict=True))
    return RowResiduals(y, z, s, q, qr)


def _at(v: FloatArray | None, rows: slice) -> FloatArray | None:
    return None if v is None else v[rows]


class Influence:
    """Influence and outlier measures of the training rows.

    Built by :meth:`InferenceResults.get_influence`; names follow
    statsmodels' ``GLMInfluence``. See the module docstring for formulas.

    Attributes
    ----------
    hat_matrix_diag, resid_studentized : ndarray of shape (n_rows,)
    cooks_distance : tuple of two ndarrays of shape (n_rows,)
        Cook's distance and its ``F(k, df_resid)`` p-value (statsmodels).
    d_params, dfbetas : ndarray of shape (n_rows, k)
        Display order (intercept first).
    dffits_internal : ndarray of shape (n_rows,)
    k_vars : int
    rank : int
        The parameters not aliased (Cook's distance's k).
    index : pandas Index or None
        Row labels of the training DataFrame (:meth:`summary_frame`'s index).
    """

    def __init__(
        self,
        rows: RowResiduals,
        *,
        backend: Any,
        theta: FloatArray,
        cov: FloatArray,
        bse: FloatArray,
        centred: Any = None,
        fit_intercept: bool,
        perm: np.ndarray,
        term_names: list[str],
        df_resid: float,
        rank: int | None = None,
        index: Any = None,
    ) -> None:
        self.rows = rows
        self.index = index
        self._backend = backend
        self._theta = theta
        self._cov = cov
        self._centred = centred
        self._bse = bse
        self._fit_intercept = fit_intercept
        self._perm = perm
        self.term_names = list(term_names)
        self.k_vars = int(cov.shape[0])
        # Cook's distance counts the identified parameters (R: the rank)
        self.rank = self.k_vars if rank is None else int(rank)
        self.df_resid = float(df_resid)
        self.nobs = int(rows.y.shape[0])

    @cached_property
    def hat_matrix_diag(self) -> FloatArray:
        """Leverage ``h = s w x̃ᵀ I⁻¹ x̃`` (in [0, 1])."""
        r = self.rows
        return r.s * _math.hessian_weight(r.z) * r.q

    @cached_property
    def resid_studentized(self) -> FloatArray:
        """Pearson residual over ``sqrt(1 - h)``."""
        return self.rows.pearson / np.sqrt(1.0 - self.hat_matrix_diag)

    @cached_property
    def cooks_distance(self) -> tuple[FloatArray, FloatArray]:
        """``(D, p)``: ``D = r_stud² h / ((1 - h) k)``, p of ``F(k, df_resid)``.

        Taken as ``s (y - μ)² x̃ᵀ I⁻¹ x̃ / (k (1 - h)²)``, the same number
        (``r_pearson² h = s (y - μ)² x̃ᵀ I⁻¹ x̃``): at a logit of ±700 against
        its label the Pearson residual's square overflows while ``h`` is
        ~e^-700, and their product was NaN, not the finite distance."""
        h = self.hat_matrix_diag
        r = self.rows
        d = r.s * r.response**2 * r.q / (self.rank * (1.0 - h) ** 2)
        return d, fdtrc(self.rank, self.df_resid, d)

    @cached_property
    def _step(self) -> FloatArray:
        """``sqrt(s) (y - μ) / (1 - h)``: ``Δθ_i = I⁻¹ x̃_i · step_i``."""
        r = self.rows
        return np.sqrt(r.s) * r.response / (1.0 - self.hat_matrix_diag)

    @cached_property
    def d_params(self) -> FloatArray:
        """One-step change of the estimates leaving out each row, (n_rows, k)."""
        out = np.empty((self.nobs, self.k_vars))
        step = self._step
        p, start = self.k_vars - int(self._fit_intercept), 0
        for block in row_blocks(self._backend, "d_params and dfbetas"):
            X = sp.csr_matrix(block.X) if sp.issparse(block.X) else block.X
            for rows in row_chunks(X.shape[0], self.k_vars):
                A = self._rows_times_cov(dense64(X[rows]), p)
                n = A.shape[0]
                out[start : start + n] = A * step[start : start + n, None]
                start += n
        out = out[:, self._perm]
        out[:, np.isnan(self._bse)] = np.nan  # aliased: no estimate to change
        return out

    def _rows_times_cov(self, Xr: Any, p: int) -> FloatArray:
        """``X̃ I⁻¹`` of a block of rows; for a Firth fit far from 0
        ``(X̃' I'⁻¹) Tᵀ`` with ``X̃'`` the rows centred (``I⁻¹ = T I'⁻¹ Tᵀ``,
        :class:`._prediction_interval.CentredCovariance`), whose products
        about 0 would cancel."""
        c = self._centred
        if c is not None:
            A = np.column_stack([c.rows(Xr), np.ones(Xr.shape[0])]) @ c.cov
            out = A.copy()  # times Tᵀ: w = w'/σ, b = b' - μ·(w'/σ)
            out[:, :p] = A[:, :p] * c.inv_scale
            out[:, p] = A[:, p] - out[:, :p] @ c.mean
            return out
        A = np.asarray(Xr @ self._cov[:p, :], dtype=F64)  # X̃ I⁻¹, by rows
        if self._fit_intercept:
            A += self._cov[p, :]
        return A

    @cached_property
    def dfbetas(self) -> FloatArray:
        """``d_params / bse`` (the results' ``cov_type``), (n_rows, k)."""
        return self.d_params / self._bse

    @cached_property
    def dffits_internal(self) -> FloatArray:
        """``x̃ᵀ Δθ / se(z)`` (statsmodels' ``d_fittedvalues_scaled``)."""
        r = self.rows
        with np.errstate(divide="ignore", invalid="ignore"):
            return r.q * self._step / np.sqrt(r.q_results)

    @property
    def d_fittedvalues_scaled(self) -> FloatArray:
        """statsmodels' name of :attr:`dffits_internal`."""
        return self.dffits_internal

    def summary_frame(self) -> Any:
        """``dfb_<term>`` columns, ``cooks_d``, ``standard_resid``, ``hat_diag``,
        ``dffits_internal`` (statsmodels' names), one row per training row,
        indexed by the training DataFrame's row labels (0…n-1 without)."""
        data = {f"dfb_{t}": self.dfbetas[:, j] for j, t in enumerate(self.term_names)}
        data.update(self._measures())
        return frame_or_dict(data, self.index)

    def _measures(self) -> dict[str, FloatArray]:
        return {
            "cooks_d": self.cooks_distance[0],
            "standard_resid": self.resid_studentized,
            "hat_diag": self.hat_matrix_diag,
            "dffits_internal": self.dffits_internal,
        }

    def most_influential(self, n: int = 10, by: str = "cooks_distance") -> Any:
        """The ``n`` rows with the largest ``|by|``, largest first.

        Parameters
        ----------
        n : int
            Rows to return (fewer when there are fewer rows).
        by : {"cooks_distance", "hat_matrix_diag", "resid_studentized", "dffits"}

        Returns
        -------
        DataFrame (dict of arrays without pandas)
            Indexed 0…n-1; ``row`` is the 0-based training row, then
            ``cooks_d``, ``hat_diag``, ``standard_resid``, ``dffits_internal``,
            ``resid_pearson``, ``resid_deviance``.
        """
        if by not in INFLUENCE_MEASURES:
            raise InvalidParameterError(
                f"by must be one of {sorted(INFLUENCE_MEASURES)}; got {by!r}"
            )
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise InvalidParameterError(f"n must be an integer >= 0; got {n!r}")
        measures = self._measures()
        key = np.abs(measures[INFLUENCE_MEASURES[by]])
        key = np.where(np.isnan(key), -np.inf, key)
        order = np.argsort(-key, kind="stable")[: int(n)]
        data: dict[str, Any] = {"row": order.astype(np.int64)}
        data.update({name: v[order] for name, v in measures.items()})
        data["resid_pearson"] = self.rows.pearson[order]
        data["resid_deviance"] = self.rows.deviance[order]
        return frame_or_dict(data)
