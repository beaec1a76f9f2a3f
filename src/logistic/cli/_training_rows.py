"""The training rows of a model file read again from its data file, and the
models whose inference can be shown on them (``logistic margins``,
``logistic summary MODEL DATA``).

Conventions (owned here): the rows are the training rows, encoded as at fit
time with the weights and offset columns the model file names; a row with a
missing value in a column the model reads (or its weights or ``--cluster``
column) is left out, as ``fit --missing drop`` left it out, with one line on
stderr counting them. Penalized (L1/L2) models and models without the
target's label mapping are refused with one line (:func:`check_model`), and
so are models fitted on grouped counts unless the command takes them
(``margins``: :func:`per_trial`, each group as its trials' 0/1 rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy loads when a command runs, not for --help
    import numpy as np

from ._codes import EX_DATAERR, EX_USAGE, CLIError
from ._common import note


@dataclass
class TrainingRows:
    """The training rows of a model file, ready for ``model.inference``."""

    X: Any
    y: np.ndarray
    sample_weight: np.ndarray | None
    offset: np.ndarray | None
    groups: np.ndarray | None
    frame: Any = None  # the formula's variables, for effects per variable
    trials: np.ndarray | None = None  # grouped counts: y counts the successes


def one_cluster(given: list[str] | None) -> str | None:
    """The column of ``--cluster`` (a list: the option as often as typed).
    Repeated, it is refused rather than the last one taken: two columns read
    as a request for two-way clustering, which the covariance does not do."""
    if not given:
        return None
    if len(given) > 1:
        named = ", ".join(f"--cluster {c}" for c in given)
        raise CLIError(
            f"--cluster given {len(given)} times ({named}): the cluster-robust "
            "covariance takes one column of cluster labels, and two-way "
            "(multi-way) clustering is not supported; give --cluster once: one of "
            "the columns, or a column combining them",
            EX_USAGE,
        )
    return given[0]


def check_cluster_option(cov_type: str | None, cluster: str | None) -> None:
    """Refuse ``--cov-type cluster`` without ``--cluster COL``, or the reverse."""
    if (cov_type == "cluster") != (cluster is not None):
        raise CLIError(
            "--cov-type cluster and --cluster COL go together; got "
            + (f"--cov-type {cov_type}" if cov_type else "--cluster without --cov-type")
            + (f" --cluster {cluster}" if cluster and cov_type else ""),
            EX_USAGE,
        )


def on_counts(mf: Any) -> bool:
    """Whether the model file's model was fitted on grouped counts (``fit
    --trials``, ``cbind``, or ``trials=`` in Python)."""
    from .._grouped import fitted_on_counts

    return fitted_on_counts(mf.model) or bool((mf.encoding or {}).get("binomial"))


def check_counts(mf: Any, model: Path, cov_type: str | None) -> None:
    """A model fitted on grouped counts takes ``--cov-type nonrobust`` only
    (exit 2 otherwise): its inference is the grouped fit's model-based
    covariance, and its data file holds counts, not the 0/1 rows a robust
    covariance sums over."""
    if cov_type in (None, "nonrobust") or not on_counts(mf):
        return
    raise CLIError(
        f"--cov-type {cov_type}: {model} was fitted on grouped counts (--trials or "
        "cbind), whose inference is model-based; use --cov-type nonrobust (the "
        "default), or refit on one 0/1 row per trial for a robust covariance",
        EX_USAGE,
    )


def check_model(
    mf: Any, model: Path, command: str = "margins", *, counts: bool = False
) -> None:
    """Refuse penalized (L1/L2) models, grouped-count models unless ``counts``
    (the command takes them), and models without the target's label mapping
    (saved from Python; one line each, naming ``command``, the CLI's words
    for what reads the training rows). A grouped model of ``logistic fit``
    has no label mapping: its file names the counts' columns instead."""
    from ..inference._checks import penalty_of
    from ._apply import encoding_of

    fitted = mf.model
    if penalty_of(fitted) != (0.0, 0.0):
        raise CLIError(
            f"{model} is a penalized model (--penalty {fitted.penalty}): {command} "
            "needs the covariance of an unpenalized fit; refit without --penalty, "
            "or with --penalty firth",
            EX_USAGE,
        )
    encoding = encoding_of(mf)
    if counts and on_counts(mf) and not encoding.get("binomial"):
        raise CLIError(
            f"{model} was fitted on grouped counts and saved from Python: its file "
            f"does not name the columns of the counts, so {command} cannot read "
            "them from DATA; refit with logistic fit --trials COL (or a cbind "
            "formula)",
            EX_DATAERR,
        )
    if not counts and on_counts(mf):
        raise CLIError(
            f"{model} was fitted on grouped counts (--trials or cbind): {command} "
            "needs one 0/1 row per trial"
            + (
                f" (logistic summary {model} without DATA shows the fit's table)"
                if command.startswith("summary")
                else "; refit on such rows"
            ),
            EX_USAGE,
        )
    if not (encoding.get("label") or (counts and encoding.get("binomial"))):
        # the Python call that does what the command does, on X and y
        call = "inference(X, y).get_margeff()"
        if command.startswith("summary"):
            call = "summary(X, y)"
        elif command.startswith("test"):
            call = "inference(X, y).wald_test(...)"
        raise CLIError(
            f"{model} has no label mapping (saved from Python, not by logistic "
            f"fit), so {command} cannot read the target column of DATA; use "
            f"logistic.load(MODEL).{call} in Python, or refit with logistic fit",
            EX_DATAERR,
        )


def training_rows(
    mf: Any, data: Path, cluster: str | None, *, quiet: bool, **reading: Any
) -> TrainingRows:
    """The rows of ``data`` the model was fitted on, encoded as at fit time,
    with the weights column of the model file (:func:`._apply.weights_of`)
    and the ``cluster`` labels."""
    import numpy as np

    from ..tabular import apply_design
    from ..tabular._columns import require_columns
    from ..tabular._design import UnseenLevelsError
    from ..tabular._encode import string_or_values
    from ..tabular._formula_margins import by_variable, training_frame
    from ._apply import drop_rows, encoding_of, model_X, read_for_model, weights_of
    from ._common import import_pandas_first

    encoding = encoding_of(mf)
    import_pandas_first(encoding.get("kind") == "formula")
    labels = [] if cluster is None else [cluster]
    raw = read_for_model(data, encoding, labels=labels, quiet=quiet, **reading)
    if cluster is not None:
        if raw.table is None:
            raise CLIError(
                f"--cluster needs a column; {data} is LibSVM data, which has none",
                EX_USAGE,
            )
        require_columns(raw, [cluster], "--cluster")
    try:
        design = apply_design(
            raw, encoding, with_target=True, missing="drop", target_needed="training"
        )
    except UnseenLevelsError as exc:  # no such category among the training rows
        raise CLIError(
            f"{exc.what}; {data} is not the file the model was fitted on, whose "
            "rows hold only categories seen at fit time; pass the training file",
            EX_DATAERR,
        ) from None
    _, weights, no_weight = weights_of(raw, encoding, required=True)
    if no_weight is not None:
        drop_rows(design, no_weight)
    if cluster is not None:
        _refuse_missing_clusters(raw, design.keep, cluster, data)
    rows = design.keep
    left_out = raw.n_rows - int(rows.sum())
    if left_out:
        note(
            f"{left_out} of {raw.n_rows} rows left out: a missing value in a column "
            "the model reads or its weights (as fit --missing drop)"
        )
    if not rows.any():
        raise CLIError(f"{data}: no rows left for marginal effects", EX_DATAERR)
    return TrainingRows(
        X=model_X(mf.model, design),
        y=np.asarray(design.y),
        sample_weight=None if weights is None else weights[rows],
        offset=design.offset,
        groups=None if cluster is None else string_or_values(raw, cluster)[rows],
        frame=training_frame(raw, encoding, rows) if by_variable(encoding) else None,
        trials=None if design.trials is None else np.asarray(design.trials, float),
    )


def per_trial(
    mf: Any, rows: TrainingRows, data: Path, model: Path, command: str = "margins"
) -> TrainingRows:
    """The rows of a model fitted on grouped counts as one 0/1 row per trial,
    with frequency weights: each group a row of its successes (label 1,
    weight ``k s``) and one of its failures (label 0, weight ``(n - k) s``),
    rows of weight 0 left out (:func:`logistic._grouped.trial_rows`). Their
    log-likelihood is the grouped one less the constant ``Σ s log C(n, k)``,
    so the fit's coefficients, score and information are theirs, and
    averages over them are averages over the trials (each group weighted by
    ``n s``). A file whose groups (``Σ s``) are not the fit's recorded
    ``nobs`` is refused (exit 65), as a file that is not the training data."""
    import math

    import numpy as np

    from .._grouped import trial_rows

    if rows.trials is None:
        return rows
    n = rows.trials
    s = np.ones_like(n) if rows.sample_weight is None else rows.sample_weight
    fitted = ((mf.training or {}).get("statistics") or {}).get("nobs")
    if isinstance(fitted, (int, float)) and not math.isclose(
        float(s.sum()), float(fitted), rel_tol=1e-6
    ):
        raise CLIError(
            f"{data} is not the data {model} was fitted on: its rows hold "
            f"{float(s.sum()):.10g} groups, the fit's {float(fitted):.10g}; "
            f"{command} needs the training file (same rows, weights and offset)",
            EX_DATAERR,
        )
    idx, y01, weights = trial_rows(rows.y, n, rows.sample_weight)

    def take(values: Any) -> Any:
        if values is None:
            return None
        if hasattr(values, "iloc"):  # a DataFrame: rows by position
            return values.iloc[idx].reset_index(drop=True)
        return values[idx]

    return TrainingRows(
        X=take(rows.X),
        y=y01,
        sample_weight=weights,
        offset=take(rows.offset),
        groups=take(rows.groups),
        frame=take(rows.frame),
    )


def _refuse_missing_clusters(raw: Any, used: Any, cluster: str, data: Path) -> None:
    """Refuse a --cluster column without a label on a row the model reads:
    leaving the row out would make the rows another set than the fit's."""
    import numpy as np

    from ..tabular._columns import position
    from ..tabular._missing import missing_mask

    lacking = np.flatnonzero(missing_mask(raw, cluster) & used)
    if lacking.size:
        rows = "a row" if lacking.size == 1 else f"{lacking.size} rows"
        raise CLIError(
            f"--cluster column {cluster!r} in {data} has no label on {rows} the "
            f"model was fitted on (first at {position(raw, int(lacking[0]))}); every "
            "training row needs one (a row with a label of its own is its own "
            "cluster)",
            EX_DATAERR,
        )


def not_training_data(
    exc: Exception, data: Path, model: Path, command: str, label: Any = None
) -> None:
    """Raise the one-line error for inference on rows that are not the
    model's training rows (the library's gradient check, ``exc``), naming
    ``data``, ``model`` and what ``command`` needs; return for any other
    error, which the caller re-raises. ``label``: the model file's label
    mapping, which names a class as DATA spells it."""
    from ..inference._checks import NotTrainingDataError

    if not isinstance(exc, NotTrainingDataError):
        return
    from ..inference._checks import absent_classes_detail

    detail = exc.detail
    spelled = _class_as_spelled(exc.one_class, label)
    if spelled is not None:
        detail = f"its rows hold one class only ({spelled})"
    absent = [_class_as_spelled(code, label) for code in exc.absent_classes]
    if absent and None not in absent:
        detail = absent_classes_detail([str(name) for name in absent])
    raise CLIError(
        f"{data} is not the data {model} was fitted on: {detail}; {command} "
        "needs the training file (same rows, weights and offset)",
        EX_DATAERR,
    ) from None


def _class_as_spelled(code: Any, label: Any) -> str | None:
    """The class of label code ``code`` (0/1, or a level's index) as the
    label mapping spells it, or None (no code, no mapping)."""
    from .._labels import label_shown
    from ..io._label_classes import label_classes

    if code is None or not isinstance(label, dict):
        return None
    labels = label_classes(label)  # the labels in code order
    index = int(code)
    return label_shown(labels[index]) if 0 <= index < len(labels) else None
