"""scikit-learn compatible binary ``LogisticRegression``: the one fit path.

Convention: ``__init__`` stores arguments unchanged; ``fit`` validates them
(:mod:`logistic._estimator_params`; the data: :mod:`logistic._validation`) and is the
only code that drives a fit, for arrays, files, block callables and Dask collections:

1. the data become a backend (:class:`logistic._typing.Backend`): validated in-memory
   arrays an :class:`~logistic.backends.InMemory` with labels encoded once
   (:mod:`logistic._labels`), anything else :func:`logistic.backends.as_backend`;
2. one :class:`~logistic._objective.LogisticObjective`, whose penalty comes
   from :meth:`~logistic._objective.LogisticObjective.from_penalty` (Σs and
   ``alpha = 1/(C·Σs)`` are the objective's);
3. the solver named by :func:`~logistic._fit_steps.checked_solver` from the
   data's :class:`~logistic._typing.DataDescription` and the penalty;
4. the standardized view (:class:`~logistic._scaling.ScaledObjective`), built
   once by the solver's ``view_of``, handed to :func:`logistic.solvers.solve`
   (with the checkpoint and the progress ``callback``) and to the separation check;
5. :meth:`LogisticRegression._store`, the one place fitted state is written.

The penalty is

    objective = (1/Σs) Σ s_i L_i + alpha·(l1_ratio·‖w‖₁ + (1-l1_ratio)/2·‖w‖²)

(the intercept is never penalised), so ``LogisticRegression(penalty="l2", C=C)``
minimises the same function as scikit-learn's ``LogisticRegression(C=C)``. ``fit``
is validate-then-mutate: every fitted attribute is assigned only after the solver
has returned, so a failed ``fit`` leaves the estimator as it was. scikit-learn is
not needed to use this class; it is imported lazily, only inside
``__sklearn_tags__``. The prediction methods (:mod:`logistic._prediction_methods`)
delegate to :mod:`logistic._prediction`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from ._checkpoint_lock import held
from ._constraints import Interval, Options, is_class_weight
from ._empty_columns import fit_columns
from ._estimator_params import (
    L1_RATIO_UNSET,
    binary_only_error,
    is_l1_ratio,
    is_random_state,
    refuse_firth_rows,
    validate_estimator_params,
)
from ._estimator_protocol import EstimatorProtocol, NotFittedError, available_if
from ._file_marks import forget_file_marks
from ._firth_centred import shared_copy
from ._firth_correction import correct_firth, corrected_statistics
from ._fit_aliased import aliased_at_zero
from ._fit_steps import (
    check_fit_columns,
    check_fit_separation,
    checked_solver,
    checkpointer,
    design_aliasing,
    fit_statistics,
    separation_stop,
    warn_float32_logits,
)
from ._fitted_params import record_fitted_params, snapshot_params
from ._frame_encoding import encode_for_fit
from ._grouped import GroupedData, grouped_data, mark_fitted_on_counts
from ._inference_methods import InferenceMethods
from ._numerics import coef_dtype, default_tol
from ._objective import LogisticObjective
from ._offset_use import OFFSET_ATTR, backend_has_offset, mark_fit_offset
from ._partial import partial_fit_refusal, supports_partial_fit
from ._penalty import penalty_strengths, resolve_strength
from ._prediction_methods import PredictionMethods
from ._row_alignment import check_rows_aligned
from ._thread_budget import is_n_jobs, with_n_jobs
from ._typing import Backend
from .backends._dispatch import as_backend
from .solvers import SolverResult, get_solver, solve
from .solvers._start import intercept_start

__all__ = ["LogisticRegression", "penalty_strengths", "NotFittedError"]


class LogisticRegression(PredictionMethods, InferenceMethods, EstimatorProtocol):
    """Logistic regression: binary, or multinomial when y has K > 2 classes
    (``coef_`` of shape (K, n_features); see docs/multinomial.md).

    Parameters
    ----------
    penalty : {None, "l2", "l1", "elasticnet", "firth"}, default=None
        None is maximum likelihood (as R's ``glm`` and statsmodels);
        "firth" is Firth's bias-reduced likelihood (needs a registered
        solver with the ``firth`` capability).
    firth_correction : {None, "flic", "flac"}, default=None
        With ``penalty="firth"``, Puhr et al.'s correction of its average
        predicted probability (R's ``logistf::flic``, ``flac``): FLIC refits
        the intercept, FLAC refits with a pseudo-row indicator, by maximum
        likelihood (:mod:`logistic._firth_correction`).
    alpha : float > 0 or None, default=None
        Penalty strength on the mean-loss scale (only with a norm penalty):
        the objective is ``(1/Σs) Σ s_i L_i + alpha·(l1_ratio·‖w‖₁ +
        (1 - l1_ratio)/2·‖w‖²)``, the intercept not penalised ("l2":
        ``alpha/2·‖w‖²``, "l1": ``alpha·‖w‖₁``).
    C : float > 0 or None, default=None
        scikit-learn style inverse strength: ``alpha = 1/(C·Σs)``. A norm
        penalty named with neither ``alpha`` nor ``C`` uses scikit-learn's
        ``C = 1.0``; ``alpha=0`` with a norm penalty, both set, or either set
        with ``penalty=None``/``"firth"`` is an error (:mod:`logistic._penalty`).
    l1_ratio : float in [0, 1], default=nan (not set; None says the same)
        Elastic-net mixing; required with ``penalty="elasticnet"``. With
        another penalty an error unless it says the same (0 with "l2", 1 with
        "l1"): scikit-learn ≥ 1.8 reads ``l1_ratio=1`` alone as L1, but our
        ``penalty`` defaults to None (:mod:`logistic._estimator_params`). A
        number by default, which scikit-learn's ``SelectFromModel`` reads.
    solver : str, default="auto"
        "auto" picks by shape, sparsity and penalty (recorded in ``solver_``);
        or one of the registered solvers ("newton", "lbfgs", "gd", "sgd",
        "newton-cd", ...). Which solver accepts which penalty and input is
        read from each solver's declared capabilities.
    fit_intercept : bool, default=True
    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by its class's weight; "balanced"
        uses ``Σs / (K Σ_{class} s)`` for K classes (``n / (K n_c)`` unweighted).
    tol : float ≥ 0 or None, default=None
        Stop when the gradient's max-norm (KKT residual with an L1 term) in
        standardized coordinates (column j scaled by ``sqrt(s_j² + 4·λ₂)``,
        ``s_j`` its standard deviation, ``λ₂`` the L2 part of the penalty;
        see :mod:`logistic._scaling`) is ≤ tol.
        None means the solver's default: 1e-10 for float64 X and 1e-6 for
        float32 X, 1e-3 for "sgd"; the value used is stored in ``tol_``.
    max_iter : int ≥ 1, default=1000
        The most iterations of the solver; for "sgd" the most epochs (passes
        over the rows in mini-batches). Reaching it before ``tol`` warns
        (:class:`~logistic.ConvergenceWarning`) and leaves ``converged_``
        False.
    warm_start : bool, default=False
        Start from the previous ``coef_``/``intercept_`` when shapes match.
    random_state : int ≥ 0, numpy Generator or RandomState, or None
        Seed of stochastic solvers (``sgd`` and ``partial_fit``'s mini-batch
        order; a RandomState or Generator is drawn from, so a second fit with
        it differs). An int gives the same model for the same data and
        options; None draws fresh entropy at every fit, so such a fit cannot
        be repeated (its model file stores ``random_state`` null). The
        deterministic solvers use no randomness.
    verbose : int, default=0
        > 0 prints each iteration's ``history_`` entry on standard output.
    n_jobs : int or None, default=None
        Threads for the passes of ``fit``, ``partial_fit`` and
        ``inference(X, y)`` over in-memory and out-of-core data: k > 0 (at
        most the CPUs the process may use), -1 (every such CPU) or -k (that
        less k - 1). None uses every CPU the process may use, at most
        ``OMP_NUM_THREADS`` when set (as joblib's process workers and Dask's
        set it; unlike scikit-learn, where None means 1). ``n_jobs=1`` also
        holds BLAS, process-wide, to one thread for the call. The result does
        not depend on it (:mod:`logistic._thread_budget`).
    include : list of str, optional
        Columns of a pandas DataFrame with text columns to keep as features
        although they look like identifiers or free text (which ``fit`` leaves
        out with a warning, as ``logistic fit`` does: see
        :mod:`logistic._frame_encoding`). A name that is not a column of X is
        refused, whatever X holds.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features), or (K, n_features) for K > 2 classes
        float32 for float32 X (scikit-learn's convention; the solver works in
        float64), float64 otherwise.
    intercept_ : ndarray of shape (1,) or (K,), the dtype of ``coef_``
    classes_ : ndarray of shape (2,), or (K,) (sorted) for K > 2 classes
        ``[negative, positive]``: sorted labels for in-memory data (the larger
        is positive), a backend's order otherwise (its ``positive=``).
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only for DataFrame input)
        One name per coefficient: with text columns encoded, the expanded
        names (``"color[T.red]"``); the input columns are then
        ``encoding_["input_columns"]``.
    encoding_ : dict or None
        The one-hot encoding of a DataFrame's text columns (column, kind,
        levels; the model file's ``"columns"`` encoding), None without one.
    target_name_ : str or None
        The name of ``y`` (a pandas Series'), None without one; K-class
        tables title their equations with it (``race = 3``). Stored in the
        model file; ``logistic.load`` gives a file written by ``logistic fit``
        its target column.
    n_iter_ : ndarray of shape (1,)
        Iterations over the full data, epochs for "sgd" (a tall Newton fit's
        start from a subsample fit is not counted; ``history_[0]`` records
        it).
    n_passes_ : int
        Passes over the full data (value, gradient or Hessian evaluations).
        A loaded model has the file's (None where the file has neither it nor
        a history), as it has ``grad_max_norm_``.
    converged_ : bool
    solver_ : str
    objective_ : float
        J at the returned coefficients: weighted mean loss + penalty (above; the
        log-likelihood of an unpenalized fit is ``-objective_·Σs``; partial_fit: NaN;
        with ``firth_correction``, Firth's at its estimate, as ``history_``).
    history_ : list of dict
        Per iteration: objective, gradient max-norm (``tol``'s: in
        standardized coordinates, not ``max_j |∂J/∂w_j|``), step, time; Newton's
        iteration-0 entry of a tall fit also has ``subsample_rows``,
        ``subsample_iter``, ``subsample_passes`` and ``subsample_used``.
    grad_max_norm_ : float
    fit_status_ : str
    penalty_l1_, penalty_l2_ : float
        The strengths used on the mean-loss scale.
    tol_ : float
    separation_ : {None, "complete", "quasi-complete", "unchecked"}
        Result of the separation check of an unpenalised fit whose rows are in
        memory; "unchecked" for unpenalised fits on out-of-core or Dask data
        and after ``partial_fit`` (the check needs the rows), None when no
        separation was found or the fit was penalised (a strength of 0, e.g.
        ``C=inf``, is unpenalised).
    fit_statistics_ : FitStatistics or None
        What ``summary()`` and ``inference()`` need without the data (the
        information matrix at the optimum, label sums, column moments; see
        :mod:`logistic.inference._stored`), kept after unpenalized and Firth
        fits of at most 500 parameters (a loaded model: the file's); None
        otherwise.

    Examples
    --------
    >>> from logistic import LogisticRegression, datasets
    >>> X, y, names = datasets.load_ucla_admissions()
    >>> model = LogisticRegression(solver="gd").fit(X, y)
    >>> round(float(model.intercept_[0]), 6)
    -3.989979
    """

    _estimator_type = "classifier"
    _multi_class = True  # K > 2 classes: the multinomial model

    def _takes_multi_class(self) -> bool:  # the tags follow the parameters
        """False for Firth and the solvers without a multinomial fit."""
        from ._multinomial_fit import MULTINOMIAL_SOLVERS

        solver_ok = self.solver == "auto" or self.solver in MULTINOMIAL_SOLVERS
        return self.penalty != "firth" and solver_ok

    _parameter_constraints: dict[str, list[Any]] = {
        "penalty": [None, Options(("l2", "l1", "elasticnet", "firth"))],
        "firth_correction": [None, Options(("flic", "flac"))],
        "alpha": [None, Interval(numbers.Real, 0, float("inf"), "left")],
        "C": [None, Interval(numbers.Real, 0, None, "right")],
        "l1_ratio": [None, is_l1_ratio],
        "solver": [str],
        "fit_intercept": [bool, np.bool_],
        "class_weight": [is_class_weight],
        "tol": [None, Interval(numbers.Real, 0, None, "left")],
        "max_iter": [Interval(numbers.Integral, 1, None, "left")],
        "warm_start": [bool, np.bool_],
        "random_state": [is_random_state],
        "verbose": [Interval(numbers.Integral, 0, None, "left"), bool],
        "n_jobs": [is_n_jobs],
        "include": [None, list, tuple],
    }

    def __init__(
        self,
        penalty: str | None = None,
        *,
        alpha: float | None = None,
        C: float | None = None,
        l1_ratio: float | None = L1_RATIO_UNSET,
        solver: str = "auto",
        fit_intercept: bool = True,
        class_weight: dict[Any, Any] | str | None = None,
        tol: float | None = None,
        max_iter: int = 1000,
        warm_start: bool = False,
        random_state: Any = None,
        verbose: int = 0,
        n_jobs: int | None = None,
        include: list[str] | None = None,
        firth_correction: str | None = None,
    ) -> None:
        self.penalty = penalty
        self.firth_correction = firth_correction
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.include = include

    # -- validation ------------------------------------------------------------
    def _validate_params(self) -> None:
        """Every parameter checked (:mod:`logistic._estimator_params`)."""
        validate_estimator_params(self)

    def _backend(
        self, X: Any, y: Any, sample_weight: Any, offset: Any, trials: Any = None
    ) -> tuple[Backend, GroupedData | None]:
        """The data as a backend (:func:`~logistic.backends.as_backend`, or
        :func:`~logistic._grouped.grouped_data` with ``trials``)."""
        cw, name = self.class_weight, type(self).__name__
        grouped = None
        if trials is None:  # K > 2 classes: the multinomial model
            backend = as_backend(
                X,
                y,
                sample_weight,
                offset,
                class_weight=cw,
                estimator=name,
                multiclass=True,
            )
        else:
            args = (X, y, trials, sample_weight, offset)
            grouped = grouped_data(*args, class_weight=cw, estimator=name)
            backend = grouped.backend
        refuse_firth_rows(self.penalty, backend)
        return backend, grouped

    def _tol(self, dtype: Any, solver_name: str) -> float:
        """``tol``, or the solver's default for this dtype when None."""
        if self.tol is not None:
            return float(self.tol)
        stochastic = get_solver(solver_name).capabilities.stochastic
        return default_tol(dtype, stochastic=stochastic)

    def _initial_theta(self, objective: LogisticObjective) -> np.ndarray:
        theta0 = np.zeros(objective.n_params)
        p = objective.n_features
        coef = getattr(self, "coef_", None)
        if self.warm_start and coef is not None and coef.shape == (1, p):
            theta0[:p] = coef.ravel()
            if self.fit_intercept:
                theta0[p] = self.intercept_[0]
        elif self.fit_intercept:  # the null model's, with an offset
            theta0[p] = intercept_start(objective)
        return theta0

    @with_n_jobs
    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
        *,
        trials: Any = None,
        checkpoint: Any = None,
        resume: bool = True,
        force_resume: bool = False,
        callback: Callable[[dict[str, Any]], None] | None = None,
    ) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like, sparse matrix, path, callable, Dask collection or Backend
            In memory, of shape (n_samples, n_features): dense arrays in any
            memory order, scipy sparse matrices, pandas / polars DataFrames
            (column names kept in ``feature_names_in_``; pandas text and
            categorical columns one-hot encoded as the CLI does, see
            :mod:`logistic._frame_encoding`), lists; float32 stays float32.
            Otherwise a Parquet/CSV path, a callable or list of blocks, a Dask
            collection or a backend (see
            :func:`logistic.backends.as_backend`; y then names the label
            column, or is None).
        y : array-like of shape (n_samples,), two distinct labels or K > 2
            With ``trials``: the number of successes of each row.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative; combined with ``class_weight`` by multiplication.
        offset : array-like of shape (n_samples,) or (n_samples, K), optional
            Added to the logit (K classes: column k to class k's), coefficient 1.
        trials : array-like of shape (n_samples,), optional
            Grouped binomial data: row i is ``y_i`` successes out of
            ``trials_i > 0`` (in-memory arrays; see :mod:`logistic._grouped`).
            Inference is then on the grouped scale (groups, deviance, AIC,
            Pearson χ²/df) from ``model.summary()``.
        checkpoint : path, optional
            Write a checkpoint each iteration (:mod:`logistic._checkpoint`).
            The fit holds the lock file ``<checkpoint>.lock`` while it runs:
            a second fit of the same checkpoint, in this process or another,
            raises :class:`~logistic.CheckpointInUseError` before any work
            (:mod:`logistic._checkpoint_lock`).
        resume : bool, default=True
            Continue from an existing checkpoint (else start afresh).
        force_resume : bool, default=False
            Resume even when the data or the problem differ from the
            checkpoint's.
        callback : callable, optional
            ``callback(entry)`` after every iteration with that iteration's
            history entry (``iter``, ``objective``, ``grad_max_norm``,
            ``step``, ``time``, ``n_passes``).

        Returns
        -------
        self
        """
        self._validate_params()
        check_rows_aligned(
            X, y=y, sample_weight=sample_weight, offset=offset, trials=trials
        )
        # one fit per checkpoint, before the data are read; a sparse X's empty
        # columns left out of a penalized fit (:mod:`._empty_columns`)
        with held(checkpoint), fit_columns(self, X) as X:
            args = (sample_weight, offset, trials, checkpoint, resume, force_resume)
            return self._fit_checked(X, y, *args, callback)

    def _fit_checked(
        self,
        X: Any,
        y: Any,
        sample_weight: Any,
        offset: Any,
        trials: Any,
        checkpoint: Any,
        resume: bool,
        force_resume: bool,
        callback: Callable[[dict[str, Any]], None] | None,
    ) -> LogisticRegression:
        """:meth:`fit` once its parameters and row counts are checked, with
        the checkpoint's lock held (:mod:`logistic._checkpoint_lock`)."""
        target, used = getattr(y, "name", None), snapshot_params(self)  # y's name
        X, encoding = encode_for_fit(X, self.include)
        backend, grouped = self._backend(X, y, sample_weight, offset, trials)
        had_offset = offset is not None or backend_has_offset(backend)
        check_fit_columns(backend, bool(self.fit_intercept), type(self).__name__)
        alpha, C = resolve_strength(
            self.penalty, self.alpha, self.C, type(self).__name__
        )
        if len(backend.classes_) > 2:
            from ._multinomial_fit import fit_multinomial

            if not self._takes_multi_class():
                raise binary_only_error(self.penalty, self.solver)

            fit_multinomial(
                self,
                backend,
                alpha=alpha,
                C=C,
                trials=trials,
                checkpoint=checkpoint,
                callback=callback,
                encoding=encoding,
            )
            return self._fitted(target, had_offset, used)
        objective, l1 = LogisticObjective.from_penalty(
            backend,
            penalty=self.penalty,
            alpha=alpha,
            l1_ratio=self.l1_ratio,
            C=C,
            fit_intercept=bool(self.fit_intercept),
        )
        name = checked_solver(
            self.solver, self.penalty, backend, l1, type(self).__name__
        )
        tol = self._tol(backend.dtype, name)
        view = get_solver(name).view_of(objective, l1)
        objective.check_weights()  # out-of-core data arrive unchecked
        ckpt = checkpointer(
            checkpoint,
            objective,
            self.fit_intercept,
            name,
            l1,
            tol,
            resume,
            force_resume,
        )
        unpenalised = l1 == 0 and objective.l2 == 0
        checked = unpenalised and self.penalty != "firth"
        stop = separation_stop(objective, grouped, checked)
        with shared_copy(objective):  # a Firth fit's one centred copy of the rows
            result = solve(
                name,
                objective,
                self._initial_theta(objective),
                tol=tol,
                max_iter=self.max_iter,
                l1=l1,
                verbose=self.verbose,
                random_state=self.random_state,
                callback=callback,
                view=view,
                checkpoint=ckpt,
                stop_rule=stop,
            )  # warns itself if not converged (or stopped under separation)
            args = (objective, result, view, grouped, stop)
            separation = check_fit_separation(*args) if checked else None
            result, cov, centred = correct_firth(self, objective, result, tol)
            kept = fit_statistics(objective, result, grouped, unpenalised, self)
            firth = (objective, result.coef) if self.penalty == "firth" else None
            stats = corrected_statistics(kept, cov, centred, firth=firth)
        stats = design_aliasing(stats, objective.data, separation)
        if self.penalty is None:
            result, stats = aliased_at_zero(
                result, stats, separation, objective, tol, grouped
            )
        warn_float32_logits(objective, result.coef)
        self._store(result, objective, name, l1, tol, separation, stats, encoding)
        return self._fitted(target, had_offset, used)

    def _fitted(self, target: Any, had_offset: bool, used: Any) -> LogisticRegression:
        """``self`` with the name of y, the parameters the fit ``used``
        (:mod:`._fitted_params`), its offset mark (:mod:`._offset_use`) and
        no counts mark, written last: a fit that raises leaves them."""
        self.target_name_ = target if isinstance(target, str) else None
        record_fitted_params(self, used)
        mark_fit_offset(self, had_offset)
        mark_fitted_on_counts(self, False)
        return self

    @available_if(supports_partial_fit, reason=partial_fit_refusal)
    @with_n_jobs
    def partial_fit(
        self,
        X: Any,
        y: Any,
        classes: Any = None,
        sample_weight: Any = None,
        offset: Any = None,
    ) -> LogisticRegression:
        """One pass of mini-batch SGD over a chunk of rows (out-of-core learning).

        ``classes`` (every label of the stream) is required on the first call. The first
        chunk fixes the standardized coordinates and the initial step; see
        :mod:`logistic._partial`. Supports ``penalty=None`` or ``"l2"`` with
        ``alpha``.

        Returns
        -------
        self
        """
        from ._multinomial_partial import many_classes, partial_fit_multinomial
        from ._partial import partial_fit

        check_rows_aligned(X, y=y, sample_weight=sample_weight, offset=offset)
        streamed = "_partial_state" in vars(self) and vars(self).get(OFFSET_ATTR)
        used = snapshot_params(self)  # what this call reads (:mod:`._fitted_params`)
        if many_classes(self, classes):  # K > 2: mini-batch SGD, multinomial
            args = (X, y, classes, sample_weight, offset)
            partial_fit_multinomial(self, *args)
        else:
            partial_fit(self, X, y, classes, sample_weight, offset)
        mark_fit_offset(self, bool(streamed) or offset is not None)
        record_fitted_params(self, used)
        return self

    def _store(
        self,
        result: SolverResult,
        objective: LogisticObjective,
        solver_name: str,
        l1: float,
        tol: float,
        separation: str | None,
        stats: Any = None,
        encoding: dict[str, Any] | None = None,
    ) -> None:
        """Assign the fitted attributes (only after a successful solve): the
        one place fitted state is written, for every kind of data. ``stats``:
        what inference needs of the data (:mod:`logistic.inference._stored`),
        or None; ``encoding``: the DataFrame encoding, or None."""
        vars(self).pop("_partial_state", None)  # ends a stream; a fit that raises not
        backend = objective.data
        w, b = objective.split(result.coef)
        names = backend.feature_names
        dtype = coef_dtype(backend.dtype, result.coef)
        self.classes_ = np.asarray(backend.classes_)
        # (1, p) and (1,) for a binary fit; (K, p) and (K,) for K > 2 classes
        self.coef_ = np.asarray(w, dtype=dtype).reshape(-1, objective.n_features).copy()
        self.intercept_ = np.array(np.ravel(b), dtype=dtype)
        self.n_features_in_ = int(objective.n_features)
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.n_iter_ = np.array([max(int(result.n_iter), 1)])
        self.converged_ = bool(result.converged)
        self.solver_ = solver_name
        self.objective_ = float(result.objective)
        self.grad_max_norm_ = float(result.grad_max_norm)
        self.history_ = result.history
        self.fit_status_ = result.status
        self.n_passes_ = int(result.n_passes)
        self.penalty_l1_, self.penalty_l2_ = float(l1), float(objective.l2)
        self.tol_ = tol
        self.separation_ = separation
        self.fit_statistics_ = stats
        self.encoding_ = encoding
        forget_file_marks(self)  # what a model file said of an earlier fit
