"""``logistic fit``: train from a data file and write a model file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._memory import local_workers_message
from .._multiclass import is_multiclass
from . import _cv_options as cvo
from . import _options as opt
from . import _stream_options as sopt
from ._checkpoint_options import check_checkpoint, checkpoint_held, resumed_note
from ._codes import EX_IOERR, EX_NOINPUT, EX_USAGE, CLIError
from ._common import (
    binary_classes_named,
    check_output,
    collect_warnings,
    data_sha256,
    import_pandas_first,
    note,
    parse_list,
    rare_class_warnings,
    refuse_existing,
    require_inputs,
    typed_option,
)
from ._fit_options import (
    InverseStrength,
    Trials,
    check_column_roles,
    check_strength,
    class_weight_codes,
    parse_class_weight,
)
from ._fit_output import print_result, printed_after_save, save_model
from ._fit_route import dask_option, dask_words, stream_plan
from ._output_path import refuse_model_file_name
from ._progress import FitProgress, Quiet, status
from ._render import inference_of


def _estimator(options: dict[str, Any], fit_intercept: bool) -> Any:
    from .. import LogisticRegression

    params = {k: v for k, v in options.items() if v is not None}
    known = LogisticRegression().get_params()
    unknown = [k for k in params if k not in known]
    if unknown:
        raise CLIError(f"this build's estimator has no option {unknown[0]!r}", EX_USAGE)
    if params.get("penalty") == "none":
        params["penalty"] = None
    return LogisticRegression(fit_intercept=fit_intercept, **params)


def _check_estimator_options(options: dict[str, Any], cv: bool) -> None:
    """The estimator's options checked before the data are read, as the fit
    checks them (``--penalty l5``, ``--solver netwon``, ``--C`` without a
    penalty: exit 2): found after reading a large file, a typo cost the
    read. With ``--cv`` the strength, and the elastic net's mixing, are
    chosen by the cross-validation and left to ``check_cv_options``, whose
    messages say how they combine with ``--cv``."""
    from .._estimator_params import validate_estimator_params

    given = {k: v for k, v in options.items() if not (cv and k in ("C", "alpha"))}
    if cv and given.get("penalty") == "elasticnet" and given.get("l1_ratio") is None:
        given["l1_ratio"] = 0.5  # a stand-in for the mixing --cv chooses
    validate_estimator_params(_estimator(given, True))


def _train(
    design: Any,
    options: dict[str, Any],
    checkpoint: Path | None = None,
    quiet: bool = False,
    weights_kind: str = "frequency",
) -> tuple[Any, Any, list[str]]:
    cv_record: dict[str, Any] | None = None
    cv_said: list[str] = []
    if "cv" in options:  # --cv K (fit adds the CV options only when given)
        from ._cv import select_strength

        options, cv_record, cv_said = select_strength(design, options, quiet)
    model = _estimator(options, design.encoding.get("intercept", True))
    shape = "x".join(str(n) for n in design.X.shape)
    progress = FitProgress(quiet)
    grouped = {} if design.trials is None else {"trials": design.trials}
    with (
        collect_warnings() as messages,
        progress.live(f"fitting {shape} ...") as callback,
    ):
        model.fit(
            design.named_X(),
            design.y,
            sample_weight=design.sample_weight,
            offset=design.offset,
            checkpoint=None if checkpoint is None else str(checkpoint),
            callback=callback,
            **grouped,
        )
        if is_multiclass(model):  # from the statistics kept at fit
            from ._multiclass import inference_of as multiclass_inference
            from ._multiclass import model_levels

            inference = multiclass_inference(
                model, model_levels(model, design.encoding)
            )
        else:
            # a grouped fit's inference comes from the statistics kept at fit
            data = () if grouped else (design.named_X(), design.y)
            data += () if grouped else (design.sample_weight, design.offset)
            inference = inference_of(model, *data, sample_weight_kind=weights_kind)
    if cv_record is not None:
        from ._cv import attach

        attach(model, cv_record)
    return model, inference, cv_said + messages


def _training_facts(
    data: Path,
    raw: Any,
    design: Any,
    model: Any,
    options: dict,
    messages: list[str],
    inference: Any = None,
) -> dict[str, Any]:
    from .._rare_classes import twin_level_warnings
    from ..io._fields import escaped

    messages = _unexplained(messages, inference)
    return {
        "data": {  # characters a model file refuses escaped (io._fields.escaped)
            "path": escaped(str(data)),
            "name": escaped(data.name),
            "sha256": getattr(raw, "sha256", None) or data_sha256(data),
            "format": raw.format,
            "delimiter": raw.delimiter,
        },
        "rows_read": design.rows_read,
        "rows_used": design.rows_read - design.rows_dropped,
        "rows_rejected": design.rows_dropped,
        "options": {k: v for k, v in options.items() if not isinstance(v, dict)},
        "warnings": rare_class_warnings(design, model)
        + twin_level_warnings(design.encoding.get("columns") or [])
        + binary_classes_named(messages, design),
        "converged": bool(getattr(model, "converged_", True)),
    }


def _unexplained(messages: list[str], inference: Any) -> list[str]:
    """The fit's warnings without Newton's singular-Hessian (or steepest-
    descent fallback) one and the fit's note naming the aliased columns when
    the inference names them: the table's NA rows and its note name the
    columns that made the Hessian singular (a constant column, one that
    repeats or combines others), which that warning could only guess at."""
    if not getattr(inference, "aliased", None):
        return messages
    from .._fit_aliased import ALIASED_LEFT_OUT
    from ..solvers.newton import ALIASING_SYMPTOMS

    explained = (*ALIASING_SYMPTOMS, ALIASED_LEFT_OUT)
    markers = tuple(f"NumericalStabilityWarning: {m}" for m in explained)
    return [m for m in messages if not m.startswith(markers)]


def fit(
    data: opt.DataArg,
    target: opt.Target = None,
    output: opt.ModelOut = Path("model.json"),
    formula: opt.Formula = None,
    sparse: opt.SparseDesign = None,
    features: opt.Features = None,
    drop: opt.Drop = None,
    positive: opt.Positive = None,
    reference: opt.Reference = None,
    missing: opt.Missing = "error",
    penalty: opt.Penalty = None,
    firth_correction: opt.FirthCorrection = None,
    alpha: opt.Alpha = None,
    C: InverseStrength = None,
    l1_ratio: opt.L1Ratio = None,
    solver: opt.Solver = None,
    class_weight: opt.ClassWeight = None,
    weights: opt.Weights = None,
    weights_kind: opt.WeightsKind = "frequency",
    offset: opt.Offset = None,
    trials: Trials = None,
    max_iter: opt.MaxIter = None,
    tol: opt.Tol = None,
    random_state: opt.RandomState = None,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    include: opt.Include = None,
    force: opt.Force = False,
    json_out: opt.Json = False,
    stream: sopt.Stream = None,
    chunk_rows: sopt.ChunkRows = None,
    workers: sopt.Workers = None,
    scheduler: sopt.Scheduler = None,
    checkpoint: sopt.Checkpoint = None,
    no_cache: sopt.NoCache = False,
    cache_dir: sopt.CacheDir = None,
    cv: cvo.CVFolds = None,
    n_alphas: cvo.NAlphas = None,
    eps: cvo.CVEps = None,
    cv_rule: cvo.CVRule = None,
    l1_ratios: cvo.CVL1Ratios = None,
    quiet: Quiet = False,
) -> None:
    """Fit a logistic regression to a data file and write a model file.

    Numeric columns are used as they are; string columns are one-hot encoded
    (first sorted level dropped); or give a --formula. The encoding is stored
    in the model file and re-applied by predict, evaluate and report. Grouped
    binomial data (successes out of trials per row): --trials COLUMN, or the
    formula 'cbind(successes, failures) ~ x1 + x2'. A target of more than
    two values fits the multinomial model (--reference LEVEL: its reference
    level, default the first sorted). Large
    files are streamed (--stream; numeric columns only) or fitted on Dask
    (--workers N, --scheduler ADDRESS).

    Example: logistic fit binary.csv --formula "admit ~ gre + gpa + C(rank)"
    """
    opt.check_missing_option(missing)
    opt.check_sparse_option(sparse, formula)
    check_strength(
        alpha, C, penalty, l1_ratio, l1_ratios is not None, cv=cv is not None
    )
    import_pandas_first(formula is not None)
    for option, value in (("--chunk-rows", chunk_rows), ("--workers", workers)):
        if value is not None and value < 1:
            raise CLIError(f"{option} must be at least 1, got {value}", EX_USAGE)
    cluster = "--scheduler ADDRESS"
    too_many = workers and local_workers_message(workers, "--workers", cluster)
    if too_many:
        raise CLIError(too_many, EX_USAGE)
    if random_state is not None and random_state < 0:
        message = f"--random-state must be at least 0, got {random_state}"
        raise CLIError(message, EX_USAGE)
    if workers is not None and scheduler is not None:
        raise CLIError(
            f"--workers {workers} and --scheduler {scheduler} both given: "
            "--workers starts a local Dask cluster, --scheduler uses a running "
            "one; give one of them",
            EX_USAGE,
        )
    distributed = workers is not None or scheduler is not None
    if stream is False and distributed:
        cluster = f"--workers {workers}" if workers else f"--scheduler {scheduler}"
        raise CLIError(
            f"--no-stream and {cluster} both given: --no-stream reads the data into "
            f"memory, {cluster} fits on Dask; give one of them",
            EX_USAGE,
        )
    sopt.check_cache_options(no_cache, cache_dir, distributed)
    stream = opt.check_reading(data, encoding, decimal, stream, distributed)
    if data.is_dir() and not (stream or distributed):
        raise CLIError(
            f"input {data} is a directory; a directory of Parquet files is read "
            "with --stream (or on Dask with --workers N)",
            EX_NOINPUT,
        )
    if not data.is_dir():  # streams read directories of Parquet files
        require_inputs(data=data)
    # an existing output is refused after the data and columns are checked
    # (refuse_existing): a typo in --target is named first, without --force
    out = check_output(output, force=True, inputs=(data,))
    refuse_model_file_name(out, typed_option("-o", "--output"))
    check_checkpoint(checkpoint, out, data)
    from ..io._created import created_time  # logistic.io loads numpy: not for --help

    created_time()  # a malformed SOURCE_DATE_EPOCH is refused before the fit
    options = {
        "penalty": penalty,
        "firth_correction": firth_correction,
        "alpha": alpha,
        "C": C,
        "l1_ratio": l1_ratio,
        "solver": solver,
        "class_weight": parse_class_weight(class_weight),
        "max_iter": max_iter,
        "tol": tol,
        "random_state": random_state,
    }
    args = {
        "target": target,
        "formula": formula,
        "features": parse_list(features, "--features"),
        "drop": parse_list(drop, "--drop"),
        "missing": missing,
        "weights": weights,
        "offset": offset,
        "trials": trials,
        "sep": sep,
        "fmt": fmt,
    }
    check_column_roles(target, formula, weights, offset, trials)
    streaming = {"chunk_rows": chunk_rows, "checkpoint": checkpoint, "quiet": quiet}
    streaming |= {"cache": not no_cache, "cache_dir": cache_dir}
    dask = dask_option(scheduler, workers) if distributed else None
    args["include"] = parse_list(include)
    from ..tabular._screen import refuse_unused_include  # pyarrow: not for --help

    refuse_unused_include(args["include"], formula, args["features"])
    _check_estimator_options(options, cv is not None)
    plan = stream_plan(data, stream, dask, args, options)
    cv_options: dict[str, Any] = {"cv": cv, "n_alphas": n_alphas, "eps": eps}
    cv_options |= {"cv_rule": cv_rule, "l1_ratios": cvo.parse_l1_ratios(l1_ratios)}
    from ..tabular._formula import is_cbind

    grouped = trials is not None or is_cbind(formula)
    opt.check_weights_kind(weights_kind, weights, plan is not None or grouped, penalty)
    cvo.check_cv_options({**options, **cv_options}, plan is None, grouped)
    options.update({k: v for k, v in cv_options.items() if v is not None})
    # options of an out-of-core fit: a note, not an error, when the fit is in
    # memory (whether a file streams may depend on its size)
    given: dict[str, Any] = {"--chunk-rows": chunk_rows, "--no-cache": no_cache}
    given["--cache-dir"] = cache_dir
    unused = [name for name, value in given.items() if value not in (None, False)]
    if plan is None and unused:
        note(
            f"{'/'.join(unused)} {'is' if len(unused) == 1 else 'are'} used only "
            "when streaming; this fit reads the data into memory (add --stream to "
            "stream it)"
        )
    if plan is not None:
        refuse_existing(out, force=force)  # the header and columns are checked
    # one fit per checkpoint: held from before the data are read to the end
    with checkpoint_held(checkpoint, quiet):
        if plan is not None:
            _fit_streamed(
                data,
                out,
                force,
                json_out,
                plan,
                options,
                positive,
                streaming,
                (scheduler, workers) if distributed else None,
                reference,
            )
            return
        from ..tabular._raw import DecompressedTooLarge
        from ._stream_plan import stream_instead

        reading = {"encoding": encoding, "decimal": decimal}
        try:
            _fit_in_memory(
                data,
                out,
                force,
                json_out,
                {**args, "sparse": sparse},
                options,
                positive,
                checkpoint,
                quiet,
                reading,
                reference,
                weights_kind,
            )
        except DecompressedTooLarge as exc:
            plan = stream_instead(data, exc, stream, args, options)
            refuse_existing(out, force=force)
            stream_args = (plan, options, positive, streaming, None, reference)
            _fit_streamed(data, out, force, json_out, *stream_args)


def _fit_streamed(
    data: Path,
    out: Path,
    force: bool,
    json_out: bool,
    plan: Any,
    options: dict,
    positive: str | None,
    streaming: dict,
    cluster: tuple[str | None, int | None] | None,
    reference: str | None = None,
) -> None:
    from contextlib import nullcontext

    from ._dask_client import dask_client, dask_imports
    from ._fit_statistics import covariance, statistics
    from ._stream import fit_stream
    from ._stream_plan import NotStreamable

    if cluster is None and streaming["cache"] and streaming["cache_dir"] is None:
        sopt.refuse_variable_cache_folder()
    model = _estimator(options, True)
    checkpoint = streaming["checkpoint"]
    from .._checkpoint_paths import recorded_resumes, resume_source

    first = None if checkpoint is None else resume_source(checkpoint)
    warm = dask_imports(plan.format)  # the modules its tasks need
    context = nullcontext(None) if cluster is None else dask_client(*cluster, warm)
    try:
        with (
            collect_warnings() as messages,
            context as client,
            recorded_resumes() as read,
        ):
            result = fit_stream(
                plan,
                model,
                positive=positive,
                client=client,
                reference=reference,
                **streaming,
            )
    except NotStreamable as exc:
        # a text column found by the backend past the plan's sample: refused
        # in terms of the Dask option given, as the plan's own refusals are
        if cluster is None:
            raise
        raise NotStreamable(dask_words(str(exc), dask_option(*cluster))) from None
    resumed_note(read[-1] if read else None, checkpoint, first)
    resumed = bool(read)
    design, inference = result.design, result.inference
    facts = _training_facts(
        data, result.source, design, model, options, messages, inference
    )
    facts["streaming"] = _stream_passes(result.facts, model, resumed, design)
    cov, names = covariance(inference)
    if inference is not None:
        # without an offset the null model is closed-form; with one it would
        # take a fit over the data of its own: left out of a streamed fit, whose
        # table is then the plain one (the summary's header shows the null model)
        facts["statistics"] = statistics(inference, null_model=plan.offset is None)
    save_model(out, force, model, design, facts, cov, names)
    shown = inference if plan.offset is None else None
    with printed_after_save(out):
        print_result(out, model, design, shown, facts, json_out, cov)


def _stream_passes(facts: dict, model: Any, resumed: bool, design: Any) -> dict:
    """The streamed fit's facts with ``fit_passes``, the solver's passes of
    the whole fit (before and after a resume: an uninterrupted fit's number,
    never the check of the checkpoint), and ``resumed``; ``passes`` stays
    what this run read (its rows and rate are this run's)."""
    passes = getattr(model, "n_passes_", None)
    fit_passes = None if passes is None else int(passes)
    if resumed and fit_passes is not None:
        # "resumed from checkpoint PATH" was said when the fit accepted it
        design.notes.append(
            f"the resumed fit made {fit_passes} solver passes in all, this run's "
            "and those of the run that wrote the checkpoint (an interrupted one, "
            "or a finished one, whose checkpoint stays: delete it and its .prev copy "
            "to fit afresh); "
            "this run's passes above are its own reads, including the one that "
            "checked the checkpoint against the data"
        )
    return {**facts, "fit_passes": fit_passes, "resumed": resumed}


def _fit_in_memory(
    data: Path,
    out: Path,
    force: bool,
    json_out: bool,
    args: dict,
    options: dict,
    positive: str | None,
    checkpoint: Path | None,
    quiet: bool = False,
    reading: dict | None = None,
    reference: str | None = None,
    kind: str = "frequency",
) -> None:
    from ..io import check_text_fields
    from ..tabular import fit_design
    from ..tabular._formula import as_written, formula_line, grouped_response
    from ._apply import read_input
    from ._fit_statistics import covariance, statistics

    sep, fmt, formula = args.pop("sep"), args.pop("fmt"), args["formula"]
    args["formula"], args["binomial"] = grouped_response(
        formula, args["target"], args.pop("trials")
    )
    if args["binomial"] is not None and positive is not None:
        raise CLIError(
            f"--positive {positive} does not apply to grouped binomial data: the "
            f"target column {args['binomial']['successes']!r} counts the successes",
            EX_USAGE,
        )
    try:
        raw = read_input(data, sep=sep, fmt=fmt, quiet=quiet, **(reading or {}))
        written = as_written(formula, args["formula"])  # cbind(s, f) as written
        with status(f"encoding {data} ...", quiet), written:
            design = fit_design(raw, positive=positive, reference=reference, **args)
    except MemoryError:
        raise _out_of_memory(data, fmt) from None
    if formula is not None and args["binomial"] is not None:
        design.encoding["formula"] = formula_line(formula)  # cbind(s, f) as written
    from ..io._fields import escaped

    # column names and labels with a control character: refused now, as save
    # would after the fit (the data file's own name is stored escaped)
    source = {"data": {"name": escaped(data.name), "path": escaped(str(data))}}
    check_text_fields({"encoding": design.encoding, "training": source}, str(out))
    label = design.encoding.get("label") or {}
    options["class_weight"] = class_weight_codes(options["class_weight"], label)
    if label.get("levels") is not None:
        from ._multiclass import check_offset

        check_offset(design.encoding.get("offset"))
        _refuse_binary_only(options)
    opt.check_weights_kind(kind, args["weights"], label.get("levels") is not None)
    if "cv" in options:
        from ._cv import check_cv

        check_cv(design, options)
    # the data, columns and the options they decide are checked: not before
    refuse_existing(out, force=force)
    from .._checkpoint_paths import recorded_resumes, resume_source

    first = None if checkpoint is None else resume_source(checkpoint)
    from ._weight_errors import weight_errors

    explained = weight_errors(args["weights"], raw.path, design, raw)
    with recorded_resumes() as read, explained:
        model, inference, messages = _train(design, options, checkpoint, quiet, kind)
    resumed_note(read[-1] if read else None, checkpoint, first)
    facts = _training_facts(data, raw, design, model, options, messages, inference)
    facts.update(opt.sampling_facts(kind, inference))
    cov, cov_names = covariance(inference)
    if inference is not None:
        facts["statistics"] = statistics(inference)
    save_model(out, force, model, design, facts, cov, cov_names)
    with printed_after_save(out):
        print_result(out, model, design, inference, facts, json_out)


def _refuse_binary_only(options: dict[str, Any]) -> None:
    """The estimator's refusal of a target of more than two classes by a
    binary-only setting (``--penalty firth``, a solver without a multinomial
    fit), raised before fit refuses an existing output rather than by the
    fit itself."""
    from .._estimator_params import binary_only_error
    from ._cv import CV_KEYS

    model = _estimator({k: v for k, v in options.items() if k not in CV_KEYS}, True)
    if not model._takes_multi_class():
        raise binary_only_error(model.penalty, model.solver)


def _out_of_memory(data: Path, fmt: str | None) -> CLIError:
    """Out of memory reading a file: the remedy depends on its format (exit 74)."""
    from ..formats import sniff_format

    kind = fmt or sniff_format(str(data))[0]
    if kind != "libsvm":
        return CLIError(
            f"out of memory reading {data}: the data do not fit in memory; fit with "
            "--stream (numeric feature columns, read in chunks) or on Dask with "
            "--workers N",
            EX_IOERR,
        )
    return CLIError(
        f"out of memory reading {data}: LibSVM files are read whole into memory and "
        "cannot be streamed; use a machine with more memory, or convert the file "
        "to Parquet with named numeric columns and fit with --stream",
        EX_IOERR,
    )
