"""Marginal effects of a multinomial fit on every class probability.

Conventions (owned here; the binary ones are :mod:`._margins`'s, whose kinds,
``at`` values and discrete changes these follow):

* With ``B`` the (K, p) coefficients and ``c`` the K intercepts of the
  reference parametrization (row 0, the reference class, is 0),
  ``P = softmax(X Bᵀ + c + O)`` and ``β̄_i = Σ_k P_ik B_k`` (p,), the per-row
  effect of a continuous column ``l`` on class ``j``'s probability is
  ``dydx = P_ij (B_jl - β̄_il)`` (every class, the reference included:
  statsmodels ``MNLogit``'s effects for all K outcomes). ``eydx`` is
  ``∂ log P_j / ∂x_l = B_jl - β̄_il``; ``dyex`` and ``eyex`` multiply these by
  ``x_il``.
* ``at="overall"`` averages the per-row effects over the training rows with
  frequency weights (``Σ s e_i / Σ s``); ``"mean"`` evaluates them at the
  weighted column means (and mean offset row), ``"zero"`` at ``x = 0``
  (offset 0). ``"median"`` is binary-only. ``atexog`` (one value per column,
  or a one-hot term by its level, as :func:`._margins._atexog` reads it for
  two classes) sets those columns on every row (or on the one row) first;
  a grid of values is :mod:`._multinomial_grid`'s.
* ``dummy`` (True, or a list of 0/1 columns) turns an effect into the
  discrete change ``F(x_l = 1) - F(x_l = 0)``, ``F`` the class probabilities
  (``dydx``) or their logarithms (``eydx``), with the binary rules of
  :mod:`._margins` (one-hot levels against the reference level with
  ``categorical="levels"``, statsmodels' column-wise changes with
  ``"columns"``; ``"dyex"``/``"eyex"`` and ``at="zero"`` refused).
* Standard errors by the delta method, ``V_me = J V Jᵀ`` with ``V`` the
  results' ``cov_params()`` (any ``cov_type``) and ``J`` the analytic
  Jacobian. With ``D_jl = B_jl - β̄_l`` and ``θ_{m,k}`` term ``k`` of
  equation ``m`` (``x̃ = [x, 1]``): ``∂P_j/∂θ_{mk} = P_j(δ_jm - P_m) x̃_k``
  and ``∂D_jl/∂θ_{mk} = δ_jm δ_lk - P_m (x̃_k D_ml + δ_lk)``, so a row adds
  ``Σ s c_l x̃_k G_jlm + δ_lk Σ s c_l H_jm`` with ``c_l = x_l`` (``ex``) or 1,

  * ``dy``: ``H_jm = P_j (δ_jm - P_m)``, ``G_jlm = H_jm D_jl - P_j P_m D_ml``;
  * ``ey``: ``H_jm = δ_jm - P_m``, ``G_jlm = -P_m D_ml``.

  A discrete change's derivative is ``Σ s (Γ¹ - Γ⁰)_jm x̃_k`` for columns the
  change leaves alone, ``Σ s Γ¹_jm`` for its target and 0 for the other
  columns it sets, ``Γ`` being ``H`` at the logits with the column(s) set.
* Data: one ``map_reduce`` pass over the training data given to
  ``inference(...)`` (arrays, file chunks, Dask), rows taken a slice at a
  time so memory stays near ``_SLICE_VALUES`` floats; ``dummy=True`` one
  more pass to find the 0/1 columns. ``at="mean"`` needs no data for a fit
  that kept its statistics (the column means), else one pass.
* Layout (statsmodels): ``margeff`` and ``margeff_se`` of shape (p, K),
  feature by class; ``margeff_cov`` over the effects flattened class by
  class (index ``j p + l``), as statsmodels' ``margeff_cov``.
* Printed, one block per class titled by the class's label and the target's
  name, ``"race = 3"`` (``"y = setosa"`` when the name is unknown: the
  results' ``target_name``, the model's ``target_name_``, which a fit on a
  named pandas Series and the command line set), the name the summary's
  equation titles carry.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._exceptions import InvalidParameterError
from .._multiclass import not_supported
from .._onehot import split_dummy_name
from .._softmax import log_softmax, softmax
from .._typing import Block, FloatArray
from ._coef_table import covariance_label, shown_name
from ._margins import (
    CATEGORICAL,
    METHODS,
    _choice,
    _column,
    _contrasts,
    _count,
    _warn_formula_columns,
    check_discrete,
)
from ._margins_results import FRAME_BOUNDS, LABELS, MarginalEffects
from ._margins_sums import Contrasts, _host_block, _with_values, binary_columns
from ._multinomial_data import block_moments, moments_fields
from ._separation_notes import PENALTY, margins_separation
from ._wald import wald_frame, wald_table

__all__ = ["MultinomialMarginalEffects", "multinomial_margins"]

F64 = np.float64
ATS = ("overall", "mean", "zero")
#: About this many float64 values per row slice of the per-row tensors.
_SLICE_VALUES = 1 << 21


@dataclass(frozen=True)
class _Coef:
    """The reference fit's ``B`` (K, p), ``c`` (K,), and the options."""

    B: FloatArray
    c: FloatArray
    intercept: bool
    ey: bool
    ex: bool


def _tilde(X: Any, intercept: bool) -> Any:
    if not intercept:
        return X
    ones = np.ones((X.shape[0], 1))
    return (
        sp.hstack([X, ones], format="csr") if sp.issparse(X) else np.hstack([X, ones])
    )


def _gamma(P: FloatArray, ey: bool) -> FloatArray:
    """``H`` of the module docstring, (n, K, K-1)."""
    delta = np.eye(P.shape[1])[:, 1:]
    H = delta[None] - P[:, None, 1:]
    return H if ey else P[:, :, None] * H


def _slice_sums(
    X: Any, s: FloatArray, off: FloatArray | None, co: _Coef
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(Σ s c E (K, p), Σ s c x̃ G (q, K, p, K-1), Σ s c H (K, p, K-1))``."""
    B = co.B
    K, p = B.shape
    Z = np.asarray(X @ B.T, dtype=F64) + co.c
    if off is not None:
        Z = Z + off
    P = softmax(Z)
    D = B[None, :, :] - (P @ B)[:, None, :]  # (n, K, p)
    H = _gamma(P, co.ey)  # (n, K, K-1)
    Dm = D[:, 1:, :].transpose(0, 2, 1)  # (n, p, K-1): D_ml
    PD = P[:, None, 1:] * Dm  # P_m D_ml
    if co.ey:
        E = D
        G = np.broadcast_to(-PD[:, None], (X.shape[0], K, p, K - 1))
    else:
        E = P[:, :, None] * D
        G = H[:, :, None, :] * D[:, :, :, None] - P[:, :, None, None] * PD[:, None]
    sw = s
    if co.ex:
        xd = X.toarray() if sp.issparse(X) else X
        cw = s[:, None] * xd  # (n, p): s c_l
        eff = np.einsum("nl,njl->jl", cw, E)
        SG = G * cw[:, None, :, None]
        Hs = np.einsum("nl,njm->jlm", cw, H)
    else:
        eff = np.einsum("n,njl->jl", s, E)
        SG = G * sw[:, None, None, None]
        Hs = np.broadcast_to(np.einsum("n,njm->jm", s, H)[:, None, :], (K, p, K - 1))
    Xt = _tilde(X, co.intercept)
    jac = np.asarray(Xt.T @ SG.reshape(X.shape[0], -1), dtype=F64)
    return eff, jac.reshape(-1, K, p, K - 1), np.array(Hs)


def _contrast_sums(
    X: Any, s: FloatArray, off: FloatArray | None, co: _Coef, contrasts: Contrasts
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per contrast: ``Σ s (F(z¹) - F(z⁰))`` (m, K), ``Σ s (Γ¹ - Γ⁰) x̃``
    (m, q, K, K-1) and ``Σ s Γ¹`` (m, K, K-1)."""
    B = co.B
    K = B.shape[0]
    m = contrasts.target.shape[0]
    q = B.shape[1] + int(co.intercept)
    change, jac, level = (
        np.zeros((m, K)),
        np.zeros((m, q, K, K - 1)),
        np.zeros((m, K, K - 1)),
    )
    if m == 0:
        return change, jac, level
    Z = np.asarray(X @ B.T, dtype=F64) + co.c
    if off is not None:
        Z = Z + off
    Xt = _tilde(X, co.intercept)
    F = log_softmax if co.ey else softmax
    for c in range(m):
        zeroed = contrasts.zeroed[:, c]
        Z0 = Z - np.asarray(X @ (B * zeroed[None, :]).T, dtype=F64)
        Z1 = Z0 + B[:, contrasts.target[c]]
        change[c] = s @ (F(Z1) - F(Z0))
        G1, G0 = _gamma(softmax(Z1), co.ey), _gamma(softmax(Z0), co.ey)
        diff = (G1 - G0) * s[:, None, None]
        jac[c] = np.asarray(Xt.T @ diff.reshape(X.shape[0], -1)).reshape(q, K, K - 1)
        level[c] = np.einsum("n,njm->jm", s, G1)
    return change, jac, level


def _block_sums(
    block: Block,
    co: _Coef,
    contrasts: Contrasts,
    values: tuple[tuple[int, float], ...] = (),
) -> tuple[Any, ...]:
    """One block's partial sums: ``Σ s``, the effects, both Jacobian parts,
    and the contrasts' sums (each a slice of rows at a time), with the
    columns of ``values`` (``atexog``) set on every row first."""
    X, s, off = _host_block(block)
    X = _with_values(X, values)
    K, p = co.B.shape
    q = p + int(co.intercept)
    m = contrasts.target.shape[0]
    out: list[Any] = [
        0.0,
        np.zeros((K, p)),
        np.zeros((q, K, p, K - 1)),
        np.zeros((K, p, K - 1)),
        np.zeros((m, K)),
        np.zeros((m, q, K, K - 1)),
        np.zeros((m, K, K - 1)),
    ]
    step = max(1, _SLICE_VALUES // max(K * p * K, 1))
    for a in range(0, X.shape[0], step):
        rows = slice(a, a + step)
        Xs, ss = X[rows], s[rows]
        os_ = None if off is None else off[rows]
        parts = (
            float(ss.sum()),
            *_slice_sums(Xs, ss, os_, co),
            *_contrast_sums(Xs, ss, os_, co, contrasts),
        )
        out = [o + v for o, v in zip(out, parts, strict=True)]
    return tuple(out)


def _point(results: Any, at: str, p: int, K: int) -> Block:
    """The one row (weight 1) at which ``at`` evaluates the effects."""
    if at == "zero":
        return Block(np.zeros((1, p)), np.zeros(1), None, None)
    stats = results._stats
    mean, off = stats.mean, stats.offset_mean
    if mean is None:
        if results._data is None:
            raise InvalidParameterError(
                "at='mean' needs the column means, which this model's statistics "
                "do not hold: call model.inference(X, y, sample_weight, offset) "
                "with the data given to fit()"
            )
        moments = results._data.map_reduce(partial(block_moments, K=K))
        fields = moments_fields(moments, float(results.nobs))
        mean, off = fields["mean"], fields["offset_mean"]
    offset = None if off is None or not np.any(off) else np.asarray(off)[None, :]
    return Block(np.asarray(mean, dtype=F64)[None, :], np.zeros(1), None, offset)


def _discrete(results: Any, dummy: Any, names: list[str]) -> list[int]:
    """The columns whose effect is a discrete change (0/1 columns checked on
    the training data)."""
    if dummy is False or dummy is None:
        return []
    if dummy is not True and (
        isinstance(dummy, (str, bytes)) or not isinstance(dummy, Sequence)
    ):
        raise InvalidParameterError(
            "dummy must be True, False or a list of 0/1 columns (names or "
            f"indices); got {dummy!r}"
        )
    listed = (
        [] if dummy is True else sorted({_column(k, names, "dummy") for k in dummy})
    )
    plain = [j for j in listed if split_dummy_name(names[j]) is None]
    if dummy is not True and not plain:
        return listed
    if results._data is None:
        raise InvalidParameterError(
            "dummy finds or checks the 0/1 columns in the training data: call "
            "model.inference(X, y, ...) with the data given to fit()"
        )
    binary = [int(j) for j in binary_columns(results._data)]
    if dummy is True:
        return binary
    bad = [j for j in plain if j not in binary]
    if bad:
        raise InvalidParameterError(
            f"dummy lists {names[bad[0]]!r}, which is not a 0/1 column (its values "
            "are not all 0 or 1, both present); drop it from dummy="
        )
    return listed


def _assemble(
    sums: tuple[Any, ...], contrasts: Contrasts, p: int, intercept: bool
) -> tuple[FloatArray, FloatArray]:
    """Averaged effects (K, p) and their Jacobian (K p, (K-1) q) in the
    results' flat parameter order."""
    W, eff, jac1, jac2, change, cjac, level = sums
    if not W > 0:
        raise InvalidParameterError("marginal effects need rows of positive weight")
    K = eff.shape[0]
    q = p + int(intercept)
    jac = np.asarray(jac1, dtype=F64).transpose(1, 2, 3, 0).copy()  # (K, p, K-1, q)
    idx = np.arange(p)
    jac[:, idx, :, idx] += np.asarray(jac2).transpose(1, 0, 2)
    effects = np.asarray(eff, dtype=F64).copy()
    for c, t in enumerate(contrasts.target):
        rows = np.asarray(cjac[c]).transpose(1, 2, 0).copy()  # (K, K-1, q)
        rows[:, :, np.flatnonzero(contrasts.zeroed[:, c])] = 0.0
        rows[:, :, t] = level[c]
        effects[:, t] = change[c]
        jac[:, t] = rows
    return effects / W, jac.reshape(K * p, (K - 1) * q) / W


def multinomial_margins(
    results: Any,
    at: str = "overall",
    method: str = "dydx",
    dummy: Any = False,
    categorical: str = "levels",
    atexog: Any = None,
    references: Any = None,
) -> MultinomialMarginalEffects:
    """Marginal effects of a :class:`MultinomialInference` (see module);
    ``atexog`` one value per column (or one-hot term, by its level; the
    reference level where ``references`` or the model's encoding names it),
    set on every row first."""
    from ._margins import _atexog, with_references

    if isinstance(at, str) and at.lower() == "median":
        raise not_supported("get_margeff(at='median')", "use at='overall' or 'mean'")
    at = _choice("at", at, ATS)
    method = _choice("method", method, METHODS)
    categorical = _choice("categorical", categorical, CATEGORICAL)
    names = list(
        results.term_names[: len(results.term_names) - int(results.fit_intercept)]
    )
    _warn_formula_columns(names)
    if references is None:
        references = getattr(results, "_references", {})
    values = _atexog(with_references(atexog, names, references), names)
    K = len(results.classes)
    p = len(names)
    columns = _discrete(results, dummy, names)
    if columns:
        check_discrete(method, at)
    contrasts = (
        _contrasts(columns, names, categorical, dummy)
        if columns
        else Contrasts.empty(p)
    )
    rows = np.vstack([np.zeros(p + int(results.fit_intercept)), results.params])
    co = _Coef(
        B=rows[:, :p].copy(),
        c=rows[:, p].copy() if results.fit_intercept else np.zeros(K),
        intercept=bool(results.fit_intercept),
        ey=method.startswith("ey"),
        ex=method.endswith("ex"),
    )
    fn = partial(_block_sums, co=co, contrasts=contrasts, values=values)
    if at == "overall":
        if results._data is None:
            raise InvalidParameterError(
                "at='overall' averages over the training rows: call "
                "model.inference(X, y, sample_weight, offset) with the data given "
                "to fit(), or use at='mean'"
            )
        sums = results._data.map_reduce(fn)
    else:
        sums = fn(_point(results, at, p, K))
    effects, jac = _assemble(sums, contrasts, p, co.intercept)
    cov = jac @ results.cov_params() @ jac.T
    return MultinomialMarginalEffects(
        effects,
        0.5 * (cov + cov.T),
        jac,
        names=names,
        classes=[str(c) for c in results.classes],
        target_name=getattr(results, "target_name", None),
        discrete=np.asarray(contrasts.target, dtype=np.intp),
        levels=bool((contrasts.zeroed.sum(axis=0) > 1).any()),
        options={
            "method": method,
            "at": at,
            "atexog": {names[j]: v for j, v in values},
            "dummy": dummy,
            "categorical": categorical,
        },
        cov_type=results.cov_type,
        nobs=_count(results.nobs),  # typed as two classes'
        covariance=covariance_label(results),
        separation=margins_separation(results, PENALTY),
    )


class MultinomialMarginalEffects(MarginalEffects):
    """Marginal effects on each class probability, delta-method standard errors.

    Built by :meth:`MultinomialInference.get_margeff`; statsmodels
    ``MNLogit(...).fit().get_margeff()``'s names and layout.

    Attributes
    ----------
    margeff, margeff_se, zvalues (alias tvalues), pvalues : ndarray of shape (p, K)
        Feature by class (every class, the reference included).
    margeff_cov : ndarray of shape (K p, K p)
        ``J V Jᵀ`` over the effects flattened class by class (``j p + l``).
    jacobian : ndarray of shape (K p, (K-1) q)
        ``∂ margeff / ∂ params`` in ``param_names`` order.
    names : list of str
        The p features.
    classes : list of str
        The K classes (columns): the labels, as the results' ``classes``.
    target_name : str or None
        The target's name, in the printed blocks' titles (``"race = 3"``;
        ``"y = 3"`` when None).
    dummy_idx : ndarray of int or None
        Feature indices whose effect is a discrete change.
    margeff_options : dict
        ``method``, ``at``, ``dummy``, ``categorical``.
    cov_type : str
    nobs : int or float
        The results' ``nobs`` as the two-class effects type it: an int when
        whole (rows, or integer frequency weights), else a float.
    """

    separation_remedy = PENALTY  # no Firth penalty for K classes

    def __init__(
        self,
        effects: FloatArray,
        cov: FloatArray,
        jacobian: FloatArray,
        *,
        names: list[str],
        classes: list[str],
        discrete: np.ndarray,
        levels: bool,
        options: dict[str, Any],
        cov_type: str,
        nobs: int | float,
        target_name: str | None = None,
        covariance: str | None = None,
        separation: str | None = None,
    ) -> None:
        self._effects = np.asarray(effects).ravel()  # class by class
        self._cov = cov
        self.jacobian = jacobian
        self.names = list(names)
        self.classes = list(classes)
        self.target_name = target_name
        self.dummy_idx = np.unique(discrete) if discrete.size else None
        self._levels = levels
        self.margeff_options = options
        self.method = str(options["method"])
        self.at = str(options["at"])
        self.cov_type = cov_type
        self._cov_label = covariance or cov_type
        self.separation = separation
        self.nobs = nobs
        self._labelled = False
        self._table = wald_table(self._effects, cov)

    def _series(self, values: FloatArray) -> Any:
        """Flat class-by-class values as (p, K)."""
        return np.asarray(values).reshape(len(self.classes), len(self.names)).T.copy()

    def _class_rows(self, ks: list[int]) -> np.ndarray:
        """The flat entries of classes ``ks`` (class by class)."""
        n = len(self.names)
        return np.concatenate([np.arange(n) + k * n for k in ks]).astype(np.intp)

    def for_classes(self, classes: Any) -> Any:
        """The same results for the classes ``classes`` only (a label, or a
        list of labels as :attr:`classes` holds them; Stata's
        ``predict(outcome(k))``), their covariance kept; an unknown label is
        refused, listing the classes; one named twice is kept once, in the
        order first named."""
        wanted = [classes] if isinstance(classes, (str, int, float)) else list(classes)
        ks: list[int] = []
        for c in wanted:
            if str(c) not in self.classes:
                raise InvalidParameterError(
                    f"{c!r} is not one of the classes ({', '.join(self.classes)})"
                )
            k = self.classes.index(str(c))
            if k not in ks:
                ks.append(k)
        if not ks:
            raise InvalidParameterError("for_classes() needs at least one class")
        return self._restricted(ks, self._class_rows(ks))

    def _restricted(self, ks: list[int], rows: np.ndarray) -> Any:
        out = copy.copy(self)
        out._effects = self._effects[rows]
        out._cov = self._cov[np.ix_(rows, rows)]
        out.jacobian = self.jacobian[rows]
        out.classes = [self.classes[k] for k in ks]
        out._table = wald_table(out._effects, out._cov)
        return out

    def conf_int(self, alpha: float = 0.05) -> FloatArray:
        """``margeff ± z_{1-α/2} margeff_se``, shape (p, K, 2)."""
        ci = self.wald_table(alpha).conf_int.reshape(
            len(self.classes), len(self.names), 2
        )
        return ci.transpose(1, 0, 2).copy()

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame indexed by (class, feature) with statsmodels'
        columns (``dy/dx`` …, ``Std. Err.``, ``z``, ``Pr(>|z|)``,
        ``Conf. Int. Low``, ``Cont. Int. Hi.``)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is optional
            raise ImportError(
                "summary_frame() needs pandas (pip install pandas)"
            ) from exc
        index = pd.MultiIndex.from_product(
            [self.classes, self.names], names=["class", "feature"]
        )
        return wald_frame(
            self.wald_table(alpha),
            index,
            columns=(LABELS[self.method], "Std. Err.", "z", "Pr(>|z|)", *FRAME_BOUNDS),
            caller="summary_frame()",
        )

    title = "Multinomial logistic regression marginal effects"

    def _blocks(self) -> list[tuple[str | None, int]]:
        """One block per class, titled ``"{target} = {class label}"`` (``y``
        for an unnamed target), in the text, Markdown and HTML tables."""
        target, p = shown_name(self.target_name or "y"), len(self.names)
        return [
            (f"{target} = {shown_name(c)}", k * p) for k, c in enumerate(self.classes)
        ]

    def __repr__(self) -> str:
        return (
            f"<MultinomialMarginalEffects method={self.method!r}, at={self.at!r}, "
            f"cov_type={self.cov_type!r}, p={len(self.names)}, K={len(self.classes)}>"
        )
