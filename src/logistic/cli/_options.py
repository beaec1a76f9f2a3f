"""Options shared by several commands, defined once (typer ``Annotated`` aliases)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

DataArg = Annotated[
    Path,
    typer.Argument(
        readable=False,  # an unreadable file: our PermissionError, exit 66
        metavar="DATA",
        help="Data file: CSV/TSV (delimiter sniffed), Parquet or LibSVM; "
        "plain, .gz or .bz2; '-' for CSV on standard input (pipes and "
        "/dev/stdin work too).",
        show_default=False,
    ),
]
TrainingDataArg = Annotated[
    Path,
    typer.Argument(
        readable=False,  # an unreadable file: our PermissionError, exit 66
        metavar="DATA",
        help="The data file the model was fitted on (its weights and offset "
        "columns as the model file names them); give --sep, --format, --encoding "
        "and --decimal as they were given to fit.",
        show_default=False,
    ),
]
ModelArg = Annotated[
    Path,
    typer.Argument(
        readable=False,  # an unreadable file: our PermissionError, exit 66
        metavar="MODEL",
        help="Model file written by 'logistic fit'.",
        show_default=False,
    ),
]
#: Spellings of a tab that a shell passes through unchanged.
_TAB_NAMES = ("\\t", "tab", "TAB")


def _check_sep(value: str | None) -> str | None:
    """--sep is one character other than a quote or line break (exit 2 otherwise);
    ``\\t`` and ``tab`` mean a tab."""
    if value is None:
        return None
    if value in _TAB_NAMES:
        return "\t"
    if len(value) != 1 or value in '"\r\n':
        raise typer.BadParameter(
            f"must be one character other than a quote or a line break "
            f"(a tab: --sep tab), got {value!r}"
        )
    return value


Sep = Annotated[
    str | None,
    typer.Option(
        "--sep",
        metavar="CHAR",
        help="CSV delimiter, one character; 'tab' for a tab (default: sniffed "
        "from the header line).",
        callback=_check_sep,
    ),
]


def _check_format(value: str | None) -> str | None:
    """--format is one of the readers' formats (exit 2 otherwise)."""
    if value is not None and value not in ("csv", "parquet", "libsvm"):
        raise typer.BadParameter(f"must be csv, parquet or libsvm, got {value!r}")
    return value


Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="Force the input format: csv, parquet or libsvm (default: from the "
        "content and the name: Parquet's magic bytes, .csv/.tsv, .svm/.libsvm, "
        "else LibSVM when the first lines look like 'label idx:value', else CSV).",
        callback=_check_format,
    ),
]


def _check_encoding(value: str | None) -> str | None:
    """--encoding names a text codec (exit 2 otherwise); canonical spelling."""
    if value is None:
        return None
    from .._exceptions import InvalidParameterError
    from ..tabular._encoding import check_encoding

    try:
        return check_encoding(value)
    except InvalidParameterError as exc:
        raise typer.BadParameter(str(exc).removeprefix("--encoding ")) from None


Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="CODEC",
        help="Text encoding of a CSV file, any Python codec name, e.g. cp1252 or "
        "latin-1 for files saved by Excel on Windows (default: utf-8).",
        callback=_check_encoding,
    ),
]


def _check_decimal(value: str) -> str:
    """--decimal is . or , (exit 2 otherwise)."""
    if value not in (".", ","):
        raise typer.BadParameter(f"must be . or , got {value!r}")
    return value


Decimal = Annotated[
    str,
    typer.Option(
        "--decimal",
        metavar="MARK",
        help="Decimal mark of numbers in a CSV file: . (default) or , (13,2 is "
        "13.2; the delimiter is then usually ;).",
        callback=_check_decimal,
        show_default=False,  # the help names it
    ),
]
Include = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        metavar="COLUMNS",
        help="Columns to use as features although they look like identifiers or "
        "free text, which a fit otherwise leaves out (comma-separated or "
        "repeated).",
    ),
]


def check_reading(
    data: Path,
    encoding: str | None,
    decimal: str,
    stream: bool | None,
    distributed: bool,
) -> bool | None:
    """Reading options against the way the data will be read (exit 2 when
    they cannot go together); the ``--stream`` setting to use.

    Standard input and pipes can be read once only, so never streamed; the
    streamed readers read UTF-8 with ``.`` decimals, so a file that needs
    ``--encoding``/``--decimal`` is read into memory rather than
    streamed automatically.
    """
    from .._files import STDIN_NAME, is_pipe
    from ._codes import EX_USAGE, CLIError

    special = encoding not in (None, "utf-8") or decimal != "."
    if stream or distributed:
        how = "--stream" if stream else "a Dask fit"
        if is_pipe(data):
            name = STDIN_NAME if str(data) == "-" else str(data)
            raise CLIError(
                f"{how} reads the data several times, but {name} can be read only "
                "once; save it to a file first",
                EX_USAGE,
            )
        if special:
            raise CLIError(
                f"--encoding and --decimal apply to data read into memory, not to "
                f"{how}; convert the file to UTF-8 with . decimals (or Parquet)",
                EX_USAGE,
            )
    if stream is None and (special or is_pipe(data)):
        return False
    return stream


Force = Annotated[
    bool,
    typer.Option(
        "--force", metavar="", help="Overwrite an existing output file (atomically)."
    ),
]
Json = Annotated[
    bool,
    typer.Option(
        "--json", metavar="", help="Machine-readable JSON on stdout instead of tables."
    ),
]
Missing = Annotated[
    str,
    typer.Option(
        "--missing",
        metavar="ACTION",
        help="Rows with missing values: 'error' (default) or 'drop' "
        "(the count is reported).",
        show_default=False,  # the help names it
    ),
]


def _check_threshold(value: float) -> float:
    """A probability cut-off must lie in [0, 1] (exit 2 otherwise)."""
    if not 0.0 <= value <= 1.0:
        raise typer.BadParameter(f"must be a probability in [0, 1], got {value:g}")
    return value


Threshold = Annotated[
    float,
    typer.Option(
        "--threshold",
        metavar="P",
        help="Predict the positive class when P(positive) > this (in [0, 1]).",
        callback=_check_threshold,
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]

# -- fit ---------------------------------------------------------------------------
Target = Annotated[
    str | None,
    typer.Option(
        "--target",
        "-t",
        metavar="COLUMN",
        help="Target column (not needed with --formula or LibSVM).",
    ),
]
ModelOut = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Model file (JSON) to write; a name of another format (.onnx, .pkl, "
        ".csv, .parquet, .html) is refused.",
        readable=False,  # a file to replace need not be readable
    ),
]
Formula = Annotated[
    str | None,
    typer.Option(
        "--formula",
        metavar="FORMULA",
        help="formulaic formula, e.g. 'admit ~ gre + gpa + C(rank)'.",
    ),
]
Features = Annotated[
    list[str] | None,
    typer.Option(
        "--features",
        metavar="COLUMNS",
        help="Feature columns (comma-separated or repeated); default all.",
    ),
]
Drop = Annotated[
    list[str] | None,
    typer.Option(
        "--drop",
        metavar="COLUMNS",
        help="Columns to leave out (comma-separated or repeated).",
    ),
]
Positive = Annotated[
    str | None,
    typer.Option(
        "--positive",
        metavar="VALUE",
        help="Target value of the positive class (needed "
        "unless 0/1, -1/+1, false/true, no/yes); two-class targets only.",
    ),
]
Reference = Annotated[
    str | None,
    typer.Option(
        "--reference",
        metavar="LEVEL",
        help="Reference level of a target with more than two levels (default: "
        "the first in sorted order); unpenalized fits report each other level "
        "against it.",
    ),
]
Penalty = Annotated[
    str | None,
    typer.Option(
        "--penalty",
        metavar="PENALTY",
        help="none (default), l2, l1, elasticnet or firth; l2, l1 and elasticnet "
        "without --alpha or --C use C = 1 (scikit-learn's default).",
    ),
]
FirthCorrection = Annotated[
    str | None,
    typer.Option(
        "--firth-correction",
        metavar="KIND",
        help="With --penalty firth: flic (intercept refitted by maximum likelihood "
        "under Firth's slopes) or flac (refitted on Firth's augmented data with a "
        "pseudo-row indicator), so that the mean predicted probability is the "
        "event rate (Puhr et al. 2017; R's logistf::flic, flac).",
    ),
]
Alpha = Annotated[
    float | None,
    typer.Option(
        "--alpha",
        metavar="ALPHA",
        help="Penalty strength on the mean loss's scale: the objective is the "
        "(weighted) mean loss + alpha·(l1_ratio·‖w‖₁ + (1 - l1_ratio)·‖w‖²/2), "
        "the intercept not penalized (l2: alpha·‖w‖²/2, l1: alpha·‖w‖₁); "
        "scikit-learn's C is 1/(alpha x sum of weights), 1/(alpha n) without "
        "weights. Not with --penalty none.",
    ),
]
L1Ratio = Annotated[
    float | None,
    typer.Option(
        "--l1-ratio",
        metavar="RATIO",
        help="With --penalty elasticnet (needed there unless --cv takes "
        "--l1-ratios; refused with other penalties): the L1 share of the "
        "penalty, in [0, 1] (0 is l2, 1 is l1).",
    ),
]
Solver = Annotated[
    str | None,
    typer.Option(
        "--solver",
        metavar="NAME",
        help="auto (default: chosen from the data and the penalty, recorded in "
        "the model file), newton, lbfgs, gd, sgd, newton-cg, newton-cd, "
        "newton-cd-columns, fista or firth (the README's Solvers).",
    ),
]
ClassWeight = Annotated[
    str | None,
    typer.Option(
        "--class-weight",
        metavar="WEIGHTS",
        help="'balanced', or a weight per class keyed by its label "
        "('Churned=2,Stayed=1') or, with two classes, by its code ('0=W0,1=W1'); "
        "with more than two classes 'LEVEL=W,...' (e.g. "
        "'setosa=2,versicolor=1,virginica=1').",
    ),
]
Weights = Annotated[
    str | None,
    typer.Option(
        "--weights",
        metavar="COLUMN",
        help="Column of sample weights (frequency weights unless --weights-kind "
        "sampling).",
    ),
]
WeightsKind = Annotated[
    str,
    typer.Option(
        "--weights-kind",
        metavar="KIND",
        help="What --weights are: 'frequency' (row i counts as w_i identical rows; "
        "the default) or 'sampling' (survey / inverse-probability weights, Stata's "
        "pweight: rows counted once, robust HC0 standard errors with the squared "
        "weights; likelihood-based statistics are then not valid).",
        show_default=False,  # the help names it
    ),
]


def check_weights_kind(
    kind: str, weights: str | None, unsupported: bool, penalty: str | None = None
) -> None:
    """Refuse an unknown ``--weights-kind``, and ``sampling`` without
    ``--weights``, with ``--penalty firth`` (whose inference is the inverse
    Fisher information, as logistf; the library refuses the pair too) or
    where it is ``unsupported``: streamed or grouped data, more than two
    classes (exit 2)."""
    from ._codes import EX_USAGE, CLIError

    if kind not in ("frequency", "sampling"):
        raise CLIError(
            f"--weights-kind must be 'frequency' or 'sampling'; got {kind!r}", EX_USAGE
        )
    if kind == "sampling" and weights is None:
        raise CLIError("--weights-kind sampling needs --weights COLUMN", EX_USAGE)
    if kind == "sampling" and penalty == "firth":
        raise CLIError(
            "--weights-kind sampling does not apply to --penalty firth: Firth's "
            "standard errors and penalized likelihood-ratio tests are those of "
            "frequency weights (logistf); fit with --penalty none for sampling "
            "weights' robust standard errors",
            EX_USAGE,
        )
    if kind == "sampling" and unsupported:
        raise CLIError(
            "--weights-kind sampling needs a target of two classes on 0/1 rows in "
            "memory (not --stream, --workers, grouped counts or more classes)",
            EX_USAGE,
        )


def sampling_facts(kind: str, inference: Any) -> dict[str, str]:
    """What a model file records when its covariance is the sandwich of
    sampling weights (``training.sample_weight_kind``, ``training.cov_type``)
    rather than the model-based one; a penalized fit (no inference) records
    the kind alone, so that later commands read its weights as sampling
    weights; nothing for frequency weights."""
    if kind != "sampling":
        return {}
    if inference is None:
        return {"sample_weight_kind": kind}
    return {"sample_weight_kind": kind, "cov_type": str(inference.cov_type)}


Offset = Annotated[
    str | None,
    typer.Option(
        "--offset",
        metavar="COLUMN",
        help="Column added to the linear predictor with coefficient 1.",
    ),
]
RandomState = Annotated[
    int | None,
    typer.Option(
        "--random-state",
        metavar="SEED",
        help="Seed of the stochastic solver (--solver sgd): the same seed, data "
        "and options give the same model (stored in the model file).",
    ),
]
MaxIter = Annotated[
    int | None,
    typer.Option("--max-iter", metavar="N", help="Iteration limit (default 1000)."),
]
Tol = Annotated[
    float | None,
    typer.Option(
        "--tol",
        metavar="TOL",
        help="Stop when the gradient's max-norm (standardized coordinates) is <= "
        "TOL (default 1e-10; 1e-6 for float32 data, 1e-3 for sgd).",
    ),
]


def spelled_as(value: str | None, allowed: tuple[str, ...]) -> str | None:
    """``value`` as ``allowed`` spells it when the two differ only in case
    (``--cov-type hc1`` is ``HC1``, as ``--scale x2`` is ``X2``), else
    ``value`` unchanged (for the caller's check to refuse)."""
    if value is None:
        return None
    for name in allowed:
        if name.lower() == value.lower():
            return name
    return value


def check_missing_option(value: str) -> str:
    """'error' or 'drop'."""
    from ._codes import EX_USAGE, CLIError

    if value not in ("error", "drop"):
        raise CLIError(f"--missing must be 'error' or 'drop', got {value!r}", EX_USAGE)
    return value


SparseDesign = Annotated[
    bool | None,
    typer.Option(
        "--sparse/--no-sparse",
        metavar="",
        help="With --formula: build the design as a sparse (CSR) matrix, for "
        "one-hot terms of many levels (C(zip_code)); predict and evaluate "
        "rebuild it so. Default: dense, sparse only when the dense design "
        "would not fit in memory and the sparse one does.",
        show_default=False,
    ),
]


def check_sparse_option(sparse: bool | None, formula: str | None) -> None:
    """--sparse and --no-sparse are for a --formula design: a usage error without."""
    from ._codes import EX_USAGE, CLIError

    if sparse is not None and formula is None:
        flag = "--sparse" if sparse else "--no-sparse"
        raise CLIError(
            f"{flag} applies to a --formula design: text columns "
            "without a formula are one-hot encoded densely (write them as "
            "C(column) in a --formula to build them sparse), LibSVM data are "
            "sparse already",
            EX_USAGE,
        )
