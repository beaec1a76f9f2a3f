"""The scored rows of ``logistic predict`` that the model file's covariance
speaks to: ``--interval``'s columns, and the warning of rows whose prediction
needs an aliased coefficient (:class:`NonEstimable`, gathered over the chunks
of a file read in chunks and said once)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._codes import CLIError

__all__ = [
    "NonEstimable",
    "check_covariance",
    "interval_columns",
    "warn_non_estimable_scores",
]


def _why_no_covariance(model: Any, limit: int) -> str:
    """The cause of a missing covariance in a model file, with its remedy."""
    from ..inference._checks import penalty_of

    if penalty_of(model) != (0.0, 0.0):
        return (
            f"it is a penalized fit (--penalty {model.penalty}); refit without "
            "--penalty, or with --penalty firth"
        )
    n_params = int(model.n_features_in_) + int(bool(model.fit_intercept))
    if n_params > limit:
        return f"it has {n_params} parameters, more than the {limit} a file stores"
    return (
        "its information matrix was singular (collinear or constant columns; "
        "logistic summary MODEL names them), or the file was written before model "
        "files stored the covariance; drop the columns, or refit"
    )


def check_covariance(mf: Any, model: Path) -> None:
    """Refuse ``--interval`` for a model file without a covariance (exit 65),
    naming the cause."""
    from ..io._schema import MAX_COVARIANCE_PARAMS

    if mf.covariance is None:
        raise CLIError(
            f"{model} stores no covariance of the estimates, so --interval cannot "
            f"be computed: {_why_no_covariance(mf.model, MAX_COVARIANCE_PARAMS)}"
        )


def interval_columns(
    applied: Any, model: Path, level: float, rows: NonEstimable | None = None
) -> dict[str, Any]:
    """``proba_se``, ``proba_lower``, ``proba_upper`` of the scored rows, from
    the model file's covariance (``logistic.inference.stored_prediction``, as
    ``LogisticRegression.predict_interval`` of the loaded model); a file of a
    fit with aliased columns gives the reduced model's (its statistics).
    ``rows``: where the rows whose prediction is not estimable are counted
    (a file read in chunks warns once, at the end); None: warned now."""
    import numpy as np

    from ..inference import stored_prediction
    from ._apply import model_X

    mf = applied.model_file
    check_covariance(mf, model)
    design = applied.design
    X = model_X(mf.model, design)
    if X.shape[0] == 0:
        empty = np.empty(0)
        return {"proba_se": empty, "proba_lower": empty, "proba_upper": empty}
    from ._aliased_file import attach_statistics

    attach_statistics(mf, str(model))  # aliased columns: the reduced model's
    if getattr(mf.model, "fit_statistics_", None) is not None:
        import warnings

        from .._exceptions import NonEstimableWarning
        from ..inference import fit_inference

        results = fit_inference(mf.model)
        with warnings.catch_warnings():  # said below, naming the file's rows
            warnings.simplefilter("ignore", NonEstimableWarning)
            pred = results.get_prediction(X, offset=design.offset)
        _warn_non_estimable_rows(applied, pred.estimable, list(results.aliased), rows)
    else:
        pred = stored_prediction(
            mf.model, mf.covariance, mf.covariance_names, X, design.offset
        )
    ci = pred.conf_int(1.0 - level)
    return {"proba_se": pred.se, "proba_lower": ci[:, 0], "proba_upper": ci[:, 1]}


def warn_non_estimable_scores(
    applied: Any, model: Path, rows: NonEstimable | None = None
) -> None:
    """Without --interval: warn of the scored rows whose prediction needs an
    aliased coefficient (a level or cell with no training row of positive
    weight), as R's ``predict.glm`` warns ("prediction from rank-deficient
    fit") and as ``--interval`` does; the file's null basis decides
    (:mod:`logistic.inference._estimable`). Files without aliased columns,
    or without a covariance, are not checked. ``rows``: as for
    :func:`interval_columns`."""
    import numpy as np

    from .._multiclass import is_multiclass

    mf = applied.model_file
    cov = mf.covariance
    if cov is None or is_multiclass(mf.model) or not np.isnan(np.diag(cov)).any():
        return
    from .._exceptions import ModelFormatError
    from ._aliased_file import attach_statistics

    try:  # a field refused here is summary's and --interval's to name
        attach_statistics(mf, str(model))
    except ModelFormatError:
        return
    if getattr(mf.model, "fit_statistics_", None) is None:
        return
    import warnings

    from ..inference import fit_inference
    from ..inference._estimable import non_estimable

    with warnings.catch_warnings():  # the fit's own warnings are summary's
        warnings.simplefilter("ignore")
        try:
            results = fit_inference(mf.model)
            est = results._estimability
        except Exception:  # no inference from the file: the scores stand alone
            return
    unset = non_estimable(applied.design.X, est)
    _warn_non_estimable_rows(applied, ~unset, list(results.aliased), rows)


class NonEstimable:
    """Scored rows whose prediction needs an aliased coefficient, gathered
    over the chunks of a file (or its one table) and warned of once."""

    #: The rows a warning names; ", ..." stands for the others.
    SHOWN = 10

    def __init__(self) -> None:
        self.where: list[str] = []
        self.unset = self.scored = 0
        self.aliased: list[str] = []

    def add(self, applied: Any, estimable: Any, aliased: list[str]) -> None:
        """The rows of ``applied`` (``estimable``: one flag per scored row)."""
        import numpy as np

        from ..tabular._raw import position

        keep = np.flatnonzero(applied.design.keep)  # row of each scored row
        self.scored += keep.size
        self.aliased = aliased
        if estimable is None:
            return
        unset = keep[~np.asarray(estimable, dtype=bool)]
        self.unset += unset.size
        room = self.SHOWN + 1 - len(self.where)  # one more tells "..."
        self.where += [position(applied.raw, int(r)) for r in unset[:room]]

    def warn(self) -> None:
        """The library's warning, naming the rows by their place in the file
        (``line 4``, ``row 3``), not among the rows scored (which --missing
        and --unknown-levels thin out); nothing when every row is estimable."""
        if not self.unset:
            return
        from ..inference._estimable import (
            ROWS_READ_ALIASED_AS_ZERO,
            warn_non_estimable,
        )

        where = ", ".join(self.where[: self.SHOWN])
        where += ", ..." if self.unset > self.SHOWN else ""
        warn_non_estimable(
            f"{self.unset} of {self.scored} rows scored ({where})",
            self.aliased,
            ROWS_READ_ALIASED_AS_ZERO,
        )


def _warn_non_estimable_rows(
    applied: Any,
    estimable: Any,
    aliased: list[str],
    rows: NonEstimable | None = None,
) -> None:
    """Count the rows of ``applied`` whose prediction is not estimable in
    ``rows``, or warn of them now (:class:`NonEstimable`)."""
    collected = NonEstimable() if rows is None else rows
    collected.add(applied, estimable, aliased)
    if rows is None:
        collected.warn()
