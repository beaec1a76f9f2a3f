"""``nobs`` in the command line's JSON: one type, and what it counts.

Conventions (owned here):

* ``nobs`` is the inference's number of observations, the number the text
  table's ``No. observations`` shows (``InferenceResults.nobs``), with one
  type for each thing it counts, in every document (``summary --json``, its
  ``inference`` block, ``margins --json``, two classes or more) alike: an
  integer when it counts rows, groups or trials (``189``, never ``189.0``),
  a float when weights make it a sum (``150.0`` for integer weights too), as
  :func:`logistic.metrics.evaluate` types its confusion counts
  (unweighted: integers). ``logistic.save`` and the library's results keep
  it as a float (statsmodels' ``nobs : float``).
* ``nobs_counts`` beside it says what was counted, as statsmodels separates
  ``nobs`` (rows) from GLM's ``wnobs`` (the sum of ``freq_weights``):
  ``"rows"`` (no weights: ``nobs`` is the rows used), ``"sum of weights"``
  (frequency weights and/or class weights: row ``i`` counts ``w_i`` times,
  Stata's ``fweight``; ``rows_used`` is then the row count),
  ``"rows of positive weight"`` (``--weights-kind sampling``: each row once,
  Stata's ``pweight``), ``"groups"`` (a fit on grouped counts: one
  observation per row of successes and trials, statsmodels' GLM Binomial)
  or ``"trials"`` (``margins`` of such a fit, which averages over the
  trials, each group weighted by its trials).
"""

from __future__ import annotations

from typing import Any

__all__ = ["WEIGHTED", "nobs_counts", "nobs_number", "training_json", "with_nobs"]

#: ``nobs_counts`` of a weighted fit, whose ``nobs`` is a float.
WEIGHTED = "sum of weights"
#: Whole numbers up to this are written as integers (a float's integers are
#: exact up to 2**53; a weight sum beyond it stays a float).
_EXACT = 2.0**53


def nobs_number(value: Any, summed: bool = False) -> int | float | None:
    """``value`` as a float when ``summed`` (a weight sum) or not whole, else
    as an integer."""
    if value is None:  # not computed: null, as every statistic
        return None
    number = float(value)
    if not summed and number.is_integer() and abs(number) <= _EXACT:
        return int(number)
    return number


def _weighted(mf: Any) -> bool:
    """Whether the model file's fit weighted its rows: a weights column
    (``fit --weights``), class weights, or sample weights given in Python,
    which only the file's fit statistics tell: their weight sum is not their
    row count, or some weights are fractional.

    Both kinds of statistics count the rows of positive weight (two classes
    ``labels.rows``, more ``rows``), so whole weights with zeros that sum to
    the row count read as weighted. What a file written before that count
    cannot tell (docs/cli.md, "nobs"): two-class, "weighted", ``nobs`` the
    weight sum, the row count for an unweighted fit; K-class, the count is
    every row (``n_samples``, zero weights too), so such weights read as
    unweighted (``nobs`` the same number, an integer); a file with
    neither fit statistics nor an encoding has no ``nobs`` to count (no
    statistics, and commands on DATA refuse it without its label mapping)."""
    if (mf.encoding or {}).get("weights"):
        return True
    params = mf.model.get_params() if hasattr(mf.model, "get_params") else {}
    if params.get("class_weight") is not None:
        return True
    stored = (mf.training or {}).get("fit_statistics") or {}
    if not stored:  # nothing to tell: no nobs is shown (docstring)
        return False
    labels = stored.get("labels") or {}  # two classes
    weight, rows = labels.get("weight"), labels.get("rows")
    if "n_samples" in stored:  # more than two classes: rows of positive weight
        weight = stored.get("weight_sum")
        rows = stored.get("rows", stored.get("n_samples"))  # older: every row
    fractional = labels.get("fractional", stored.get("fractional"))
    return bool(fractional) or weight != rows


def nobs_counts(mf: Any, trials: bool = False) -> str:
    """What ``nobs`` counts for model file ``mf`` (module docstring);
    ``trials``: a grouped fit's margins, which count trials."""
    from ._training_rows import on_counts

    if (mf.training or {}).get("sample_weight_kind") == "sampling":
        return "rows of positive weight"
    if on_counts(mf):  # the trials are the fit's own weights: a column only
        if (mf.encoding or {}).get("weights"):
            return WEIGHTED
        return "trials" if trials else "groups"
    return WEIGHTED if _weighted(mf) else "rows"


def with_nobs(doc: dict[str, Any], counts: str) -> dict[str, Any]:
    """``doc`` with its ``nobs`` as :func:`nobs_number` writes it (a float
    for ``counts`` :data:`WEIGHTED`) and
    ``nobs_counts`` right after it (``doc`` unchanged without ``nobs``)."""
    if "nobs" not in doc:
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "nobs_counts":
            continue
        out[key] = nobs_number(value, counts == WEIGHTED) if key == "nobs" else value
        if key == "nobs":
            out["nobs_counts"] = counts
    return out


def training_json(training: dict[str, Any] | None, counts: str) -> Any:
    """The model file's ``training`` block for ``summary --json``: its
    ``statistics.nobs`` as :func:`with_nobs` writes it (the file keeps the
    float ``logistic fit`` stored)."""
    if not training or not isinstance(training.get("statistics"), dict):
        return training
    return {**training, "statistics": with_nobs(training["statistics"], counts)}
