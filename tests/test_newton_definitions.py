"""Newton's state and options classes, whose ``__init__`` (and the options'
``__repr__``) are written by hand (cheaper to define at a process's first
Newton fit than generated ones): the same parameters, defaults, repr and
behaviour as the dataclasses they declare."""

from __future__ import annotations

import dataclasses
import inspect
from types import SimpleNamespace

import numpy as np
import pytest

from logistic._numerics import MAX_BACKTRACKS, STALL_PATIENCE
from logistic.solvers._options import LineSearchOptions, parse_options
from logistic.solvers.newton import Newton, NewtonOptions, _NewtonState


def _init_defaults(cls: type) -> list[tuple[str, object]]:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return [(p.name, p.default) for p in params]


def _field_defaults(cls: type) -> list[tuple[str, object]]:
    return [(f.name, f.default) for f in dataclasses.fields(cls)]


def test_options_init_takes_the_fields_and_their_defaults() -> None:
    assert _init_defaults(NewtonOptions) == _field_defaults(NewtonOptions)
    base = LineSearchOptions()
    options = NewtonOptions()
    assert (options.patience, options.max_backtracks) == (
        base.patience,
        base.max_backtracks,
    )
    assert (options.patience, options.max_backtracks) == (
        STALL_PATIENCE,
        MAX_BACKTRACKS,
    )
    assert options.hessian_rows is None and options.start_rows is None


def test_options_repeat_the_line_search_fields() -> None:
    # NewtonOptions declares LineSearchOptions's fields itself (not a subclass)
    def described(cls: type) -> list[tuple[object, ...]]:
        return [
            (f.name, f.type, f.default, dict(f.metadata))
            for f in dataclasses.fields(cls)
        ]

    base = described(LineSearchOptions)
    assert described(NewtonOptions)[: len(base)] == base


def test_options_are_frozen_and_parsed() -> None:
    options = parse_options(
        "newton", NewtonOptions, {"hessian_rows": 7, "max_backtracks": 3}
    )
    assert (options.hessian_rows, options.max_backtracks, options.start_rows) == (
        7,
        3,
        None,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.start_rows = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del options.hessian_rows
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.other = 1  # type: ignore[attr-defined]
    assert "hessian_rows=7" in repr(options)


def test_state_init_takes_the_fields_in_order() -> None:
    init = _init_defaults(_NewtonState)
    fields = [f.name for f in dataclasses.fields(_NewtonState)]
    assert [name for name, _ in init] == fields
    state = _NewtonState(np.zeros(2), 1.0, np.ones(2), 0.5)
    assert state.step == 0.0 and state.stop == "" and state.hessian is None
    assert np.isnan(state.decrement) and np.isnan(state.prev_grad_max_norm)
    assert state.stale_hessian is None


def test_state_round_trips_through_its_dict() -> None:
    state = _NewtonState(
        np.array([1.0, -2.0]),
        0.3,
        np.array([0.1, 0.2]),
        0.2,
        step=0.5,
        decrement=0.01,
        hessian=np.eye(2),
        prev_grad_max_norm=0.4,
    )
    solver = Newton()
    values = solver.state_dict(state)
    assert {"theta", "value", "grad", "hessian", "decrement", "step"} <= set(values)
    fit = SimpleNamespace(objective=SimpleNamespace(n_params=2))  # the shapes' n
    again = solver.load_state(fit, values)  # type: ignore[arg-type]
    for name in values:
        np.testing.assert_array_equal(getattr(again, name), getattr(state, name))


def test_options_compare_and_hash_by_every_field() -> None:
    assert NewtonOptions(hessian_rows=7) == NewtonOptions(hessian_rows=7)
    assert hash(NewtonOptions(hessian_rows=7)) == hash(NewtonOptions(hessian_rows=7))
    assert NewtonOptions(hessian_rows=7) != NewtonOptions(hessian_rows=8)
    assert NewtonOptions(start_rows=0) != NewtonOptions()
    assert NewtonOptions(max_backtracks=3) != NewtonOptions()
    assert len({NewtonOptions(hessian_rows=7), NewtonOptions(hessian_rows=8)}) == 2
    assert NewtonOptions() != LineSearchOptions()
    assert NewtonOptions.__match_args__ == tuple(
        f.name for f in dataclasses.fields(NewtonOptions)
    )


def test_options_repr_is_the_generated_one() -> None:
    @dataclasses.dataclass(frozen=True)
    class Generated(LineSearchOptions):
        hessian_rows: int | None = None
        start_rows: int | None = None

    for kwargs in ({}, {"hessian_rows": 7}, {"start_rows": 0, "max_backtracks": 3}):
        written = repr(NewtonOptions(**kwargs))
        generated = repr(Generated(**kwargs))  # its qualified name is local
        assert written.partition("(")[1:] == generated.partition("(")[1:]
    assert repr(NewtonOptions(hessian_rows=7)) == (
        f"NewtonOptions(patience={STALL_PATIENCE}, max_backtracks={MAX_BACKTRACKS}, "
        "hessian_rows=7, start_rows=None)"
    )
