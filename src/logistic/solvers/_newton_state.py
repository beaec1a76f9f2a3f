"""Newton's state (the loop's iterate, a checkpoint's ``state``) and the
checks of a checkpointed one.

Convention (owned here). A checkpoint's state is read as written by an
attacker: :func:`checked_values` accepts it only with every field
:class:`_NewtonState` declares, ``sampling`` and ``hessian_estimated``
booleans (``type(v) is bool``), ``value``, ``grad_max_norm``, ``step``,
``decrement`` and ``prev_grad_max_norm`` floats (as the checkpoint writes
them), ``stop`` a string, ``theta`` and ``grad`` float arrays of shape
``(n_params,)`` and ``hessian`` and ``stale_hessian`` of shape
``(n_params, n_params)`` or None; else :class:`~logistic.IntegrityError`
names the field, what it holds and what is expected. Fields added after
checkpoints were first written have defaults (:data:`STATE_DEFAULTS`) that
are right for the checkpoints written without them: such a fit never
estimated a Hessian after its start, kept no stale Hessian and measured no
previous gradient norm (NaN, as :class:`_NewtonState` starts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import IntegrityError
from .._linalg import Cholesky
from .._typing import FloatArray
from ._newton_rows import HessianSample

__all__ = ["STATE_DEFAULTS", "checked_values"]

#: Values of the fields that checkpoints written before them lack.
STATE_DEFAULTS: dict[str, Any] = {
    "sampling": False,
    "hessian_estimated": False,
    "stale_hessian": None,
    "prev_grad_max_norm": float("nan"),
}


@dataclass(init=False, eq=False, repr=False, match_args=False)
class _NewtonState:
    """A Newton iterate: its point, value, gradient and step (the loop's state;
    a dataclass for checkpoints, whose fields :mod:`._iterative` reads). Slots,
    this docstring and a written ``__init__`` (states are never compared,
    printed or matched) leave dataclasses nothing to generate: defining the
    class at the first Newton fit costs ~0.06 ms instead of ~0.19 (dataclasses
    otherwise compiles ``__init__`` from source, and derives a docstring
    through ``inspect.signature`` where there is none). ``rows``, the
    sampled rows of a fit that estimates Hessians (:mod:`._newton_rows`), is
    a slot but no field: a checkpoint holds ``sampling`` and
    :meth:`Newton.load_state` chooses the same rows again; so is ``factored``,
    the last Cholesky factor of the fit (:meth:`Newton._factor`), which a
    later step with the same Hessian reuses."""

    __slots__ = (
        "theta",
        "value",
        "grad",
        "grad_max_norm",
        "step",
        "decrement",
        "stop",
        "hessian",
        "prev_grad_max_norm",
        "stale_hessian",
        "sampling",
        "hessian_estimated",
        "rows",
        "factored",
    )

    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    step: float
    decrement: float
    stop: str
    hessian: FloatArray | None
    prev_grad_max_norm: float
    #: The Hessian the step to this state used, kept when that step skipped
    #: the Hessian at its trial point (a predicted last step).
    stale_hessian: FloatArray | None
    #: Whether the steps may still estimate the Hessian at their trial
    #: points from the zero start's rows (:mod:`._newton_rows`).
    sampling: bool
    #: Whether ``hessian`` is such an estimate (the zero start's or a trial
    #: point's).
    hessian_estimated: bool

    def __init__(
        self,
        theta: FloatArray,
        value: float,
        grad: FloatArray,
        grad_max_norm: float,
        step: float = 0.0,
        decrement: float = float("nan"),
        stop: str = "",
        hessian: FloatArray | None = None,
        prev_grad_max_norm: float = float("nan"),
        stale_hessian: FloatArray | None = None,
        sampling: bool = False,
        hessian_estimated: bool = False,
    ) -> None:
        self.theta = theta
        self.value = value
        self.grad = grad
        self.grad_max_norm = grad_max_norm
        self.step = step
        self.decrement = decrement
        self.stop = stop
        self.hessian = hessian
        self.prev_grad_max_norm = prev_grad_max_norm
        self.stale_hessian = stale_hessian
        self.sampling = sampling
        self.hessian_estimated = hessian_estimated
        self.rows: HessianSample | None = None
        #: The last factored Hessian, its Jacobi scaling and the Cholesky
        #: factor of the scaled matrix (held by identity of the Hessian).
        self.factored: tuple[FloatArray, FloatArray, Cholesky] | None = None


def checked_values(values: dict[str, Any], n_params: int) -> dict[str, Any]:
    """``values`` (a checkpoint's state, :data:`STATE_DEFAULTS` filled in)
    when its fields have the types and shapes above; else
    :class:`~logistic.IntegrityError` naming the first field that does not."""
    for name in ("sampling", "hessian_estimated"):
        _expect(type(values[name]) is bool, name, values[name], "true or false")
    for name in _FLOATS:
        _expect(type(values[name]) is float, name, values[name], "a float")
    _expect(type(values["stop"]) is str, "stop", values["stop"], "a string")
    for name, shape, optional in (
        ("theta", (n_params,), False),
        ("grad", (n_params,), False),
        ("hessian", (n_params, n_params), True),
        ("stale_hessian", (n_params, n_params), True),
    ):
        v = values[name]
        ok = (optional and v is None) or (
            isinstance(v, np.ndarray) and v.dtype == np.float64 and v.shape == shape
        )
        expected = f"a float array of shape {shape}" + (" or null" if optional else "")
        _expect(ok, name, v, expected)
    return values


#: The state's scalar fields written as floats.
_FLOATS = ("value", "grad_max_norm", "step", "decrement", "prev_grad_max_norm")


def _expect(ok: bool, name: str, value: Any, expected: str) -> None:
    if ok:
        return
    if isinstance(value, np.ndarray):
        got = f"an array of shape {value.shape} and dtype {value.dtype}"
    else:
        text = repr(value)
        got = f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
    raise IntegrityError(
        f"checkpoint state field {name!r}: received {got}, expected {expected}"
    )
