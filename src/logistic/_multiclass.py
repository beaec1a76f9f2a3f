"""What is not multi-class yet: one error type and one message for all of it.

Convention (owned here): a binary-only feature asked of a model with more than
two classes (or of data with more than two classes) raises
:class:`MultiClassNotSupportedError` with the message ``multi-class models are
not supported by {what} yet`` (and a remedy when there is one), never a wrong
answer or a traceback from deep inside. One exception keeps the type and
words it as scikit-learn's check of a binary-only classifier expects: fit's
refusal of K classes by a binary-only setting or input (``penalty='firth'``,
a solver without a multinomial fit, torch and CuPy arrays), ``Only binary
classification is supported with {what} so far; for more than two classes
{remedy}`` (:func:`binary_only`; the estimator's settings word theirs in
:func:`logistic._estimator_params.binary_only_error`).
:func:`is_multiclass` is the test.
A leaf module: the estimator, inference, files, ONNX export and the command
line all import it.
"""

from __future__ import annotations

from typing import Any

from ._exceptions import MultiClassNotSupportedError

__all__ = [
    "CROSS_VALIDATE_K_CLASSES",
    "MultiClassNotSupportedError",
    "binary_only",
    "is_multiclass",
    "not_supported",
]

#: What a caller that chooses a penalty by cross-validation (``path``,
#: ``LogisticRegressionCV``) says of a target of K > 2 classes.
CROSS_VALIDATE_K_CLASSES = (
    " To choose alpha for K classes by cross-validation, search "
    "LogisticRegression(penalty='l2', alpha=...) with scikit-learn's GridSearchCV "
    "(scoring='neg_log_loss')."
)


def not_supported(what: str, remedy: str = "") -> MultiClassNotSupportedError:
    """The error of a binary-only ``what``: ``multi-class models are not
    supported by {what} yet`` (``; {remedy}`` when given)."""
    tail = f"; {remedy}" if remedy else ""
    return MultiClassNotSupportedError(
        f"multi-class models are not supported by {what} yet{tail}"
    )


def binary_only(what: str, remedy: str) -> MultiClassNotSupportedError:
    """The refusal of data of K > 2 classes by a binary-only ``what``, worded
    so that scikit-learn's check of a classifier tagged ``multi_class=False``
    recognises it."""
    return MultiClassNotSupportedError(
        f"Only binary classification is supported with {what} so far; for more "
        f"than two classes {remedy}"
    )


def is_multiclass(model: Any) -> bool:
    """Whether a fitted ``model`` has more than two classes."""
    classes = getattr(model, "classes_", None)
    return classes is not None and len(classes) > 2
