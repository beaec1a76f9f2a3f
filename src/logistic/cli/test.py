"""``logistic test``: Wald tests and linear combinations of a model file's coefficients.

Stata's ``test``, ``testparm`` and ``lincom`` (R's ``car::linearHypothesis``
and ``car::Anova(type = 3, test = "Wald")``) on the estimates and the
covariance matrix stored in the model file (no data are read unless
``--data`` names the training file, below). The
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
it. Without ``--data`` the covariance is the one the file stores. With
``--data FILE`` (the training file, read and checked as ``summary MODEL
DATA`` reads it: :func:`._summary_json.data_inference`) the tests use the
inference on its rows: ``--cov-type HC0|HC1|cluster --cluster COL`` for
robust Wald tests, and ``--terms --lr`` for the likelihood-ratio test of
each term (``lr_test_terms``, R's ``drop1``; Firth: logistf's). A
two-class file whose ``inference()`` would need the training data (its
covariance kept without the fit statistics, as ``logistic fit`` writes
above 500 parameters, or the sandwich of sampling weights) is tested
without ``--data`` on that covariance alone
(:class:`logistic.inference._stored_tests.FileCovariance`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._messages import pad_text, printable, text_width
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
        help="One joint Wald test per term (all of its columns 0), the intercept "
        "included, as car::Anova type 3 Wald (Stata's testparm per term).",
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
TestData = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="FILE",
        help="The data the model was fitted on: the tests then use the inference "
        "on its rows (--cov-type, --cluster; --terms --lr).",
        show_default=False,
    ),
]
TestCovType = Annotated[
    str | None,
    typer.Option(
        "--cov-type",
        metavar="TYPE",
        help="With --data: covariance of the Wald tests: nonrobust (the default; "
        "HC0 for --weights-kind sampling), HC0, HC1 or cluster (with --cluster).",
        show_default=False,
    ),
]
TestCluster = Annotated[
    list[str] | None,
    typer.Option(
        "--cluster", metavar="COLUMN", help="With --data: column of cluster labels."
    ),
]
LR = Annotated[
    bool,
    typer.Option(
        "--lr",
        metavar="",
        help="With --terms and --data: likelihood-ratio tests of each term (a "
        "refit without it: R's drop1) instead of Wald tests.",
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


def _results(path: str, data: Path | None, options: dict[str, Any]) -> Any:
    """The inference results: of the model file's stored covariance (the
    file checked as every command checks it, a missing or bad file exit 66
    or 65, then made the estimator :func:`logistic.load` returns, with the
    fit statistics the file keeps: :func:`logistic.io.estimator_of`, the file
    read once), or with ``data`` of its training rows at ``options``'
    cov_type and cluster."""
    from ..io import estimator_of

    mf = load_model_file(path)
    if data is not None:
        from ._summary_json import data_inference

        found = data_inference(mf, Path(path), data, options, "test --data")
        res = found.results
    else:
        model = estimator_of(mf, path)
        res = _file_covariance(model)
        if res is None:
            res = model.inference()
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


def _file_covariance(model: Any) -> Any:
    """The file's own covariance for a two-class model whose ``inference()``
    without data would refuse (see
    :class:`logistic.inference._stored_tests.FileCovariance`), else None."""
    from ..inference._fit import model_weight_kind
    from ..inference._stored import STORED_COVARIANCE_ATTR

    stored = getattr(model, STORED_COVARIANCE_ATTR, None)
    if stored is None or len(getattr(model, "classes_", ())) != 2:
        return None
    kept = getattr(model, "fit_statistics_", None)
    if kept is not None and model_weight_kind(model) != "sampling":
        return None
    from ..inference._stored_tests import FileCovariance

    return FileCovariance(model, *stored)


def _restrictions(res: Any, hypotheses: list[str]) -> tuple[Any, Any]:
    """``(R, q)`` of every HYPOTHESIS stacked: a term's name gives its
    columns' rows, any other text is parsed by ``wald_test``'s grammar.
    Only the rows of these tests are used here: their rank warnings (a
    term's, or one HYPOTHESIS's, restrictions that a cluster covariance
    makes singular) are not about the joint test asked, which the caller's
    own test warns of; they are held back for this thread alone
    (:func:`logistic._exceptions.held_back`, not the process's filters)."""
    import numpy as np

    rows, values = [], []
    with _rank_held_back():
        terms = res.wald_test_terms()
        for text in hypotheses:
            if text.strip() in terms:
                part = terms[text.strip()]
            else:
                try:
                    part = res.wald_test(text)
                except ValueError as exc:
                    hint = _term_of_column(text, terms)
                    if hint is None:
                        raise
                    raise CLIError(f"{exc}; {hint}", EX_USAGE) from None
            rows.append(part.R)
            values.append(part.q)
    return np.vstack(rows), np.concatenate(values)


def _term_of_column(text: str, terms: dict[str, Any]) -> str | None:
    """A HYPOTHESIS that is a bare column name that is no coefficient but
    enters a term of several columns (``rank`` of ``C(rank)``): the term to
    name for their joint test, a main effect before an interaction; None
    when it is none of these (the parser's own message then stands)."""
    import re

    word = text.strip()
    if not word.isidentifier():
        return None
    inside = re.compile(rf"(?<![\w.]){re.escape(word)}(?!\w)")
    found = [t for t in terms if t != word and inside.search(t)]
    found.sort(key=lambda t: ":" in t)  # C(rank) before C(rank):gpa
    for term in found:
        k = int(terms[term].R.any(axis=0).sum())
        if k > 1:
            return (
                f"{word!r} enters the model as the term {printable(term)!r} "
                f"({k} coefficients); logistic test MODEL {printable(term)!r} tests "
                "them jointly"
            )
    return None


def _rank_held_back() -> Any:
    """A block in which ``wald_test``'s rank warning is held back for this
    thread (:func:`logistic._exceptions.held_back`): tests run only to read
    their rows."""
    from .._exceptions import NumericalStabilityWarning, held_back
    from ..inference._hypothesis import RANK_WARNING

    return held_back(NumericalStabilityWarning, RANK_WARNING)


def _refuse_terms(res: Any, hypotheses: list[str]) -> None:
    """Refuse (exit 2) a HYPOTHESIS of ``--lincom`` that names a term of
    several columns (``C(rank)``): a joint hypothesis, not one combination."""
    import numpy as np

    names = list(getattr(res, "param_names", res.term_names))  # K classes: flat
    with _rank_held_back():
        terms = res.wald_test_terms()
    for text in hypotheses:
        term = text.strip()
        if term in terms and term not in names:
            columns = [names[j] for j in np.flatnonzero(terms[term].R.any(axis=0))]
            shown = ", ".join(printable(c) for c in columns[:4])
            shown += ", ..." if len(columns) > 4 else ""
            raise CLIError(
                f"--lincom {printable(term)}: a term of {len(columns)} columns "
                f"({shown}), not one combination of the coefficients; --lincom "
                "estimates each HYPOTHESIS alone: name one column, or test the "
                f"term's columns jointly without --lincom (logistic test MODEL "
                f"{printable(term)!r})",
                EX_USAGE,
            )


def _joint(res: Any, hypotheses: list[str]) -> dict[str, Any]:
    from ..inference._coef_table import shown_name
    from ..inference._contrasts import combination_text

    R, q = _restrictions(res, hypotheses)
    names = list(getattr(res, "param_names", res.term_names))  # K classes: flat
    result = res.wald_test(R, q)
    shown = [shown_name(name) for name in names]  # the text's, cut as tables cut
    return {
        "test": "wald",
        "hypotheses": hypotheses,
        "restrictions": [
            printable(combination_text(R[i], float(q[i]), names, equation=True))
            for i in range(R.shape[0])
        ],
        "shown": [
            combination_text(R[i], float(q[i]), shown, equation=True)
            for i in range(R.shape[0])
        ],
        "statistic": float(result.statistic),
        "df": int(result.df),
        "pvalue": float(result.pvalue),
    }


def _terms(res: Any, lr: bool) -> dict[str, Any]:
    tests = res.lr_test_terms() if lr else res.wald_test_terms()
    return {
        "test": "lr_terms" if lr else "wald_terms",
        "terms": [
            {
                "term": term,
                "statistic": float(t.statistic),
                "df": int(t.df),
                "pvalue": float(t.pvalue),
            }
            for term, t in tests.items()
        ],
    }


def _lincom(
    res: Any, hypotheses: list[str], alpha: float, odds: bool
) -> dict[str, Any]:
    _refuse_terms(res, hypotheses)
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


def _check_data(
    data: Path | None, given: dict[str, Any], lr: bool, terms: bool
) -> None:
    """Refuse options that need --data without it, and --lr without --terms."""
    if lr and not terms:
        raise CLIError(
            "--lr tests each term by likelihood ratio: it goes with --terms (and "
            "--data); a joint hypothesis is a Wald test",
            EX_USAGE,
        )
    needs = [name for name, value in given.items() if value not in (None, ".")]
    if lr:
        needs.append("--lr")
    if data is None and needs:
        raise CLIError(
            f"{needs[0]} needs the training rows: pass the training file with "
            "--data FILE",
            EX_USAGE,
        )


def _check_lr(res: Any) -> None:
    """Refuse ``--terms --lr`` in the command line's words where
    ``lr_test_terms`` refuses: sampling weights (a pseudo-likelihood) and
    aliased columns (no constrained refit of the reduced model)."""
    if getattr(res, "sample_weight_kind", None) == "sampling":
        raise CLIError(
            "--lr: likelihood-ratio tests are not valid under --weights-kind "
            "sampling (the weighted log-likelihood is a pseudo-likelihood); --terms "
            "without --lr gives the robust Wald tests of each term",
            EX_USAGE,
        )
    aliased = list(getattr(res, "aliased", None) or [])
    if aliased:
        raise CLIError(
            f"--lr: likelihood-ratio tests of each term are not available with "
            f"aliased columns ({', '.join(map(printable, aliased))}: not defined "
            "because of singularities); refit without them, or use --terms "
            "without --lr (Wald tests of the other terms)",
            EX_USAGE,
        )


def _is_file(text: str) -> bool:
    """Whether ``text`` names an existing file (a name too long or otherwise
    impossible is no file: it is read as a hypothesis)."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def _check(hypotheses: list[str], terms: bool, lincom: bool, odds: bool) -> None:
    """Refuse a combination of arguments before the model file is read."""
    for text in hypotheses:  # summary and margins take DATA there; test, --data
        if "=" not in text and text.strip() and _is_file(text):
            raise CLIError(
                f"HYPOTHESIS {text!r} is a file: give the training data as --data "
                f"{printable(text)} (logistic test MODEL [HYPOTHESIS]... --data "
                "FILE)",
                EX_USAGE,
            )
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


def _print(doc: dict[str, Any], source: str, covariance: str) -> None:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    head = f"covariance {covariance}, {source}"
    if doc["test"] == "wald":
        say(f"Wald test ({head})")
        for i, text in enumerate(doc["shown"], start=1):
            say(f" ({i}) {text}")
        say(f"chi2({doc['df']}) = {doc['statistic']:.4f}, p = {doc['pvalue']:.4g}")
    elif doc["test"] == "lr_terms":
        say(
            "Likelihood-ratio tests of each term, all of its columns 0 (a refit "
            f"without it), {source}"
        )
        _term_lines(doc, say)
    elif doc["test"] == "wald_terms":
        say(f"Wald tests of each term, all of its columns 0 ({head})")
        _term_lines(doc, say)
    else:
        say(doc["text"])


def _term_lines(doc: dict[str, Any], say: Any) -> None:
    """The per-term table: term (cut as the coefficient tables cut a name),
    df, chi2, p-value."""
    from ..inference._coef_table import shown_name

    names = [shown_name(t["term"]) for t in doc["terms"]]
    width = max(len("term"), *map(text_width, names))
    say(f"{'term':<{width}}  df       chi2    p_value")
    for name, t in zip(names, doc["terms"], strict=True):
        say(
            f"{pad_text(name, width)}  {t['df']:>2}  {t['statistic']:>9.4f}"
            f"  {t['pvalue']:>9.4g}"
        )


def test(
    model: opt.ModelArg,
    hypotheses: Hypotheses = None,
    terms: Terms = False,
    lincom: Lincom = False,
    odds_ratios: OddsRatios = False,
    level: Level = 0.95,
    data: TestData = None,
    cov_type: TestCovType = None,
    clusters: TestCluster = None,
    lr: LR = False,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    json_out: opt.Json = False,
) -> None:
    """Wald tests and linear combinations of a model's coefficients.

    Stata's test, testparm and lincom on the estimates and covariance stored
    in MODEL (unpenalized and Firth fits). By default every
    HYPOTHESIS is tested jointly in one Wald chi2 test; --terms tests each
    term (all its columns 0); --lincom estimates each HYPOTHESIS alone with
    its std. error, z test and interval (--odds-ratios: exp of it).

    With --data FILE (the training file) the tests use the inference on its
    rows: --cov-type HC0|HC1|cluster --cluster COL for robust tests, and
    --terms --lr for likelihood-ratio tests of each term (R's drop1).

    Example: logistic test model.json 'C(rank)'
    """
    from ..inference import COV_TYPES
    from ._training_rows import check_cluster_option, one_cluster

    hypotheses = list(hypotheses or [])
    _check(hypotheses, terms, lincom, odds_ratios)
    cov_type = opt.spelled_as(cov_type, COV_TYPES)
    cluster = one_cluster(clusters)
    reading = {"sep": sep, "fmt": fmt, "encoding": encoding, "decimal": decimal}
    given = {"--cov-type": cov_type, "--cluster": cluster, "--sep": sep,
             "--format": fmt, "--encoding": encoding, "--decimal": decimal}  # fmt: skip
    _check_data(data, given, lr, terms)
    if lr and cov_type not in (None, "nonrobust"):
        raise CLIError(
            f"--lr with --cov-type {cov_type}: likelihood-ratio tests use the "
            "likelihood, not a covariance, so a robust one changes nothing in "
            "them (Stata's lrtest refuses after a robust vce); --terms without "
            f"--lr gives the Wald tests of each term on --cov-type {cov_type}",
            EX_USAGE,
        )
    if cov_type is not None and cov_type not in COV_TYPES:
        raise CLIError(
            f"--cov-type {cov_type}: expected one of {', '.join(COV_TYPES)}",
            EX_USAGE,
        )
    check_cluster_option(cov_type, cluster)
    alpha = alpha_of(level)
    options = {"cov_type": cov_type, "cluster": cluster, "alpha": alpha,
               "odds": False, "reading": reading, "summarize": False}  # fmt: skip
    res = _results(str(model), data, options)
    if terms and lr:
        _check_lr(res)
    if terms and lr:  # one refit a term: a spinner on a terminal meanwhile
        from ._progress import status

        with status("likelihood-ratio tests: refitting without each term ..."):
            doc = _terms(res, lr)
    elif terms:
        doc = _terms(res, lr)
    elif lincom:
        doc = _lincom(res, hypotheses, alpha, odds_ratios)
    else:
        doc = _joint(res, hypotheses)
    doc["data"] = None if data is None else str(data)  # the rows tested on
    from ..inference._coef_table import covariance_label

    covariance = covariance_label(res)
    if json_out:
        doc.pop("text", None)
        doc.pop("shown", None)
        doc["covariance"] = covariance
        print(json_text(doc))
        return
    from .._files import STDIN, STDIN_NAME

    rows = STDIN_NAME if str(data) == STDIN else printable(str(data))
    source = (
        f"stored in {printable(str(model))}"
        if data is None
        else f"on the rows of {rows}"
    )
    _print(doc, source, covariance)
