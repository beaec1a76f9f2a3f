"""The ``training`` section of a model file, checked at load: free-form (at
most ``MAX_DEPTH`` levels of nesting), but the fields the commands show (row
counts, the covariance's kind, the weights' kind, the environment) of their
types and ranges."""

from __future__ import annotations

from typing import Any

from ._encoding import _bad, _scalar
from ._environment import check_environment
from ._fields import MAX_ROWS, check_depth

__all__ = ["training_from_dict"]


def training_from_dict(value: Any, path: str) -> dict[str, Any]:
    """``training``: free-form (at most ``MAX_DEPTH`` levels), but the fields shown."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(path, "training", "must be an object")
    out = dict(check_depth(value, path, "training"))
    for key in ("data", "streaming"):
        if out.get(key) is not None and not isinstance(out[key], dict):
            raise _bad(path, f"training.{key}", "must be null or an object")
    for key in ("rows_read", "rows_used", "rows_rejected"):
        v = out.get(key)
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_ROWS
        ):
            raise _bad(
                path,
                f"training.{key}",
                f"must be a row count (an integer from 0 to 2**63), got {v!r:.40}",
            )
    _check_row_counts(out, path)
    stats = out.get("statistics")
    if stats is not None:
        if not isinstance(stats, dict):
            raise _bad(path, "training.statistics", "must be null or an object")
        for k, v in stats.items():
            if v is not None and not (_scalar(v) and not isinstance(v, (str, bool))):
                raise _bad(path, f"training.statistics.{k}", "must be a finite number")
            if v is not None and k in _STAT_COUNTS and not _count(v, k == "df_model"):
                raise _bad(
                    path,
                    f"training.statistics.{k}",
                    f"is {v!r:.40}; expected "
                    + ("a whole number from 0 to 2**63" if k == "df_model" else "≥ 0"),
                )
        out["statistics"] = {k: v for k, v in stats.items() if v is not None}
    _check_covariance_kind(out, path)
    warnings_ = out.get("warnings")
    if warnings_ is not None and not (
        isinstance(warnings_, list) and all(isinstance(w, str) for w in warnings_)
    ):
        raise _bad(path, "training.warnings", "must be a list of strings")
    # each warning (printed by ``logistic summary``) one line of printable
    # text: a file cannot carry a terminal escape or a forged line to the screen
    for i, text in enumerate(warnings_ or []):
        if not text.isprintable():
            raise _bad(
                path,
                f"training.warnings[{i}]",
                f"is {text!r:.60}; expected one line of printable text (no "
                "control characters)",
            )
    check_environment(out, path)  # optional: files before it have none
    return out


#: ``training.statistics`` that count: ``nobs`` (rows or a weighted fit's weight
#: sum: ≥ 0, not always whole, unbounded) and ``df_model`` (whole, bounded).
_STAT_COUNTS = ("nobs", "df_model")


def _count(value: Any, whole: bool) -> bool:
    number = float(value)  # finite: checked before
    return number >= 0 and (not whole or number <= MAX_ROWS and number.is_integer())


def _check_row_counts(training: dict[str, Any], path: str) -> None:
    """The command line's three row counts agree: ``rows_used`` is at most
    ``rows_read``, and with ``rows_rejected`` the two parts make the whole
    (``summary`` prints "N rows used of M"; a file whose counts contradict
    each other was edited or is not one the command line wrote)."""
    read, used, rejected = (
        training.get(k) for k in ("rows_read", "rows_used", "rows_rejected")
    )
    if read is None or used is None:
        return
    if used > read:
        raise _bad(path, "training.rows_used", f"is {used}, more than rows_read {read}")
    if rejected is not None and used + rejected != read:
        raise _bad(
            path,
            "training.rows_rejected",
            f"is {rejected}; expected {read - used} (rows_read {read} - rows_used "
            f"{used})",
        )


def _check_covariance_kind(training: dict[str, Any], path: str) -> None:
    """``training.sample_weight_kind`` and ``training.cov_type``: what the
    file's covariance is when it is not the model-based one (``logistic fit
    --weights-kind sampling`` writes the sandwich); absent in other files,
    which read as frequency weights and the model-based covariance."""
    from ..inference._covariance import COV_TYPES, WEIGHT_KINDS

    for key, allowed in (("sample_weight_kind", WEIGHT_KINDS), ("cov_type", COV_TYPES)):
        value = training.get(key)
        if value is not None and value not in allowed:
            raise _bad(path, f"training.{key}", f"must be one of {list(allowed)}")
