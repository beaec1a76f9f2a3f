"""Hypothesis over the estimator's inputs: a fitted model or a documented error.

The property, for ``LogisticRegression(...).fit(X, y, sample_weight, offset)``
followed by ``predict_proba(X)``: either

* the fit succeeds and the probabilities are finite, in [0, 1], shaped
  (n_samples, 2), rows summing to 1; or
* it raises one of the package's documented errors (``DataValidationError``,
  ``InvalidParameterError``, ``NumericalError``) with a message;

never a raw numpy / scipy / pandas exception, and no warning other than the
package's own (no leaked ``RuntimeWarning``). Inputs the package must refuse
(a NaN in X, a missing label, a negative weight) must raise
``DataValidationError``. Inputs the strategies know to be valid (``must_fit``:
finite X with |x| <= 1e6, two classes each with positive weight, weights in
[1e-3, 1e6], class weights >= 1e-3, |offset| <= 50) must be fitted: a
documented error is then a failure too (the package's own warnings, such as
``ConvergenceWarning`` or ``PerfectSeparationWarning``, are fine).

Drawn: X (float32 / float64, finite values of any magnitude including
subnormals and ±3e38 / ±1.7e308, dense in C or F order, a list of lists, a
DataFrame, CSR / CSC), NaN injected or not; y (int 0/1, -1/+1, bool, float,
str, object, a pandas Series with a nullable dtype), missing labels (None,
NaN, ``pd.NA``) injected or not; sample_weight, class_weight and offset.
Failures the search found are kept as explicit ``@example`` cases: on the
property tests once fixed, and in the ``test_found_*`` tests (explicit examples
only, so that one open failure does not stop the search of the others) while
open.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
pd = pytest.importorskip("pandas")
sp = pytest.importorskip("scipy.sparse")

from hypothesis import HealthCheck, Phase, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import logistic  # noqa: E402
from logistic import (  # noqa: E402
    DataValidationError,
    InvalidParameterError,
    LogisticRegression,
    NumericalError,
)

DOCUMENTED = (DataValidationError, InvalidParameterError, NumericalError)
OWN_WARNINGS = tuple(
    getattr(logistic, name)
    for name in logistic.__all__
    if name.endswith("Warning") and isinstance(getattr(logistic, name), type)
)
NIGHTLY = os.environ.get("LOGISTIC_HYPOTHESIS_EXAMPLES")
SETTINGS = settings(
    # seconds in all; LOGISTIC_HYPOTHESIS_EXAMPLES=2000 for a nightly search,
    # which also draws new examples each run and shrinks a failure
    max_examples=int(NIGHTLY or 150),
    deadline=None,
    derandomize=NIGHTLY is None,
    phases=list(Phase) if NIGHTLY else [p for p in Phase if p is not Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- strategies --------------------------------------------------------------------
def _values(dtype: np.dtype) -> st.SearchStrategy[float]:
    """Mostly ordinary values, with any finite value of the dtype mixed in."""
    width = 32 if dtype == np.float32 else 64
    return st.one_of(
        st.floats(-10, 10, width=width),
        st.floats(allow_nan=False, allow_infinity=False, width=width),
        st.sampled_from([0.0, -0.0, 1e-300 if width == 64 else 1e-38, 1e18]),
    )


MODERATE = 1e6  # |x| bound of X values known valid


def _moderate(X: np.ndarray) -> bool:
    """Every value finite (no NaN) with magnitude at most ``MODERATE``."""
    values = np.asarray(X, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.all(np.abs(values) <= MODERATE))


@st.composite
def design_cases(draw, allow_nan: bool = True):
    """``(X, y, has_nan, must_fit)``: X in one of the accepted containers, y in
    {0, 1}; ``must_fit`` when X is finite with |x| <= 1e6 and y has both classes.
    """
    n = draw(st.integers(2, 24))
    p = draw(st.integers(1, 4))
    dtype = np.dtype(draw(st.sampled_from([np.float32, np.float64])))
    X = draw(hnp.arrays(dtype, (n, p), elements=_values(dtype)))
    has_nan = allow_nan and draw(st.booleans()) and draw(st.booleans())
    if has_nan:
        X[draw(st.integers(0, n - 1)), draw(st.integers(0, p - 1))] = np.nan
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    must_fit = _moderate(X) and len(set(y)) == 2
    kinds = ["C", "F", "list", "frame", "nullable", "arrow", "csr", "csc"]
    kind = draw(st.sampled_from(kinds))
    if kind == "F":
        X = np.asfortranarray(X)
    elif kind == "list":
        X = X.tolist()
    elif kind in ("frame", "nullable", "arrow"):
        X = pd.DataFrame(X, columns=[f"f{j}" for j in range(p)])
        if kind != "frame":  # NaN becomes pd.NA in these dtypes
            X = X.astype("Float64" if kind == "nullable" else "double[pyarrow]")
    elif kind in ("csr", "csc"):
        X = sp.csr_matrix(X) if kind == "csr" else sp.csc_matrix(X)
    return X, y, has_nan, must_fit


def _standard_normal(n: int, p: int = 2) -> np.ndarray:
    return np.random.default_rng(n).standard_normal((n, p))


LABEL_PAIRS = [
    (0, 1),
    (-1, 1),
    (False, True),
    (0.0, 1.0),
    ("no", "yes"),
    ("a", 2),  # mixed types: an error, or two classes
]


@st.composite
def label_cases(draw):
    """``(X, y, has_missing, must_fit)``: two labels of one type (or one label:
    an error); ``must_fit`` when both labels of a one-type pair are present and
    none is missing."""
    n = draw(st.integers(2, 24))
    pair = draw(st.sampled_from(LABEL_PAIRS))
    codes = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    values = [pair[c] for c in codes]
    has_missing = draw(st.booleans()) and draw(st.booleans())
    if has_missing:
        values[draw(st.integers(0, n - 1))] = draw(
            st.sampled_from([None, np.nan, pd.NA])
        )
    kind = draw(st.sampled_from(["list", "array", "series", "nullable"]))
    if kind == "array":
        y = np.array(values, dtype=object if has_missing else None)
    elif kind == "series":
        y = pd.Series(values)
    elif kind == "nullable" and pair in ((0, 1), (-1, 1), (False, True)):
        y = pd.Series(
            [None if v is None or v is pd.NA or v != v else v for v in values],
            dtype=object,
        ).astype("boolean" if pair == (False, True) else "Int64")
    else:
        y = values
    must_fit = not has_missing and pair != ("a", 2) and len(set(codes)) == 2
    return _standard_normal(n), y, has_missing, must_fit


def _vector(n: int, low: float, high: float) -> st.SearchStrategy:
    return hnp.arrays(
        np.float64,
        n,
        elements=st.one_of(st.floats(low, high), st.sampled_from([0.0, high])),
    )


# -- the property --------------------------------------------------------------------
def _fit_or_documented_error(
    X,
    y,
    sample_weight=None,
    offset=None,
    must_fail=False,
    class_weight=None,
    solver="auto",
    must_fit=False,
):
    """Fit and predict; assert the property; return the model or None.

    ``must_fail``: the input is invalid, a documented error is required.
    ``must_fit``: the input is known valid, a fitted model is required.
    """
    assert not (must_fail and must_fit), "a case cannot be both"
    refused = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = LogisticRegression(
                solver=solver, max_iter=200, class_weight=class_weight
            ).fit(X, y, sample_weight=sample_weight, offset=offset)
            proba = model.predict_proba(X)
        except DOCUMENTED as exc:
            assert str(exc).strip(), f"{type(exc).__name__} without a message"
            model = None
            refused = exc
    if must_fit:
        assert model is not None, (
            f"valid input was refused: {type(refused).__name__}: {refused}"
        )
    foreign = [w for w in caught if not issubclass(w.category, OWN_WARNINGS)]
    assert not foreign, [f"{w.category.__name__}: {w.message}" for w in foreign]
    if must_fail:
        assert model is None, "invalid input was accepted"
        return None
    if model is not None:
        n = len(y)
        assert proba.shape == (n, 2)
        assert np.all(np.isfinite(proba)), proba
        assert np.all((proba >= 0) & (proba <= 1))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-6)
    return model


@st.composite
def weight_cases(draw):
    """Keyword arguments of ``_fit_or_documented_error``: weights and offsets.

    ``must_fail`` when a weight is negative or a class's total weight is 0
    (zeroed by sample_weight or by class_weight); ``must_fit`` when both
    classes are present, every sample weight is in [1e-3, 1e6] and every
    class weight (a dict's) is at least 1e-3 (offsets are within +-50).
    """
    n = draw(st.integers(2, 24))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    sample_weight = draw(
        st.none()
        | _vector(n, 0.0, 1e6)
        | hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e6))
    )
    negative = sample_weight is not None and draw(st.booleans())
    if negative:
        sample_weight[draw(st.integers(0, n - 1))] = -1.0
    weight = st.one_of(st.floats(1e-3, 1e3), st.just(0.0))
    class_weight = draw(
        st.none() | st.just("balanced") | st.fixed_dictionaries({0: weight, 1: weight})
    )
    sw = np.ones(n) if sample_weight is None else sample_weight
    cw = class_weight if isinstance(class_weight, dict) else {0: 1.0, 1: 1.0}
    zeroed = any(np.sum(sw[y == c]) * cw[c] == 0 for c in (0, 1) if np.any(y == c))
    must_fit = (
        len(set(y.tolist())) == 2
        and bool(np.all((sw >= 1e-3) & (sw <= 1e6)))
        and all(w >= 1e-3 for w in cw.values())
    )
    offset = draw(st.none() | _vector(n, -50.0, 50.0))
    return {
        "X": _standard_normal(n),
        "y": y.tolist(),
        "sample_weight": sample_weight,
        "offset": offset,
        "class_weight": class_weight,
        "must_fail": negative or zeroed,
        "must_fit": must_fit,
    }


@SETTINGS
@given(case=design_cases(), solver=st.sampled_from(["auto", "lbfgs", "newton"]))
@example(  # float32 beyond sqrt(max): a RuntimeWarning from Newton's matmul
    case=(np.array([[3.689349e19], [0.0]], dtype=np.float32), [0, 1], False, False),
    solver="auto",
)
@example(  # float32 1e30 with L-BFGS: LinAlgError from the separation check
    case=(
        np.array([[1e30, -2e30], [3e30, 1e30], [-1e30, 5e29]], np.float32),
        [0, 1, 1],
        False,
        False,
    ),
    solver="lbfgs",
)
@example(  # pd.NA in a double[pyarrow] column: a raw TypeError
    case=(
        pd.DataFrame({"a": pd.array([1.0, None, 2.0, 3.0], dtype="double[pyarrow]")}),
        [0, 1, 0, 1],
        True,
        False,
    ),
    solver="auto",
)
def test_any_design_matrix(case, solver):
    """X of any container, dtype and finite magnitude, NaN or not; y in {0, 1}."""
    X, y, has_nan, must_fit = case
    _fit_or_documented_error(X, y, must_fail=has_nan, solver=solver, must_fit=must_fit)


@SETTINGS
@given(case=label_cases())
@example(
    case=(_standard_normal(2), pd.Series([None, False], dtype="boolean"), True, False)
)
@example(case=(_standard_normal(3), [None, "no", "yes"], True, False))
def test_any_labels(case):
    """Labels of any type and container, with missing labels or not."""
    X, y, has_missing, must_fit = case
    _fit_or_documented_error(X, y, must_fail=has_missing, must_fit=must_fit)


@SETTINGS
@given(case=weight_cases())
@example(  # class_weight zeroing a class was accepted
    case={
        "X": _standard_normal(6),
        "y": [0, 1, 0, 1, 0, 1],
        "class_weight": {0: 0.0, 1: 1.0},
        "must_fail": True,
    }
)
def test_any_weights_class_weights_and_offsets(case):
    """sample_weight (zeros, huge, negative), class_weight and offsets."""
    _fit_or_documented_error(**case)


def test_ragged_list_is_a_data_error():
    _fit_or_documented_error([[1.0, 2.0], [3.0]], [0, 1], must_fail=True)


# -- failures found by the properties, kept as explicit examples -------------------
EXPLICIT = settings(phases=[Phase.explicit], deadline=None)


@EXPLICIT
@given(case=design_cases(), solver=st.just("auto"))
@example(case=(np.array([[1e307], [1e307]]), [0, 1], False, False), solver="auto")
def test_found_huge_constant_column(case, solver):
    """A constant column near the float64 maximum: RuntimeWarning "overflow
    encountered in ldexp" from the standardization (_scaling.py)."""
    X, y, has_nan, must_fit = case
    _fit_or_documented_error(X, y, must_fail=has_nan, solver=solver, must_fit=must_fit)


@EXPLICIT
@given(case=design_cases(), solver=st.just("lbfgs"))
@example(case=(np.array([[1e-200], [0.0]]), [0, 1], False, True), solver="lbfgs")
def test_found_tiny_column_with_lbfgs(case, solver):
    """A column of scale 1e-200 with L-BFGS: RuntimeWarning "overflow
    encountered in matmul" (lbfgs.py via _scaling.py)."""
    X, y, has_nan, must_fit = case
    _fit_or_documented_error(X, y, must_fail=has_nan, solver=solver, must_fit=must_fit)


@EXPLICIT
@given(case=weight_cases())
@example(
    case={
        "X": _standard_normal(3),
        "y": [0, 1, 0],
        "sample_weight": np.array([1.0, 2.2250738585e-313, 0.0]),
        "class_weight": "balanced",
    }
)
def test_found_subnormal_class_total_with_balanced_weights(case):
    """A class whose total sample weight is subnormal, class_weight="balanced":
    RuntimeWarning "overflow encountered in divide" (_validation.py)."""
    _fit_or_documented_error(**case)


@EXPLICIT
@given(case=label_cases())
@example(case=(_standard_normal(2), [np.nan, "no"], True, False))
def test_found_nan_among_string_labels(case):
    """A NaN label in a list of strings becomes the class "nan": the fit is
    accepted with classes ['nan', 'no'] instead of refusing a missing label."""
    X, y, has_missing, must_fit = case
    _fit_or_documented_error(X, y, must_fail=has_missing, must_fit=must_fit)


@EXPLICIT
@given(case=design_cases(), solver=st.just("lbfgs"))
@example(
    case=(np.array([[1e-38], [0.0]], dtype=np.float32), [0, 1], False, True),
    solver="lbfgs",
)
def test_found_float32_subnormal_column_with_lbfgs(case, solver):
    """float32 X = [[1e-38], [0]], y = [0, 1] with L-BFGS: the coefficient
    outgrows float32 (|w| > 3.4e38); the logits are then computed in float64
    instead of failing with a non-finite objective (found by the must_fit check
    of the design property with LOGISTIC_HYPOTHESIS_EXAMPLES=1500)."""
    X, y, has_nan, must_fit = case
    _fit_or_documented_error(X, y, must_fail=has_nan, solver=solver, must_fit=must_fit)
