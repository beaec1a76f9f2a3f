"""``partial_fit`` for K > 2 classes: mini-batch SGD on the multinomial loss.

The conventions are :mod:`logistic._partial`'s (``classes`` on the first
call, the first chunk fixes the standardized coordinates and the step
``η_0 = 1/L``, one seeded pass per call with ``η_k = η_0 / sqrt(1 + k/n_0)``,
the Polyak–Ruppert average reported, ``penalty`` None or "l2" with
``alpha``), applied to :class:`logistic._multinomial.MultinomialObjective`
in the symmetric parametrization (the L2 term, when there is one, makes it
identifiable; without one the average is one of the equivalent optima).
``classes_`` lists the K labels sorted; ``coef_`` is (K, n_features).
The steps are :func:`logistic.solvers.gradient_descent.sgd_pass`'s, along
the objective's own mini-batch gradient
(:meth:`~logistic._multinomial.MultinomialObjective.batch_gradient`), as
for ``solver="sgd"``; on CSR chunks the same steps in O(a batch's non-zeros
times K) (:mod:`logistic.solvers._lazy_sgd`: one decay a column, shared by
the K classes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._multinomial import MultinomialObjective
from ._multinomial_scaled import ScaledMultinomial
from ._partial import (
    BATCH_SIZE,
    PartialFitState,
    check_chunk_X,
    check_stream_classes,
    chunk_weights,
    encode_chunk_y,
    fitted_coefficients,
    partial_fit_step,
    store_stream_fit,
    stream_state,
    stream_view,
    warn_small_first_chunk,
    weightless,
)
from ._typing import FloatArray
from ._validation import check_offset_matrix
from .backends.in_memory import InMemory
from .solvers.gradient_descent import (
    SGDState,
    lipschitz_constant,
)

__all__ = ["many_classes", "partial_fit_multinomial"]


def many_classes(est: Any, classes: Any) -> bool:
    """Whether this ``partial_fit`` call is of K > 2 classes: the classes of
    the stream so far, else the ``classes`` given, else those of a previous
    ``fit`` (which the call then continues with)."""
    state = getattr(est, "_partial_state", None)
    if state is not None:
        return len(state.classes) > 2
    if classes is not None:
        return len(np.unique(np.asarray(classes))) > 2
    return len(getattr(est, "classes_", ())) > 2


def _classes(est: Any, classes: Any) -> np.ndarray:
    state = getattr(est, "_partial_state", None)
    if state is not None:
        check_stream_classes(classes, state.classes)
        return np.asarray(state.classes)
    return np.unique(np.asarray(classes))


def _fitted_theta(
    est: Any, objective: MultinomialObjective, known: np.ndarray, names: Any
) -> FloatArray | None:
    """``theta`` (original scale, the objective's symmetric layout) of an
    earlier K-class ``fit`` of these classes and columns, from which a first
    ``partial_fit`` continues (as two classes continue theirs), else None."""
    fitted = fitted_coefficients(est, known, objective.n_features, names)
    if objective.reference or fitted is None:
        return None
    coef, intercept = fitted
    rows = np.column_stack([coef, intercept]) if objective.fit_intercept else coef
    return np.asarray(rows, dtype=np.float64).ravel()


def partial_fit_multinomial(
    est: Any, X: Any, y: Any, classes: Any, sample_weight: Any, offset: Any
) -> Any:
    """The body of ``LogisticRegression.partial_fit`` for K > 2 classes."""
    from .backends.array_api import host_array  # device arrays: a host copy

    X, y, sample_weight, offset = map(host_array, (X, y, sample_weight, offset))
    est._validate_params()
    state = stream_state(est)
    if state is None and classes is None:
        classes = getattr(est, "classes_", None)  # continue an earlier fit
    known = _classes(est, classes)
    names, X = check_chunk_X(est, X, state)
    y_idx = encode_chunk_y(y, known, X.shape[0])
    sw = chunk_weights(est, y_idx, known, sample_weight, first=state is None)
    off = (
        None if offset is None else check_offset_matrix(offset, X.shape[0], len(known))
    )
    if weightless(sw):  # a later chunk of weight 0: nothing to learn from it
        return est
    alpha = float(est.alpha) if est.penalty == "l2" and est.alpha else 0.0
    data = InMemory(X, y_idx.astype(X.dtype), sw, off, classes=known)
    objective = MultinomialObjective(
        data, len(known), l2=alpha, fit_intercept=bool(est.fit_intercept)
    )
    if state is None:  # the first chunk fixes the coordinates and the step
        warn_small_first_chunk(X.shape[0], objective.n_params)
        # the model's own arrays: the objective's are its read-only cache
        mean, std = (np.array(v) for v in objective.column_moments())
        first = ScaledMultinomial(objective, (mean, std), stochastic=True)
        fitted = _fitted_theta(est, objective, known, names)
        theta: FloatArray = np.zeros(objective.n_params)
        if fitted is not None:  # continue an earlier K-class fit
            theta = first.from_original(fitted)
        state = PartialFitState(
            classes=known,
            mean=mean,
            scale=std,
            eta0=1.0 / lipschitz_constant(first),
            n_batches0=max(1, -(-X.shape[0] // BATCH_SIZE)),
            sgd=SGDState(theta, theta.copy()),
            rng=np.random.default_rng(est.random_state),
        )
    moments = (state.mean, state.scale)
    view, columns = stream_view(
        state, objective, lambda o: ScaledMultinomial(o, moments, stochastic=True)
    )
    theta = partial_fit_step(state, view, columns)
    W, b = objective.split(theta)
    return store_stream_fit(est, state, W.copy(), b.copy(), names, alpha, X.dtype)
