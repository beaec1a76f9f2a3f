"""The reciprocal condition reported for a singular information matrix.

``invert_information`` reports ``λ_min / λ_max`` of the equilibrated
information. For exactly dependent columns ``λ_min`` is 0, but ``eigh``
returns roundoff of either sign (here -2.2e-16); a reciprocal condition
number is >= 0 by definition (LAPACK ``*pocon`` / ``numpy.linalg.cond``'s
``σ_min / σ_max``), so the message must say 0, never a negative number.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from logistic.inference._covariance import CollinearityError, invert_information


def _dependent_information():
    rng = np.random.default_rng(6)
    A = rng.standard_normal((50, 3))
    A = np.column_stack([A, A[:, 0] + 0.3 * A[:, 1] - A[:, 2]])  # exact relation
    info = A.T @ A
    root = np.sqrt(np.diag(info))
    C = info / np.outer(root, root)
    assert np.linalg.eigvalsh(0.5 * (C + C.T))[0] < 0  # the roundoff case
    return info


def test_singular_information_reports_a_nonnegative_reciprocal_condition():
    with pytest.raises(CollinearityError) as err:
        invert_information(_dependent_information(), ["a", "b", "c", "d"])
    text = str(err.value)
    found = re.search(r"reciprocal condition (\S+?)\)", text)
    assert found is not None, text
    assert float(found.group(1)) == 0.0


def test_full_rank_reciprocal_condition_is_the_eigenvalue_ratio():
    info = np.array([[4.0, 1.0], [1.0, 1.0]])
    _, rcond = invert_information(info, ["a", "b"])
    C = info / np.sqrt(np.outer(np.diag(info), np.diag(info)))
    s = np.linalg.svd(C, compute_uv=False)  # numpy.linalg.cond's 1 / (σ_max/σ_min)
    assert rcond == pytest.approx(s[-1] / s[0], rel=1e-12)
