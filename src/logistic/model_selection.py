"""``LogisticRegressionCV``: the penalty strength chosen by cross-validation.

Each fold fits a whole regularization path (:func:`logistic.path`, warm
starts and strong rules) on its training rows and scores every point on its
test rows; the strength with the best mean score is chosen (or, with
``rule="1se"``, the largest strength whose mean score is within one standard
error of the best: glmnet's ``lambda.1se``), and the model is refitted on all
rows along the same sequence up to that point. With ``l1_ratios`` each fold
fits one path a mixing and the (mixing, strength) pair is chosen
(:mod:`logistic._cv_ratios`).

Conventions (owned here):

* The grid. ``Cs`` (scikit-learn's inverse strengths; an int ``k`` means
  ``np.logspace(-4, 4, k)`` as in scikit-learn) gives each fold the
  strengths ``alpha = 1/(C·Σs_train)``, so the folds solve the same problems
  as scikit-learn's ``LogisticRegressionCV``. ``alphas`` (or, by default,
  ``n_alphas`` values from the full data's ``alpha_max`` down to
  ``alpha_max·eps``, glmnet's sequence) gives every fold the same strengths
  on the mean-loss scale. The paths are solved, and this estimator's own
  results (``alphas_``, ``cv_curve_``) stored, in order of decreasing
  strength (increasing ``C``); scikit-learn's attributes (``Cs_``,
  ``scores_``, ``coefs_paths_``, ``n_iter_``) keep the order of a given
  ``Cs``, as there. For pure L2 ``alpha_max`` is only a nominal start
  (``max|∇|/10⁻³``: no finite strength zeroes every coefficient) and the
  optimum often lies below ``alpha_max·10⁻⁴``, so the default L2 sequence
  runs down to ``C = 10⁴`` (``alpha = 10⁻⁴/Σs``, scikit-learn's weakest) when
  that is lower.
* The edge. When the best mean score is at the weakest strength of the grid
  (other than ``alpha = 0``) or at the strongest one while some coefficient
  is still non-zero there, the optimum may lie outside the grid: ``fit``
  warns (:class:`~logistic.GridEdgeWarning`) naming how to widen it.
* Scores are "higher is better". The default score is the negative log loss
  computed exactly from the logits; any scikit-learn scorer name or callable
  may be given. The user's ``sample_weight`` weights the test rows' score as
  it weights the training loss (``class_weight`` reweights the fit only).
* The standard error of a mean CV score is ``std(fold scores, ddof=1)/√K``.
* Dask collections. The path solvers work on in-memory arrays, so Dask
  ``X``/``y``/``sample_weight``/``offset``/``groups`` are computed to memory
  in one ``dask.compute`` at the start of ``fit`` (the data must fit in the
  client's memory, as for scikit-learn's estimators). When they were Dask
  collections and a ``distributed`` Client is active, the folds then run as
  Dask tasks on its workers (joblib's ``"dask"`` backend, which scatters the
  data once); otherwise in ``n_jobs`` joblib threads.

scikit-learn is needed for the splitters and scorers and is imported when
``fit`` runs; importing :mod:`logistic` does not import it (this module is
loaded on first use of ``logistic.LogisticRegressionCV``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from . import _prediction
from ._block_moments import warn_weight_span
from ._constraints import Options, validate_params
from ._cv_curve import CVCurve
from ._cv_folds import (
    check_fold_classes,
    check_fold_scores,
    fold_backend,
    fold_indices,
    fold_jobs,
    fold_scorer,
    fold_seeds,
    in_memory,
    neg_log_losses,
    point_model,
    refuse_streamed,
    standard_error_rule,
    training_rows,
    warn_at_edge,
)
from ._cv_grid import cv_grid, given_order
from ._cv_labels import cv_score, scored_labels
from ._cv_layout import SklearnLayout, sklearn_layout
from ._cv_params import (
    check_splits,
    grid_alphas,
    is_alphas,
    is_cs,
    is_cv,
    require_sklearn,
    scoring_ok,
)
from ._cv_ratios import check_l1_ratios, choose_pair, fold_average
from ._cv_routing import (
    check_groups,
    cv_metadata_routing,
    refuse_groups_request,
    refuse_unused_groups,
)
from ._estimator_protocol import EstimatorProtocol, require_routing
from ._feature_names import check_fit_names
from ._frame_encoding import encode_for_fit
from ._multiclass import CROSS_VALIDATE_K_CLASSES
from ._offset_use import mark_fit_offset
from ._path import _CONSTRAINTS as _PATH_CONSTRAINTS
from ._path import PathResult, path, weights_warned
from ._penalty import penalty_strengths
from ._prediction_methods import BinaryPredictions
from ._row_alignment import check_rows_aligned
from ._thread_budget import is_n_jobs
from ._validation import FitData, check_fit_data, combined_weights
from .solvers._auto import refuse_l1_solver

__all__ = ["LogisticRegressionCV", "CVCurve"]


class LogisticRegressionCV(BinaryPredictions, SklearnLayout, EstimatorProtocol):
    """Binary logistic regression with its penalty strength chosen by CV.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"}, default="l2"
    l1_ratio : float in [0, 1], default=0.5
        Mixing of ``penalty="elasticnet"`` (ignored otherwise, and when
        ``l1_ratios`` is given).
    l1_ratios : sequence of float in [0, 1] or None, default=None
        With ``penalty="elasticnet"``: the mixings to cross-validate, every
        one on the same strengths (scikit-learn's ``l1_ratios``); the
        (mixing, strength) pair of the best mean score is chosen
        (:mod:`logistic._cv_ratios`). None: the one mixing ``l1_ratio``.
    Cs : int, array-like of float > 0 (inf: no penalty) or None, default=None
        scikit-learn's inverse strengths (an int k: ``logspace(-4, 4, k)``).
    alphas : array-like of float ≥ 0 or None, default=None
        Strengths on the mean-loss scale, the same for every fold.
    n_alphas : int ≥ 1, default=100
        Length of the default sequence (when neither Cs nor alphas is given).
    eps : float in (0, 1) or None, default=None
        ``alpha_min/alpha_max`` of the default sequence (None: glmnet's, and
        for pure L2 down to ``C = 10⁴`` where that is lower); with several
        ``l1_ratios``, of each mixing's own, which the shared one spans.
    cv : int, splitter or iterable, default=5
        An int k means ``StratifiedKFold(k)``; a splitter's ``split(X, y,
        groups)`` receives ``groups`` from ``fit``.
    scoring : str, callable or None, default=None
        None: negative log loss from the logits (weighted by sample_weight).
        Otherwise any scikit-learn scorer (name or callable), called with the
        test rows' ``sample_weight`` when weights are given. ``score`` reports
        it too (as scikit-learn; accuracy when None).
    rule : {"min", "1se"}, default="min"
        Choose the best mean score (of tied ones the strongest, glmnet's
        rule), or the largest strength within one standard error of it.
    refit : bool, default=True
        Refit on all rows at the chosen strength. False: as scikit-learn,
        average over the folds each fold's coefficients at its own best score
        (the first best in the order of ``Cs``), with ``C_`` the mean of those
        folds' ``C`` (with ``rule="1se"``: every fold's at the chosen point);
        ``alpha_``, ``best_index_`` and ``cv_curve_`` still give the strength
        of the best mean score.
    fit_intercept : bool, default=True
    class_weight : dict, "balanced" or None, default=None
        Computed on all rows, then sliced into the folds (as scikit-learn).
    solver, tol, max_iter : as for :func:`logistic.path`.
    screening : bool, default=True
        Strong rules with a KKT check along each path.
    random_state : int ≥ 0, numpy Generator or RandomState, or None
        The seed of a stochastic solver (``solver="sgd"``) at every point.
    n_jobs : non-zero int or None, default=None
        Folds run in parallel in this many joblib threads, at most one a fold
        (-1: every CPU; Dask data with an active ``distributed`` Client: as
        Dask tasks on its workers).
    include : list of str or None, default=None
        As for ``LogisticRegression``: a pandas DataFrame's text and
        categorical columns are one-hot encoded once, before the folds
        (:mod:`logistic._frame_encoding`); ``include`` keeps columns that
        encoding would leave out as identifiers or free text.
    use_legacy_attributes : bool, default=True
        scikit-learn's parameter of that name: True gives the layout of its
        1.9 default (dicts keyed by class, ``C_`` an array), False the one its
        1.10 default will give (plain arrays, ``C_`` a float); see Attributes.

    Attributes
    ----------
    The CV attributes scikit-learn's ``LogisticRegressionCV`` has keep its
    types, shapes and meaning (scikit-learn 1.9, binary problems), so that
    code written for it runs unchanged; ``use_legacy_attributes`` selects
    between its two layouts as there. ``penalty="elasticnet"`` is its
    ``l1_ratios`` (``l1_ratios``, or ``[l1_ratio]``: a grid of one ratio;
    ``n_r`` below is the grid's length), ``"l1"``/``"l2"`` its
    ``l1_ratios=None``. With ``use_legacy_attributes=True``:

    scores_ : dict
        ``{classes_[1]: ndarray of shape (n_folds, n_Cs)}`` (elasticnet:
        ``(n_folds, n_Cs, n_r)``): the fold scores of every strength.
    coefs_paths_ : dict
        ``{classes_[1]: ndarray of shape (n_folds, n_Cs, n_dof)}``
        (elasticnet: ``(n_folds, n_Cs, n_r, n_dof)``): each fold's
        coefficients, then the intercept when ``fit_intercept``
        (``n_dof = n_features + fit_intercept``).
    C_ : ndarray of shape (1,)
        The chosen ``C`` (``1/(alpha_·Σs)``, full data); with
        ``refit=False`` the mean of the folds' best ``C`` (scikit-learn).
    l1_ratio_ : ndarray of shape (1,)
        The chosen mixing for elasticnet (with ``refit=False`` the mean of
        the folds' best mixings, scikit-learn's), ``[None]`` (object)
        otherwise (with ``refit=False``: ``[0.0]``, scikit-learn's).
    l1_ratios_ : ndarray of shape (n_r,) or (1,)
        The grid of mixings for elasticnet, ``[None]`` (object) otherwise.
    n_iter_ : ndarray of shape (1, n_folds, n_Cs)
        Iterations of every fold's path point, at least 1 (elasticnet:
        ``(1, n_folds, n_Cs, n_r)``); the refit's are in ``path_.n_iter``.

    With ``use_legacy_attributes=False``: ``scores_`` of shape
    ``(n_folds, n_r, n_Cs)``, ``coefs_paths_`` of shape ``(n_folds, n_r,
    n_Cs, 1, n_dof)``, ``C_`` a float, ``l1_ratio_`` a float and
    ``l1_ratios_`` of shape (n_r,) holding the L1 shares (l2 and l1: one,
    0.0 or 1.0, scikit-learn's ``l1_ratios=(0.0,)`` and ``(1.0,)``) and
    ``n_iter_`` of shape ``(n_folds, n_r, n_Cs)`` (``n_r = 1`` for l1 and
    l2). In both layouts:

    Cs_ : ndarray of shape (n_Cs,)
        The grid's ``C`` on the full data's scale: a given ``Cs`` in its
        order (as scikit-learn; ``scores_``, ``coefs_paths_`` and ``n_iter_``
        follow it), else increasing (decreasing alpha). The paths are solved
        in increasing ``C``; ``alphas_`` and ``cv_curve_`` keep that order.
    coef_ : ndarray of shape (1, n_features)
        float64 also for float32 X (the path works in float64), unlike
        ``LogisticRegression``, which returns float32 there.
    intercept_ : ndarray of shape (1,)
    classes_, n_features_in_, feature_names_in_, encoding_ : as for
        LogisticRegression

    Attributes of this estimator only:

    alpha_ : float
        The chosen strength on the mean-loss scale.
    alphas_ : ndarray of shape (n_Cs,)
        The grid on the full data's mean-loss scale, decreasing.
    cv_curve_ : CVCurve
        Mean score, standard error, best and one-standard-error indices, of
        the chosen mixing (``cv_curve_.l1_ratio``, the L1 share of the best
        mean score also with ``refit=False``).
    cv_curves_ : tuple of CVCurve
        One curve a mixing of ``l1_ratios`` (in its order; one curve without
        it).
    best_index_, index_1se_ : int
    path_ : PathResult or None
        The refit's path on all rows (up to the chosen point).
    """

    # the path's own parameters (l1_ratio, n_alphas, eps, solver, ...) are
    # checked as ``path`` checks them
    _parameter_constraints: dict[str, list[Any]] = {
        "penalty": [Options(("l2", "l1", "elasticnet"))],
        "Cs": [is_cs],
        "alphas": [is_alphas],
        "cv": [is_cv],
        "scoring": [scoring_ok],
        "rule": [Options(("min", "1se"))],
        "refit": [bool, np.bool_],
        "n_jobs": [is_n_jobs],
        "include": [None, list, tuple],
        "use_legacy_attributes": [bool, np.bool_],
        **_PATH_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        penalty: str = "l2",
        l1_ratio: float = 0.5,
        l1_ratios: Any = None,
        Cs: Any = None,
        alphas: Any = None,
        n_alphas: int = 100,
        eps: float | None = None,
        cv: Any = 5,
        scoring: Any = None,
        rule: str = "min",
        refit: bool = True,
        fit_intercept: bool = True,
        class_weight: Any = None,
        solver: str = "auto",
        tol: float | None = None,
        max_iter: int = 1000,
        screening: bool = True,
        random_state: Any = None,
        n_jobs: int | None = None,
        include: list[str] | None = None,
        use_legacy_attributes: bool = True,
    ) -> None:
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.l1_ratios = l1_ratios
        self.Cs = Cs
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.rule = rule
        self.refit = refit
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.screening = screening
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.include = include
        self.use_legacy_attributes = use_legacy_attributes

    # -- the grid ----------------------------------------------------------------
    def _ratios(self) -> np.ndarray:
        """The L1 shares cross-validated, in the order given: ``l1_ratios``,
        or the one of the penalty (the objective's mapping of ``penalty``)."""
        ratios = check_l1_ratios(self.l1_ratios, self.penalty)
        if ratios is not None:
            return ratios
        share = penalty_strengths(self.penalty, 1.0, self.l1_ratio, None, 1.0)[0]
        return np.array([share])

    # -- one fold ------------------------------------------------------------------
    def _fold(
        self, data: FitData, weights: Any, kind: str, grid: np.ndarray,
        train: np.ndarray, test: np.ndarray, scoring: tuple[Any, np.ndarray],
        seed: Any = None, ratios: Any = None,
    ) -> tuple[np.ndarray, list[PathResult]]:  # fmt: skip
        """Scores of shape (n_ratios, n_points) of every point of the
        training rows' path of each mixing of ``ratios`` (a path each, warm
        started along its strengths; the training rows gathered once) on the
        test rows (``scoring``: the scorer, None for the exact log loss, and
        the labels it reads, :func:`~logistic._cv_labels.scored_labels`)."""
        ratios = self._ratios() if ratios is None else ratios
        X, y01, off = data.X, data.y01, data.offset
        w_tr = None if weights is None else weights[train]
        total = float(len(train) if w_tr is None else w_tr.sum())
        X_tr = training_rows(X, train, self.solver == "auto")
        results = []
        for ratio in ratios:
            with weights_warned():
                res = path(
                    X_tr, y01[train], grid_alphas(kind, grid, total),
                    l1_ratio=float(ratio), sample_weight=w_tr,
                    offset=None if off is None else off[train],
                    fit_intercept=bool(self.fit_intercept), solver=self.solver,
                    tol=self.tol, max_iter=self.max_iter,
                    screening=self.screening, random_state=seed,
                )  # fmt: skip
            results.append(res)
        del X_tr
        scores = [self._scores(data, res, test, scoring) for res in results]
        return np.array(scores), results

    def _scores(
        self, data: FitData, res: PathResult, test: np.ndarray,
        scoring: tuple[Any, np.ndarray],
    ) -> np.ndarray:  # fmt: skip
        """The test rows' score of every point of the path ``res``."""
        scorer, classes = scoring
        X, y01, off = data.X, data.y01, data.offset
        sw, X_te = data.sample_weight, X[test]
        w_te = None if sw is None else sw[test]
        if scorer is None:
            return neg_log_losses(res, X_te, y01[test], w_te, off, test)
        labels = classes[y01[test].astype(np.intp)]
        kw = {} if w_te is None else {"sample_weight": w_te}
        off_te = None if off is None else off[test]
        scores = np.array(
            [
                scorer(point_model(classes, c, b, None, off_te), X_te, labels, **kw)
                for c, b in zip(res.coefs, res.intercepts, strict=True)
            ],
            dtype=np.float64,
        )
        return scores

    # -- fit -------------------------------------------------------------------------
    def fit(
        self, X: Any, y: Any, sample_weight: Any = None, offset: Any = None,
        groups: Any = None,
    ) -> LogisticRegressionCV:  # fmt: skip
        """Cross-validate the path, choose the strength, refit.

        Parameters
        ----------
        X : array-like, sparse matrix or Dask collection, (n_samples, n_features)
            A Dask array/DataFrame is computed to memory (see the module
            docstring); so are Dask ``y``, ``sample_weight``, ``offset``, ``groups``.
        y : array-like of shape (n_samples,), two distinct labels
        sample_weight : array-like of shape (n_samples,), optional
            Weights the training loss and the test scores.
        offset : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Passed to the splitter (e.g. ``GroupKFold``).

        Returns
        -------
        self
        """
        require_sklearn()
        from joblib import Parallel, delayed
        from sklearn.model_selection import check_cv

        validate_params(
            type(self).__name__, self.get_params(), self._parameter_constraints
        )
        name = type(self).__name__
        ratios = self._ratios()  # the l1_ratios grid checked before any data
        if self.solver != "auto" and ratios.max() > 0:  # before the folds' paths
            refuse_l1_solver(self.solver, self.penalty, name)
        refuse_streamed(X, name)
        (X, y, sample_weight, offset, groups), from_dask = in_memory(
            X, y, sample_weight, offset, groups
        )
        check_rows_aligned(
            X, y=y, sample_weight=sample_weight, offset=offset, groups=groups
        )
        X, encoding = encode_for_fit(X, self.include)
        data = check_fit_data(
            X, y, sample_weight, offset, estimator=name,
            multiclass_hint=CROSS_VALIDATE_K_CLASSES, binary_only=name,
        )  # fmt: skip
        check_fit_names(data.names, bool(self.fit_intercept))
        weights = combined_weights(
            data.sample_weight, self.class_weight, data.classes, data.y01
        )
        warn_weight_span(weights)  # once: the folds' paths take parts of them
        kind, grid = cv_grid(self, data, weights, ratios)
        # the labels as scikit-learn reads them, also for stratified splits
        scored = scored_labels(data.classes)
        labels = scored[data.y01.astype(np.intp)]
        cv = check_splits(self.cv, len(labels), name)
        splitter = check_cv(cv, labels, classifier=True)
        check_groups(groups, len(labels))
        refuse_unused_groups(self.cv, splitter, groups)
        folds = fold_indices(splitter.split(data.X, labels, groups))
        check_fold_classes(folds, data, weights)
        scorer = fold_scorer(self.scoring, scored)
        seeds = fold_seeds(self.random_state, folds)
        with fold_backend(from_dask):
            out = Parallel(n_jobs=fold_jobs(self.n_jobs, len(folds)), prefer="threads")(
                delayed(self._fold)(
                    data, weights, kind, grid, tr, te, (scorer, scored), seed, ratios
                )
                for (tr, te), seed in zip(folds, seeds, strict=True)
            )
        scores = np.array([s for s, _ in out])
        check_fold_scores(scores.reshape(len(folds), -1), self.scoring, folds, data)
        self._store_cv(data, weights, kind, grid, out, encoding, ratios)
        mark_fit_offset(self, data.offset is not None)  # predictions warn without
        return self

    def _store_cv(
        self, data: FitData, weights: Any, kind: str, grid: np.ndarray,
        out: list[tuple[np.ndarray, list[PathResult]]], encoding: Any = None,
        ratios: Any = None,
    ) -> None:  # fmt: skip
        """Choose the (mixing, strength) pair, refit, then assign every fitted
        attribute (a failed refit leaves the estimator as it was)."""
        ratios = self._ratios() if ratios is None else ratios
        scores = np.array([s for s, _ in out])  # (n_folds, n_ratios, n_points)
        k = scores.shape[0]
        check_fold_scores(scores.reshape(k, -1), self.scoring)
        mean = scores.mean(axis=0)
        std_err = (
            scores.std(axis=0, ddof=1) / np.sqrt(k) if k > 1 else np.zeros_like(mean)
        )
        r, best, one_se, chosen = choose_pair(mean, std_err, self.rule)
        nnz = np.mean([[p.n_nonzero for p in rs] for _, rs in out], axis=0)
        total = float(data.X.shape[0] if weights is None else weights.sum())
        alphas = grid_alphas(kind, grid, total)
        with np.errstate(divide="ignore", over="ignore"):  # as PathResult.Cs
            Cs = grid if kind == "C" else 1.0 / (alphas * total)
        warn_at_edge(
            alphas, nnz[r], best, kind, float(Cs[best]), self.alphas is not None
        )
        paths = np.array(
            [[np.column_stack([p.coefs, p.intercepts]) for p in rs] for _, rs in out]
        )
        # a point solved in closed form (all-zero at alpha_max) counts one
        # iteration, as LogisticRegression's n_iter_ (scikit-learn's checks: ≥ 1)
        n_iter = np.array([[p.n_iter for p in rs] for _, rs in out], dtype=np.int32)
        n_iter = np.maximum(n_iter, 1)
        # scikit-learn's attributes keep a given Cs in its order
        given = given_order(self.Cs, kind, len(grid))
        scores, paths = scores[:, :, given], paths[:, :, given]
        n_iter = n_iter[:, :, given]
        res: PathResult | None = None
        C, ratio = float(Cs[chosen]), float(ratios[r])
        if self.refit:
            with weights_warned():
                res = path(
                    data.X, data.y01, alphas[: chosen + 1], l1_ratio=ratio,
                    sample_weight=weights, offset=data.offset,
                    fit_intercept=bool(self.fit_intercept), solver=self.solver,
                    tol=self.tol, max_iter=self.max_iter, screening=self.screening,
                    random_state=self.random_state,
                )  # fmt: skip
            res = replace(res, feature_names=data.names)  # path_ of a DataFrame
            coef, b = res.coefs[chosen], float(res.intercepts[chosen])
        else:  # scikit-learn's average of the folds' best (rule="1se": chosen)
            pair = None if self.rule == "min" else (int(np.argmax(given == chosen)), r)
            coef, b, C, ratio = fold_average(scores, paths, Cs[given], ratios, pair)
        self.path_: PathResult | None = res
        if not self.fit_intercept:
            b = 0.0
        curves = tuple(
            CVCurve(alphas, Cs, mean[i], std_err[i], nnz[i],
                    *standard_error_rule(mean[i], std_err[i]), float(ratios[i]))
            for i in range(len(ratios))
        )  # fmt: skip
        self.cv_curve_, self.cv_curves_ = curves[r], curves
        self.alphas_, self.Cs_ = alphas, Cs[given]
        self.best_index_, self.index_1se_ = best, one_se
        self.alpha_ = float(alphas[chosen])
        layout = sklearn_layout(
            data.classes[1], scores,
            paths if self.fit_intercept else paths[..., :-1], n_iter, C,
            ratios if self.penalty == "elasticnet" else None, ratio,
            bool(self.use_legacy_attributes), bool(self.refit),
        )  # fmt: skip
        for name, value in layout.items():
            setattr(self, name, value)
        self.encoding_ = encoding
        self.classes_ = data.classes
        self.n_features_in_ = int(data.X.shape[1])
        if data.names is not None:
            self.feature_names_in_ = np.asarray(data.names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.intercept_ = np.array([b])
        self.coef_ = np.asarray(coef, dtype=np.float64).reshape(1, -1).copy()

    # -- metadata routing (scikit-learn's; groups go to the splitter) -----------------
    def get_metadata_routing(self) -> Any:
        """scikit-learn's ``MetadataRouter``: this estimator's own requests
        and its ``cv`` splitter, which receives ``fit``'s ``groups`` when it
        requests them (:mod:`logistic._cv_routing`)."""
        return cv_metadata_routing(self, self._metadata_requests())

    def set_fit_request(self, **requests: Any) -> LogisticRegressionCV:
        """Request metadata passed to ``fit`` (``sample_weight``, ``offset``);
        ``groups`` are requested by the splitter, not here."""
        require_routing()  # scikit-learn's error first, as its estimators
        refuse_groups_request("fit", requests)
        EstimatorProtocol.set_fit_request(self, **requests)
        return self

    def score(
        self, X: Any, y: Any, sample_weight: Any = None, offset: Any = None
    ) -> float:
        """The score of ``scoring`` on ``(X, y)`` as the folds were scored
        (the same positive class ``classes_[1]`` for ``f1``, ``precision``,
        ``average_precision``, ...: :func:`~logistic._cv_folds.fold_scorer`),
        with ``sample_weight`` when given, of the predictions with ``offset``
        (one value a row, as in ``fit``; a scorer's predictions take it as the
        folds' did, :func:`~logistic._cv_labels.cv_score`; without it a model
        fitted with one warns, :mod:`logistic._offset_use`). scikit-learn's
        ``LogisticRegressionCV.score`` takes the metric's default
        ``pos_label=1`` instead: the same number for labels 0/1, -1/+1 and
        False/True, an error for text labels, the other class's score for
        labels 1/2. With ``scoring=None`` the mean accuracy (weighted by
        ``sample_weight``), scikit-learn's default here, not the negative log
        loss the folds are scored by."""
        if self.scoring is not None:
            require_sklearn()
        self._check_fitted()
        check_rows_aligned(X, y=y, sample_weight=sample_weight, offset=offset)
        if self.scoring is None:
            return _prediction.accuracy(self, X, y, sample_weight, offset)
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        scorer = fold_scorer(self.scoring, scored_labels(np.asarray(self.classes_)))
        return cv_score(self, scorer, X, y, weights, offset)
