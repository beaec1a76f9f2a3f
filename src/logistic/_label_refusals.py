"""How a target whose values are not classes is refused, in one wording for
every reading of a file (in memory, ``--stream``, Dask's ``--workers``):

* non-integral numbers among more than two values: a continuous target
  (:func:`continuous_target`; labels given in Python, which name what
  ``fit`` and ``trials`` take: :func:`continuous_labels`);
* a positive class asked of more than two classes (:func:`positive_among_many`;
  a scan that finds them raises :class:`NoPositiveClass`, which carries the
  labels it found, so that the command line words it as in memory).

A scan that finds a continuous target knows its values, not their rows,
and the first one's line only where it met the rows in order: its refusal is
a :class:`ContinuousTarget`, which the command line restates
(:meth:`ContinuousTarget.restated`) with what a second read of a CSV target
finds, so that every reading of a CSV file (in memory, ``--stream``, Dask)
names the column, the rows of each value and the first non-integral one's
line, in the same words.
"""

from __future__ import annotations

from typing import Any

from ._exceptions import DataValidationError

__all__ = [
    "ContinuousTarget",
    "LabelRefusal",
    "NoPositiveClass",
    "continuous_labels",
    "continuous_target",
    "positive_among_many",
]


class ContinuousTarget(DataValidationError):
    """The refusal of a target holding non-integral numbers
    (:func:`continuous_target`), with what it was built from, so that a
    reading that knows more (the rows of each value, the first one's line)
    restates it in the same words (:meth:`restated`)."""

    def __init__(
        self,
        message: str,
        where: str = "",
        shown: str = "",
        proportions: bool = False,
        first: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.where, self.shown = where, shown
        self.proportions, self.first = proportions, first

    def restated(
        self,
        where: str | None = None,
        shown: str | None = None,
        first: tuple[str, str] | None = None,
    ) -> ContinuousTarget:
        """This refusal with ``where``, ``shown`` or ``first`` given anew
        (None keeps this one's)."""
        return continuous_target(
            self.where if where is None else where,
            self.shown if shown is None else shown,
            self.proportions,
            self.first if first is None else first,
        )


def continuous_target(
    where: str, shown: str, proportions: bool, first: tuple[str, str] | None = None
) -> ContinuousTarget:
    """The refusal of ``where`` (``target column 'y' in d.csv``) holding
    non-integral numbers: ``shown`` lists its values (with counts where
    known), ``first`` is the first non-integral one as written and where it
    stands (``('0.5', 'line 50002')``); ``proportions`` (every value in
    [0, 1]) adds how proportions of grouped trials are fitted."""
    at = "" if first is None else f"; {first[0]} first at {first[1]}"
    return ContinuousTarget(
        f"{where} holds non-integral numbers ({shown}{at}): a continuous target, "
        "not classes"
        + (
            "; proportions of grouped trials are fitted from their counts: "
            "--target SUCCESSES --trials TRIALS, or the formula "
            "'cbind(successes, failures) ~ ...'"
            if proportions
            else ""
        ),
        where,
        shown,
        proportions,
        first,
    )


def continuous_labels(y: Any, binary_only: str | None = None) -> str:
    """The message of labels ``y`` given in Python (a float array) with
    non-whole values: what it holds, and the labels expected:
    a logistic regression's (two, or K for a multinomial model; proportions
    as grouped counts with ``trials``), or those of ``binary_only``, a caller
    that fits two classes only and takes no ``trials``."""
    import numpy as np  # here: the command line imports this module

    distinct = np.unique(y)
    fractional = distinct[distinct != np.round(distinct)]
    shown = ", ".join(f"{v:.6g}" for v in fractional[:3])
    head = (
        f"Unknown label type: continuous. y holds continuous values "
        f"({len(distinct):,} distinct, non-whole ones such as {shown}), but "
    )
    proportions = bool(np.all((distinct >= 0) & (distinct <= 1)))
    if binary_only is not None:
        grouped = (
            " Proportions of grouped trials are fitted by "
            "LogisticRegression().fit(X, successes, trials=n), which "
            f"{binary_only} does not take."
        )
        return head + (
            f"{binary_only} needs two class labels (0/1, -1/+1, True/False, two "
            "strings): it fits binary models only. For a continuous "
            "outcome use a linear model, or make two classes first (e.g. y > "
            f"threshold).{grouped if proportions else ''}"
        )
    grouped = (
        " For grouped binomial data pass the successes as y and the trials with "
        "fit(X, y, trials=n) (proportions p: y = p * n)."
    )
    return head + (
        "a logistic regression needs class labels: two (0/1, -1/+1, True/False, "
        "two strings) for a binary model, or the labels of 3 or more classes "
        "(whole numbers or strings) for a multinomial one, which fit() chooses "
        "by itself. For a continuous outcome use a linear model, or make "
        f"classes first (e.g. y > threshold, or bins).{grouped if proportions else ''}"
    )


def positive_among_many(where: str, count: int, shown: str) -> DataValidationError:
    """The refusal of ``--positive`` for ``where``, a target of ``count`` > 2
    values (``shown``, with counts where known)."""
    return DataValidationError(
        f"--positive applies to a target of two classes; the {where} has "
        f"{count} ({shown}): for two classes, correct or drop the rows of the "
        "other values (a value in a few rows is often a typo or a stray label); "
        "for a multi-class model of them all, leave --positive out (--reference "
        "chooses its reference class)"
    )


class LabelRefusal(DataValidationError):
    """A class asked of a target by the command line (``--positive``,
    ``--reference``) that its labels do not hold, or no positive class
    among two labels: raised by a scan's rule too, which knows the labels,
    not their rows, so that the command line can restate it with each
    label's count (:mod:`logistic.cli._target_refusals`)."""


class NoPositiveClass(DataValidationError):
    """A positive class was asked of labels of more than two classes;
    ``labels`` holds them, sorted (empty where the error was rebuilt from its
    message alone, as pickling does)."""

    def __init__(self, message: str, labels: Any = ()) -> None:
        super().__init__(message)
        self.labels = list(labels)
