"""``logistic margins``: marginal effects (or predictive margins) of a model on
its training data.

Stata's ``margins, dydx(*)`` and statsmodels' ``get_margeff`` from the
command line. The command reads the data file the model was fitted on, with
the model file's encoding re-applied (as ``evaluate`` and ``report`` do) and
the weights and offset columns the file names, builds the inference results
on those rows (``LogisticRegression.inference``) and reports
``InferenceResults.get_margeff`` (:mod:`logistic.inference._margins`; kinds,
``at`` and discrete changes are explained in docs/marginal-effects.md).

Conventions (owned here):

* The rows are the training rows (:mod:`._training_rows`, which also refuses
  penalized and label-less models); the library checks that the gradient at
  the fitted coefficients is zero on those rows; a file that is not the
  training data is refused (exit 65).
* A model of more than two classes gets the effects on each class
  probability (``MultinomialInference.get_margeff``: one row per class and
  feature, the reference class included; ``--json`` adds ``classes`` and a
  ``class`` key per effect), and with ``--method pr`` the average
  probability of each class at each point
  (``MultinomialInference.predictive_margins``); it takes ``--at overall``,
  ``mean`` or ``zero`` and ``--at-value`` as two classes do. ``--outcome
  LEVEL`` (repeatable; Stata's ``predict(outcome(k))``) keeps those classes'
  rows (the table, ``--json`` and CSV alike); a two-class model refuses it.
* Penalized (L1/L2) models are refused with one line (exit 2): delta-method
  standard errors need the covariance of an unpenalized fit, which a
  penalized model does not have. Firth models are accepted with
  ``--cov-type nonrobust`` (the inverse information at Firth's estimate).
* A model fitted on grouped counts (``--trials``, ``cbind``) gets the
  effects of the same fit on one 0/1 row per trial
  (:func:`._training_rows.per_trial`: each group a row of its successes and
  one of its failures, weighted by their counts): the coefficients and
  their information are the grouped fit's, ``--at mean`` is the library's
  ``model.inference().get_margeff(at="mean")`` of the grouped fit (means
  weighted by the trials), ``--at overall`` and ``median`` average over the
  trials (each group weighted by its trials times its weight; statsmodels'
  ``Logit`` on the expanded rows, not its grouped ``GLM``, which weights
  every group alike), and ``nobs`` counts trials. Only ``--cov-type
  nonrobust``: the library's grouped inference is model-based, and a
  sandwich over trials would take the trials of a group as independent
  (usage error, exit 2, naming the option). ``--scale X2|PHI`` multiplies
  that covariance by the grouped fit's dispersion, Pearson chi2/df as the
  file records it on the groups (not on the trials), or a given number, as
  ``summary --scale`` and ``model.inference(scale=...)``
  (:mod:`._scale`: same spelling, checks and messages); the header says
  ``scale φ`` and ``--json`` adds ``scale`` (``{"scale", "kind"}``).
* ``--categorical`` says how ``--dummy`` treats one-hot columns; given
  without ``--dummy`` it is refused (exit 2) rather than silently ignored.
* ``--level`` is the coverage of the intervals, as ``summary --level`` and
  ``predict --interval``; ``--at-value`` names the model's features as
  ``summary`` lists them (``gpa``, ``C(rank)[T.2]``).
* A formula with interactions, transforms, a variable in two terms or
  full-rank factor coding gets one effect per variable through every term
  (:mod:`logistic.tabular._formula_margins`); ``--at-value VAR=VALUE`` then
  sets the raw variable. Its categorical variables are then discrete changes
  against the reference level (Stata), with or without ``--dummy``, while a
  formula of plain terms differentiates a level column unless ``--dummy`` is
  given (statsmodels): one line on stderr says so when it matters.
* ``--method pr``: predictive margins over a grid of ``--at-value`` lists,
  ranges and levels (:mod:`._margins_values` parses them,
  :mod:`._margins_predictive` computes and writes them); the effects take
  the same grid, one table per point (:mod:`._margins_grid`).
* Output: the table on stdout (``--json``: one JSON document); ``-o FILE``
  writes it atomically instead, as CSV (one row per feature), or the JSON
  document with ``--json``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:  # numpy loads when a command runs, not for --help
    pass

import typer

from .._messages import printable
from . import _options as opt
from ._codes import EX_USAGE, CLIError
from ._common import (
    check_output,
    collect_warnings,
    load_model_file,
    note,
    refuse_existing,
    require_inputs,
    warn,
    writing,
)
from ._json_text import json_text
from ._margins_grid import effects_grid, grid_csv, grid_dict, grid_of
from ._margins_predictive import (
    check_predictive,
    predictive_csv,
    predictive_dict,
    predictive_of,
)
from ._margins_table import csv_text, margins_dict
from ._margins_values import at_grid, at_values, check_multiclass
from ._nobs import nobs_counts, with_nobs
from ._progress import QuietMargins, status
from ._scale import Scale, overdispersion_note, scale_of, scale_results
from ._spelling import cli_spelling
from ._training_rows import (
    TrainingRows,
    check_cluster_option,
    check_counts,
    check_model,
    not_training_data,
    on_counts,
    one_cluster,
    per_trial,
    training_rows,
)
from ._typed import given_once
from .summary import Level, alpha_of, feature_names

Method = Annotated[
    str,
    typer.Option(
        "--method",
        metavar="METHOD",
        help="dydx (dp/dx, default), eyex (elasticity), dyex (dp/dln x), eydx "
        "(dln p/dx), or pr: predictive margins, the average predicted probability "
        "at each point of --at-value's grid (Stata's margins, at(...)).",
        show_default=False,  # the help names it
    ),
]
At = Annotated[
    str,
    typer.Option(
        "--at",
        metavar="AT",
        help="overall: average of the effects over the training rows (default, "
        "AME); mean: at the column means; median: at the column medians; zero: "
        "with every feature at 0.",
        show_default=False,  # the help names it
    ),
]
AtValue = Annotated[
    list[str] | None,
    typer.Option(
        "--at-value",
        metavar="COL=VALUE",
        help="COL=VALUE: set feature COL to VALUE on every row first (repeat for "
        "several); COL as 'summary' names the features, e.g. gpa=3.5. VALUE may "
        "be a list (200,300), a range (200:800:100) or * (every level of a "
        "categorical term): the effects (or --method pr's margins) at every "
        "combination, one table per point.",
    ),
]
Dummy = Annotated[
    bool,
    typer.Option(
        "--dummy",
        metavar="",
        help="Effects of 0/1 columns (and one-hot levels) as discrete changes "
        "from 0 to 1 (with --method dydx or eydx, and --at overall or mean).",
    ),
]
Categorical = Annotated[
    str | None,
    typer.Option(
        "--categorical",
        metavar="KIND",
        help="With --dummy, one-hot columns name[T.level]: 'levels' (each level "
        "against the reference, Stata; the default) or 'columns' (each column on "
        "its own, statsmodels). Without --dummy it is an error.",
    ),
]
OutcomeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--outcome",
        metavar="LEVEL",
        help="A model of more than two classes: show the effects on (or, with "
        "--method pr, the margins of) this class's probability only (repeat for "
        "several; Stata's predict(outcome(k))). Default: every class.",
    ),
]
CovType = Annotated[
    str | None,
    typer.Option(
        "--cov-type",
        metavar="TYPE",
        help="Covariance of the coefficients: nonrobust (the default; HC0 for a "
        "model fitted with --weights-kind sampling, which refuses nonrobust), "
        "HC0, HC1 or cluster (with --cluster).",
        show_default=False,
    ),
]
Cluster = Annotated[
    list[str] | None,
    typer.Option(
        "--cluster",
        metavar="COLUMN",
        help="Column of cluster labels for --cov-type cluster.",
    ),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        readable=False,
        help="Write the table to this file (CSV; JSON with --json) instead of "
        "standard output ('-': standard output).",
    ),
]

ExcelSafe = Annotated[
    bool,
    typer.Option(
        "--excel-safe",
        metavar="",
        help="With -o FILE (CSV): prefix ' to feature and class names that start "
        "with = + - @, a tab or a carriage return (spreadsheets would run them as "
        "formulas), as predict --excel-safe.",
    ),
]


def _choice(
    option: str, value: str, allowed: tuple[str, ...], hint: Any = None
) -> str:
    """``value`` as ``allowed`` spells it (case aside), else exit 2 (with
    ``hint(value, cli=True)`` at the end of the message, where given)."""
    value = str(opt.spelled_as(value, allowed))
    if value not in allowed:
        more = "" if hint is None else hint(value, cli=True)
        raise CLIError(
            f"{option} must be one of {', '.join(allowed)}; got {value!r}{more}",
            EX_USAGE,
        )
    return value


#: The library's parameter spellings in its messages → the options of this command.
_SPELLING = (
    (re.compile(r"\bmethod='(\w+)'"), r"--method \1"),
    (re.compile(r"\bat='(\w+)' or '(\w+)'"), r"--at \1 or \2"),
    (re.compile(r"\buse '(dydx)' or '(eydx)'"), r"use --method \1 or \2"),
    (re.compile(r"\bat='(\w+)'"), r"--at \1"),
    (re.compile(r"\bdummy=False\b"), "no --dummy"),
    (re.compile(r"\bdummy=True\b|\(dummy\)"), "(--dummy)"),
    (re.compile(r"\batexog\b"), "--at-value"),
    (re.compile(r"\bcov_type='(\w+)'"), r"--cov-type \1"),
)


def _cli_words(message: str) -> str:
    for pattern, replacement in _SPELLING:
        message = pattern.sub(replacement, message)
    return message


def _effects(
    mf: Any, rows: TrainingRows, data: Path, model: Path, options: dict[str, Any]
) -> Any:
    """``model.inference(rows, cov_type, groups).get_margeff(**margeff)``."""
    from .._exceptions import DataValidationError, InvalidParameterError
    from ..tabular._formula_margins import formula_margins
    from ._apply import encoding_of
    from ._multiclass import is_multiclass, levels_of, name_classes

    margeff = dict(options["margeff"])
    # a file fitted with sampling weights (fit --weights-kind sampling) keeps
    # them so: no --cov-type is HC0 for it, and an explicit nonrobust is
    # refused (the library's InvalidParameterError, exit 2)
    kind = (mf.training or {}).get("sample_weight_kind", "frequency")
    cov_type = options["cov_type"]
    try:
        results = mf.model.inference(
            rows.X,
            rows.y,
            rows.sample_weight,
            rows.offset,
            cov_type=cov_type,
            groups=rows.groups,
            sample_weight_kind=kind,
        )
        results = scale_results(results, options.get("scale"))  # grouped fit's φ
        if is_multiclass(mf.model):  # every class, named by its level
            target = ((mf.encoding or {}).get("label") or {}).get("column")
            results = name_classes(results, levels_of(mf), target)
        if margeff["method"] == "pr":  # predictive margins over a grid
            return _outcomes(
                predictive_of(results, mf, rows, str(data), margeff), options
            )
        if options.get("grid"):  # effects at each point of a grid
            grid = margeff.pop("atexog")
            return _outcomes(
                grid_of(results, mf, rows, str(data), grid, margeff), options
            )
        if rows.frame is not None:  # a formula's variables, through every term
            return _outcomes(
                formula_margins(results, encoding_of(mf), rows.frame,
                                sample_weight=rows.sample_weight, offset=rows.offset,
                                path=str(data), **margeff),  # fmt: skip
                options,
            )
        return _outcomes(results.get_margeff(**margeff), options)
    except InvalidParameterError as exc:
        raise CLIError(_cli_words(" ".join(str(exc).split())), EX_USAGE) from None
    except DataValidationError as exc:
        label = (mf.encoding or {}).get("label")
        not_training_data(exc, data, model, "margins", label)
        raise


def _outcomes(me: Any, options: dict[str, Any]) -> Any:
    """``me`` with only the classes ``--outcome`` names (all without it)."""
    from .._exceptions import InvalidParameterError

    wanted = options.get("outcome")
    if not wanted:
        return me
    try:
        return me.for_classes(wanted)
    except InvalidParameterError as exc:
        raise CLIError(f"--outcome {exc}", EX_USAGE) from None


def _separation_words(messages: list[str], me: Any) -> list[str]:
    """The warnings to print: for effects ``me`` of a separated fit, the
    effects' separation warning in place of the fit's (which says that the
    coefficients' standard errors are huge; the effects' can be small)."""
    if me.separation is None:
        return messages
    from ..inference._separation_notes import separated_margins_warning

    kept = [m for m in messages if not m.startswith("PerfectSeparationWarning:")]
    words = separated_margins_warning(me.separation, me.separation_remedy,
                                      me.predictive)  # fmt: skip
    said = f"PerfectSeparationWarning: {words}"
    return [cli_spelling(said), *kept]


def _note_level_derivatives(names: list[str]) -> None:
    """Say that one-hot level columns are differentiated (statsmodels'
    default) and how to get their discrete changes, when there are any."""
    from .._onehot import split_dummy_name

    levels = [name for name in names if split_dummy_name(name) is not None]
    if levels:
        shown = ", ".join(levels[:3]) + (", ..." if len(levels) > 3 else "")
        note(
            f"level columns ({shown}) are differentiated as if continuous "
            "(statsmodels' default, dP/d of a 0/1 column); --dummy gives each "
            "level's discrete change against the reference level (Stata's i.var)"
        )


def margins(
    model: opt.ModelArg,
    data: opt.TrainingDataArg,
    method: Method = "dydx",
    at: At = "overall",
    at_value: AtValue = None,
    dummy: Dummy = False,
    categorical: Categorical = None,
    cov_type: CovType = None,
    clusters: Cluster = None,
    outcome: OutcomeOption = None,
    level: Level = 0.95,
    scale: Scale = None,
    json_out: opt.Json = False,
    output: Output = None,
    excel: ExcelSafe = False,
    force: opt.Force = False,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    quiet: QuietMargins = False,
) -> None:
    """Marginal effects of a model on its training data, with standard errors.

    Delta-method standard errors, z, p and intervals (Stata's margins,
    statsmodels' get_margeff); --at-value lists and ranges give the effects at
    each point of a grid. --method pr gives predictive margins instead:
    the average predicted probability at each point of a grid of --at-value
    lists, ranges and levels (Stata's margins, at(...)).

    DATA is the file the model was fitted on (its encoding, weights and offset
    columns as stored in the model file). Penalized models are refused; a
    model fitted on grouped counts (--trials, cbind) is taken on one 0/1 row
    per trial (--cov-type nonrobust only; --scale X2 for overdispersion).

    Example: logistic margins model.json train.csv --dummy --at overall

    Example: logistic margins model.json train.csv --at-value x=0:10:2

    Example: logistic margins model.json train.csv --method pr --at-value x=0:10:2
    """
    from ..inference import COV_TYPES
    from ..inference._covariance import cov_type_hint
    from ..inference._margins import ATS, CATEGORICAL, METHODS
    from ..tabular._formula_margins import (
        by_variable,
        formula_variables,
        one_hot_levels,
    )
    from ._apply import encoding_of
    from ._multiclass import is_multiclass

    alpha_of(level)
    method = _choice("--method", method, (*METHODS, "pr"))
    _choice("--at", at, ATS)
    predictive = method == "pr"
    if predictive:  # predictive margins: no discrete changes
        check_predictive(dummy, categorical)
    if categorical is not None and not dummy:
        raise CLIError(
            f"--categorical {categorical} applies to discrete changes only: add "
            "--dummy, or leave --categorical out",
            EX_USAGE,
        )
    categorical = _choice("--categorical", categorical or "levels", CATEGORICAL)
    if cov_type is not None:
        cov_type = _choice("--cov-type", cov_type, COV_TYPES, cov_type_hint)
    cluster = one_cluster(clusters)
    check_cluster_option(cov_type, cluster)
    require_inputs(data=data, model=model)
    # "-o FILE -o -" too: check_output, which refuses a repeated output,
    # is not called for standard output
    given_once("-o", "--output")
    # an existing output is refused once the model and data are checked
    if output is not None and str(output) == "-":  # standard output, the default
        output = None
    out = None if output is None else check_output(output, force=True,
                                                   inputs=(data, model),
                                                   stdout=True)  # fmt: skip
    if out is not None and out.suffix.lower() in (".parquet", ".pq"):
        raise CLIError(
            f"-o {printable(str(out))}: margins writes its table as CSV (JSON with "
            "--json), not Parquet; name the file .csv (or .json)",
            EX_USAGE,
        )
    if excel and (out is None or json_out):
        raise CLIError(
            "--excel-safe changes the CSV file of -o FILE: give -o FILE without "
            "--json (JSON and the table on standard output are not read by "
            "spreadsheets as formulas)",
            EX_USAGE,
        )
    mf = load_model_file(str(model), data)
    check_model(mf, model, counts=True)
    check_counts(mf, model, cov_type)
    check_multiclass(mf, at)
    if outcome and not is_multiclass(mf.model):
        raise CLIError(
            f"--outcome {outcome[0]} picks classes of a model of more than two "
            "classes; a two-class model's margins are of the one positive class "
            "(leave --outcome out)",
            EX_USAGE,
        )
    scaled = scale_of(mf, str(model), scale, on_counts(mf))
    variables = by_variable(encoding_of(mf))  # VAR=VALUE texts, checked there
    names = feature_names(mf)
    levels = one_hot_levels(encoding_of(mf))
    of = formula_variables(encoding_of(mf)) if variables and at_value else None
    grid = None if predictive else effects_grid(at_value, names, levels, of)
    if predictive:  # a grid: lists, ranges and every level (*)
        atexog: Any = at_grid(at_value, names, levels, of)
    elif grid is not None:  # effects at each point of a grid
        atexog = grid
    else:
        atexog = at_value if variables else at_values(at_value, names, levels)
    margeff = {
        "at": at,
        "method": method,
        "atexog": atexog,
        "dummy": dummy,
        "categorical": categorical,
    }
    reading = {"sep": sep, "fmt": fmt, "encoding": encoding, "decimal": decimal}
    rows = training_rows(mf, data, cluster, quiet=quiet, **reading)
    if rows.trials is not None:  # grouped counts: one 0/1 row per trial
        rows = per_trial(mf, rows, data, model)
    if out is not None:
        refuse_existing(out, force=force)
    what = "predictive margins" if predictive else "marginal effects"
    with collect_warnings() as messages, status(f"{what} ...", quiet):
        options = {"cov_type": cov_type, "margeff": margeff, "scale": scaled,
                   "grid": grid is not None, "outcome": outcome}  # fmt: skip
        me = _effects(mf, rows, data, model, options)
    for message in _separation_words(messages, me):
        warn(message)
    said = None if scaled or quiet or not on_counts(mf) else overdispersion_note(mf)
    if said is not None:  # grouped counts that vary more than binomial
        note(said)
    if variables and not dummy and not quiet and me.dummy_idx is not None:
        note(
            "categorical variables (d) are discrete changes against their reference "
            "level (Stata's i.var), as a formula with interactions, transforms or "
            "full-rank coding is taken per variable; a formula of plain terms gives "
            "a level column's derivative unless --dummy is given"
        )
    elif not variables and not dummy and not quiet and not json_out and not predictive:
        _note_level_derivatives(names)  # the table's reader's note
    if predictive:
        doc = predictive_dict(me, level, cluster, scaled, cov=json_out)
    elif grid is not None:
        doc = grid_dict(me, level, cluster, scaled)
    else:
        doc = margins_dict(me, level, cluster, scaled)
    doc = with_nobs(doc, nobs_counts(mf, trials=True))
    if json_out:
        text = json_text(doc) + "\n"
    elif out is not None:
        write = predictive_csv if predictive else grid_csv if grid else csv_text
        text = write(doc, excel)
    else:
        text = me.summary(1.0 - level) + "\n"
        for said in me.notes:  # a note may name a parameter
            text = text.replace(said, cli_spelling(said))
    if out is None:
        typer.echo(text, nl=False)
        return
    with writing(out, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    note(f"{what} written to {printable(str(out))}")
