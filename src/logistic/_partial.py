"""Incremental fitting (``partial_fit``): mini-batch SGD one chunk at a time.

Convention (owned here):

* The first call fixes everything a stream cannot revise later: ``classes``
  (required, as in scikit-learn), the number and names of features,
  ``fit_intercept`` (a later call with the other setting is refused:
  :func:`check_stream_intercept`), and the standardized coordinates
  (column means and scales of the **first** chunk; see
  :mod:`logistic._scaling`) together with the initial step ``η_0 = 1/L``
  estimated on that chunk.
* Each call makes one pass of seeded mini-batch SGD over its chunk with the
  step ``η_k = η_0 / sqrt(1 + k / n_0)`` (``n_0`` = batches in the first
  chunk), continuing the step counter across calls, and reports the
  Polyak–Ruppert average of all iterates so far. On a CSR chunk a stream
  (two or K classes) takes the same steps in O(each batch's non-zeros
  times its coefficient rows) (:mod:`logistic.solvers._lazy_sgd`); the lazy
  steps' columns and the standardized view are built on the first call and
  kept (:func:`stream_view`).
* A first chunk of fewer than ``FIRST_CHUNK_ROWS_PER_PARAM`` rows a
  parameter warns (:func:`warn_small_first_chunk`): the scales and the step
  it fixes are estimated from too few rows for the rest of the stream (two
  rows of three features left probabilities 0.7 from ``fit``'s after ten
  passes over 5 000 more rows).
* Weights (sample weights, times a dict ``class_weight``) weigh rows across
  the whole stream, as in ``fit``: a mini-batch's loss is summed with its
  weights and divided by its rows times the stream's mean weight a row so
  far (its own weight would make every batch weigh alike: a chunk weighted
  as a whole, or a chunk of one class, would leave the fit unweighted).
* The objective is the weighted mean loss plus ``(alpha/2)‖w‖²``. The method
  exists only for configurations it can honour (``supports_partial_fit``):
  penalty None or "l2" with an explicit ``alpha`` (``C``, and the default
  ``C = 1.0`` of a penalty named without a strength, need the total weight of
  the whole stream), solver "auto" or "sgd", ``class_weight`` None or a dict
  (``"balanced"`` needs the class counts of the whole stream; a dict's
  weights multiply each chunk's sample weights, as above). A chunk may lack
  a class, weighted or not; a later chunk of total weight 0 changes nothing.
  After a ``fit``, the first ``partial_fit`` continues from the fitted
  coefficients and classes when the fit's classes and columns are the
  stream's (two or K classes); a ``fit`` ends any earlier stream (when it
  succeeds: one refused or interrupted leaves the stream to go on).
* A call works on a copy of the stream's state (:func:`stream_state`) and
  puts it in place with the fitted attributes (:func:`store_stream_fit`): a
  call stopped part-way (a ``KeyboardInterrupt``, a ``NumericalError``)
  leaves the estimator as the last complete call left it, so that the chunk
  can be given again without its first batches counted twice.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._exceptions import (
    DataValidationError,
    InvalidParameterError,
    NumericalError,
    user_stacklevel,
)
from ._feature_names import check_fit_names
from ._file_marks import forget_file_marks
from ._labels import encode, given_classes, labels_shown
from ._numerics import coef_dtype
from ._objective import LogisticObjective
from ._scaling import ScaledObjective, column_moments
from ._validation import (
    check_feature_names,
    check_vector,
    check_X,
    class_weight_vector,
    feature_names_of,
)

if TYPE_CHECKING:  # imported by the functions that run SGD: the estimator
    # imports this module, and a fit other than SGD needs no gradient_descent
    from .solvers.gradient_descent import SGDState

__all__ = [
    "PartialFitState",
    "chunk_weights",
    "check_chunk_X",
    "encode_chunk_y",
    "fitted_coefficients",
    "partial_fit",
    "partial_fit_refusal",
    "store_stream_fit",
    "stream_state",
    "supports_partial_fit",
    "warn_small_first_chunk",
    "weightless",
]

BATCH_SIZE = 256


@dataclass
class PartialFitState:
    """What persists between ``partial_fit`` calls."""

    classes: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    eta0: float
    n_batches0: int
    sgd: SGDState
    rng: np.random.Generator
    n_calls: int = 0
    #: The stream's rows and their total weight so far (its mean weight a
    #: row scales each batch's step: :func:`partial_fit_step`).
    rows_seen: int = 0
    weight_seen: float = 0.0
    #: What a binary stream's chunks share and need not rebuild (O(p) each
    #: call on 2^20 columns): the standardized view without its data and
    #: the lazy steps' columns (:func:`stream_view`); never changed, so
    #: shared, not copied, by :func:`stream_state`; left out of a pickle
    #: (:meth:`__getstate__`).
    coordinates: Any = None

    def __getstate__(self) -> dict[str, Any]:
        """The state without :attr:`coordinates`, which the next call rebuilds
        from ``mean`` and ``scale`` (:func:`stream_view`): a pickle (and a
        copy) holds the stream, not its O(p) cache (42 MB of 134 on 2^20
        columns and 3 classes)."""
        values = dict(vars(self))
        values["coordinates"] = None
        return values


def stream_state(est: Any) -> PartialFitState | None:
    """A copy of ``est``'s stream state (None before a stream's first call),
    for a call to update: the SGD pass changes its iterate, step counter and
    random generator in place, batch by batch. A ``fit_intercept`` other
    than the stream's is refused first (:func:`check_stream_intercept`)."""
    state = getattr(est, "_partial_state", None)
    if state is None:
        return None
    check_stream_intercept(est, state)
    copied = copy.deepcopy(state)  # without the cache (__getstate__)
    copied.coordinates = state.coordinates  # read-only: the copy shares it
    return copied


def supports_partial_fit(est: Any) -> bool:
    """Whether this configuration can be fitted incrementally (mini-batch SGD)."""
    return partial_fit_refusal(est) is None


def partial_fit_refusal(est: Any) -> str | None:
    """Why ``est`` has no ``partial_fit`` (the parameters that disable it and
    what it accepts), or None when it has one."""
    why = []
    if est.solver not in ("auto", "sgd"):
        why.append(f"solver={est.solver!r}")
    if est.penalty not in (None, "l2"):
        why.append(f"penalty={est.penalty!r}")
    if est.C is not None:
        why.append(f"C={est.C!r} (it scales with the whole stream's weight)")
    elif est.penalty == "l2" and est.alpha is None:
        why.append("penalty='l2' without alpha")
    if isinstance(est.class_weight, str):
        why.append(
            f"class_weight={est.class_weight!r} (it needs the class counts of the "
            "whole stream; pass a dict, e.g. from "
            "sklearn.utils.class_weight.compute_class_weight)"
        )
    if not why:
        return None
    return (
        ", ".join(why) + "; partial_fit (mini-batch SGD) takes penalty=None or "
        "penalty='l2' with alpha=, no C, class_weight None or a dict, and "
        "solver='auto' or 'sgd'"
    )


def chunk_weights(
    est: Any, codes: np.ndarray, classes: Any, sample_weight: Any, *, first: bool
) -> np.ndarray | None:
    """A chunk's sample weights (checked: one per row, finite, ≥ 0) times its
    rows' class weights (``class_weight`` a dict; ``codes`` the class indices),
    as ``fit`` weights its rows.

    A chunk may lack a class, or weigh a class's rows zero, weighted or not:
    a stream's chunks need not each hold every class. The first chunk's
    weights must have a positive total (``first``): its weighted column
    moments fix the stream's coordinates. A later chunk of total weight 0
    leaves the model as it is (:func:`weightless`); one of any positive total,
    however small, takes its SGD steps (the L2 term's shrinkage among them,
    which does not scale with the chunk's weight)."""
    sw = None
    if sample_weight is not None:
        n = codes.shape[0]
        sw = check_vector(sample_weight, n, "sample_weight", nonnegative=True)
    if est.class_weight is not None:
        labels = np.asarray(classes)
        per_row = class_weight_vector(est.class_weight, labels, codes, None)
        assert per_row is not None
        sw = per_row if sw is None else sw * per_row
    if first and weightless(sw):
        given = [
            name
            for name, value in (("sample_weight", sample_weight),
                                ("class_weight", est.class_weight))
            if value is not None
        ]  # fmt: skip
        raise DataValidationError(
            f"the first partial_fit chunk's {' times '.join(given)} sums to 0: its "
            "weighted column means and scales fix the stream's coordinates; give "
            "the first chunk rows of positive weight"
        )
    return sw


def fitted_coefficients(
    est: Any, known: Any, n_features: int, names: Any
) -> tuple[np.ndarray, np.ndarray] | None:
    """``(coef_, intercept_)`` of an earlier ``fit`` that a first chunk
    continues: one of the stream's classes ``known`` (one row of coefficients
    for two, K rows for K) and ``n_features`` columns, and not of other or
    reordered named columns (both named and the ``names`` differ); else None,
    and the stream starts from zero."""
    coef = getattr(est, "coef_", None)
    rows = 1 if len(known) == 2 else len(known)
    if coef is None or np.shape(coef) != (rows, n_features):
        return None
    if not np.array_equal(np.asarray(est.classes_), np.asarray(known)):
        return None
    fitted = getattr(est, "feature_names_in_", None)
    if fitted is not None and names is not None:
        if [str(n) for n in fitted] != [str(n) for n in names]:
            return None
    return np.asarray(coef), np.asarray(est.intercept_)


def weightless(sw: np.ndarray | None) -> bool:
    """Whether a chunk's weights (:func:`chunk_weights`) sum to 0: a chunk
    that adds nothing to the objective, so no SGD step is taken on it."""
    return sw is not None and not float(np.sum(sw)) > 0


#: A first chunk with fewer rows a parameter than this warns.
FIRST_CHUNK_ROWS_PER_PARAM = 10


def warn_small_first_chunk(n_rows: int, n_params: int) -> None:
    """Warn when the first chunk (``n_rows``) is small for ``n_params``
    parameters: it fixes the stream's scales and step (module docstring)."""
    if n_rows < FIRST_CHUNK_ROWS_PER_PARAM * n_params:
        warnings.warn(
            f"the first partial_fit chunk has {n_rows} rows for {n_params} "
            "parameters: its column scales and initial step, fixed for the whole "
            f"stream, rest on few rows; give the first call at least "
            f"{FIRST_CHUNK_ROWS_PER_PARAM * n_params} rows",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def start(
    classes: Any, objective: LogisticObjective, random_state: Any, theta0: Any = None
) -> PartialFitState:
    """State of the first call: coordinates and step from the first chunk.

    ``theta0`` (original scale) continues from an earlier ``fit``.
    """
    from .solvers.gradient_descent import SGDState, lipschitz_constant

    if classes is None:
        raise DataValidationError(
            "classes must be passed on the first call to partial_fit."
        )
    classes = given_classes(classes)
    warn_small_first_chunk(int(objective.data.n_samples), objective.n_params)
    mean, std = column_moments(objective)
    scaled = ScaledObjective(objective, moments=(mean, std))
    eta0 = 1.0 / lipschitz_constant(scaled)
    theta = (
        np.zeros(objective.n_params) if theta0 is None else scaled.from_original(theta0)
    )
    n_rows = int(objective.data.n_samples)
    return PartialFitState(
        classes=classes,
        mean=mean,
        scale=std,
        eta0=eta0,
        n_batches0=max(1, -(-n_rows // BATCH_SIZE)),
        sgd=SGDState(theta, theta.copy()),
        rng=np.random.default_rng(random_state),
    )


def partial_fit_step(
    state: PartialFitState, scaled: Any, columns: Any = None
) -> np.ndarray:
    """One SGD pass over the chunk through ``scaled`` (the chunk's objective in
    the state's standardized coordinates, two or K classes); returns the
    averaged θ on the original scale. ``columns`` (:func:`stream_view`) takes
    the lazy steps on a CSR chunk."""
    from .solvers._lazy_sgd import lazy_sgd_pass, sparse_rows
    from .solvers.gradient_descent import minibatches, sgd_pass

    data = scaled.base.data  # the chunk, in memory
    weights = data.sample_weight
    state.rows_seen += int(data.n_samples)
    state.weight_seen += float(data.n_samples if weights is None else np.sum(weights))
    mean_weight = state.weight_seen / max(state.rows_seen, 1)
    batches = minibatches(data, state.rng, BATCH_SIZE)
    if columns is not None and sparse_rows(scaled):
        # CSR rows: steps in O(non-zeros), the dense steps' iterates
        lazy_sgd_pass(
            scaled, columns, batches, state.sgd, state.eta0, state.n_batches0,
            mean_weight,
        )  # fmt: skip
    else:
        sgd_pass(
            scaled, batches, state.sgd, state.eta0, state.n_batches0, average=True,
            mean_weight=mean_weight,
        )  # fmt: skip
    state.n_calls += 1
    theta = scaled.to_original(state.sgd.avg)
    if not np.all(np.isfinite(theta)):
        raise NumericalError(
            f"partial_fit produced non-finite coefficients at call {state.n_calls}; "
            f"check the chunk for extreme values or lower the learning rate"
        )
    return theta


def stream_view(
    state: PartialFitState, objective: Any, make: Any = None
) -> tuple[Any, Any]:
    """``(view, columns)``: the chunk's objective in the stream's standardized
    coordinates (``make(objective)`` on the first call, K classes; a binary
    ``ScaledObjective`` without it), and the
    :class:`~logistic.solvers._lazy_sgd.LazyColumns` of its lazy steps
    (None: the dense steps), built on a stream's first call (and again where
    ``alpha`` changed since; ``fit_intercept`` cannot:
    :func:`check_stream_intercept`; and on the first call after a pickle,
    which leaves them out) and kept in
    ``state.coordinates`` for the next chunks, whose views are the kept
    one's :meth:`~logistic._scaling.ScaledObjective.with_base` (O(p) a call
    less on wide streams)."""
    from .solvers._lazy_sgd import lazy_columns

    key = (objective.l2, objective.fit_intercept, objective.n_params)
    kept = state.coordinates
    if kept is not None and kept[0] == key:
        return kept[1].with_base(objective), kept[2]
    if make is None:
        view = ScaledObjective(objective, moments=(state.mean, state.scale))
    else:
        view = make(objective)
    columns = lazy_columns(view)
    state.coordinates = (key, view.with_base(None), columns)
    return view, columns


def check_stream_intercept(est: Any, state: PartialFitState) -> None:
    """Refuse a ``fit_intercept`` changed since the stream's first call.

    The stream's iterate holds one coefficient row a class (one binary) of
    ``n_features_in_`` values and an intercept or not, fixed by that call;
    with the other setting a call read the iterate in the wrong layout (a
    ``ValueError`` of array shapes, naming no parameter)."""
    rows = 1 if len(state.classes) <= 2 else len(state.classes)
    had = int(state.sgd.theta.size) != rows * int(est.n_features_in_)
    if bool(est.fit_intercept) != had:
        raise InvalidParameterError(
            f"fit_intercept={bool(est.fit_intercept)} differs from the stream's: "
            f"its first partial_fit call fixed fit_intercept={had} (its "
            f"coefficients {'hold' if had else 'have no'} an intercept). Set "
            f"fit_intercept={had} to go on with the stream, or call fit, or "
            "partial_fit on a new estimator, to start over"
        )


def check_chunk_X(est: Any, X: Any, state: Any) -> tuple[Any, Any]:
    """``(names, X)`` of a chunk: its column names and X checked, with the
    names and number of features those of the first call (when ``state``).
    A sparse chunk is CSR (a COO one is made CSR by :func:`check_X`, a CSC
    one here): each mini-batch is a set of rows, which a CSC matrix yields
    in O(its columns) and a CSR one in O(the batch's non-zeros), and the
    lazy steps read a batch's columns from CSR ``indices``; converted once
    a chunk, not once a batch (a CSC chunk of 10 000 rows on 2^20 hashed
    columns: 0.58 s CPU made CSR batch by batch, 0.22 s once,
    benchmarks/partial_fit_sparse.py)."""
    names = feature_names_of(X)
    own = type(est).__name__
    if state is not None:
        check_feature_names(getattr(est, "feature_names_in_", None), X, own)
    else:
        check_fit_names(names, bool(est.fit_intercept))
    X = check_X(X, estimator=own)
    if getattr(X, "format", None) == "csc":
        X = X.tocsr()  # canonical CSC gives canonical CSR
    if state is not None and X.shape[1] != est.n_features_in_:
        raise DataValidationError(
            f"X has {X.shape[1]} features, but {own} is expecting "
            f"{est.n_features_in_} features as input (fixed by the first "
            f"partial_fit call)."
        )
    return names, X


def check_stream_classes(classes: Any, known: Any) -> None:
    """A later call's ``classes`` (None, or the same labels in any order) against
    the stream's ``known`` ones, two or K: the one error of a changed set."""
    if classes is None:
        return
    given = np.unique(np.asarray(classes))
    if not np.array_equal(given, np.sort(np.asarray(known))):
        raise DataValidationError(
            f"classes={labels_shown(given)} differs from the classes given at "
            f"the first partial_fit call: {labels_shown(known)}"
        )


def encode_chunk_y(y: Any, known: Any, n_rows: int) -> np.ndarray:
    """A chunk's labels encoded by the stream's ``known`` classes, one per row
    of X (``n_rows``)."""
    codes = encode(y, known, " given at the first partial_fit call")
    if codes.shape[0] != n_rows:
        raise DataValidationError(
            f"Found input variables with inconsistent numbers of samples: "
            f"[{n_rows}, {codes.shape[0]}]"
        )
    return codes


def partial_fit(
    est: Any, X: Any, y: Any, classes: Any, sample_weight: Any, offset: Any
) -> Any:
    """The body of ``LogisticRegression.partial_fit`` (see the module docstring)."""
    from .backends.array_api import host_array  # device arrays: a host copy

    X, y, sample_weight, offset = map(host_array, (X, y, sample_weight, offset))
    est._validate_params()
    state = stream_state(est)
    fitted_before = state is None and hasattr(est, "coef_")
    if state is None and classes is None and fitted_before:
        classes = est.classes_  # continue an earlier fit
    names, X = check_chunk_X(est, X, state)
    if state is not None:
        check_stream_classes(classes, state.classes)
    if state is None and classes is None:
        raise DataValidationError(
            "classes must be passed on the first call to partial_fit."
        )
    known = state.classes if state is not None else given_classes(classes)
    y01 = encode_chunk_y(y, known, X.shape[0])
    sw = chunk_weights(est, y01, known, sample_weight, first=state is None)
    off = None if offset is None else check_vector(offset, X.shape[0], "offset")
    if weightless(sw):  # a later chunk of weight 0: nothing to learn from it
        return est
    alpha = float(est.alpha) if est.penalty == "l2" and est.alpha else 0.0
    objective = LogisticObjective.from_arrays(
        X,
        y01.astype(X.dtype),
        sw,
        off,
        l2=alpha,
        fit_intercept=bool(est.fit_intercept),
    )
    if state is None:
        theta0 = None
        fitted = fitted_coefficients(est, known, X.shape[1], names)
        if fitted is not None:  # continue the earlier fit
            theta0 = np.append(fitted[0].ravel(), fitted[1][:1])
            theta0 = theta0[: objective.n_params]
        state = start(classes, objective, est.random_state, theta0)
    scaled, columns = stream_view(state, objective)
    theta = partial_fit_step(state, scaled, columns)
    w, b = objective.split(theta)
    coef = w.reshape(1, -1).copy()
    intercept = np.array([b if est.fit_intercept else 0.0])
    return store_stream_fit(est, state, coef, intercept, names, alpha, X.dtype)


def store_stream_fit(
    est: Any,
    state: Any,
    coef: np.ndarray,
    intercept: np.ndarray,
    names: np.ndarray | None,
    alpha: float,
    data_dtype: Any,
) -> Any:
    """The fitted attributes after a ``partial_fit`` call (binary, or K > 2
    classes from :mod:`logistic._multinomial_partial`); returns ``est``.
    ``coef_`` and ``intercept_`` are float32 for a float32 chunk, as ``fit``
    gives them (:func:`logistic._numerics.coef_dtype`); the stream goes on
    from its own float64 state. A stream keeps an earlier ``fit``'s
    ``encoding_`` (its text columns' levels and expanded names) only where it
    continues that fit (:func:`fitted_coefficients`) on columns of the same
    names, as it keeps ``feature_names_in_``: else the encoding describes
    columns the model no longer has."""
    if state.n_calls == 1 and (
        names is None
        or fitted_coefficients(est, state.classes, coef.shape[1], names) is None
    ):
        est.encoding_ = None
    forget_file_marks(est)  # a stream's fit, not the one a file described
    est._partial_state = state
    est.classes_ = state.classes
    dtype = coef_dtype(data_dtype, np.append(coef.ravel(), intercept.ravel()))
    est.coef_ = np.asarray(coef, dtype=dtype)
    est.intercept_ = np.asarray(intercept, dtype=dtype)
    est.n_features_in_ = int(coef.shape[1])
    if names is not None:
        est.feature_names_in_ = names
    elif state.n_calls == 1:  # a new stream of unnamed columns: no fit's names
        vars(est).pop("feature_names_in_", None)
    if state.n_calls == 1:
        est.target_name_ = None  # partial_fit reads no name of y
    est.n_iter_ = np.array([state.n_calls])
    est.solver_ = "sgd"
    est.converged_ = False  # a stream has no stopping rule
    est.penalty_l1_, est.penalty_l2_ = 0.0, alpha
    est.tol_ = float("nan")
    # a stream computes no objective or gradient over all its rows: a
    # previous fit's values (and its history) are not this model's
    est.objective_ = est.grad_max_norm_ = float("nan")
    est.history_ = []
    est.n_passes_ = int(state.n_calls)  # one pass over each chunk
    est.fit_status_ = (
        f"partial_fit: {state.n_calls} chunk(s) of mini-batch SGD (a stream has "
        "no stopping rule)"
    )
    est.fit_statistics_ = None  # a stream keeps no statistics for inference
    # the separation check needs every row: an unpenalized stream is not
    # checked (and a previous fit's verdict is not this model's)
    est.separation_ = "unchecked" if alpha == 0 else None
    return est
