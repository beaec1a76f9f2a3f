"""Newton's classes written by hand instead of generated (cheaper to define
when a process first imports Newton, in its first fit): the zero start's
result (a plain class with slots where a ``NamedTuple`` was) and the
options' ``__repr__`` (the one a frozen dataclass generates)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logistic._objective import LogisticObjective
from logistic.solvers._options import LineSearchOptions
from logistic.solvers._zero_start import ZeroStart, zero_start
from logistic.solvers.newton import NewtonOptions


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
        "NewtonOptions(patience=25, max_backtracks=50, hessian_rows=7, start_rows=None)"
    )


def test_zero_start_holds_its_fields_and_no_others() -> None:
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40_000, 5))
    y = (X @ np.ones(5) + rng.standard_normal(40_000) > 0).astype(float)
    objective = LogisticObjective.from_arrays(X, y, l2=1e-3)
    objective.column_moments()  # the statistics pass every fit makes first
    got = zero_start(objective, np.zeros(objective.n_params))
    assert isinstance(got, ZeroStart)
    assert got.value == pytest.approx(np.log(2.0))
    assert got.grad.shape == (6,) and got.hessian.shape == (6, 6)
    assert got.scaling.shape == (6,) and got.sample.idx.size > 0
    lower = got.factor.lower
    scaled = got.hessian * np.outer(got.scaling, got.scaling)
    np.testing.assert_allclose(lower @ lower.T, scaled, rtol=1e-12, atol=1e-14)
    with pytest.raises(AttributeError):
        got.other = 1  # type: ignore[attr-defined]
