# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Tall dense fits before/after changes to their fixed costs, in one process.

"Before" is this code with changes switched off in the same process (so before
and after alternate under the same load). Two sets of changes:

* ``issue13`` (the first): X's finite check as the elementwise
  ``np.all(np.isfinite(X))``, labels through ``np.unique``, and no subsample
  start (:mod:`logistic.solvers.newton`);
* ``fixed`` (the default; each part also by its own name): ``fold``, X's
  finite check made by its own ``np.sum`` at validation instead of folded
  into the column statistics (``check_fit_data(defer_finite=False)``);
  ``consts``, Newton's earlier Hessian estimate from at least 50 000 rows
  (now 40 000); ``hessian`` (not in ``fixed``), the Hessian of every block
  by ``X ⊙ √d`` and BLAS ``syrk`` instead of the compiled row loop
  (``_kernels.FUSED_HESSIAN_MAX_FEATURES = 0``).

    python -m benchmarks.tall_ab solver_ab --datasets dense1m --reps 3 --variants auto,auto-before,sklearn:lbfgs
    python -m benchmarks.tall_ab estimator dense1m 4 [fixed|issue13|fold|consts|hessian]
    python -m benchmarks.tall_ab checks

``solver_ab``: :mod:`benchmarks.solver_ab` with more variants: ``auto-nostart``
and ``newton-nostart`` (no subsample start), ``auto-before`` and
``newton-before`` (``consts`` off; ``solver_ab`` passes a
backend, so no validation and no ``fold``). ``estimator``:
``LogisticRegression.fit(X, y)`` on the arrays (validation included; L2
alpha = 1/n, tol 1e-5), alternating. ``checks``: the finite check and the
label check alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import logistic._kernels as _kernels
import logistic._labels as _labels
import logistic._validation as _validation
import logistic.backends._dispatch as _dispatch
import logistic.solvers.newton as _newton

_NEW = (
    _validation._check_finite,
    _labels._two_numeric_labels,
    _newton.start_subsample_rows,
)


def _old_finite(data: Any, X: Any, names: Any) -> None:
    if np.all(np.isfinite(data)):  # the elementwise scan, then the same message
        return
    _NEW[0](data, X, names)


@contextmanager
def before(checks: bool = True, start: bool = True) -> Iterator[None]:
    """The replaced code: elementwise finite check, np.unique labels (``checks``),
    no subsample start (``start``)."""
    if checks:
        _validation._check_finite = _old_finite  # type: ignore[assignment]
        _labels._two_numeric_labels = lambda y: None  # type: ignore[assignment]
    if start:
        _newton.start_subsample_rows = lambda p: 1 << 62  # type: ignore[assignment]
    try:
        yield
    finally:
        (
            _validation._check_finite,
            _labels._two_numeric_labels,
            _newton.start_subsample_rows,
        ) = _NEW


def _checked_at_validation(*args: Any, **kwargs: Any) -> Any:
    kwargs["defer_finite"] = False
    return _validation.check_fit_data(*args, **kwargs)


#: Newton's constants before the ``consts`` change, by their names in newton.
OLD_CONSTS: dict[str, Any] = {
    "hessian_subsample_rows": lambda p: max(50_000, 50 * int(p)),
}

_FIXED = {
    "fold": [(_dispatch, "check_fit_data", _checked_at_validation)],
    "consts": [(_newton, name, value) for name, value in OLD_CONSTS.items()],
    # the Hessian of every block by X ⊙ √d and BLAS syrk, not the row loop
    "hessian": [(_kernels, "FUSED_HESSIAN_MAX_FEATURES", 0)],
}


@contextmanager
def before_fixed(parts: tuple[str, ...] = ("fold", "consts")) -> Iterator[None]:
    """The code before the ``fixed`` changes named in ``parts``."""
    saved = []
    for part in parts:
        for module, name, old in _FIXED[part]:
            saved.append((module, name, getattr(module, name)))
            setattr(module, name, old)
    try:
        yield
    finally:
        for module, name, new in reversed(saved):
            setattr(module, name, new)


def _solver_ab(argv: list[str]) -> None:
    import benchmarks.solver_ab as ab

    plain = ab.variants

    def nostart(fit: Callable[..., Any]) -> Callable[..., Any]:
        def f(X: Any, y: np.ndarray, tol: float) -> Any:
            with before(checks=False):
                return fit(X, y, tol)

        return f

    def fixed_off(fit: Callable[..., Any]) -> Callable[..., Any]:
        def f(X: Any, y: np.ndarray, tol: float) -> Any:
            with before_fixed(("consts",)):
                return fit(X, y, tol)

        return f

    def variants(X: Any, wanted: list[str] | None) -> dict[str, Any]:
        out = plain(X, None)
        for name in ("auto", "newton"):
            if name in out:
                out[f"{name}-nostart"] = nostart(out[name])
                out[f"{name}-before"] = fixed_off(out[name])
        return {k: v for k, v in out.items() if not wanted or k in wanted}

    ab.variants = variants  # type: ignore[assignment]
    ab.main(argv)


def _switch(which: str) -> Callable[[], Any]:
    """The context that switches on the "before" code of ``which``."""
    if which == "issue13":
        return before
    parts = ("fold", "consts") if which == "fixed" else tuple(which.split(","))
    return lambda: before_fixed(parts)


def _estimator(name: str, reps: int, which: str = "fixed") -> None:
    from logistic import LogisticRegression

    X = np.load(f"benchmarks/data/{name}.X.npy")
    y = np.load(f"benchmarks/data/{name}.y.npy")
    times: dict[str, list[float]] = {"before": [], "after": []}
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    switch = _switch(which)
    print("before =", which, "switched off; load", os.getloadavg())
    for r in range(reps):
        for label in ("before", "after") if r % 2 == 0 else ("after", "before"):
            model = LogisticRegression(
                penalty="l2", alpha=1 / X.shape[0], tol=1e-5, max_iter=100_000
            )
            with switch() if label == "before" else _nothing():
                t, c = time.perf_counter(), time.process_time()
                model.fit(X, y)
                times[label].append(time.perf_counter() - t)
                cpu[label].append(time.process_time() - c)
            print(
                f"{label:6} {times[label][-1]:.3f} s (CPU {cpu[label][-1]:.3f} s)  passes={model.n_passes_} n_iter={model.n_iter_[0]} objective={model.objective_:.12g}"
            )
    print("load", os.getloadavg())
    print("wall", {k: round(float(np.median(v)), 3) for k, v in times.items()})
    print("CPU (all threads)", {k: round(float(np.median(v)), 3) for k, v in cpu.items()})


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _checks() -> None:
    X = np.load("benchmarks/data/dense1m.X.npy")
    y = np.load("benchmarks/data/dense1m.y.npy")
    F, X32 = np.asfortranarray(X[:300_000]), X.astype(np.float32)
    cases = {
        "X finite, C float64 1M × 100": lambda: _validation.check_X(X),
        "X finite, C float32 1M × 100": lambda: _validation.check_X(X32),
        "X finite, F float64 300k × 100": lambda: _validation.check_X(F),
        "labels, 1M floats": lambda: _labels.check_y_binary(y),
    }
    print("load", os.getloadavg())
    print("| check | before (ms) | after (ms) |\n|---|---|---|")
    for name, call in cases.items():
        old, new = [], []
        for _ in range(7):
            with before(start=False):
                t = time.perf_counter()
                call()
                old.append(time.perf_counter() - t)
            t = time.perf_counter()
            call()
            new.append(time.perf_counter() - t)
        print(f"| {name} | {np.median(old) * 1e3:.0f} | {np.median(new) * 1e3:.0f} |")
    print("load", os.getloadavg())


def main(argv: list[str]) -> None:
    mode, rest = argv[0], argv[1:]
    if mode == "solver_ab":
        _solver_ab(rest)
    elif mode == "estimator":
        _estimator(
            rest[0] if rest else "dense1m",
            int(rest[1]) if len(rest) > 1 else 4,
            rest[2] if len(rest) > 2 else "fixed",
        )
    elif mode == "checks":
        _checks()
    else:
        raise SystemExit(f"unknown mode {mode!r}: solver_ab, estimator or checks")


if __name__ == "__main__":
    main(sys.argv[1:])
