"""The covariance of a K-class fit from its information matrix, with the
binary path's rank checks (:func:`._covariance.invert_information`) applied to
the columns first, then to the whole information (see
:func:`invert_multinomial`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import NumericalStabilityWarning, held_back
from .._typing import FloatArray
from ._covariance import CollinearityError, invert_information

__all__ = ["invert_multinomial"]


def _constant_terms(
    info: FloatArray, mean: FloatArray | None, terms: list[str], q: int
) -> list[str]:
    """Feature columns constant beside the intercept, read off the information:
    in every equation e, ``I[e:j, e:b]² = I[e:j, e:j] I[e:b, e:b]`` (Cauchy-Schwarz
    with equality: x_j constant on the rows that carry curvature) and the
    constant ``I[e:j, e:b] / I[e:b, e:b]`` is the column's mean."""
    if mean is None:
        return []
    out = []
    for j, name in enumerate(terms):
        constant = True
        for e in range(info.shape[0] // q):
            jj, bb = e * q + j, e * q + q - 1
            hjj, hbb, hjb = info[jj, jj], info[bb, bb], info[jj, bb]
            if not (hjj > 0 and hbb > 0):
                constant = False
                break
            value = hjb / hbb
            tol = 1e-9 * max(abs(value), abs(float(mean[j])), 1e-300)
            # hjb² < (1 - 1e-10) hjj hbb as ratios, which overflow nowhere
            # (information of weights of 1e200: its squares would)
            if (hjb / hjj) * value < 1 - 1e-10 or abs(value - mean[j]) > tol:
                constant = False
                break
        if constant and mean[j] != 0:
            out.append(name)
    return out


def invert_multinomial(
    stats: Any,
    names: list[str],
    terms: list[str],
    intercept: bool,
    separated: bool,
) -> tuple[FloatArray, float]:
    """The model-based covariance ``I⁻¹`` of K-class statistics (a
    :class:`~._multinomial.MultinomialStatistics`) and its reciprocal condition after
    the binary path's rank checks (:func:`._covariance.invert_information`),
    so that no standard error comes from a singular information matrix:

    * a constant column beside the intercept raises
      :class:`CollinearityError` naming it;
    * the columns themselves are checked on ``Σ_e I_ee``, the sum of the
      equations' diagonal blocks (``X̃ᵀ diag(s Σ_e p_e(1-p_e)) X̃``): collinear
      or all-zero columns raise, named by term (not once per equation);
    * then the whole information. Under separation (``separated``), where
      it is ill-conditioned because coefficients diverge, the inverse is
      returned as it is (the summary says these standard errors are
      meaningless); otherwise a singular information raises, saying that
      the columns are not collinear, so some class's fitted probabilities
      are 0 or 1.
    """
    info = np.asarray(stats.information, dtype=np.float64)
    q = len(terms) + int(intercept)
    m = info.shape[0] // q
    term_names = terms + (["Intercept"] if intercept else [])
    constant = _constant_terms(info, stats.mean, terms, q) if intercept else []
    blocks = sum(info[e * q : (e + 1) * q, e * q : (e + 1) * q] for e in range(m))
    with held_back(NumericalStabilityWarning):
        invert_information(
            np.asarray(blocks),
            term_names,
            constant_columns=constant,
            capacity=np.diag(blocks).copy(),
        )
    if separated:
        with held_back(NumericalStabilityWarning):
            try:
                return invert_information(info, names, capacity=np.diag(info).copy())
            except CollinearityError as exc:
                try:
                    cov = np.linalg.inv(info)
                except np.linalg.LinAlgError:
                    raise exc from None
                # Unit-diagonal scaling for the condition number; a zero
                # diagonal entry (a class whose fitted probabilities are all
                # 0 or 1 on a column) is left unscaled rather than divided by.
                root = np.sqrt(np.abs(np.diag(info)))
                root[root == 0] = 1.0
                evals = np.linalg.eigvalsh(info / np.outer(root, root))
                return 0.5 * (cov + cov.T), float(evals[0] / evals[-1])
    try:
        return invert_information(info, names, capacity=np.diag(info).copy())
    except CollinearityError as exc:
        # exc's own words ("the columns ... are linearly dependent") would
        # contradict the check of the columns just passed: name the
        # parameters along the singular directions instead
        from .._messages import name_list

        raise CollinearityError(
            "the information matrix of this fit is singular although its columns "
            "are not collinear: some class's fitted probabilities are 0 or 1 "
            "(separation) and standard errors do not exist; refit with a penalty "
            "or fewer columns (the singular directions involve the "
            f"{name_list(list(dict.fromkeys(exc.columns)), 'parameters')})",
            exc.columns,
            exc.reason,
        ) from None
