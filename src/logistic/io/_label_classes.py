"""A model file's classes and the target's labels they stand for.

Convention (owned here): a file written by ``logistic fit`` stores the class
codes ``0 … K-1`` as ``model.classes`` and what they stand for as
``encoding.label`` (``negative``/``positive``, or the K ``levels`` in code
order: the reference first). :func:`check_label_classes` checks the two
agree at load and save. :func:`logistic.load` gives the model the labels as
``classes_`` where they are sorted (:func:`loaded_classes`), as a fit in
Python holds them; after ``--positive`` of the smaller label or
``--reference`` of a level other than the first the codes stay, with a
warning, since scikit-learn's scorers and this library's ``inference`` and
``partial_fit`` assume sorted ``classes_``. :func:`logistic.save` of such a
loaded model with its encoding writes the codes again
(:func:`codes_of_labels`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._exceptions import user_stacklevel
from ._encoding import _bad, _label_text

__all__ = [
    "check_label_classes",
    "codes_of_labels",
    "label_classes",
    "labels_sorted",
    "loaded_classes",
]


def check_label_classes(label: dict[str, Any] | None, classes: Any, path: str) -> None:
    """The label mapping fits the model: two values for a binary model; for a
    K-class model, K ``levels`` and classes that are the codes ``0 … K-1``."""
    if label is None:
        return
    K = len(classes)
    if "levels" not in label:
        if K != 2:
            raise _bad(
                path,
                "encoding.label",
                f"maps two values but the model has {K} classes (expected levels)",
            )
        if [_label_text(c) for c in classes.tolist()] != ["0", "1"]:
            raise _bad(
                path,
                "model.classes",
                "must be the codes 0 and 1 of 'encoding.label' (negative, "
                f"positive), got {classes.tolist()!r:.60}",
            )
        return
    if len(label["levels"]) != K:
        raise _bad(
            path,
            "encoding.label.levels",
            f"lists {len(label['levels'])} levels but the model has {K} classes",
        )
    codes = [_label_text(c) for c in classes.tolist()]
    if codes != [str(k) for k in range(K)]:
        raise _bad(
            path,
            "model.classes",
            f"must be the codes 0 … {K - 1} of 'encoding.label.levels', got "
            f"{classes.tolist()!r:.60}",
        )


def label_classes(label: dict[str, Any]) -> np.ndarray:
    """The labels a file's class codes stand for, in code order: ``[negative,
    positive]`` or the K ``levels``; strings as an object array (what
    ``LogisticRegression.fit`` keeps for a text column), booleans, integers
    and numbers as numpy infers them."""
    values = label.get("levels") or [label["negative"], label["positive"]]
    if isinstance(values[0], str):
        return np.array(values, dtype=object)
    return np.asarray(values)


def labels_sorted(labels: np.ndarray) -> bool:
    """Whether ``labels`` (:func:`label_classes`) are in increasing order, the
    order of a fit's ``classes_`` that scikit-learn's scorers and this
    library's ``inference`` and ``partial_fit`` assume. A file's order is
    not sorted after ``--positive`` of the smaller label or ``--reference``
    of a level other than the first."""
    values = labels.tolist()
    return all(a < b for a, b in zip(values, values[1:], strict=False))


def loaded_classes(label: dict[str, Any], path: str) -> np.ndarray | None:
    """The ``classes_`` :func:`logistic.load` gives a model of a file written
    by ``logistic fit``: the labels its codes stand for (:func:`label_classes`)
    where they are sorted; else None (the codes stay), with a warning saying
    what the codes stand for and that ``y`` must be codes."""
    labels = label_classes(label)
    if labels_sorted(labels):
        return labels
    warnings.warn(
        f"{path}: the classes are kept as the codes 0 … {len(labels) - 1} of "
        f"{labels.tolist()!r:.200} (in that order), not as the labels: the file "
        "orders them by --positive or --reference, not sorted as classes_ must "
        "be; predict() returns codes, and y given to score() or inference() must "
        "be codes",
        UserWarning,
        stacklevel=user_stacklevel(),
    )
    return None


def codes_of_labels(label: dict[str, Any] | None, classes: Any) -> np.ndarray | None:
    """The class codes ``0 … K-1`` (float) when ``classes`` are the labels of
    ``label`` in code order (a model ``logistic.load`` gave the labels of a
    file written by ``logistic fit``, saved again with its encoding); else
    None."""
    if label is None:
        return None
    labels = label_classes(label)
    given = np.asarray(classes)
    if given.shape != labels.shape or given.tolist() != labels.tolist():
        return None
    return np.arange(len(labels), dtype=np.float64)
