"""A model file's ``training.fit_statistics.centred``: the information of a
Firth fit (FLIC and FLAC included) in the centred coordinates it was fitted
in (:mod:`logistic._firth_centred`), so that a loaded model's inference is
the fitted model's.

Convention (owned here). A Firth fit with an intercept solves its problem on
the columns centred and scaled, ``x' = (x - μ)/σ``, and keeps the
information there (:class:`~logistic._firth_centred.CentredInformation`):
its covariance is ``T (Σs ∇²J')⁻¹ Tᵀ``, with ``T`` the map of ``θ = T θ'``.
The file's ``covariance`` is that matrix in the user's coordinates, whose
condition grows as ``(μ/σ)²``: beyond about 7e7 it is no longer positive
definite in float64, and a model read from it alone lost its inference (no
fit statistics, or FLAC's ``CollinearityError``). So where a column lies
over :data:`~logistic._numerics.FAR_FROM_CENTRE` times its spread from 0,
``save`` also writes, in ``training.fit_statistics``::

    "centred": {"mean": [μ_1, …, μ_p], "scale": [σ_1, …, σ_p],
                "hessian": [[k numbers] × k]}

``mean`` and ``scale`` (the map ``T``; each ``σ`` a power of two, as
:func:`~logistic._firth_centred.exact_moments` rounds it) and ``hessian``
(``∇²J'(θ̂')`` of the centred copy, objective order with the intercept last,
``k = p + 1``; the information is ``weight_sum`` times it) as the fitted
model keeps them, bit for bit. Such a file is format 1.6
(:data:`CENTRED_VERSION`); every other file is written as before, byte for
byte. A build that reads at most 1.5 warns that the file is newer and reads
it without the field, as it read such files before.

Loaded, the model's statistics hold the field as their ``centred``
information and the Hessian in the user's coordinates is ``T⁻ᵀ ∇²J' T⁻¹``
(:meth:`~logistic._firth_centred.CentredInformation.original_hessian`), not
the stored covariance inverted: ``inference()``, ``inference(X, y, …)`` and
``summary()`` are the fitted model's. The field is checked on load, each
error a :class:`~logistic.ModelFormatError` naming it: an object of the three
keys; ``mean`` and ``scale`` lists of ``p`` finite numbers, each ``σ`` a
positive power of two whose map ``T`` is finite, and both the columns'
centres and spreads (``fit_statistics.mean`` and ``std``, as the fit rounds
them: :func:`_check_moments`); ``hessian`` ``k`` lists of
``k`` finite numbers, symmetric to
:data:`~._covariance.COVARIANCE_SYMMETRY_RTOL` and positive definite
(Cholesky of its correlation matrix); only for a Firth fit with an
intercept, beside a covariance without aliased (null) rows that it gives
back, ``T (weight_sum · hessian)⁻¹ Tᵀ``, to :data:`AGREEMENT_RTOL` of
``√(V_ii V_jj)``; never in a K-class file or one without a covariance
(:func:`check_centred_place`: no statistics are rebuilt there to read it);
and only in a file of format 1.6 or later. ``read_model_file`` checks it
as ``load`` does (the command line reads files so).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import ModelFormatError
from .._numerics import FAR_FROM_CENTRE, mean_over_spread
from ._fields import _bad, _finite_list

__all__ = [
    "AGREEMENT_RTOL",
    "CENTRED_VERSION",
    "KEY",
    "centred_from_dict",
    "centred_to_dict",
    "centred_version",
    "check_centred_place",
    "check_centred_version",
    "without_centred",
]

#: The format version that adds ``training.fit_statistics.centred``.
CENTRED_VERSION = (1, 6)
#: The field's key in ``training.fit_statistics``.
KEY = "centred"
#: How far the covariance the field gives, ``T (Σs ∇²J')⁻¹ Tᵀ``, may lie
#: from the file's ``covariance`` (computed from the same numbers when
#: saved: they differ by rounding, ~1e-13), as a share of ``√(V_ii V_jj)``.
AGREEMENT_RTOL = 1e-6
#: Largest asymmetry of ``hessian``, as a share of ``√(H_ii H_jj)``.
_SYMMETRY_RTOL = 1e-8
_NAME = f"training.fit_statistics.{KEY}"


def centred_to_dict(stats: Any) -> dict[str, Any] | None:
    """The field of ``stats`` (a :class:`~logistic.inference._stored.FitStatistics`):
    its centred information where it has one whose map is known and a column
    lies far from 0; else None (the file is then written as before). Only
    what a load accepts is written."""
    centred = getattr(stats, "centred", None)
    if centred is None or centred.mean is None or centred.scale is None:
        return None
    if not np.any(mean_over_spread(stats.mean, stats.std) > FAR_FROM_CENTRE):
        return None
    mean = np.asarray(centred.mean, dtype=np.float64)
    scale = np.asarray(centred.scale, dtype=np.float64)
    hessian = np.asarray(centred.hessian, dtype=np.float64)
    try:
        _check_map(mean, scale, "<save>")
        _check_hessian(hessian, "<save>")
    except ModelFormatError:  # no field a load would refuse
        return None
    return {
        "mean": [float(v) for v in mean],
        "scale": [float(v) for v in scale],
        "hessian": [[float(v) for v in row] for row in hessian],
    }


def centred_version(training: Any, version: tuple[int, int]) -> tuple[int, int]:
    """``version``, raised to :data:`CENTRED_VERSION` where ``training``'s
    fit statistics hold the field."""
    return max(version, CENTRED_VERSION) if _given(training) else version


def check_centred_version(version: str, training: Any, path: str) -> None:
    """Refuse the field in a file that claims a format before 1.6."""
    major, minor = (int(v) for v in version.split("."))
    if _given(training) and (major, minor) < CENTRED_VERSION:
        need = "{}.{}".format(*CENTRED_VERSION)
        raise _bad(
            path,
            f"field 'format_version' is {version} but '{_NAME}' is given "
            f"(format {need} or later)",
        )


def check_centred_place(training: Any, binary: bool, path: str) -> bool:
    """Whether ``training``'s fit statistics hold the field; refused where
    no statistics are rebuilt to check it (``binary``: the file holds a
    binary model and its covariance), so that no file loads with a field
    that is never read, and none is written back so."""
    if not _given(training):
        return False
    if not binary:
        raise _bad(
            path,
            f"field '{_NAME}' is given, but the file holds no binary model with "
            "its covariance (the field is a binary Firth fit's information): "
            "remove it",
        )
    return True


def without_centred(training: Any) -> Any:
    """``training`` without the field (a copy; ``training`` itself where it
    holds none): what a save writes beside no covariance or for a K-class
    model, where :func:`check_centred_place` refuses the field."""
    if not _given(training):
        return training
    stats = {k: v for k, v in training["fit_statistics"].items() if k != KEY}
    return {**training, "fit_statistics": stats}


def _given(training: Any) -> bool:
    stats = training.get("fit_statistics") if isinstance(training, dict) else None
    return isinstance(stats, dict) and KEY in stats


def centred_from_dict(
    doc: dict[str, Any],
    covariance: np.ndarray,
    weight_sum: float,
    moments: tuple[np.ndarray, np.ndarray],
    model: tuple[bool, bool],
    path: str,
) -> Any:
    """The :class:`~logistic._firth_centred.CentredInformation` of the field
    in the fit statistics ``doc``, or None where it is not given;
    ``covariance``: the file's, objective order; ``moments``: the
    statistics' column means and standard deviations; ``model``: whether
    the model is a Firth fit, and whether it has an intercept."""
    from .._firth_centred import CentredInformation

    if KEY not in doc:
        return None
    value = doc[KEY]
    firth, fit_intercept = model
    if not (firth and fit_intercept):
        raise _bad(
            path,
            f"field '{_NAME}' is given, but the model is not a Firth fit with an "
            "intercept (the only fit made in centred coordinates): remove it",
        )
    keys = ("mean", "scale", "hessian")
    if not isinstance(value, dict) or set(value) != set(keys):
        got = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise _bad(
            path,
            f"field '{_NAME}' must be an object of 'mean', 'scale' and 'hessian', "
            f"got {got!s:.80}",
        )
    k = int(covariance.shape[0])
    if np.isnan(np.diag(covariance)).any():
        raise _bad(
            path,
            f"field '{_NAME}' is given beside a covariance with aliased (null) "
            "rows; a Firth fit has none",
        )
    mean = _finite_list(value["mean"], k - 1, path, f"{_NAME}.mean")
    scale = _finite_list(value["scale"], k - 1, path, f"{_NAME}.scale")
    _check_map(mean, scale, path)
    _check_moments(mean, scale, moments, path)
    rows = value["hessian"]
    if not isinstance(rows, list) or len(rows) != k:
        size = len(rows) if isinstance(rows, list) else type(rows).__name__
        raise _bad(path, f"field '{_NAME}.hessian' must be {k} x {k}, got {size}")
    hessian = np.array([_finite_list(r, k, path, f"{_NAME}.hessian") for r in rows])
    _check_hessian(hessian, path)
    centred = CentredInformation.of_moments(mean, scale, hessian)
    _check_agreement(centred, covariance, weight_sum, path)
    return centred


def _check_map(mean: np.ndarray, scale: np.ndarray, path: str) -> None:
    """Each ``σ`` a positive power of two (as the fit rounds it), and the
    map ``T`` (``1/σ``, ``μ/σ``) finite."""
    fraction, _ = np.frexp(scale)
    bad = np.flatnonzero(~((scale > 0) & (fraction == 0.5)))
    if bad.size:
        j = int(bad[0])
        raise _bad(
            path,
            f"field '{_NAME}.scale' has [{j}] = {float(scale[j])!r}; expected "
            "positive powers of two (the columns' spreads as the fit rounds them)",
        )
    with np.errstate(over="ignore", invalid="ignore"):
        inv = 1.0 / scale
        finite = np.isfinite(inv) & (inv > 0) & np.isfinite(mean * inv)
    if not finite.all():
        j = int(np.flatnonzero(~finite)[0])
        raise _bad(
            path,
            f"fields '{_NAME}.mean' and '.scale' at [{j}] ({float(mean[j])!r}, "
            f"{float(scale[j])!r}) give a map to the centred coordinates that is "
            "not finite",
        )


def _check_moments(
    mean: np.ndarray,
    scale: np.ndarray,
    moments: tuple[np.ndarray, np.ndarray],
    path: str,
) -> None:
    """``μ`` and ``σ`` are the columns' own (the statistics' ``mean`` and
    ``std``) as the fit rounds them (:class:`~logistic._scaling.ScaledObjective`:
    the mean to a grid of ``2^-20`` scales, then to X's dtype, float32 at
    the coarsest; the scale to a power of two), the centre of a constant
    column 0 and its spread its value's size (1 for zeros): ``μ`` within
    ``2^-10`` spreads plus ``2^-20`` of itself, ``σ`` within a factor 2. A
    map from other moments gives another fit's covariance, where the
    file's cannot tell (its intercept's entries hold the far column's
    centre, beside which another column's is lost)."""
    col_mean, col_std = moments
    varies = col_std > 0
    centre = np.where(varies, col_mean, 0.0)
    spread = np.where(varies, col_std, np.where(col_mean != 0, np.abs(col_mean), 1.0))
    off = np.abs(mean - centre) > 2.0**-10 * spread + 2.0**-20 * np.abs(centre)
    off |= ~((scale >= spread / 2) & (scale <= 2 * spread))
    if off.any():
        j = int(np.flatnonzero(off)[0])
        raise _bad(
            path,
            f"fields '{_NAME}.mean' and '.scale' at [{j}] ({float(mean[j])!r}, "
            f"{float(scale[j])!r}) are not the column's centre and spread (its "
            f"mean {float(col_mean[j])!r} and standard deviation "
            f"{float(col_std[j])!r} in 'training.fit_statistics'); expected the "
            "fit's (the file was edited or damaged: save the model again from "
            "its fit)",
        )


def _check_hessian(hessian: np.ndarray, path: str) -> None:
    """``hessian`` symmetric to rounding and positive definite (its
    correlation matrix has a Cholesky factor)."""
    name = f"{_NAME}.hessian"
    diag = np.diag(hessian)
    if not np.all(diag > 0):
        j = int(np.flatnonzero(~(diag > 0))[0])
        raise _bad(
            path,
            f"field '{name}' has the diagonal entry [{j}][{j}] = "
            f"{float(diag[j])!r}; expected a positive definite matrix",
        )
    root = np.sqrt(diag)
    with np.errstate(over="ignore", invalid="ignore"):
        corr = hessian / np.outer(root, root)
    gap = np.abs(corr - corr.T)
    if not np.all(gap <= _SYMMETRY_RTOL):
        i, j = (int(v) for v in np.argwhere(~(gap <= _SYMMETRY_RTOL))[0])
        raise _bad(
            path,
            f"field '{name}' is not symmetric: entry [{i}][{j}] = "
            f"{float(hessian[i, j])!r} but [{j}][{i}] = {float(hessian[j, i])!r}",
        )
    try:
        np.linalg.cholesky(0.5 * (corr + corr.T))
    except np.linalg.LinAlgError:
        raise _bad(
            path,
            f"field '{name}' is not positive definite; expected the information "
            "of the fit's centred columns (the file was edited or damaged: save "
            "the model again from its fit)",
        ) from None


def _check_agreement(
    centred: Any, covariance: np.ndarray, weight_sum: float, path: str
) -> None:
    """The covariance the field gives is the file's ``covariance``."""
    with np.errstate(all="ignore"):
        cov_c = np.linalg.inv(weight_sum * centred.hessian)
        given = centred.covariance(cov_c)
        scale = np.sqrt(np.outer(np.diag(covariance), np.diag(covariance)))
        off = np.abs(given - covariance) / np.where(scale > 0, scale, 1.0)
    if not np.all(off <= AGREEMENT_RTOL):
        i, j = (int(v) for v in np.argwhere(~(off <= AGREEMENT_RTOL))[0])
        raise _bad(
            path,
            f"field '{_NAME}' gives the covariance entry [{i}][{j}] (objective "
            f"order, intercept last) {float(given[i, j])!r}, but "
            f"'covariance.matrix' holds {float(covariance[i, j])!r}; expected the "
            "same fit's (the file was edited or damaged: save the model again "
            "from its fit)",
        )
