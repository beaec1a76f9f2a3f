"""``logistic summary MODEL DATA``: the inference on the training rows, as the
text table and as the ``inference`` block of ``--json``; and the fit
statistics of a model file saved from Python.

Conventions (owned here):

* The table on DATA is the library's: ``model.inference(rows, cov_type,
  groups)`` on the training rows (read and checked as ``logistic margins``
  reads them, :mod:`._training_rows`) and its
  :class:`~logistic.inference.Summary` at the command's ``--level`` and
  ``--odds-ratios``: one summary serves the text and the JSON, so the two
  show the same numbers and the same notes. Warnings raised on the way are
  printed on stderr (as ``warning:`` lines) and listed in the JSON's
  ``warnings``.
* The ``inference`` block (:func:`inference_dict`) keeps full precision.
  Its rows have the keys of the file-only ``coefficients`` (``term``,
  ``estimate``, ``std_error``, ``z``, ``p_value``, ``ci_low``, ``ci_high``:
  always the Wald test and interval at ``--level``, on the covariance of
  ``cov_type``) and ``aliased`` (true: every number null, R's ``NA``). When
  the table shows logistf's penalized likelihood-ratio tests or profile
  intervals (a Firth fit), the rows add ``lr_chi2``/``lr_p_value`` and
  ``profile_ci_low``/``profile_ci_high``, and ``tests``/``intervals`` say what
  the text table shows. ``--odds-ratios`` adds ``odds_ratios``: the same rows
  on the odds-ratio scale (``exp`` of estimate and bounds, delta-method
  ``std_error``; tests unchanged), keys ``odds_ratio`` for ``estimate``.
* ``statistics`` are those the table's header shows, null where it shows
  ``n/a`` (likelihood-based ones under sampling weights; a separated
  maximum-likelihood fit shows its LR test and pseudo R² where the fit
  stopped); a Firth fit's overall test is
  logistf's penalized one (``llr_penalized``, ``llr_penalized_df``,
  ``llr_penalized_pvalue``), its ``llr`` trio null, as the table shows it;
  a FLIC or FLAC fit (``firth_correction``, beside ``method``) has none, and
  FLAC no ``llf_penalized`` either (:mod:`logistic._firth_correction`).
* A number that is not finite (an unbounded profile limit, an odds ratio
  that overflows) is null: JSON has no NaN or infinity.
* A model file saved from Python keeps its fit's statistics as
  ``training.fit_statistics`` (what ``load(path).inference()`` needs), not
  the ``training.statistics`` that ``logistic fit`` writes;
  :func:`._aliased_file.stored_statistics` derives the latter from the
  former, so that the file's summary shows the same statistics line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._codes import EX_USAGE, CLIError
from ._nobs import nobs_counts, with_nobs

__all__ = ["DataInference", "data_inference", "inference_dict"]


@dataclass
class DataInference:
    """The inference results on the training rows, their summary at the
    command's options, and the warnings raised computing them."""

    results: Any
    summary: Any
    options: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        return str(self.summary.as_text())


def data_inference(
    mf: Any,
    model: Path,
    data: Path,
    options: dict[str, Any],
    command: str = "summary with DATA",
) -> DataInference:
    """The inference summary of the model on its training ``data`` (read and
    checked as ``logistic margins`` does), at ``options``' cov_type, cluster,
    alpha and odds; errors name ``command``. With ``options["summarize"]``
    false (``logistic test --data``) the results alone: ``summary`` is None."""
    from .._exceptions import DataValidationError, InvalidParameterError
    from ._common import collect_warnings, require_inputs, warn
    from ._multiclass import (
        cli_notes,
        is_multiclass,
        levels_in_messages,
        levels_of,
        name_classes,
    )
    from ._spelling import cli_spelling
    from ._training_rows import (
        check_counts,
        check_model,
        not_training_data,
        per_trial,
        training_rows,
    )

    require_inputs(data=data, model=model)
    # tests (Wald on the model-based covariance, likelihood ratios: the
    # constant Σ log C(n, k) cancels) read a grouped fit's trials as 0/1 rows;
    # a summary's deviance and llf would be those rows', not the grouped fit's
    counts = not options.get("summarize", True)
    check_model(mf, model, command, counts=counts)
    if counts:
        check_counts(mf, model, options["cov_type"])
    reading = options.get("reading") or {}
    rows = training_rows(mf, data, options["cluster"], quiet=True, **reading)
    if counts:
        rows = per_trial(mf, rows, data, model, command)
    # no --cov-type: HC0 for sampling weights, an explicit nonrobust refused
    kind = (mf.training or {}).get("sample_weight_kind", "frequency")
    levels = levels_of(mf) if is_multiclass(mf.model) else []
    # K classes: warnings name the parameters by level, as the tables
    with collect_warnings() as messages, levels_in_messages(mf.model, levels):
        try:
            results = mf.model.inference(rows.X, rows.y, rows.sample_weight,
                                         rows.offset, cov_type=options["cov_type"],
                                         groups=rows.groups,
                                         sample_weight_kind=kind)  # fmt: skip
            if is_multiclass(mf.model):  # equations named by the target's levels
                target = ((mf.encoding or {}).get("label") or {}).get("column")
                results = name_classes(results, levels_of(mf), target)
            summary = None
            if options.get("summarize", True):
                summary = results.summary(
                    options["alpha"], odds_ratios=options["odds"]
                )
                if is_multiclass(mf.model):
                    summary = cli_notes(summary, mf.model)
                # a note may name a parameter: as the command line spells it
                summary.notes = [cli_spelling(note) for note in summary.notes]
        except InvalidParameterError as exc:
            raise CLIError(" ".join(str(exc).split()), EX_USAGE) from None
        except DataValidationError as exc:
            label = (mf.encoding or {}).get("label")
            not_training_data(exc, data, model, command, label)
            raise
    for message in messages:
        warn(message)
    return DataInference(results, summary, options, messages)


def _number(value: Any) -> float | None:
    """``value`` as a float, None when it is not finite."""
    number = float(value)
    return number if math.isfinite(number) else None


def _log(value: float) -> float | None:
    """The coefficient-scale bound of an odds-ratio table's bound."""
    return None if not value > 0.0 or math.isinf(value) else math.log(value)


def inference_dict(found: DataInference, data: Path, mf: Any) -> dict[str, Any]:
    """The ``inference`` block of ``summary MODEL DATA --json`` of model file ``mf``."""
    from ._multiclass import is_multiclass

    if is_multiclass(mf.model):
        return _multiclass_dict(found, data, mf)
    r, table, options = found.results, found.summary, found.options
    alpha = options["alpha"]
    odds = bool(options["odds"])
    plr = table.columns[3] == "LR chi2"  # logistf's tests (a Firth fit)
    profile = table.columns[5].startswith("profile")
    coefficients, ratios = _rows(r, table, alpha, odds, (plr, profile))
    block: dict[str, Any] = {
        "data": str(data),
        "method": r.method,
        "firth_correction": getattr(r, "firth_correction", None),  # flic, flac
        "cov_type": r.cov_type,
        "cluster": options["cluster"],
        "n_clusters": r.cov_info.get("n_groups"),
        "sample_weight_kind": getattr(r, "sample_weight_kind", "frequency"),
        "level": 1.0 - alpha,
        "tests": "penalized_lr" if plr else "wald",
        "intervals": "profile" if profile else "wald",
        "statistics": with_nobs(_statistics(r, table.header), nobs_counts(mf)),
        "coefficients": coefficients,
    }
    if odds:
        block["odds_ratios"] = ratios
    block["notes"] = list(table.notes)
    block["warnings"] = list(found.warnings)
    return block


def _multiclass_dict(found: DataInference, data: Path, mf: Any) -> dict[str, Any]:
    """The ``inference`` block of a model of more than two classes: one row per
    (class, term) as the file's own ``coefficients`` (Wald tests and
    intervals at ``--level`` on ``cov_type``), ``odds_ratios`` the
    relative-risk ratios with ``--odds-ratios``, and the header's statistics."""
    from ._multiclass import inference_rows, levels_of, rrr_rows

    r, options = found.results, found.options
    alpha = options["alpha"]
    names = [t for t in r.term_names if t != "Intercept" or not r.fit_intercept]
    rows = inference_rows(r, mf.model, names, levels_of(mf), alpha)
    statistics = {
        "nobs": float(r.nobs),
        "df_model": float(r.df_model),
        "df_resid": float(r.df_resid),
        **{k: _number(getattr(r, k)) for k in ("llf", "llnull", "aic", "bic")},
        "pseudo_rsquared": _number(r.pseudo_rsquared),
        "llr": _number(r.llr),
        "llr_df": float(r.df_model),
        "llr_pvalue": _number(r.llr_pvalue),
    }
    statistics = with_nobs(statistics, nobs_counts(mf))
    block: dict[str, Any] = {
        "data": str(data),
        "method": "MLE",
        "cov_type": r.cov_type,
        "cluster": options["cluster"],
        "n_clusters": r.cov_info.get("n_groups"),
        "level": 1.0 - alpha,
        "tests": "wald",
        "intervals": "wald",
        "statistics": statistics,
        "coefficients": [{k: _clean(v) for k, v in row.items()} for row in rows],
    }
    if options["odds"]:
        ratios = rrr_rows(r, alpha)
        block["odds_ratios"] = [{k: _clean(v) for k, v in x.items()} for x in ratios]
    block["notes"] = list(found.summary.notes)
    block["warnings"] = list(found.warnings)
    return block


def _rows(
    r: Any, table: Any, alpha: float, odds: bool, kinds: tuple[bool, bool]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Coefficient rows and odds-ratio rows (see the module docstring); the
    summary's own rows give the likelihood tests and profile bounds (on the
    odds-ratio scale when ``odds``: their log is the coefficient's bound)."""
    plr, profile = kinds
    wald = r.wald_table(alpha)
    aliased = set(getattr(table, "aliased", []))
    keys: tuple[str, ...] = ("std_error", "z", "p_value", "ci_low", "ci_high")
    keys += (("lr_chi2", "lr_p_value") if plr else ()) + (
        ("profile_ci_low", "profile_ci_high") if profile else ()
    )
    coefficients, ratios = [], []
    for i, (name, row) in enumerate(zip(r.term_names, table.rows, strict=True)):
        if name in aliased:
            empty = dict.fromkeys(keys)
            coefficients.append({"term": name, "estimate": None, **empty,
                                 "aliased": True})  # fmt: skip
            ratios.append({"term": name, "odds_ratio": None, **empty, "aliased": True})
            continue
        coef = {"term": name, "estimate": float(wald.params[i]), **wald.row(i)}
        if plr:
            coef["lr_chi2"], coef["lr_p_value"] = float(row[3]), float(row[4])
        if profile:
            low, high = float(row[5]), float(row[6])
            coef["profile_ci_low"] = _log(low) if odds else low
            coef["profile_ci_high"] = _log(high) if odds else high
        if odds:
            ratios.append(_ratio_row(coef, (row[5], row[6]) if profile else None))
        coefficients.append(
            {k: _clean(v) for k, v in coef.items()} | {"aliased": False}
        )
    return coefficients, ratios


def _exp(value: float | None) -> float | None:
    """``exp(value)``, None when it overflows (or ``value`` is None)."""
    return None if value is None or value > 709.0 else math.exp(value)


def _ratio_row(coef: dict[str, Any], bounds: tuple[Any, Any] | None) -> dict[str, Any]:
    """The odds-ratio row of coefficient row ``coef`` (:mod:`logistic.
    inference._odds`' rule: ``exp`` of the estimate and of the Wald bounds,
    the standard error ``exp(estimate) × std_error``, tests unchanged);
    ``bounds``: the odds-ratio summary's profile bounds, kept as it shows them."""
    ratio = _exp(coef["estimate"])
    out: dict[str, Any] = {
        "term": coef["term"],
        "odds_ratio": ratio,
        "std_error": None if ratio is None else ratio * coef["std_error"],
        "z": coef["z"],
        "p_value": coef["p_value"],
        "ci_low": _exp(coef["ci_low"]),
        "ci_high": _exp(coef["ci_high"]),
    }
    for key in ("lr_chi2", "lr_p_value"):
        if key in coef:
            out[key] = coef[key]
    if bounds is not None:
        out["profile_ci_low"], out["profile_ci_high"] = map(float, bounds)
    return {k: _clean(v) for k, v in out.items()} | {"aliased": False}


def _clean(value: Any) -> Any:
    """A float as :func:`_number` gives it; anything else unchanged."""
    return _number(value) if isinstance(value, float) else value


#: Header labels of the summary (their start) → the statistics they show.
_HEADER = (
    ("Pseudo R-sq.", ("pseudo_rsquared",)),
    ("LR chi2", ("llr", "llr_df")),
    ("LLR p-value", ("llr_pvalue",)),
    ("Penalized LR chi2", ("llr_penalized", "llr_penalized_df")),
    ("PLR p-value", ("llr_penalized_pvalue",)),
    ("AIC", ("aic",)),
    ("BIC", ("bic",)),
)


def _shown(header: list[tuple[str, str]]) -> set[str]:
    """The statistics of :data:`_HEADER` that the summary's ``header`` shows
    as numbers (not ``n/a (...)`` or ``needs the data``)."""
    shown: set[str] = set()
    for label, value in header:
        for start, names in _HEADER:
            if label.startswith(start) and re.match(r"[<+-]?[0-9.]|nan|inf", value):
                shown.update(names)
    return shown


def _statistics(r: Any, header: list[tuple[str, str]]) -> dict[str, Any]:
    """The statistics the summary's header shows, at full precision; null
    where it shows none (``n/a``)."""
    shown = _shown(header)
    firth = r.method == "Firth"
    out: dict[str, Any] = {
        "nobs": float(r.nobs),
        "df_model": float(r.df_model),
        "df_resid": float(r.df_resid),
        "llf": _number(r.llf),
        "llnull": _number(r.llnull),
        "deviance": _number(r.deviance),
        "null_deviance": _number(r.null_deviance),
    }
    for name in ("aic", "bic", "pseudo_rsquared", "llr", "llr_df", "llr_pvalue"):
        if name not in shown:  # refused (sampling weights) or not shown
            out[name] = None
        else:
            out[name] = _number(r.df_model if name == "llr_df" else getattr(r, name))
    if firth:  # FLAC's information is the augmented fit's: not its penalty
        flac = getattr(r, "firth_correction", None) == "flac"
        out["llf_penalized"] = None if flac else _number(r.llf_penalized)
        penalized = ("llr_penalized", "llr_penalized_df", "llr_penalized_pvalue")
        out.update(dict.fromkeys(penalized))
        if "llr_penalized" in shown:  # computed (and cached) by the summary
            stat, pvalue, df = r.llr_penalized
            out.update(
                zip(penalized, (_number(stat), df, _number(pvalue)), strict=True)
            )
    return out
