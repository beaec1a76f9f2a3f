"""An in-memory backend holds a float32 or float64 X; another dtype is
refused naming it. The kernels compute the logits in X's dtype: an integer X
handed to ``LogisticObjective.from_arrays`` (README's route to
``logistic.solvers.solve``) or to ``InMemory`` rounded the coefficients to
integers (the objective stayed at θ = 0, lbfgs "converged" nowhere, the
other solvers raised numpy's "not inexact"), a float16 X the logits to 3
digits. The reference values are numpy's formula of the mean loss."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticObjective
from logistic.backends import InMemory

RNG = np.random.default_rng(3)
X_INT = RNG.integers(0, 5, size=(400, 3))
Y = (RNG.random(400) < 0.4).astype(float)
THETA = np.array([0.3, -0.5, 0.2, -0.1])


def _numpy_loss(X: np.ndarray) -> float:
    """Mean logistic loss log(1 + e^z) - y z, z = X w + b, by numpy's formula."""
    z = X @ THETA[:3] + THETA[3]
    return float(np.mean(np.logaddexp(0.0, z) - Y * z))


@pytest.mark.parametrize(
    "X",
    [
        X_INT,
        X_INT.astype(np.int8),
        X_INT > 2,
        X_INT.astype(np.float16),
        X_INT.astype(np.longdouble),
        X_INT.astype(object),
        sp.csr_matrix(X_INT),
    ],
    ids=["int64", "int8", "bool", "float16", "longdouble", "object", "csr-int64"],
)
@pytest.mark.parametrize("build", ["from_arrays", "InMemory"])
def test_a_non_float_x_is_refused_naming_its_dtype(X: object, build: str) -> None:
    with pytest.raises(DataValidationError, match="float32 or float64") as err:
        if build == "from_arrays":
            LogisticObjective.from_arrays(X, Y)
        else:
            InMemory(X, Y)
    assert str(X.dtype) in str(err.value)  # type: ignore[attr-defined]


@pytest.mark.parametrize("dtype", [np.float64, ">f8", np.float32, ">f4"])
def test_float_x_of_either_byte_order_gives_numpy_loss(dtype: object) -> None:
    X = X_INT.astype(dtype)
    value = LogisticObjective.from_arrays(X, Y).value(THETA)
    tol = 1e-12 if np.dtype(dtype).itemsize == 8 else 1e-6
    assert value == pytest.approx(_numpy_loss(X_INT.astype(float)), rel=tol)


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.bool_, np.float16, np.float64])
def test_coefficients_keep_float64_for_any_x_but_float32(dtype):
    # the one rule of the fit and prediction logits (_logits.coef_for): w is
    # cast to float32 for a float32 X only; an integer X would round it
    from logistic._logits import coef_for

    w = np.array([0.4, -1.3])
    assert coef_for(np.ones((3, 2), dtype=dtype), w) is w
    for f32 in (np.float32, ">f4"):
        assert coef_for(np.ones((3, 2), dtype=f32), w).dtype == np.dtype(f32)
    huge = np.array([1e40, 1.0])  # beyond float32's range: kept in float64
    assert coef_for(np.ones((3, 2), dtype=np.float32), huge) is huge
