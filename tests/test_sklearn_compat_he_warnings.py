"""``logistic.ConvergenceWarning`` is also scikit-learn's ConvergenceWarning
once scikit-learn is loaded (at ``import logistic``, or at the first fit or
scikit-learn call after it), whichever is imported first, so scikit-learn's
filters (and ``ignore_warnings``) silence it; ``import logistic`` alone does
not import scikit-learn."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import logistic

pytest.importorskip("sklearn")
import sklearn.exceptions  # noqa: E402
from sklearn.utils._testing import ignore_warnings  # noqa: E402


def _fit_not_converging() -> logistic.LogisticRegression:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] + rng.logistic(size=50) > 0).astype(int)
    est = logistic.LogisticRegression(penalty="l2", solver="gd", max_iter=1)
    return est.fit(X, y)


def test_is_sklearn_convergence_warning() -> None:
    # linked at import when scikit-learn is loaded first, else at the next fit
    logistic.LogisticRegression().get_params()
    assert issubclass(
        logistic.ConvergenceWarning, sklearn.exceptions.ConvergenceWarning
    )
    assert issubclass(
        logistic.DataConversionWarning, sklearn.exceptions.DataConversionWarning
    )
    assert issubclass(logistic.ConvergenceWarning, UserWarning)


def test_sklearn_filter_silences_it_and_ours_still_matches() -> None:
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        warnings.filterwarnings(
            "ignore", category=sklearn.exceptions.ConvergenceWarning
        )
        assert not _fit_not_converging().converged_
    assert rec == []
    with pytest.warns(logistic.ConvergenceWarning):
        _fit_not_converging()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ignore_warnings(category=sklearn.exceptions.ConvergenceWarning)(
            _fit_not_converging
        )()
    assert rec == []


_ORDER = """
import sys, warnings
{first}
import logistic, numpy as np
assert "sklearn" not in sys.modules or {sk_first}
import sklearn.exceptions as ske
warnings.simplefilter("error")
warnings.filterwarnings("ignore", category=ske.ConvergenceWarning)
rng = np.random.default_rng(0)
X = rng.normal(size=(50, 3)); y = (X[:, 0] > 0.2).astype(int)
m = logistic.LogisticRegression(penalty="l2", solver="gd", max_iter=1).fit(X, y)
assert not m.converged_
print("ok")
"""


@pytest.mark.parametrize("sk_first", [True, False])
def test_either_import_order(sk_first: bool) -> None:
    code = _ORDER.format(
        first="import sklearn.exceptions" if sk_first else "", sk_first=sk_first
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
