"""The parameters a fit used, kept beside its fitted attributes.

Convention (owned here), scikit-learn's: an estimator's constructor
parameters are what its NEXT fit uses (``set_params`` changes them and
nothing else); what the last fit used is the fitted attribute
:data:`FITTED_PARAMS_ATTR` (``fitted_params_``), a frozen
:class:`FittedParams` recorded when ``fit`` or a ``partial_fit`` call
succeeds (the parameters as that call read them at its start) and when
:func:`logistic.load` builds a model (the file's ``model.params``).

Every reader of a fitted model's parameters asks :func:`fitted_param` (one
parameter) or :func:`fitted_params` (all of them, what ``save`` writes in
``model.params``), never the estimator's attribute: after
``m.fit(X, y); m.set_params(penalty="l2")`` the model is still the fit it
was, and its file, inference, summaries and reports say so. A model without
the record (one unpickled from a build before it, or whose fitted attributes
were assigned by hand) is read from its parameters as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "FITTED_PARAMS_ATTR",
    "FittedParams",
    "fitted_param",
    "fitted_params",
    "record_fitted_params",
    "snapshot_params",
]

#: The fitted attribute that holds the :class:`FittedParams` of the last fit.
FITTED_PARAMS_ATTR = "fitted_params_"


@dataclass(frozen=True)
class FittedParams:
    """The constructor parameters one fit used, by name (read-only; a
    ``dict`` or ``list`` value is a copy, so a later change of the one
    passed to the constructor does not reach it)."""

    items: tuple[tuple[str, Any], ...]

    def get(self, name: str, default: Any = None) -> Any:
        """The value the fit used for ``name``, or ``default``."""
        for key, value in self.items:
            if key == name:
                return value
        return default

    def __getitem__(self, name: str) -> Any:
        for key, value in self.items:
            if key == name:
                return value
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        """The parameters as ``get_params()`` gives them (a fresh dict, its
        mutable values copied)."""
        return {key: _copied(value) for key, value in self.items}


def _copied(value: Any) -> Any:
    """A copy of a ``dict`` or ``list`` value (``class_weight``,
    ``include``); any other value as it is (a ``random_state`` generator is
    the one the fit drew from, as scikit-learn keeps it)."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def snapshot_params(est: Any) -> FittedParams:
    """``est``'s parameters now, as a fit about to start reads them."""
    names = sorted(est._get_param_names())  # get_params' keys, read directly
    return FittedParams(tuple((k, _copied(getattr(est, k))) for k in names))


def record_fitted_params(est: Any, params: FittedParams | None = None) -> None:
    """Keep ``params`` (by default ``est``'s parameters now) as what the fit
    of ``est`` used; called once that fit has succeeded."""
    setattr(est, FITTED_PARAMS_ATTR, params or snapshot_params(est))


def fitted_param(model: Any, name: str, default: Any = None) -> Any:
    """The value of parameter ``name`` that ``model``'s fit used; a model
    without the record: its attribute ``name`` (or ``default``)."""
    record = vars(model).get(FITTED_PARAMS_ATTR) if hasattr(model, "__dict__") else None
    if isinstance(record, FittedParams):
        return record.get(name, default)
    return getattr(model, name, default)


def fitted_params(model: Any) -> dict[str, Any]:
    """Every parameter of ``model`` as its fit used it (``get_params()``'s
    keys); a model without the record: ``get_params()``."""
    record = vars(model).get(FITTED_PARAMS_ATTR)
    if isinstance(record, FittedParams):
        return record.as_dict()
    return dict(model.get_params())
