"""The statistics methods of a fitted :class:`~logistic.LogisticRegression`.

``predict_interval``, ``inference`` and ``summary`` are thin entries to
:mod:`logistic.inference`, which owns the logic; they live in this mixin so
that ``estimator.py`` holds the fit and its stored state.
"""

from __future__ import annotations

from typing import Any

from ._multiclass import is_multiclass
from ._thread_budget import with_n_jobs

__all__ = ["InferenceMethods"]


class InferenceMethods:
    """Post-estimation statistics of a fitted logistic regression (mixin)."""

    def predict_interval(self, X: Any, alpha: float = 0.05, offset: Any = None) -> Any:
        """``P(classes_[1])`` of each row with its standard error and a ``1 - alpha``
        confidence interval, without the training data.

        The interval is computed on the logit scale and mapped through σ, so
        it lies in [0, 1]; standard errors by the delta method. Uses the
        model-based covariance kept at fit (``fit_statistics_``) or the one
        stored in the model file this model was loaded from; penalized fits
        have none and are refused. Returns a DataFrame (a dict of arrays
        without pandas) with statsmodels' ``summary_frame`` columns ``mean``,
        ``mean_se``, ``mean_ci_lower``, ``mean_ci_upper`` and ``linpred``,
        ``linpred_se``, ``linpred_ci_lower``, ``linpred_ci_upper``. See
        :mod:`logistic.inference._prediction_interval`; robust covariances:
        ``self.inference(X, y, cov_type=...).get_prediction(X_new)``.
        ``offset`` as in :meth:`predict_proba` (a model fitted with one warns
        without it; ``offset=0`` is offset 0 on purpose).
        """
        from ._multiclass import is_multiclass, not_supported

        if is_multiclass(self):
            raise not_supported(
                "predict_interval",
                "predict_proba gives each class's probability; intervals per "
                "class are not available",
            )
        from ._offset_use import prediction_offset
        from ._typing import Backend
        from .inference import predict_interval

        if not isinstance(X, Backend):  # a backend's rows carry their offsets
            offset = prediction_offset(self, offset)  # warns where fit had one
        return predict_interval(self, X, alpha=alpha, offset=offset)

    @with_n_jobs
    def inference(
        self,
        X: Any = None,
        y: Any = None,
        sample_weight: Any = None,
        offset: Any = None,
        cov_type: str | None = None,
        groups: Any = None,
        sample_weight_kind: str | None = None,
        scale: str | float | None = None,
        trials: Any = None,
    ) -> Any:
        """Standard errors, tests and fit statistics of this (unpenalized or Firth) fit.

        Without arguments: the model-based covariance from the statistics kept
        at fit (``fit_statistics_``). Robust (``"HC0"``, ``"HC1"``) and
        ``"cluster"`` covariances (with ``groups``) need the training data:
        pass the same X, y, sample_weight and offset as to ``fit`` (checked
        against the fit). ``sample_weight_kind="sampling"`` treats the weights
        as survey / inverse-probability weights (rows counted once, sandwich
        covariance with squared weights, ``cov_type="HC0"`` by default; needs
        the data); ``"frequency"`` counts row i ``w_i`` times. The default
        (None) is the kind of the fit: ``"sampling"`` for a model loaded from
        a file that ``logistic fit --weights-kind sampling`` wrote, else
        ``"frequency"``. ``scale="X2"`` (or a number) scales a grouped
        fit's covariance by a dispersion (quasi-binomial). A grouped fit
        (``fit(X, k, trials=n)``) takes no data here: its inference is on the
        statistics kept at fit (or read from its model file); ``trials=`` is
        refused saying so.
        See :func:`logistic.inference.fit_inference`; for
        K > 2 classes the same arguments give a
        :class:`logistic.inference.MultinomialInference` (per-equation tables,
        ``wald_test``, ``wald_test_terms``, ``lr_test``).
        """
        from ._row_alignment import check_rows_aligned
        from .inference import fit_inference

        if trials is not None:
            _refuse_trials()
        _check_data_given(X, y, sample_weight, offset)
        _check_offset_given(self, X, offset)
        check_rows_aligned(
            X, y=y, sample_weight=sample_weight, offset=offset, groups=groups
        )
        if is_multiclass(self):
            from .inference._multinomial import multinomial_inference

            if sample_weight_kind not in (None, "frequency"):
                from ._exceptions import InvalidParameterError

                raise InvalidParameterError(
                    "sample_weight_kind='sampling' is available for two classes "
                    "only; for K classes, cov_type='cluster' with "
                    "groups=np.arange(n_samples) (every row its own group) is the "
                    "sampling-weight sandwich, Stata's mlogit [pw=w] "
                    "(docs/multinomial.md)"
                )
            if scale is not None:
                from ._multiclass import not_supported

                raise not_supported("scale=", "a dispersion applies to grouped fits")
            args = (X, y, sample_weight, offset)
            cov = "nonrobust" if cov_type is None else cov_type
            return multinomial_inference(self, *args, cov_type=cov, groups=groups)
        return fit_inference(
            self,
            X,
            y,
            sample_weight,
            offset,
            cov_type=cov_type,
            groups=groups,
            sample_weight_kind=sample_weight_kind,
            scale=scale,
        )

    def summary(
        self,
        X: Any = None,
        y: Any = None,
        sample_weight: Any = None,
        offset: Any = None,
        cov_type: str | None = None,
        groups: Any = None,
        alpha: float = 0.05,
        odds_ratios: bool | str = False,
        sample_weight_kind: str | None = None,
        scale: str | float | None = None,
        trials: Any = None,
    ) -> Any:
        """``self.inference(...).summary(alpha, odds_ratios=...)``: printable as
        text, HTML, Markdown. ``odds_ratios=True`` shows ``exp(coef)`` with
        ``exp``'d Wald intervals, ``"profile"`` with profile-likelihood ones.
        A penalized (L1/L2) fit has no such table (its standard errors are
        not those of its estimates): refused, naming where its estimates
        are."""
        from ._fitted_params import fitted_param
        from .inference._checks import penalty_of

        if trials is not None:
            _refuse_trials()
        fitted = hasattr(self, "coef_") and not is_multiclass(self)  # K: its own
        l1, l2 = penalty_of(self) if fitted else (0.0, 0.0)
        if l1 != 0 or l2 != 0:
            from ._exceptions import InvalidParameterError

            raise InvalidParameterError(
                f"summary() is a table of standard errors and tests, which a "
                f"penalized fit (penalty={fitted_param(self, 'penalty')!r}) does not "
                "have: they would not be those of its shrunk estimates. The "
                "estimates are coef_ and intercept_ (named by feature_names_in_); "
                "`logistic summary MODEL` prints them as a table. For standard "
                "errors refit with penalty=None (maximum likelihood) or "
                "penalty='firth'."
            )
        result = self.inference(
            X, y, sample_weight, offset, cov_type, groups, sample_weight_kind, scale
        )
        return result.summary(alpha, odds_ratios=odds_ratios)


def _refuse_trials() -> None:
    """``trials=`` given to ``inference`` or ``summary``: a grouped fit's
    inference reads no data (as ``fit(X, k, trials=n)`` passes them), and a
    TypeError for an unknown keyword would not say what to do instead."""
    from ._exceptions import InvalidParameterError

    raise InvalidParameterError(
        "inference() and summary() take no trials=: the inference of a grouped "
        "binomial fit (fit(X, k, trials=n)) is from the statistics kept at fit, "
        "or read from its model file: call model.summary() or model.inference() "
        "without data (cov_type='nonrobust'; scale='X2' for counts that vary "
        "more than binomial)"
    )


def _check_data_given(X: Any, y: Any, sample_weight: Any, offset: Any) -> None:
    """Refuse labels, weights or offsets given without X: no data holder
    carries X for them, and the checks would otherwise fail on X as a 0-d
    array or on y as one class "None"."""
    if X is not None or all(v is None for v in (y, sample_weight, offset)):
        return
    from ._exceptions import InvalidParameterError

    given = [
        name
        for name, v in (("y", y), ("sample_weight", sample_weight), ("offset", offset))
        if v is not None
    ]
    raise InvalidParameterError(
        f"inference() and summary() were given {', '.join(given)} without X: "
        "pass the training data X, y, sample_weight and offset exactly as given "
        "to fit(), or none of them for the model-based covariance kept at fit"
    )


def _check_offset_given(model: Any, X: Any, offset: Any) -> None:
    """Refuse training rows given without the offset the fit had (recorded
    by :mod:`logistic._offset_use`), naming it: the gradient check would
    refuse them too, but only as "the gradient ... is not zero". A backend, a
    data file, a callable of blocks or a Dask collection carries its own
    offsets."""
    import os

    from ._offset_use import fit_offset
    from ._typing import Backend

    if X is None or offset is not None or isinstance(X, (Backend, str, os.PathLike)):
        return
    if callable(X) or hasattr(X, "__dask_graph__"):
        return
    had, column = fit_offset(model)
    if not had:
        return
    from .inference._checks import NOT_TRAINING, SAME_DATA, NotTrainingDataError

    named = f" (column {column!r}: offset=df[{column!r}])" if column else ""
    detail = f"the fit had an offset{named} and none was given"
    raise NotTrainingDataError(f"{NOT_TRAINING}: {detail}. {SAME_DATA}", detail)
