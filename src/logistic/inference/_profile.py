"""Profile-likelihood confidence intervals (R's ``confint.glm`` and logistf).

Convention (owned here): with ``ℓ*`` the log-likelihood ``ℓ`` of a maximum
likelihood fit, or Firth's ``ℓ(β) + ½ log det I(β)`` (the full model's
information, as logistf) for a Firth fit, the ``1-α`` interval of ``β_j`` is

    { c : 2 [ℓ*(β̂) - max_{β: β_j = c} ℓ*(β)] ≤ χ²_{1, 1-α} }

The endpoints are solved to ~1e-12 here; R's MASS ``confint.glm`` interpolates
a spline through a grid of profile points instead, so its printed digits agree
only to about 1e-5 relative.

Each endpoint is a root of that profile deviance minus the quantile, found by
the secant method on the signed root ``√deviance - √quantile`` (nearly linear
in the coefficient) from ``β̂_j`` and the Wald endpoint, else (it does not
settle, e.g. a profile that flattens out) by ``scipy.optimize.brentq`` after
bracketing outward from ``β̂_j`` in steps of the Wald standard error
(doubling). The constrained maximum is computed by
modified Fisher scoring on the free coordinates (``I_ff⁻¹ U*_f``) with an
Armijo line search. It starts from the profile trace of the quadratic
approximation, ``θ + (c - θ_j) Σ_·j / Σ_jj`` (``Σ = I⁻¹`` at ``β̂``), from
the profile point already found nearest to it on the same side (each kept, so
a point asked twice, as brentq asks for a bracket's ends, has one deviance), so
a constrained fit takes a few Newton passes. It stops when the Newton
decrement is below 1e-12 in log-likelihood units or below the resolution of
the objective's value
(:func:`logistic._numerics.rounding_noise`, which grows with the sum of the
weights): past that a line search cannot tell a step from rounding noise,
and the profile deviance is as exact as the log-likelihood itself. Unbounded
sides (the profile never reaches the quantile) give ±inf.

``which`` restricts the computation to some coefficients (the others are
NaN), at a cost proportional to their number.

A singular Fisher information on the path (fitted probabilities of exactly 0
or 1: the data are separated, and the maximum likelihood estimate the
profile starts from does not exist) raises :class:`NumericalError` naming the
coefficient and pointing to Firth's penalty, whose profile exists. ±inf would
claim a half-line is the interval; with no finite estimate there is no
profile to read it from (R's ``confint`` gives NA there, with warnings).

The overall penalized likelihood-ratio test of a Firth fit
(:func:`penalized_null_lr`) is logistf's: the null fit keeps only the
intercept free, the other coefficients at 0, with the penalty of the full
model's information. So is the test of two nested Firth fits
(:func:`nested_firth_lr`, logistf's ``anova`` with its default ``method =
"nested"``): the smaller model is refitted with the larger model's penalty,
its extra coefficients held at 0. The smaller fit's own penalized likelihood
carries another penalty (its own information) and is not comparable with the
larger one's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from .._exceptions import InvalidParameterError, NumericalError
from .._firth import FirthPoint
from .._numerics import MAX_BACKTRACKS
from .._typing import FloatArray
from ..solvers._linesearch import armijo, backtrack, negligible
from ._hypothesis import LRTestResult, chi2_sf
from ._profile_frames import CentredPoints
from ._profile_frames import frame as _frame

__all__ = [
    "CentredPoints",
    "LikelihoodPoints",
    "held_lr_statistics",
    "nested_firth_lr",
    "penalized_null_lr",
    "profile_conf_int",
]

SINGULAR_PATH = "singular Fisher information on the profile path"


class LikelihoodPoints:
    """The plain (unpenalized) objective seen through :class:`FirthObjective`'s API."""

    def __init__(self, objective: Any) -> None:
        self.objective = objective
        self.n_params = objective.n_params

        self._last: tuple[bytes, FloatArray] | None = None

    def information(self, theta: FloatArray) -> FloatArray:
        """``I(θ)``; the last one is kept, as the profile asks for the
        information of the point it has just evaluated (one data pass saved)."""
        key = np.ascontiguousarray(theta, dtype=np.float64).tobytes()
        if self._last is None or self._last[0] != key:
            info = self.objective.weight_sum * self.objective.hessian(theta)
            self._last = (key, info)
        return self._last[1]

    def point(self, theta: FloatArray) -> FirthPoint:
        value, grad = self.objective.value_and_gradient(theta)
        try:
            factor = cho_factor(self.information(theta), lower=True)
        except LinAlgError:
            return FirthPoint(theta, np.inf, value, 0.0, None)
        return FirthPoint(theta, value, value, 0.0, factor, grad)


def _newton_step(fo: Any, pt: FirthPoint, free: Any) -> tuple[FloatArray, float, bool]:
    """The scoring step on the ``free`` coordinates at ``pt``, its slope
    ``gᵀd`` (minus the Newton decrement, per unit of weight), and whether
    ``pt`` is a constrained maximum (the decrement below 1e-12 in
    log-likelihood units or below the rounding noise of the value)."""
    total = fo.objective.weight_sum
    assert pt.grad is not None  # the callers check it
    info = fo.information(pt.theta)[np.ix_(free, free)]
    g = pt.grad[free]
    d = -total * cho_solve(cho_factor(info, lower=True), g)
    slope = float(g @ d)
    return d, slope, bool(-total * slope < 1e-12 or negligible(-slope, pt.value))


def _constrained_max(
    fo: Any, start: FloatArray, j: Any, c: float, max_iter: int = 200
) -> FirthPoint:
    """Minimize ``F`` over all coordinates but ``j`` (an index or an array of
    indices, held at ``c``). Where the line search finds no decrease before
    the stopping rule holds (a start whose logits are far out, where the
    information vanishes and the scoring step overshoots), the point reached
    is returned: :func:`_settled` tells the callers whose start is not close."""
    theta = np.array(start, dtype=np.float64)
    theta[j] = c
    free = np.ones(theta.size, dtype=bool)
    free[j] = False
    pt = fo.point(theta)
    if pt.grad is None:
        raise FloatingPointError(SINGULAR_PATH)
    if not free.any():
        return pt
    for _ in range(max_iter):
        d, slope, done = _newton_step(fo, pt, free)
        if done:
            break

        def trial(
            t: float, base: FirthPoint = pt, d: FloatArray = d, slope: float = slope
        ) -> tuple[bool, FirthPoint]:
            theta_t = base.theta.copy()
            theta_t[free] += t * d
            point = fo.point(theta_t)
            ok = point.grad is not None and armijo(point.value, base.value, t, slope)
            return ok, point

        accepted, new = backtrack(trial, 1.0, max_backtracks=MAX_BACKTRACKS)
        if not accepted or new is None:
            break
        pt = new
    return pt


def _settled(fo: Any, pt: FirthPoint, held: Any) -> bool:
    """Whether ``pt`` (from :func:`_constrained_max` with ``held`` fixed) is
    the constrained maximum by its stopping rule."""
    free = np.ones(pt.theta.size, dtype=bool)
    free[held] = False
    if pt.grad is None or not free.any():
        return pt.grad is not None
    try:
        return _newton_step(fo, pt, free)[2]
    except LinAlgError:
        return False


def held_start(hat: FirthPoint, held: Any) -> FloatArray:
    """The maximum of the quadratic approximation at ``β̂`` with ``β_G = 0``
    (``G`` the ``held`` indices): ``β̂ - Σ_·G Σ_GG⁻¹ β̂_G`` (``Σ = I⁻¹``), the
    start of a refit with those coefficients held at 0. Setting ``β_G = 0``
    alone moves every logit by ``-x_G β̂_G``: a column far from 0 (a year, a
    column shifted by a constant) puts every fitted probability at 0 or 1,
    where the information vanishes and scoring stalls; the other coefficients
    (the intercept first) take that shift back here, as they do at the
    constrained maximum. ``β̂`` itself where the information is singular."""
    theta = np.array(hat.theta, dtype=np.float64)
    held = np.atleast_1d(np.asarray(held))
    if hat.factor is None or held.size == 0:
        theta[held] = 0.0
        return theta
    unit = np.zeros((theta.size, held.size))
    unit[held, np.arange(held.size)] = 1.0
    cols = cho_solve(hat.factor, unit)  # Σ_·G (up to Σs, which cancels)
    try:
        shift = cols @ np.linalg.solve(cols[held], theta[held])
    except np.linalg.LinAlgError:
        theta[held] = 0.0
        return theta
    start = theta - shift
    if not np.all(np.isfinite(start)):
        theta[held] = 0.0
        return theta
    start[held] = 0.0
    return start


def _secant_endpoint(
    deviance: Any, center: float, se: float, sign: float, quantile: float
) -> float | None:
    """The endpoint on side ``sign`` by the secant method on the signed root
    ``√deviance(c) - √quantile``, which is close to linear in ``c`` (exactly
    so for a quadratic log-likelihood), from ``β̂_j`` and the Wald endpoint:
    a few constrained fits. None when it does not settle (then bracketing)."""
    z = float(np.sqrt(quantile))
    c0, f0 = center, -z
    c1 = center + sign * z * se
    for _ in range(12):
        f1 = float(np.sqrt(max(deviance(c1), 0.0))) - z
        if abs(f1) <= 1e-10 * z:
            return c1
        if not np.isfinite(f1) or f1 == f0:
            return None
        c2 = c1 - f1 * (c1 - c0) / (f1 - f0)
        if not np.isfinite(c2) or sign * (c2 - center) <= 0:
            return None
        if abs(c2 - c1) <= 1e-10 * se:
            return c2
        c0, f0, c1 = c1, f1, c2
    return None


def _bracketed_endpoint(
    deviance: Any, center: float, se: float, sign: float, quantile: float
) -> float:
    """The endpoint on side ``sign`` by bracketing outward in steps of
    ``2 se`` (doubling), then ``brentq``; ``sign · inf`` when the profile
    never reaches the quantile."""

    def excess(c: float) -> float:
        return float(deviance(c)) - quantile

    inner, step = center, 2.0 * se
    outer = inner + sign * step
    for _ in range(40):
        if excess(outer) > 0:
            break
        inner, step = outer, 2.0 * step
        outer = inner + sign * step
    else:
        return sign * np.inf
    return float(
        optimize.brentq(
            excess, min(inner, outer), max(inner, outer), xtol=1e-12, rtol=1e-12
        )
    )


def _singular(name: str) -> NumericalError:
    return NumericalError(
        f"profile interval of {name!r}: the Fisher information is singular on "
        "the profile path (fitted probabilities of 0 or 1: the data are "
        "separated, so the maximum likelihood estimate and its profile do not "
        "exist); use penalty='firth', whose profile penalized-likelihood "
        "intervals exist (logistf), or profile the other terms alone, whose "
        "profiles may still be finite: res.conf_int(method='profile', "
        "terms=[...]) or res.odds_ratios(method='profile', terms=[...]) "
        "(summary(odds_ratios='profile') profiles every term)"
    )


class _ProfileDeviance:
    """The profile deviance ``c ↦ 2 Σs [F(max_{θ_j = c}) - F(θ̂)]`` of
    coefficient ``j`` on one side of ``θ̂_j``.

    Each constrained maximum starts from the point already found whose ``c``
    is nearest (``θ̂`` at first), moved along the quadratic approximation's
    profile trace, and is kept: a ``c`` asked again gives the same deviance.
    A penalized likelihood need not be concave, and in a badly conditioned
    parametrization (a column far from 0) a fit that starts far out along
    the trace can settle on another local maximum; brentq's second look at
    a bracket's end then saw a deviance of the other sign than the bracketing
    had, and raised. ``θ̂_j`` itself has deviance 0."""

    def __init__(self, fo: Any, hat: FirthPoint, j: int, trace: FloatArray) -> None:
        self.fo, self.hat, self.j, self.trace = fo, hat, j, trace
        self.total = fo.objective.weight_sum
        self.found: dict[float, tuple[FloatArray, float]] = {
            float(hat.theta[j]): (hat.theta, 0.0)
        }

    def __call__(self, c: float) -> float:
        c = float(c)
        if c in self.found:
            return self.found[c][1]
        near = min(self.found, key=lambda k: abs(k - c))
        start = self.found[near][0] + (c - near) * self.trace
        pt = _constrained_max(self.fo, start, self.j, c)
        value = 2.0 * self.total * (pt.value - self.hat.value)
        self.found[c] = (pt.theta, value)
        return value


def profile_conf_int(
    fo: Any,
    theta_hat: FloatArray,
    alpha: float,
    which: Any = None,
    names: Any = None,
) -> FloatArray:
    """Profile penalized-likelihood intervals, shape (k, 2), objective order;
    only the coefficients ``which`` (objective indices; all by default), the
    other rows NaN. ``names`` (objective order) name a coefficient in the
    error raised for a separated fit."""
    from scipy import stats

    def name_of(j: int) -> str:
        return str(names[j]) if names is not None else f"coefficient {j}"

    quantile = float(stats.chi2.isf(alpha, 1))
    out = np.full((theta_hat.size, 2), np.nan)
    indices = range(theta_hat.size) if which is None else which
    frames: dict[int, tuple[Any, FloatArray, FirthPoint, FloatArray]] = {}
    for j in indices:
        fo_j, theta_j, scale = _frame(fo, theta_hat, j)
        if id(fo_j) not in frames:
            hat = fo_j.point(theta_j)
            if hat.factor is None:
                raise _singular(name_of(j))
            cov = cho_solve(hat.factor, np.eye(theta_j.size))
            frames[id(fo_j)] = (fo_j, theta_j, hat, cov)
        fo_j, theta_j, hat, cov = frames[id(fo_j)]
        se = float(np.sqrt(cov[j, j]))
        trace = cov[:, j] / cov[j, j]  # dθ/dc of the quadratic approximation
        for side, sign in ((0, -1.0), (1, 1.0)):
            deviance = _ProfileDeviance(fo_j, hat, j, trace)
            try:
                bound = _secant_endpoint(
                    deviance, float(theta_j[j]), se, sign, quantile
                )
                if bound is None:
                    bound = _bracketed_endpoint(
                        deviance, float(theta_j[j]), se, sign, quantile
                    )
            except FloatingPointError as exc:
                if str(exc) != SINGULAR_PATH:
                    raise
                raise _singular(name_of(j)) from None
            out[j, side] = bound if scale is None else bound / scale[j]
    return out


def penalized_null_lr(fo: Any, theta_hat: FloatArray) -> tuple[float, int]:
    """logistf's overall likelihood-ratio test of a Firth fit: the statistic
    ``2 [ℓ*(β̂) - max_{β_0} ℓ*(β_0, 0, …, 0)]`` (``ℓ*`` with the full model's
    information; without an intercept the null is ``β = 0``) and its degrees
    of freedom (the number of coefficients held at 0)."""
    total = fo.objective.weight_sum
    k = theta_hat.size
    fixed = np.arange(k - 1 if fo.objective.fit_intercept else k)
    fo, theta_hat, _ = _frame(fo, theta_hat, fixed)
    hat = fo.point(theta_hat)
    null = _constrained_max(fo, np.zeros(k), fixed, 0.0)
    return max(2.0 * total * (null.value - hat.value), 0.0), int(fixed.size)


def nested_firth_lr(a: Any, b: Any) -> LRTestResult:
    """The likelihood-ratio test of two nested Firth fits' inference results
    (``a``, ``b`` in either order; see the module docstring): ``2 [ℓ*(β̂) -
    max ℓ*(β)]``, the maximum over the larger fit's coefficients with those
    of terms the smaller fit lacks held at 0, ``ℓ*`` with the larger fit's
    information; df the number held. Needs the larger fit's training data
    (the caller, ``InferenceResults.lr_test``, has checked that both fits
    read the same observations)."""
    large, small = (a, b) if a.k_params >= b.k_params else (b, a)
    if not (a._labelled and b._labelled):
        raise InvalidParameterError(
            "lr_test of Firth fits matches the smaller fit's columns to the larger "
            "one's by name, and a fit on an array names its columns by position "
            "(x1, x2, ...): fit both on DataFrames (named columns) or formulas"
        )
    names, kept = large._obj_names(), set(small._obj_names())
    extra = sorted(kept - set(names))
    if extra or large.k_params == small.k_params:
        raise InvalidParameterError(
            "lr_test of Firth fits refits the smaller model with the larger one's "
            "penalty (logistf's anova, method 'nested'), so the smaller fit's terms "
            "must be terms of the larger and fewer"
            + (f": {extra[:5]} are terms of the smaller fit only" if extra else "")
        )
    dropped = np.array([j for j, name in enumerate(names) if name not in kept])
    fo = large._points(
        "lr_test of Firth fits (the smaller model refitted with the larger one's "
        "penalty)"
    )
    total = fo.objective.weight_sum
    fo, theta, _ = _frame(fo, large._theta, dropped)
    hat = fo.point(theta)
    restricted = _constrained_max(fo, held_start(hat, dropped), dropped, 0.0)
    stat = max(2.0 * total * (restricted.value - hat.value), 0.0)
    df = int(dropped.size)
    return LRTestResult(stat, float(chi2_sf(stat, df)), df)


def profile_lr_statistics(
    fo: Any, theta_hat: FloatArray, names: Any = None, separated: bool = False
) -> FloatArray:
    """``2 [ℓ*(β̂) - max_{β_j = 0} ℓ*(β)]`` for every j (objective order).

    The per-coefficient likelihood-ratio statistics (logistf's default tests
    for Firth fits, with the full model's penalty); each is ``χ²(1)`` under
    ``β_j = 0``. See :func:`held_lr_statistics`, of which these are the
    one-coefficient groups (``names``, objective order, name them in errors).
    """
    groups = [
        (str(names[j]) if names is not None else f"coefficient {j}", np.array([j]))
        for j in range(theta_hat.size)
    ]
    return held_lr_statistics(fo, theta_hat, groups, separated)


def held_lr_statistics(
    fo: Any,
    theta_hat: FloatArray,
    groups: list[tuple[str, Any]],
    separated: bool = False,
) -> FloatArray:
    """``2 [ℓ*(β̂) - max_{β_G = 0} ℓ*(β)]`` for each ``(name, G)`` of
    ``groups`` (``G`` indices in objective order, held at 0 together: a
    term's columns); each is ``χ²(|G|)`` under ``β_G = 0``. With the full
    model's penalty for a Firth fit (logistf's ``drop1``/``anova``, method
    "nested").

    Each constrained maximum starts from the quadratic approximation's
    (:func:`held_start`), and, where the refit from there stalls before its
    stopping rule, from 0 too. A ``separated`` maximum-likelihood fit stops
    far out on its diverging path, where the rows the separation does not
    decide can sit at fitted probabilities of 0 or 1 once ``β_G`` is set to
    0: the information there is (nearly) singular and the refit stalls at its
    start. Its refits therefore start from ``β̂`` with ``β_G = 0`` and from
    0 (information ``X̃ᵀX̃ / 4``) and keep the larger of the two maxima,
    each a likelihood attained at some ``β`` with ``β_G = 0``, so the larger
    is the closer to the constrained supremum. The fit's own log-likelihood
    stays the full model's even where its information is singular (every
    fitted probability 0 or 1: it is then near the supremum 0). A refit
    singular from every start raises :class:`NumericalError` naming the
    group.
    """
    total = fo.objective.weight_sum
    frames: dict[int, tuple[Any, FirthPoint, float]] = {}
    zero = np.zeros_like(np.asarray(theta_hat, dtype=np.float64))  # θ = 0 = T 0
    out = np.empty(len(groups))
    for g, (name, held) in enumerate(groups):
        fo_g, theta_g, _ = _frame(fo, theta_hat, held)
        if id(fo_g) not in frames:
            pt_hat = fo_g.point(theta_g)
            top_g = pt_hat.value if pt_hat.factor is not None else pt_hat.loss
            frames[id(fo_g)] = (fo_g, pt_hat, top_g)
        fo_g, hat, top = frames[id(fo_g)]
        if separated or hat.factor is None:
            starts = [hat.theta, zero]
        else:
            starts = [held_start(hat, held)]
        best = np.inf
        settled = False
        while starts:
            start = starts.pop(0)
            try:
                pt = _constrained_max(fo_g, start, held, 0.0)
            except FloatingPointError as exc:
                if str(exc) != SINGULAR_PATH:
                    raise
            else:
                best = min(best, pt.value)
                settled = settled or _settled(fo_g, pt, held)
            if not starts and not settled and start is not zero:
                starts.append(zero)  # a start that stalled: refit from 0 too
        if not np.isfinite(best):
            raise NumericalError(
                f"likelihood-ratio p-value of {name!r}: the Fisher information is "
                "singular on its constrained refit (fitted probabilities of 0 or 1: "
                "the data are separated); use penalty='firth', whose penalized "
                "likelihood-ratio tests exist (logistf)"
            )
        out[g] = max(2.0 * total * (best - top), 0.0)
    return out
