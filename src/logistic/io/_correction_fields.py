"""The model file's ``model.params.firth_correction`` (FLIC, FLAC:
:mod:`logistic._firth_correction`): the format version it needs, written on save
and checked at load, and its consistency with the file's other settings."""

from __future__ import annotations

from typing import Any

from .._fitted_params import fitted_param
from ._fields import _bad

__all__ = [
    "FIRTH_CORRECTION_VERSION",
    "check_correction_params",
    "check_correction_version",
    "correction_version",
]

#: The format version that adds ``model.params.firth_correction`` (FLIC, FLAC:
#: :mod:`logistic._firth_correction`): a build that reads 1.3 at most would
#: load such a file as an uncorrected Firth fit, so it is told the file is newer.
FIRTH_CORRECTION_VERSION = (1, 4)


def correction_version(model: Any, version: tuple[int, int]) -> tuple[int, int]:
    """``version``, raised to :data:`FIRTH_CORRECTION_VERSION` for a model
    with a ``firth_correction``."""
    if fitted_param(model, "firth_correction") is None:  # as the fit used it
        return version
    return max(version, FIRTH_CORRECTION_VERSION)


def check_correction_version(version: str, model: Any, path: str) -> None:
    """Refuse a ``firth_correction`` in a file that claims an older format."""
    kind = fitted_param(model, "firth_correction")
    major, minor = (int(v) for v in version.split("."))
    if kind is not None and (major, minor) < FIRTH_CORRECTION_VERSION:
        need = "{}.{}".format(*FIRTH_CORRECTION_VERSION)
        raise _bad(
            path,
            f"field 'format_version' is {version} but 'model.params.firth_correction'"
            f" is {kind!r:.20} (format {need} or later)",
        )


def check_correction_params(model: Any, path: str) -> None:
    """Refuse a ``firth_correction`` that the file's other settings exclude,
    as ``fit`` does: such coefficients are no fit the settings describe."""
    from .._firth_correction import correction_conflict

    conflict = correction_conflict(model)
    if conflict is not None:
        value = model.penalty if conflict == "penalty" else "false"
        raise _bad(
            path,
            f"field 'model.params.firth_correction' is {model.firth_correction!r}, "
            f"which needs {'Firth' if conflict == 'penalty' else 'an intercept'}"
            f", but 'model.params.{conflict}' is {value!s:.20}",
        )
