"""Covariance matrices of the estimated coefficients, and rank checks.

Conventions (owned here):

* Parameter order is the objective's (features first, intercept last); the
  results object reorders for display (intercept first, as R prints).
* Sample weights ``s_i`` are **frequency weights**: row i stands for ``s_i``
  identical observations, so ``n = Σ s_i`` and a weight of 2 gives exactly
  the same covariance as a duplicated row, for every ``cov_type``.
* With ``r_i = σ(z_i) - y_i`` and ``x̃_i = [x_i, 1]``, the Fisher information
  (observed = expected for the canonical logit link) is

      I = Σ_i s_i σ(z_i) σ(-z_i) x̃_i x̃_iᵀ = Σs · ∇²J(θ̂)

  and each ``cov_type`` is

  * ``"nonrobust"``: ``I⁻¹`` (R ``vcov(glm)``, Stata ``logit``);
  * ``"HC0"``: ``I⁻¹ M I⁻¹`` with ``M = Σ_i s_i r_i² x̃_i x̃_iᵀ`` (statsmodels
    ``cov_type="HC0"``, R ``sandwich::vcovHC(type="HC0")``);
  * ``"HC1"``: ``n/(n-k) · HC0``, k the number of parameters (R
    ``vcovHC(type="HC1")``; statsmodels 0.15 ``GLM``/``Logit``
    ``cov_type="HC1"`` applies no factor and equals their HC0);
  * ``"cluster"``: ``G/(G-1) · I⁻¹ (Σ_g S_g S_gᵀ) I⁻¹`` with
    ``S_g = Σ_{i∈g} s_i r_i x̃_i`` over G groups (Stata ``vce(cluster g)`` for
    maximum-likelihood models such as ``logit``).

  Stata's ``vce(robust)`` for ``logit`` is ``n/(n-1) · HC0``: with unit
  weights that is exactly ``"cluster"`` with every row its own group (then
  ``G = n``). statsmodels' ``cov_type="cluster"`` (``use_correction=True``)
  multiplies by a further ``(n-1)/(n-k)``; with ``use_correction=False`` it
  omits ``G/(G-1)``. ``M`` is ``Σ_i s_i r_i² x̃_i x̃_iᵀ`` and not
  ``Σ_i (s_i r_i)² x̃_i x̃_iᵀ``: each of the ``s_i`` copies is its own
  observation (Stata's ``fweight``; statsmodels ``GLM(freq_weights=)``).
  Groups count only if they hold positive weight.
* Few clusters: the cluster score sums ``S_g`` add up to the gradient, zero at
  the maximum-likelihood estimate, so ``Σ_g S_g S_gᵀ`` has rank at most
  ``G - 1``. With ``G ≤ k`` (k parameters) the cluster covariance is
  singular: some linear combinations of the coefficients get variance 0,
  Wald tests of more than ``G - 1`` restrictions lose degrees of freedom
  (:mod:`._hypothesis`), and every standard error rests on G sums. Such a
  covariance warns (:class:`NumericalStabilityWarning`, :func:`few_clusters`)
  (when :func:`~logistic.inference.fit_inference` computes it) and the
  summary carries the same note; its values are unchanged (Stata's,
  statsmodels' up to its ``(n-1)/(n-k)``).
* ``sample_weight_kind="sampling"`` (survey or inverse-probability weights,
  Stata's ``pweight``): the same weighted estimate, but ``n`` is the number
  of rows of positive weight and the rows are the observations, so the meat
  of HC0/HC1 is ``M = Σ_i (s_i r_i)² x̃_i x̃_iᵀ`` (statsmodels
  ``GLM(var_weights=s).fit(cov_type="HC0")`` on the rows of positive
  weight); HC1 is ``n/(n-k) · HC0`` with n rows (R ``sandwich``'s HC1, not
  statsmodels', which equals HC0); ``"cluster"`` is the
  formula above for both kinds (the copies of a frequency-weighted row fall in
  its group). Stata's ``logit [pw=s]`` is ``n/(n-1) ·`` this HC0: exactly
  ``"cluster"`` with every row its own group. The model-based ``I⁻¹`` is not
  a covariance of the estimate under sampling weights and is refused.
* Data: ``M`` of HC0/HC1 is a sum over row blocks (any backend: in memory,
  out of core, Dask); the cluster sums need the rows in memory with their
  group labels (a block of streamed rows does not know its global rows).
* Rank: ``I`` is equilibrated to the correlation-like ``C = D^{-1/2} I D^{-1/2}``
  (``D = diag I``). Columns with no information (``D_jj = 0``, e.g. all-zero
  columns), constant columns beside an intercept, and eigenvalues
  ``λ_min(C) ≤ 1e-12 λ_max(C)`` raise :class:`CollinearityError` naming the
  columns involved (a maximum-likelihood fit's results first drop its aliased
  columns, :mod:`._aliased`, and check the rest); ``λ_min(C) ≤ 1e-8 λ_max(C)`` warns
  (:class:`NumericalStabilityWarning`). No standard error is ever computed
  from a singular information matrix.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .._exceptions import (
    DataValidationError,
    InvalidParameterError,
    NumericalStabilityWarning,
    warn,
)
from .._messages import name_list
from .._typing import Block, FloatArray
from ._information_range import far_from_zero_note, scale_problem
from ._meat import cluster_meat, hc_meat, weight_scale

__all__ = [
    "COV_TYPES",
    "WEIGHT_KINDS",
    "CollinearityError",
    "check_cov_request",
    "cov_type_hint",
    "few_clusters",
    "hc1_factor",
    "invert_information",
    "robust_covariance",
    "sandwich",
]

COV_TYPES = ("nonrobust", "HC0", "HC1", "cluster")
#: Names of other packages' covariances that are not ``COV_TYPES`` (lower case).
_STATA_ROBUST = ("robust", "vce(robust)", "stata")
_NOT_OFFERED = ("hc2", "hc3")
#: What sample weights are: counts of identical rows, or sampling weights.
WEIGHT_KINDS = ("frequency", "sampling")
SINGULAR_RCOND = 1e-12
WARN_RCOND = 1e-8
F64 = np.float64


class CollinearityError(DataValidationError):
    """The information matrix is singular: collinear or constant columns.

    Attributes
    ----------
    columns : list of str
        Names of the columns involved (one group per null direction, flattened).
    reason : {"constant", "no information", "dependent", "scale"}
        Why: constant columns beside the intercept, columns whose information
        is zero, linearly dependent columns, or columns whose squares are
        beyond float64's range (:func:`._information_range.scale_problem`).
    """

    def __init__(
        self,
        message: str,
        columns: list[str],
        reason: Literal[
            "constant", "no information", "dependent", "scale"
        ] = "dependent",
    ) -> None:
        super().__init__(message)
        self.columns = columns
        self.reason = reason


def cov_type_hint(cov_type: Any, cli: bool = False) -> str:
    """What to write for a ``cov_type`` that is not one of :data:`COV_TYPES`
    but names one elsewhere: Stata's ``vce(robust)`` (``"cluster"`` with every
    row its own group, ``cli``: on a column that differs on every row), a
    case (``"hc1"`` is ``"HC1"``), HC2/HC3 (not offered). Empty otherwise;
    else ``"; "`` and the remedy, for the end of the refusal."""
    text = str(cov_type).strip().lower()
    if text in _STATA_ROBUST:
        how = (
            "--cov-type cluster --cluster COL with a column that differs on every "
            "row (an id)"
            if cli
            else "cov_type='cluster' with groups=np.arange(n_rows)"
        )
        return (
            f"; Stata's vce(robust) (n/(n-1) x HC0) is {how}; HC0 is the sandwich "
            "itself and HC1 R's sandwich::vcovHC(type='HC1')"
        )
    if text in _NOT_OFFERED:
        return "; HC2 and HC3 (leverage-adjusted) are not offered: use HC0 or HC1"
    # the command line reads them case aside (cli._options.spelled_as)
    spelled = [c for c in COV_TYPES if c.lower() == text and c != cov_type]
    if spelled and not cli:
        return f"; the names are case-sensitive: {spelled[0]!r}"
    return ""


def check_cov_request(
    cov_type: str, groups: Any, allowed: tuple[str, ...] = COV_TYPES
) -> None:
    """Refuse a ``cov_type`` not in ``allowed``, and ``groups`` without
    ``"cluster"`` (or ``"cluster"`` without them)."""
    if cov_type not in allowed:
        raise InvalidParameterError(
            f"The 'cov_type' parameter must be one of {list(COV_TYPES)}. "
            f"Got {cov_type!r} instead{cov_type_hint(cov_type)}."
        )
    if (groups is not None) != (cov_type == "cluster"):
        raise InvalidParameterError(
            "groups must be given with cov_type='cluster' (and only then); "
            f"got cov_type={cov_type!r} and "
            f"groups={'set' if groups is not None else None}"
        )


def robust_covariance(
    cov: FloatArray,
    backend: Any,
    w: FloatArray,
    b: float,
    *,
    fit_intercept: bool,
    cov_type: str,
    nobs: float,
    rows: Block | None = None,
    groups: Any = None,
    sampling: bool = False,
    k: int | None = None,
    mean_weight: float = 1.0,
) -> tuple[FloatArray, dict[str, Any]]:
    """Sandwich covariance ``cov · M · cov`` times the small-sample factor.

    Parameters
    ----------
    cov : ndarray of shape (k, k)
        ``I⁻¹`` (objective order).
    backend : Backend
        All rows (X, y in {0, 1}, frequency weights, offset), reduced block
        by block for ``"HC0"`` and ``"HC1"``.
    w, b : fitted coefficients and intercept.
    cov_type : {"HC0", "HC1", "cluster"}
    nobs : float
        ``n = Σ s_i`` (frequency weights); the rows of positive weight
        (sampling weights).
    rows : Block, optional
        The same rows as one in-memory block; ``"cluster"`` needs them (the
        group labels are aligned with the rows).
    groups : array-like of shape (n_samples,), only for "cluster".
    sampling : bool
        The weights are sampling weights: HC0/HC1's meat squares them.
    k : int, optional
        The number of parameters in HC1's ``n/(n-k)`` (the rank when ``cov``
        has zero rows for aliased columns); default ``cov``'s size.
    mean_weight : float, optional
        The rows' mean weight: a meat quadratic in the weights (sampling
        weights' HC0/HC1, ``"cluster"``) is summed with the weights divided by
        a power of two near it, :func:`._meat.weight_scale`, and the sandwich
        scaled back (the same covariance, where weights of 1e160 overflowed).

    Returns
    -------
    cov : ndarray of shape (k, k)
    info : dict
        ``factor`` (the small-sample factor applied) and ``n_groups``.
    """
    check_cov_request(cov_type, groups, COV_TYPES[1:])
    k = cov.shape[0] if k is None else k
    info: dict[str, Any] = {"n_groups": None}
    factor = 1.0
    kappa = weight_scale(mean_weight) if sampling or cov_type == "cluster" else 1.0
    if cov_type == "cluster":
        if rows is None:
            raise InvalidParameterError(
                "cov_type='cluster' needs the rows in memory, aligned with their "
                "group labels; this data is read block by block (out of core or "
                "on Dask), where 'nonrobust', 'HC0' and 'HC1' are available"
            )
        meat, n_groups = cluster_meat(rows, w, b, fit_intercept, groups, kappa)
        factor = n_groups / (n_groups - 1.0)
        info["n_groups"] = n_groups
    else:
        meat = hc_meat(backend, w, b, fit_intercept, sampling, kappa)
        if cov_type == "HC1":
            factor = hc1_factor(nobs, k)
    info["factor"] = factor
    return sandwich(kappa * cov, meat, factor), info


def few_clusters(n_groups: int | None, k: int) -> str | None:
    """The caveat of a cluster covariance from ``n_groups ≤ k`` clusters (k
    parameters), whose rank is at most ``n_groups - 1 < k``; None otherwise
    (see module)."""
    if not n_groups or n_groups > k:
        return None
    return (
        f"A cluster-robust covariance from {n_groups} clusters for {k} "
        f"parameters has rank at most {n_groups - 1} (the clusters' score sums "
        "add up to the zero gradient), so it is singular. Some combinations "
        "of the coefficients get a zero standard error, Wald tests of more than "
        f"{n_groups - 1} restrictions lose degrees of freedom, and every standard "
        f"error rests on {n_groups} cluster sums: imprecise and usually too small. "
        "Cluster-robust inference needs many more clusters than parameters "
        "(commonly 30 to 50 or more); with so few, use fewer parameters or "
        "analyse at the cluster level."
    )


def warn_few_clusters(n_groups: int | None, k: int) -> None:
    """Warn (:class:`NumericalStabilityWarning`) with :func:`few_clusters`'s
    caveat when it applies."""
    text = few_clusters(n_groups, k)
    if text is not None:
        warn(text, NumericalStabilityWarning)


def hc1_factor(nobs: float, k: int) -> float:
    """HC1's small-sample factor ``n/(n-k)`` (refused for ``n ≤ k``)."""
    if nobs <= k:
        raise DataValidationError(
            f"HC1 needs more observations than parameters (n={nobs:g}, k={k})"
        )
    return nobs / (nobs - k)


def sandwich(cov: FloatArray, meat: FloatArray, factor: float = 1.0) -> FloatArray:
    """``factor · cov · meat · cov``, symmetrized."""
    s = cov @ meat @ cov
    return factor * 0.5 * (s + s.T)


def _describe_null(
    vec: FloatArray, root: FloatArray, names: list[str]
) -> tuple[str, list[str]]:
    """``Σ u_j x̃_j ≈ 0`` with ``u = vec / root`` (original units); columns chosen
    where the equilibrated component ``|vec_j|`` exceeds 1e-3 of the largest.
    The text shows the :data:`_SHOWN_TERMS` largest terms and counts the rest,
    so that a message stays one readable line. An eigenvector's sign is
    arbitrary (LAPACK may return either for information matrices that differ
    in the last bits), so the relation is written with its leading term
    positive: the same relation reads the same (the CLI prints a warning
    repeated verbatim once, and a flipped one was printed twice)."""
    e = np.abs(vec) / np.max(np.abs(vec))
    u = vec / root
    idx = [j for j in np.argsort(-e, kind="stable") if e[j] > 1e-3]
    v = u / np.max(np.abs(u[idx]))
    if v[idx[0]] < 0:
        v = -v
    terms = " ".join(
        f"{'+' if v[j] >= 0 else '-'} {abs(v[j]):.3g}·{names[j]}"
        for j in idx[:_SHOWN_TERMS]
    )
    rest = len(idx) - _SHOWN_TERMS
    more = f" … ({rest:,} more terms)" if rest > 0 else ""
    return terms.lstrip("+ ") + more, [names[j] for j in idx]


#: Terms of a linear relation, and relations, that a message shows.
_SHOWN_TERMS = 5
_SHOWN_RELATIONS = 3


def invert_information(
    info: FloatArray,
    names: list[str],
    *,
    constant_columns: list[str] | None = None,
    capacity: FloatArray | None = None,
    singular: float = SINGULAR_RCOND,
    scale: FloatArray | None = None,
    far_from_zero: dict[str, float] | None = None,
    separated: str | None = None,
) -> tuple[FloatArray, float]:
    """``I⁻¹`` after checking that ``I`` has full rank (a reciprocal condition
    above ``singular``: :data:`SINGULAR_RCOND`, or for a fit's kept
    information what its kept pivots allow,
    :func:`logistic.inference._aliased.singular_limit`).

    Parameters
    ----------
    info : ndarray of shape (k, k)
        Fisher information (objective order).
    names : list of str
        Name of each parameter in the same order (for messages).
    scale : ndarray of shape (k,), optional
        The root mean square of each parameter's column (1 for the
        intercept): with it, information beyond float64's range is told
        apart from none (:func:`._information_range.scale_problem`; without
        it, only overflow).
    far_from_zero : dict, optional
        Columns beside an intercept whose mean is over
        :data:`logistic._numerics.FAR_FROM_CENTRE` times their spread, name →
        that ratio: a near collinearity among them and the intercept comes
        from where their values lie (:func:`._information_range.far_from_zero_note`).
    constant_columns : list of str, optional
        Feature columns found constant beside an intercept (reported first).
    separated : str, optional
        The fit's separation (``"complete"``, ...): the information vanishes
        along the separating direction, so a near collinearity is said to be
        possibly that direction's, not the columns'.
    capacity : ndarray of shape (k,), optional
        The most information each parameter can carry, ``Σ s x_j² / 4`` (``Σs/4``
        for the intercept). A parameter carries no information when its
        diagonal entry is below ``1e-14 ×`` its own capacity, a test that does
        not depend on the units of the columns. Without it, the largest
        diagonal entry stands in for every capacity.

    Returns
    -------
    cov : ndarray of shape (k, k)
    rcond : float
        ``λ_min(C) / λ_max(C)`` of the equilibrated information, in
        ``[0, 1]`` (a roundoff-negative ``λ_min`` counts as 0).

    Raises
    ------
    CollinearityError
        If a column carries no information, is constant beside an intercept,
        or the columns are linearly dependent (names the columns involved).
    """
    if constant_columns:
        raise CollinearityError(
            f"constant {name_list(constant_columns)} "
            f"{'duplicates' if len(constant_columns) == 1 else 'duplicate'} the "
            "intercept: the information matrix is singular and standard errors "
            "do not exist. Drop these columns (or fit without intercept).",
            list(constant_columns),
            "constant",
        )
    diag = np.diag(info).copy()
    problem = scale_problem(scale, diag, names)
    if problem is not None:
        raise CollinearityError(problem[0], problem[1], "scale")
    if capacity is None:
        capacity = np.full(diag.shape, float(np.max(diag, initial=0.0)))
    floor = 1e-14 * np.maximum(capacity, 1e-300)
    dead = [names[j] for j in np.flatnonzero(~(diag > floor))]
    if dead:
        raise CollinearityError(
            f"{name_list(dead)} {'carries' if len(dead) == 1 else 'carry'} no "
            "information (all zero on the rows with "
            "positive weight, or every fitted probability there is 0 or 1): the "
            "information matrix is singular. Drop them (or use penalty='firth' "
            "under separation).",
            dead,
            "no information",
        )
    root = np.sqrt(diag)
    C = info / np.outer(root, root)
    evals, evecs = np.linalg.eigh(0.5 * (C + C.T))
    # C is positive semidefinite: a negative smallest eigenvalue is roundoff
    # of a singular matrix, whose reciprocal condition is 0 (it is >= 0)
    rcond = float(max(evals[0], 0.0) / evals[-1]) if evals[-1] > 0 else 0.0
    if rcond <= WARN_RCOND:
        small = np.flatnonzero(evals <= max(WARN_RCOND, singular) * evals[-1])
        parts: list[str] = []
        involved: list[str] = []
        for j in small:
            text, cols = _describe_null(evecs[:, j], root, names)
            parts.append(f"{text} ≈ 0")
            involved.extend(c for c in cols if c not in involved)
        detail = "; ".join(parts[:_SHOWN_RELATIONS])
        if len(parts) > _SHOWN_RELATIONS:
            detail += f"; … and {len(parts) - _SHOWN_RELATIONS:,} more relations"
        note = far_from_zero_note(involved, far_from_zero or {}, rcond)
        if rcond <= singular:
            remedy = (
                "Drop one of them."
                if len(parts) == 1
                else f"Drop a different column from each of the {len(parts)} "
                "relations."
            )
            raise CollinearityError(
                f"the {name_list(involved)} are linearly dependent ({detail}, "
                f"reciprocal condition {rcond:.2g}): the information matrix is "
                f"singular and standard errors do not exist.{note or ' ' + remedy}",
                involved,
                "dependent",
            )
        if separated is not None:  # the diverging direction, not the data
            state = "looks" if separated == "suspected" else "is"
            note += (
                f" The fit {state} separated ({separated}): the information "
                "vanishes along the separating direction, which such a relation "
                "may be rather than a dependency among the columns."
            )
        warn(
            f"the {name_list(involved)} are nearly collinear ({detail}; reciprocal "
            f"condition of the information matrix {rcond:.2g}); their standard errors "
            f"are large and imprecise.{note}",
            NumericalStabilityWarning,
        )
    inv_C = (evecs / evals) @ evecs.T
    cov = inv_C / np.outer(root, root)
    return 0.5 * (cov + cov.T), rcond
