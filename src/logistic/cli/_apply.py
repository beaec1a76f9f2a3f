"""Load a model file and apply it to a data file (shared by predict, evaluate,
report); read input files with progress.

Convention (owned here): rows that cannot be scored — a missing value in a
column the model reads (``--missing``) or a category not seen at fit time
(``--unknown-levels``) — are handled the same way by ``predict``,
``evaluate`` and ``report``:

* ``error`` (default): one line naming the column, the count and the first
  lines, exit 65, nothing written;
* ``drop``: those rows are left out (``--missing`` only);
* ``na``: those rows stay in ``predict``'s output, aligned with the input,
  with empty probability, label and logit; ``evaluate`` leaves them out.

Whenever rows are left out or left empty, one line on stderr counts them.

Convention (owned here): the weights column a model file names
(``fit --weights``, ``encoding.weights``) weights the rows wherever a command
computes statistics of the model on labelled rows (``evaluate``, ``report``,
``margins``; :func:`weights_of`). ``evaluate`` and ``report`` weight when
DATA has that column and say so; ``margins`` requires it. A row whose weight
is missing is handled as a missing value under ``--missing``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # numpy loads when a command runs, not for --help
    import numpy as np


from ._codes import EX_DATAERR, EX_USAGE, CLIError
from ._common import import_pandas_first, load_model_file, note, require_inputs

__all__ = [
    "Applied",
    "apply_model",
    "drop_rows",
    "encoding_of",
    "label_values",
    "output_rows",
    "read_for_model",
    "read_input",
    "refuse_weightless",
    "tell_unscored",
    "unscored_line",
    "weights_of",
]

def read_input(
    data: Path, *, sep: str | None, fmt: str | None, quiet: bool = False, **kw: Any
) -> Any:
    """:func:`logistic.tabular.read_data` with rows read shown on stderr
    (:class:`._progress.ReadProgress`)."""
    from .._files import STDIN, STDIN_NAME
    from ..tabular import read_data
    from ._progress import ReadProgress

    progress = ReadProgress(STDIN_NAME if str(data) == STDIN else str(data), quiet)
    with progress.live() as on_progress:
        return read_data(
            data, sep=sep, fmt=fmt, on_progress=on_progress, on_wait=note, **kw
        )


def read_for_model(
    data: Path,
    model_encoding: dict[str, Any],
    *,
    keep: list[str] | None = None,
    labels: list[str] | None = None,
    sep: str | None = None,
    fmt: str | None = None,
    quiet: bool = False,
    **reading: Any,
) -> Any:
    """Read DATA for a stored encoding (``model_encoding``), as every command
    that applies a saved model does (predict, evaluate, report, margins).

    The model's categorical columns are read as text
    (:func:`logistic.tabular._inputs.text_input_columns`), so a batch whose
    levels all look like numbers or booleans (``007``, ``True``) gives the
    strings seen at fit time. ``keep`` columns (copied to an output) and
    ``labels`` columns (group labels: ``margins --cluster``) the model does
    not read are read as text too, so ``07`` and ``7`` stay apart; every
    ``keep`` column is also read verbatim (``RawData.verbatim``: no
    missing-value tokens). Columns with an empty
    header name are left out: no model reads them (fit refuses them). A JSON
    document as DATA (a model file given twice) is refused with the order of
    the arguments, MODEL DATA.
    """
    from ..tabular._encoding import NotDataError
    from ..tabular._inputs import input_columns, text_input_columns

    used = input_columns(model_encoding)
    as_text = text_input_columns(model_encoding)
    known = set(used)  # a set: --keep may name thousands of columns
    as_text += [n for n in [*(keep or []), *(labels or [])] if n not in known]
    try:
        return read_input(
            data,
            sep=sep,
            fmt=fmt,
            quiet=quiet,
            text_columns=as_text,
            unnamed="drop",
            verbatim=keep or (),
            **reading,
        )
    except NotDataError as exc:  # a model file given twice, or in DATA's place
        raise CLIError(
            f"{exc} (the arguments are MODEL DATA: the model file, then the data file)",
            EX_DATAERR,
        ) from None


def _require_kept(raw: Any, keep: list[str]) -> None:
    """The ``--keep`` columns are columns of DATA (not LibSVM data, which
    has no named columns)."""
    if raw.table is None:
        raise CLIError(f"--keep does not apply to LibSVM data ({raw.path})")
    from ..tabular._columns import require_columns

    require_columns(raw, keep, "--keep")


class Applied(NamedTuple):
    """A model file, the encoded data and the logits of the rows scored.

    ``design.keep`` marks the rows of the file that were scored (``z`` has one
    value per such row); ``design.n_missing`` / ``design.n_unknown`` count the
    rows left out or left empty, and ``rows`` says which: "drop" or "na".

    A named tuple, not a dataclass: cheaper to define at import (≈ 0.2 ms
    against ≈ 0.5 ms; the methods of a dataclass are compiled from source).
    """

    model_file: Any
    raw: Any
    design: Any
    z: np.ndarray
    weights: str | None = None


def weights_of(
    raw: Any, encoding: dict[str, Any], *, required: bool
) -> tuple[str | None, np.ndarray | None, np.ndarray | None]:
    """``(name, weights, missing)`` of the model file's weights column in ``raw``.

    ``weights`` holds one value per row of the file (NaN where missing) and
    ``missing`` marks those rows. ``(None, None, None)`` when the model has
    no weights column, or DATA lacks it and ``required`` is False (with
    ``required``, a missing column is an error naming it).
    """
    from ..tabular._columns import nonnegative_column, require_columns
    from ..tabular._missing import missing_mask

    name = encoding.get("weights")
    if not name:
        return None, None, None
    if raw.table is None or name not in raw.table.column_names:
        if required:
            require_columns(raw, [name], "weights (fit --weights)")
        return None, None, None
    weights = nonnegative_column(raw, name, "weights", plural="weights")
    return name, weights, missing_mask(raw, name)


def _weigh(
    design: Any,
    raw: Any,
    encoding: dict[str, Any],
    missing: str,
    data: Path,
    *,
    whole: bool = True,
) -> str | None:
    """Set ``design.sample_weight`` from the stored weights column (rows with
    a missing weight: an error, or left out under ``--missing drop|na``).
    ``whole``: ``raw`` is the whole file, whose weights must not all be 0
    (:func:`refuse_weightless`); a chunk's may (the caller checks the sum)."""
    name, weights, absent = weights_of(raw, encoding, required=False)
    if name is None:
        if encoding.get("weights"):
            note(
                f"{data} has no weights column {encoding['weights']!r} (fit "
                "--weights): the rows are not weighted"
            )
        return None
    assert weights is not None and absent is not None
    if missing == "error" and (absent & design.keep).any():
        from ..tabular._missing import check_missing

        check_missing(raw, [name], "error")
    drop_rows(design, absent)
    design.sample_weight = weights[design.keep]
    if whole:
        refuse_weightless(design.sample_weight, str(name), data)
    return str(name)


def refuse_weightless(weights: np.ndarray, name: str, data: Path) -> None:
    """Refuse rows scored whose weights are all 0 (exit 65): nothing to measure."""
    if weights.size and not weights.sum() > 0:
        raise CLIError(
            f"{data}: every row's weight in the weights column {name!r} is 0 "
            "(fit --weights); there is nothing to measure",
            EX_DATAERR,
        )


def drop_rows(design: Any, bad: np.ndarray) -> None:
    """Leave out of ``design`` the rows it kept that ``bad`` marks (one flag
    per row of the file), counted as rows with a missing value."""
    import numpy as np

    bad = bad & design.keep
    if not bad.any():
        return
    sel = ~bad[design.keep]
    design.X = design.X[sel]
    for field in ("y", "offset", "trials"):
        value = getattr(design, field)
        if value is not None:
            setattr(design, field, np.asarray(value)[sel])
    design.keep = design.keep & ~bad
    design.n_missing = int(design.n_missing) + int(bad.sum())
    if design.missing_rows is not None:
        design.missing_rows = design.missing_rows | bad


def encoding_of(mf: Any, path: Any = None) -> dict[str, Any]:
    """The stored encoding; for a model saved from Python, its feature names
    (``path``: the model file, named when it has neither)."""
    if mf.encoding is not None:
        return mf.encoding
    frame = getattr(mf.model, "encoding_", None)
    if frame is not None:  # fitted on a DataFrame with text columns
        return {"target": None, "label": None, **frame}
    names = getattr(mf.model, "feature_names_in_", None)
    if names is None:
        raise CLIError(
            f"{path or 'the model file'} has no input encoding and no feature names "
            "(saved from Python, fitted on an X without column names), so it cannot "
            "tell which columns of DATA to read: fit it on a pandas DataFrame (its "
            "column names are kept) and save it again, or predict in Python with "
            "logistic.load(MODEL).predict_proba(X)",
            EX_DATAERR,
        )
    return {
        "kind": "columns",
        "target": None,
        "label": None,
        "columns": [{"name": str(n), "kind": "numeric"} for n in names],
        "feature_names": [str(n) for n in names],
    }


def apply_model(
    model_path: Path,
    data: Path,
    *,
    with_target: bool,
    missing: str = "error",
    unknown: str = "error",
    sep: str | None = None,
    fmt: str | None = None,
    quiet: bool = False,
    encoding: str | None = None,
    decimal: str = ".",
    weighted: bool = False,
    keep: list[str] | None = None,
    checked: Callable[[Any], None] | None = None,
    target: str | None = None,
) -> Applied:
    """Read both files and compute the logits; errors name the file and column.

    ``target``: the target column of DATA (``--target``) for a model file
    without a label mapping (saved from Python), whose ``Applied.model_file``
    then holds the mapping made from the model's classes; refused for a file
    whose mapping names another column.

    ``checked(model_file)``: called once the model file, the data and its
    columns are read and checked, before the logits (a command refuses an
    existing output there, so that their mistakes are named first).

    ``weighted``: weight the rows by the model file's weights column when
    DATA has it (``design.sample_weight``; ``Applied.weights`` names it).
    ``keep``: columns copied to the output (``predict --keep``); those the
    model does not read are read from CSV as text, so they are copied
    unchanged (``00123``, ids beyond 2**53), and not reported as ignored
    (:func:`read_for_model`).
    """
    import numpy as np

    from ..tabular import apply_design

    require_inputs(data=data, model=model_path)  # missing ones named first
    mf = load_model_file(str(model_path), data)
    mf, model_encoding = reading_encoding(
        mf, encoding_of(mf, model_path), model_path, with_target, target
    )
    raw = read_for_model(
        data,
        model_encoding,
        keep=keep,
        sep=sep,
        fmt=fmt,
        quiet=quiet,
        encoding=encoding,
        decimal=decimal,
    )
    design = apply_design(
        raw,
        model_encoding,
        with_target=with_target,
        missing=missing,
        unknown=unknown,
        kept=keep,
        weighted=weighted,
    )
    weights = checked_rows(
        mf,
        model_encoding,
        raw,
        design,
        data,
        checked,
        missing=missing,
        weighted=weighted,
        keep=keep,
    )
    X = model_X(mf.model, design)
    if X.shape[0] == 0:
        z = np.empty(0, dtype=np.float64)
    else:
        z = _scored(mf.model, X, design, raw)
    return Applied(mf, raw, design, z, weights)


def reading_encoding(
    mf: Any,
    encoding: dict[str, Any],
    model_path: Path,
    with_target: bool,
    target: str | None,
) -> tuple[Any, dict[str, Any]]:
    """``(mf, encoding)`` that read DATA for the model file ``mf`` (its
    ``encoding``, :func:`encoding_of`), the file read whole or in chunks:
    pandas imported first for a formula, and with ``with_target`` the label
    mapping of the target column (:func:`_with_target`), which also becomes
    the encoding of a file saved from Python (it has none)."""
    import_pandas_first(encoding.get("kind") == "formula")
    if with_target:
        encoding = _with_target(encoding, mf, target, model_path)
        if mf.encoding is None:  # saved from Python: the mapping --target gave
            mf = dataclasses.replace(mf, encoding=encoding)
    return mf, encoding


def checked_rows(
    mf: Any,
    encoding: dict[str, Any],
    raw: Any,
    design: Any,
    data: Path,
    checked: Callable[[Any], None] | None,
    *,
    missing: str,
    weighted: bool,
    keep: list[str] | None,
) -> str | None:
    """The checks of DATA (the file read whole, or the head of one read in
    chunks) after its design and before any logit, in the order a command
    names their mistakes: the weights column with ``weighted``
    (:func:`_weigh`; its name is returned, None when unweighted), the
    ``keep`` columns, then ``checked(mf)`` (a command refuses an existing
    output there); then the design's notes are said."""
    weights = _weigh(design, raw, encoding, missing, data) if weighted else None
    if keep:  # named after the model's columns, before an existing output
        _require_kept(raw, keep)
    if checked is not None:
        checked(mf)
    for text in design.notes:
        note(text)
    return weights


def model_X(model: Any, design: Any) -> Any:
    """The design's X as ``model`` reads it: a DataFrame of the named columns
    for a model fitted on one (it has ``feature_names_in_``, and checks the
    names), else the bare array."""
    return design.named_X() if hasattr(model, "feature_names_in_") else design.X


def _with_target(
    encoding: dict[str, Any], mf: Any, target: str | None, model_path: Path
) -> dict[str, Any]:
    """The encoding with the label mapping that reads DATA's target: the
    file's own, or for a file saved from Python (none kept) the model's
    ``classes_`` in code order under the column ``--target`` names."""
    from ..tabular._labels import class_mapping, label_mapping

    if encoding.get("label") or encoding.get("binomial"):
        own = encoding.get("target")
        if target is not None and target != own:
            raise CLIError(
                f"--target {target}: {model_path} was fitted on the target column "
                f"{own!r} and reads that one from DATA; leave --target out",
                EX_USAGE,
            )
        return encoding
    if target is None:
        # y's name (a pandas Series') is only a hint: it survives 1 - y and
        # y > t, so the column of that name need not hold the model's classes
        named = getattr(mf.model, "target_name_", None)
        hint = (
            f" (the model was fitted on a y named {named!r}: --target {named} if "
            "that column of DATA holds it)"
            if named
            else ""
        )
        raise CLIError(
            f"{model_path} has no label mapping (saved from Python, not by logistic "
            "fit), so the target column of DATA cannot be read: name it with "
            f"--target COLUMN{hint}; its values must be the model's classes. Or "
            "use logistic.metrics.evaluate in Python, or refit with logistic fit"
        )
    classes = list(mf.model.classes_)
    mapping = (
        label_mapping(classes, target)
        if len(classes) == 2
        else class_mapping(classes, target)
    )
    return {**encoding, "target": target, "label": mapping}


def _scored(model: Any, X: Any, design: Any, raw: Any) -> np.ndarray:
    """The logits of the design's rows; a row whose logit is beyond float64
    is named by its place in the file (the library names its row of X)."""
    import numpy as np

    from .._exceptions import DataValidationError, NumericalError
    from ..tabular._raw import position

    try:
        return np.asarray(
            model.decision_function(X, offset=design.offset), dtype=np.float64
        )
    except NumericalError as exc:
        if exc.row is None:
            raise
        where = position(raw, int(np.flatnonzero(design.keep)[exc.row]))
        raise DataValidationError(
            f"{raw.path}: the logit of the row at {where} is beyond the float64 "
            "range (|z| > 1.8e308), so it has no probability: its values are far "
            "outside any range the model can score; check that row for unit "
            "errors or corrupt values"
        ) from None


def unscored_line(design: Any, missing: str, unknown: str, output: bool) -> str | None:
    """One line counting the rows not scored, or None when every row was.

    ``output``: whether the command writes one row per input row (predict),
    where ``na`` rows stay empty; otherwise (evaluate) they are left out.
    """
    n_missing, n_unknown = int(design.n_missing), int(design.n_unknown)
    if n_missing == 0 and n_unknown == 0:
        return None

    def fate(mode: str) -> str:
        return "empty in the output" if output and mode == "na" else "left out"

    parts = []
    if n_missing:
        parts.append(
            f"{n_missing} with missing values (--missing {missing}: {fate(missing)})"
        )
    if n_unknown:
        parts.append(
            f"{n_unknown} with categories not seen at fit time "
            f"(--unknown-levels {unknown}: {fate(unknown)})"
        )
    total = n_missing + n_unknown
    return f"{total} of {design.rows_read} rows not scored: {', '.join(parts)}"


def tell_unscored(
    applied: Applied, data: Path, missing: str, unknown: str, *, task: str = ""
) -> None:
    """Print the count of rows not scored (:func:`unscored_line`); with
    ``task`` (e.g. "evaluate"), having no row left is an error (exit 65)."""
    line = unscored_line(applied.design, missing, unknown, output=not task)
    if task and applied.z.size == 0:
        why = line or "the file has no data rows"
        raise CLIError(f"{data}: no rows left to {task} ({why})")
    if line is not None:
        note(line)


def output_rows(design: Any, missing: str) -> np.ndarray:
    """Rows of the file that have a row in predict's output: the rows scored,
    and the rows not scored unless ``--missing drop`` left them out."""
    import numpy as np

    rows = np.ones(design.rows_read, dtype=bool)
    if missing == "drop" and design.missing_rows is not None:
        rows &= ~design.missing_rows
    return rows


def label_values(
    mf_encoding: dict[str, Any] | None, positive: np.ndarray, classes: np.ndarray
) -> np.ndarray:
    """Predicted labels as the raw target values (or the model's classes)."""
    import numpy as np

    label = (mf_encoding or {}).get("label")
    if label:
        values = np.array([label["negative"], label["positive"]], dtype=object)
    else:
        values = np.asarray(classes, dtype=object)
    return values[positive.astype(int)]
