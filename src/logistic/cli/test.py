"""``logistic test``: Wald tests and linear combinations of a model file's coefficients.

Stata's ``test``, ``testparm`` and ``lincom`` (R's ``car::linearHypothesis``
and ``car::Anova(type = 3, test = "Wald")``) on the estimates and the
covariance matrix stored in the model file; no data are read. The
hypotheses use the grammar of :meth:`InferenceResults.wald_test`
(:mod:`logistic.inference._hypothesis`): coefficients named as ``summary``
names them, ``+ - *`` and numbers, ``= value`` (0 when left out), several
restrictions separated by commas. A HYPOTHESIS that is a term's name
(``C(rank)``) stands for all the columns of that term at 0, as
``testparm i.rank``.

* default: one joint Wald χ² test of every HYPOTHESIS together (Stata's
  ``test (a) (b)``), the restrictions listed as tested;
* ``--terms``: one joint Wald test per term (every term's columns at 0);
* ``--lincom``: each HYPOTHESIS estimated alone (``R β̂`` with its standard
  error, z test against its right-hand side and interval at ``--level``),
  with ``--odds-ratios`` as ``exp(R β̂)`` (``lincom ..., or``).

Only models whose file stores the covariance have tests: unpenalized and
Firth fits; a penalized model is refused (exit 2) as ``inference()`` refuses
it. The covariance is the one the file stores (the model's ``cov_type`` at
fit time); a robust covariance on the training rows is ``summary MODEL DATA
--cov-type`` and Python's ``wald_test``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._messages import printable
from . import _options as opt
from ._codes import EX_DATAERR, EX_USAGE, CLIError
from ._common import console, load_model_file
from ._json_text import json_text
from .summary import Level, alpha_of

Hypotheses = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="HYPOTHESIS",
        help="A restriction on the coefficients as 'summary' names them, e.g. "
        "'C(rank)[T.2] = C(rank)[T.3]' or 'gre + gpa = 1' (= 0 when left out; "
        "commas separate restrictions), or a term's name ('C(rank)': all its "
        "columns 0). Several are tested jointly.",
        show_default=False,
    ),
]
Terms = Annotated[
    bool,
    typer.Option(
        "--terms",
        metavar="",
        help="One joint Wald test per term (all of its columns 0), as "
        "testparm or car::Anova type 3 Wald.",
    ),
]
OddsRatios = Annotated[
    bool,
    typer.Option(
        "--odds-ratios",
        metavar="",
        help="With --lincom: each combination as an odds ratio exp(R b), with "
        "exp'd interval and delta-method std. error (lincom ..., or).",
    ),
]
Lincom = Annotated[
    bool,
    typer.Option(
        "--lincom",
        metavar="",
        help="Estimate each HYPOTHESIS alone (Stata's lincom): the combination, "
        "its std. error, z test of its = value and its interval at --level.",
    ),
]


def _results(path: str) -> Any:
    """The inference results of the model file's stored covariance: the file
    checked as every command checks it (a missing or bad file: exit 66 or
    65), then loaded as :func:`logistic.load` loads it, with the fit
    statistics the file keeps."""
    from ..io import load

    load_model_file(path)
    res = load(path).inference()
    separation = getattr(res, "separation", None)
    firth = getattr(res, "method", None) == "Firth"  # K classes: no method
    if separation in ("complete", "quasi-complete") and not firth:
        raise CLIError(
            f"{printable(path)}: the data are separated ({separation}), so the "
            "maximum-likelihood estimate does not exist and Wald tests of its "
            "diverging coefficients mean nothing; refit with --penalty firth (two "
            "classes) or compare nested fits by likelihood ratio (Python's "
            "lr_test)",
            EX_DATAERR,
        )
    return res


def _restriction_text(row: Any, q: float, names: list[str]) -> str:
    """One row of ``R β = q`` as text: ``gpa - 2*gre = 1``."""
    parts: list[str] = []
    for coef, name in zip(row, names, strict=True):
        if coef == 0:
            continue
        sign = "-" if coef < 0 else "+"
        size = abs(float(coef))
        text = printable(name) if size == 1 else f"{size:g}*{printable(name)}"
        parts.append(f"{sign} {text}" if parts else ("-" if coef < 0 else "") + text)
    return f"{' '.join(parts)} = {q:g}"


def _restrictions(res: Any, hypotheses: list[str]) -> tuple[Any, Any]:
    """``(R, q)`` of every HYPOTHESIS stacked: a term's name gives its
    columns' rows, any other text is parsed by ``wald_test``'s grammar."""
    import numpy as np

    terms = res.wald_test_terms()
    rows, values = [], []
    for text in hypotheses:
        if text.strip() in terms:
            part = terms[text.strip()]
        else:
            part = res.wald_test(text)
        rows.append(part.R)
        values.append(part.q)
    return np.vstack(rows), np.concatenate(values)


def _joint(res: Any, hypotheses: list[str]) -> dict[str, Any]:
    R, q = _restrictions(res, hypotheses)
    names = list(getattr(res, "param_names", res.term_names))  # K classes: flat
    result = res.wald_test(R, q)
    return {
        "test": "wald",
        "hypotheses": hypotheses,
        "restrictions": [
            _restriction_text(R[i], float(q[i]), names) for i in range(R.shape[0])
        ],
        "statistic": float(result.statistic),
        "df": int(result.df),
        "pvalue": float(result.pvalue),
    }


def _terms(res: Any) -> dict[str, Any]:
    return {
        "test": "wald_terms",
        "terms": [
            {
                "term": term,
                "statistic": float(t.statistic),
                "df": int(t.df),
                "pvalue": float(t.pvalue),
            }
            for term, t in res.wald_test_terms().items()
        ],
    }


def _lincom(
    res: Any, hypotheses: list[str], alpha: float, odds: bool
) -> dict[str, Any]:
    combos = res.t_test(", ".join(hypotheses))
    if odds:
        rows = combos.odds_ratios(alpha).rows()
        for row in rows:
            row["combination"] = row.pop("term")
    else:
        table = combos.wald_table(alpha)
        rows = [
            {"combination": name, "estimate": float(table.params[i]), **table.row(i)}
            for i, name in enumerate(combos.names)
        ]
    return {
        "test": "lincom",
        "level": 1.0 - alpha,
        "odds_ratios": odds,
        "combinations": rows,
        "text": str(combos.odds_ratios(alpha)) if odds else combos.summary(alpha),
    }


def _check(hypotheses: list[str], terms: bool, lincom: bool, odds: bool) -> None:
    """Refuse a combination of arguments before the model file is read."""
    if terms and (hypotheses or lincom):
        raise CLIError(
            "--terms tests every term and takes no HYPOTHESIS or --lincom: give "
            "either --terms or the hypotheses",
            EX_USAGE,
        )
    if not terms and not hypotheses:
        raise CLIError(
            "nothing to test: give a HYPOTHESIS (e.g. 'C(rank)' or 'gre = 0') or "
            "--terms",
            EX_USAGE,
        )
    if odds and not lincom:
        raise CLIError(
            "--odds-ratios shows combinations as exp(R b): it goes with --lincom",
            EX_USAGE,
        )
    for text in hypotheses:
        if not text.strip():
            raise CLIError(
                "HYPOTHESIS is empty: give a restriction such as 'gre = 0'", EX_USAGE
            )


def _print(doc: dict[str, Any], model: str, covariance: str) -> None:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    head = f"covariance {covariance}, stored in {printable(model)}"
    if doc["test"] == "wald":
        say(f"Wald test ({head})")
        for i, text in enumerate(doc["restrictions"], start=1):
            say(f" ({i}) {text}")
        say(f"chi2({doc['df']}) = {doc['statistic']:.4f}, p = {doc['pvalue']:.4g}")
    elif doc["test"] == "wald_terms":
        say(f"Wald tests of each term, all of its columns 0 ({head})")
        names = [printable(t["term"]) for t in doc["terms"]]
        width = max(len("term"), *map(len, names))
        say(f"{'term':<{width}}  df       chi2    p_value")
        for name, t in zip(names, doc["terms"], strict=True):
            say(
                f"{name:<{width}}  {t['df']:>2}  {t['statistic']:>9.4f}"
                f"  {t['pvalue']:>9.4g}"
            )
    else:
        say(doc["text"])


def test(
    model: opt.ModelArg,
    hypotheses: Hypotheses = None,
    terms: Terms = False,
    lincom: Lincom = False,
    odds_ratios: OddsRatios = False,
    level: Level = 0.95,
    json_out: opt.Json = False,
) -> None:
    """Wald tests and linear combinations of a model's coefficients.

    Stata's test, testparm and lincom on the estimates and covariance stored
    in MODEL (no data read; unpenalized and Firth fits). By default every
    HYPOTHESIS is tested jointly in one Wald chi2 test; --terms tests each
    term (all its columns 0); --lincom estimates each HYPOTHESIS alone with
    its std. error, z test and interval (--odds-ratios: exp of it).

    Example: logistic test model.json 'C(rank)'
    """
    hypotheses = list(hypotheses or [])
    _check(hypotheses, terms, lincom, odds_ratios)
    alpha = alpha_of(level)
    res = _results(str(model))
    if terms:
        doc = _terms(res)
    elif lincom:
        doc = _lincom(res, hypotheses, alpha, odds_ratios)
    else:
        doc = _joint(res, hypotheses)
    from ..inference._coef_table import covariance_label

    covariance = covariance_label(res)
    if json_out:
        doc.pop("text", None)
        doc["covariance"] = covariance
        print(json_text(doc))
        return
    _print(doc, str(model), covariance)
