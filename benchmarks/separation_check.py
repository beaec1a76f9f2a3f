# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""The unpenalized fit's separation check against its fit, per dataset.

For each dataset: the default ``LogisticRegression().fit`` (best of
``--repeat``), the part of it spent in the separation check
(``_fit_steps.check_fit_separation``) and in each of its HiGHS programs
(``_separation_lp._linprog``, name of the calling program), and the kind of
separation reported, so that a change to the check shows as time and not as a
different verdict. Run::

    LOGISTIC_BENCH_DATA=/work/shared/data python -m benchmarks.separation_check [--repeat=3] [NAME ...]

Names: the real datasets of :mod:`benchmarks.datasets` (a9a, w8a, reuters,
credit-default, higgs, ijcnn1) and ``ucla`` (the bundled admissions data).
"""

from __future__ import annotations

import sys
import time
import warnings
from typing import Any

import numpy as np

NAMES = ["a9a", "w8a", "reuters", "credit-default", "higgs", "ijcnn1", "ucla"]


def _data(name: str) -> tuple[Any, np.ndarray]:
    if name == "ucla":
        from logistic.datasets import load_ucla_admissions

        X, y, _ = load_ucla_admissions()
        return X, y
    from benchmarks.datasets import load

    return load(name)


def run(name: str, repeat: int = 3) -> dict[str, Any]:
    import logistic._separation_lp as lp
    import logistic.estimator as steps  # where the fit calls the check
    from logistic import LogisticRegression

    X, y = _data(name)
    spent: dict[str, float] = {}
    lps: list[tuple[str, float]] = []
    check, linprog = steps.check_fit_separation, lp._linprog

    def timed_check(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return check(*a, **k)
        finally:
            spent["check"] = spent.get("check", 0.0) + time.perf_counter() - t

    def timed_linprog(*a: Any, **k: Any) -> Any:
        caller = sys._getframe(1).f_code.co_name
        t = time.perf_counter()
        try:
            return linprog(*a, **k)
        finally:
            lps.append((caller, time.perf_counter() - t))

    best: dict[str, Any] | None = None
    steps.check_fit_separation, lp._linprog = timed_check, timed_linprog
    try:
        for _ in range(repeat):
            spent.clear()
            lps.clear()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                t = time.perf_counter()
                est = LogisticRegression().fit(X, y)
                total = time.perf_counter() - t
            row = {
                "total": total,
                "check": spent.get("check", 0.0),
                "lps": list(lps),
                "separation": getattr(est, "separation_", None),
                "warning": next(
                    (
                        str(w.message)[:64]
                        for w in caught
                        if w.category.__name__ == "PerfectSeparationWarning"
                    ),
                    "",
                ),
            }
            if best is None or total < best["total"]:
                best = row
    finally:
        steps.check_fit_separation, lp._linprog = check, linprog
    assert best is not None
    return best


def main(argv: list[str]) -> None:
    repeat = 3
    if argv and argv[0].startswith("--repeat="):
        repeat, argv = int(argv[0].split("=", 1)[1]), argv[1:]
    for name in argv or NAMES:
        r = run(name, repeat)
        lps = ", ".join(f"{c.lstrip('_')} {s:.2f}" for c, s in r["lps"]) or "none"
        print(
            f"{name:15s} fit {r['total']:6.2f} s  check {r['check']:6.2f} s  LPs: {lps}  "
            f"separation={r['separation']!r}  {r['warning']}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
