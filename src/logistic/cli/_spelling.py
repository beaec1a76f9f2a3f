"""Library messages in the CLI's words: Python parameters become options.

Convention (owned here): a message raised or warned by the library names the
estimator's parameters as Python spells them (``penalty='l2'``,
``max_iter=100``, ``sample_weight``, ``C=1.0``, ``trials=``,
``fit(checkpoint=...)``, ``sample_weight_kind='sampling'``; the row cache's
``cache=False``, ``cache_dir=``; inference's ``cov_type='HC0'``). Before the
CLI prints one, the spellings of parameters that ``logistic fit`` exposes
become the option a user types (``--penalty l2``, ``--max-iter 100``,
``--weights``, ``--C 1.0``, ``--trials``, ``--checkpoint``, ``--weights-kind
sampling``, ``--no-cache``, ``--cache-dir``), and ``cov_type`` becomes the
``--cov-type`` of ``summary`` and ``margins`` (the commands whose inference
can raise it), in errors, warnings and the remedies they suggest alike; ``The
'tol' parameter of LogisticRegression must be`` becomes ``--tol must be``; a
list of choices after an option loses its quotes (``--cov-type HC0, HC1 or
cluster``), and a CLI spelling the library gave in parentheses after the
Python one (``sample_weight_kind='sampling' (CLI: --weights-kind
sampling)``) is not said twice; scikit-learn's ranges and ``Got V instead``
read ``must be a number > 0, got 0.0``, a capitalized value of a choice gets
``(values are lower case: --penalty l2)``, ``n_iter=2 iterations`` reads
``2 iterations``, and data Firth's fit refuses (``streamed, Dask or GPU
data``) the options that fit such data (``--stream``, ``--workers``,
``--scheduler``). Anything else is left as it is, so a message never gains
words it did not have (the lower-case hint aside).

Also owned here: :func:`usage_hint`, the option to use in place of one a
command does not have but users coming from statsmodels or R type
(``--alpha`` where the command takes a coverage ``--level``; Dask's
``--workers`` and ``--scheduler``, which only ``fit`` has, where ``predict``
and ``evaluate`` read in chunks with ``--stream``), and the
command a mistyped command name stands for (``logistic sumary``: did you
mean 'summary'?), the closest names by :func:`difflib.get_close_matches`
(its default cutoff 0.6, as click suggests options).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["cli_spelling", "usage_hint"]

#: (command, option it lacks) -> what to type instead.
_LEVEL = "{0}, the coverage 1 - alpha: {0} 0.9 for alpha 0.1"
_INSTEAD = {
    ("summary", "--alpha"): _LEVEL.format("--level"),
    ("margins", "--alpha"): _LEVEL.format("--level"),
    ("predict", "--alpha"): _LEVEL.format("--interval"),
    # scikit-learn's and R's C: the option has two dashes
    ("fit", "-C"): "--C, the inverse penalty strength",
}
# Dask's options are fit's alone; predict and evaluate read a large file in
# chunks instead (click would suggest a look-alike such as --force)
_DASK_OPTIONS = ("--workers", "--scheduler")
_CHUNKED = ("predict", "evaluate")
_NO_SUCH = re.compile(r"^No such option: (--?[\w-]+)(?: \(Possible options: [^)]*\))?")
_NO_COMMAND = re.compile(r"^No such command '(.*)'\.")


def usage_hint(message: str, command_path: str, commands: Sequence[str] = ()) -> str:
    """A usage error's message with the option to type instead, when the
    command lacks one users often type (:data:`_INSTEAD`), or the closest of
    ``commands`` to a command name that is none of them.

    >>> usage_hint("No such option: --alpha (Possible options: --help)",
    ...            "logistic summary")[:50]
    'No such option: --alpha (use --level, the coverage'
    >>> usage_hint("No such option: --workers (Possible options: --force)",
    ...            "logistic predict")[:53]
    'No such option: --workers (only fit runs on Dask; pre'
    >>> usage_hint("No such command 'sumary'.", "logistic", ["fit", "summary"])
    "No such command 'sumary'. Did you mean 'summary'?"
    """
    command_match = _NO_COMMAND.match(message)
    if command_match is not None:
        return message + _closest(command_match.group(1), commands)
    match = _NO_SUCH.match(message)
    if match is None:
        return message
    command = command_path.split()[-1] if command_path else ""
    instead = _INSTEAD.get((command, match.group(1)))
    if instead is None and match.group(1) in _DASK_OPTIONS and command != "fit":
        chunks = (
            f"; {command} reads a large file in chunks with --stream and "
            "--chunk-rows N"
            if command in _CHUNKED
            else ""
        )
        return f"No such option: {match.group(1)} (only fit runs on Dask{chunks})"
    if instead is None:
        return message
    return f"No such option: {match.group(1)} (use {instead})" + message[match.end() :]


def _closest(name: str, commands: Sequence[str]) -> str:
    """`` Did you mean 'summary'?`` (or two or three names) for a mistyped
    command name, compared in lower case (``Fit``); "" when none is close."""
    import difflib

    by_lower = {c.lower(): c for c in commands}
    close = difflib.get_close_matches(name.lower(), list(by_lower))
    if not close:
        return ""
    names = [repr(by_lower[c]) for c in close]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f" Did you mean {listed}?"


_OPTIONS = {
    "penalty": "--penalty",
    "firth_correction": "--firth-correction",
    "solver": "--solver",
    "alpha": "--alpha",
    "l1_ratio": "--l1-ratio",
    "class_weight": "--class-weight",
    "max_iter": "--max-iter",
    "tol": "--tol",
    "C": "--C",
    "cov_type": "--cov-type",
    "sample_weight_kind": "--weights-kind",
    "n_alphas": "--n-alphas",
}
_NAMES = "|".join(_OPTIONS)
# "The 'C' parameter of LogisticRegression must be ..." (scikit-learn's form)
_PARAMETER = re.compile(rf"\bThe '({_NAMES})' parameter of [A-Z]\w* must be")
# "The 'solver' parameter of LogisticRegression is 'newton', which does not";
# "The 'n_alphas' parameter of LogisticRegressionCV is 10: ..." (a number)
_PARAMETER_IS = re.compile(
    rf"\bThe '({_NAMES})' parameter of [A-Z]\w* is (?:'([^']*)'|(\d+)\b)(?:, which)?"
)
# "After n_iter=2 iterations": the count alone
_N_ITER = re.compile(r"\bn_iter=(\d+) iterations\b")
# scikit-learn's ranges: "must be a float in the range (0, inf). Got 0.0 instead."
_FLOAT, _INT = "must be a float in the range", "must be an int in the range"
_RANGES = (
    (re.compile(rf"{_FLOAT} \(([^,\s]+), inf[)\]]"), r"must be a number > \1"),
    (re.compile(rf"{_FLOAT} \[([^,\s]+), inf[)\]]"), r"must be a number >= \1"),
    (re.compile(rf"{_INT} \[([^,\s]+), inf[)\]]"), r"must be a whole number >= \1"),
    (
        re.compile(rf"{_FLOAT} \[([^,\s]+), ([^\]\s]+)\]"),
        r"must be a number from \1 to \2",
    ),
)
# "--penalty must be None or a str among {...}": None is the option's "none"
_PENALTY_AMONG = "--penalty must be None or a str among"
# "--penalty must be ... Got 'L2' instead.": the values are lower case
_CAPITALIZED = re.compile(r"^(--[\w-]+) must be .*\bGot '([^']+)' instead\.?$")
_GOT = re.compile(r"\. Got (.+?) instead(?:\.$|(?= \())")
# "--C must be None or a float": None is the option left out, not a value
_OPTIONAL = re.compile(r"(--[\w-]+) must be None or ")
# a bare C in a remedy ("alpha > 0 or C", "(or C)"), never C(rank) or a column C
_BARE_C = re.compile(r"(?:(?<= or )|(?<= and )|(?<=\(or ))C\b(?![\w(='])")
# "does not apply with trials=", "(trials=)": fit's trials= is --trials
_TRIALS = re.compile(r"\btrials=(?=[\s),;.]|$)")
# "use fewer folds (cv=)": LogisticRegressionCV's cv= is fit's --cv
_CV = re.compile(r"\bcv=(?=[\s),;.]|$)")
# "not supported by fit(checkpoint=...)", "fit without checkpoint=": --checkpoint
_CHECKPOINT = re.compile(r"\bfit\(checkpoint=\.\.\.\)|\bcheckpoint=(?=[\s),;.]|$)")
# "a fit given checkpoint=PATH": --checkpoint PATH
_CHECKPOINT_PATH = re.compile(r"\bcheckpoint=PATH\b")
# a Dask fit's remedy that only Python can apply (the CLI has no such option)
_CLUSTER_TIMEOUT = re.compile(
    r" \(or raise cluster_timeout for a cluster that scales up slowly\)"
)
# where Firth's fit is refused, in a note's remedy: the command line's options
_NOT_OUT_OF_CORE = re.compile(r"\(not for streamed, Dask or GPU data\)")
_PENALTY_NONE = re.compile(r"\bpenalty=None\b")
# "(fit_intercept=False)": the command line drops the intercept by formula only
_NO_INTERCEPT = re.compile(r"\(fit_intercept=False\)")
# the row cache's remedies (backends' cache=False, cache_dir=): fit's options
_NO_CACHE = re.compile(r"\bcache=False\b")
_CACHE_DIR = re.compile(r"\bcache_dir=(?=[\s),;.]|$)")
# "and C=None", ", alpha=None": an option the user left unset is not mentioned
# NumericalError's pointer to its attribute: nothing a command line can read
_ATTACHED = re.compile(
    r"; the last finite coefficients are attached \(exception\.last_finite_coef\)"
)
_UNSET = re.compile(r"(?:,| or| and) (?:C|alpha|l1_ratio|tol)=None\b")
# name='value', name="value" or name=value
_ASSIGN = re.compile(rf"\b({_NAMES})=(?:'([^']*)'|\"([^\"]*)\"|([^\s,;)]+))")
_ALPHA_BOUND = re.compile(r"(?<![-\w])alpha(?= [<>]=? )")
# a bare name between spaces or brackets (never inside "+0.2*tol" or 'tol')
_BARE = re.compile(
    r"(?:(?<=[\s(])|^)(max_iter|l1_ratio|class_weight|sample_weight|tol)\b(?![\w'*=])"
)
# LogisticRegression(--penalty firth) -> --penalty firth
_CALL = re.compile(r"\b[A-Z]\w*\((--[\w-]+ [^()]*)\)")
# "LogisticRegression: " before a message: the CLI user typed no class
_OWNER = re.compile(r"^LogisticRegression: ")
# --penalty l2, 'l1' or 'elasticnet' -> --penalty l2, l1 or elasticnet
_CHOICES = re.compile(r"(--(?:penalty|cov-type) \w+(?:, '\w+')*(?:,? or '\w+')?)")
# "--weights-kind sampling (CLI: --weights-kind sampling)": said once
_TWICE = re.compile(r"(--[\w-]+(?: [^\s()]+)?) \(CLI: \1\)")


def _lower_case_hint(text: str) -> str:
    """``--penalty must be ... Got 'L2' instead.`` with ``(values are lower
    case: --penalty l2)`` when the value in lower case is one of the choices."""
    match = _CAPITALIZED.match(text)
    if match is None:
        return text
    option, value = match.groups()
    if value.lower() == value or f"'{value.lower()}'" not in text:
        return text
    return text.rstrip(".") + f" (values are lower case: {option} {value.lower()})"


def _assignment(match: re.Match[str]) -> str:
    value = next(v for v in match.groups()[1:] if v is not None)
    return f"{_OPTIONS[match.group(1)]} {value}"


def _bare(match: re.Match[str]) -> str:
    name = match.group(1)
    return "--weights" if name == "sample_weight" else _OPTIONS[name]


def cli_spelling(message: str) -> str:
    """``message`` with the Python spellings of fit's parameters as CLI options.

    Examples
    --------
    >>> cli_spelling("Add a penalty (penalty='l2' with alpha > 0 or C)")
    'Add a penalty (--penalty l2 with --alpha > 0 or --C)'
    >>> cli_spelling("penalty=None ignores alpha=1.0 and C=None; set C=1.0")
    '--penalty none ignores --alpha 1.0; set --C 1.0'
    >>> cli_spelling("LogisticRegression: use penalty='l2', 'l1' or 'elasticnet'")
    'use --penalty l2, l1 or elasticnet'
    >>> cli_spelling("class_weight='balanced' does not apply with trials= (each")
    '--class-weight balanced does not apply with --trials (each'
    >>> cli_spelling("use penalty=None, or alpha > 0 (or C).")
    'use --penalty none, or --alpha > 0 (or --C).'
    >>> cli_spelling("After n_iter=5 iterations (max_iter=5): 0.1 > tol=0.0001")
    'After 5 iterations (--max-iter 5): 0.1 > --tol 0.0001'
    >>> cli_spelling("The 'C' parameter of LogisticRegression must be a float in "
    ...              "the range (0, inf]. Got 0.0 instead.")
    '--C must be a number > 0, got 0.0'
    >>> cli_spelling("The 'solver' parameter of LogisticRegression is 'newton', "
    ...              "which does not support penalty='l1'")
    '--solver newton does not support --penalty l1'
    >>> cli_spelling("The 'n_alphas' parameter of LogisticRegressionCV is 10000: a")
    '--n-alphas 10000: a'
    >>> cli_spelling("penalty='firth', rows in memory (not for streamed, Dask "
    ...              "or GPU data)")
    '--penalty firth, rows in memory (not with --stream, --workers or --scheduler)'
    >>> cli_spelling("(cache=False turns the cache off, cache_dir= puts it elsewhere)")
    '(--no-cache turns the cache off, --cache-dir puts it elsewhere)'
    >>> cli_spelling("use cov_type='HC0', 'HC1' or 'cluster' (for "
    ...              "sample_weight_kind='sampling')")
    'use --cov-type HC0, HC1 or cluster (for --weights-kind sampling)'
    >>> cli_spelling("by fit(checkpoint=...) yet; fit without checkpoint=")
    'by --checkpoint yet; fit without --checkpoint'
    >>> cli_spelling("sample_weight is zero for every sample of class 0; use "
    ...              "fewer folds (cv=)")
    '--weights is zero for every sample of class 0; use fewer folds (--cv)'
    >>> cli_spelling("pass sample_weight_kind='sampling' (CLI: --weights-kind "
    ...              "sampling).")
    'pass --weights-kind sampling.'
    """
    text = _OWNER.sub("", message)
    text = _PARAMETER.sub(lambda m: f"{_OPTIONS[m.group(1)]} must be", text)
    text = _PARAMETER_IS.sub(
        lambda m: f"{_OPTIONS[m.group(1)]} {m.group(2) or m.group(3)}", text
    )
    text = _N_ITER.sub(r"\1 iterations", text)
    text = text.replace(_PENALTY_AMONG, "--penalty must be 'none' or one of")
    text = _lower_case_hint(text)
    text = _OPTIONAL.sub(r"\1 must be ", text)
    for pattern, words in _RANGES:
        text = pattern.sub(words, text)
    text = _GOT.sub(r", got \1", text)
    text = _BARE_C.sub("--C", text)
    text = _TRIALS.sub("--trials", text)
    text = _CV.sub("--cv", text)
    text = _CHECKPOINT_PATH.sub("--checkpoint PATH", text)
    text = _CLUSTER_TIMEOUT.sub("", text)
    text = _NOT_OUT_OF_CORE.sub("(not with --stream, --workers or --scheduler)", text)
    text = _CHECKPOINT.sub("--checkpoint", text)
    text = _PENALTY_NONE.sub("--penalty none", text)
    text = _NO_INTERCEPT.sub("(the formula's '- 1' or '+ 0')", text)
    text = _NO_CACHE.sub("--no-cache", text)
    text = _CACHE_DIR.sub("--cache-dir", text)
    text = _UNSET.sub("", text)
    text = _ATTACHED.sub("", text)
    text = _ASSIGN.sub(_assignment, text)
    text = _ALPHA_BOUND.sub("--alpha", text)
    text = _BARE.sub(_bare, text)
    text = _CHOICES.sub(lambda m: m.group(1).replace("'", ""), text)
    text = _TWICE.sub(r"\1", text)
    return _CALL.sub(r"\1", text)
