"""Where a Dask fit's wall time goes: a timeline of one dense1m fit.

On a 2-worker ``LocalCluster`` (1 thread each; dense1m's Parquet files
persisted, as :mod:`benchmarks.bench_scale` runs ``dask2``), one fit
(``auto``, L2, C = 1) is timed with the client's steps wrapped in timers
(the statistics pass, the subsample start's gather, each pass: the
visit to the client's event loop that asks where the partitions are and
calls each worker directly, each call on the loop and the wait for them,
or, as group tasks, the submit, the wait, the fetch on the loop; the fold
on the client), the workers' task stream (each task's compute interval on
its worker) and each direct call's reduce on its worker, all on one clock
(``time.time``: client and workers share the machine). Prints, relative
to the fit's start, one line per step and per worker task, then the totals
by kind: the solver's own work on the client is what is left between
passes.

Usage::

    python -m benchmarks.dask_timeline [--fits 3]
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections.abc import Callable
from typing import Any

from benchmarks.bench_scale import _local_cluster, warm_dask, write_parquet
from logistic import LogisticRegression
from logistic.backends import Dask
from logistic.backends import _dask_direct as direct
from logistic.backends import _dask_faults as faults
from logistic.backends import _dask_fetch as fetch
from logistic.backends import _dask_gather as gather
from logistic.backends import _dask_groups_pass as groups_pass
from logistic.backends import dask as dask_backend

EVENTS: list[tuple[str, float, float]] = []


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.time()
        try:
            return fn(*args, **kwargs)
        finally:
            EVENTS.append((name, t0, time.time()))

    return wrapper


def _timed_async(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.time()
        try:
            return await fn(*args, **kwargs)
        finally:
            EVENTS.append((name, t0, time.time()))

    return wrapper


def _fn_name(fn: Any) -> str:
    inner = getattr(fn, "func", fn)
    return str(getattr(inner, "__name__", type(inner).__name__))


def instrument() -> None:
    """Wrap the client-side steps of an evaluation in timers."""
    original_map = Dask._map

    def _map(self: Any, fn: Any, first: Any) -> Any:
        t0 = time.time()
        try:
            return original_map(self, fn, first)
        finally:
            EVENTS.append((f"pass {_fn_name(fn)}", t0, time.time()))

    Dask._map = _map  # type: ignore[method-assign]
    run = faults.ClusterRun
    run._submit_calls = _timed("  plan+submit", run._submit_calls)  # type: ignore[method-assign]
    run._submit = _timed("  submit (per partition)", run._submit)  # type: ignore[method-assign]
    run._wait = _timed("  wait", run._wait)  # type: ignore[method-assign]
    run._gather = _timed("  fetch (from this thread)", run._gather)  # type: ignore[method-assign]
    groups_pass.worker_groups_on_loop = _timed_async(
        "    who_has (on the loop)", groups_pass.worker_groups_on_loop
    )
    fetch.EarlyFetch._fetch = _timed_async(  # type: ignore[method-assign]
        "    fetch (on the loop)", fetch.EarlyFetch._fetch
    )
    direct.compute_direct = _timed("  direct calls", direct.compute_direct)
    direct._call = _timed_async("    direct call (on the loop)", direct._call)
    run.wait_calls = _timed("    wait (direct calls)", run.wait_calls)  # type: ignore[method-assign]
    dask_backend.gather_blocks = _timed("start gather", dask_backend.gather_blocks)
    gather._compute = _timed("  gather compute+fetch", gather._compute)


def time_direct_reduce() -> None:
    """On a worker (``client.run``): record the interval of each direct
    call's reduce (``partitions_reduce`` on the worker's thread)."""
    if hasattr(direct, "timeline_log"):
        return
    log: list[tuple[float, float]] = []
    inner = direct.partitions_reduce

    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.time()
        try:
            return inner(*args, **kwargs)
        finally:
            log.append((t0, time.time()))

    setattr(direct, "partitions_reduce", timed)  # noqa: B010 - a worker's module
    setattr(direct, "timeline_log", log)  # noqa: B010


def direct_reduce_log() -> list[tuple[float, float]]:
    """On a worker: the intervals :func:`time_direct_reduce` recorded, cleared."""
    log = getattr(direct, "timeline_log", [])
    out = list(log)
    log.clear()
    return out


def _direct_events(client: Any, t0: float) -> list[tuple[str, float, float]]:
    return [
        (f"    worker {w.rsplit(':', 1)[-1]} direct reduce", a - t0, b - t0)
        for w, log in client.run(direct_reduce_log).items()
        for a, b in log
    ]


def one_fit(client: Any, backend: Dask) -> tuple[float, list[tuple[str, float, float]]]:
    from distributed import get_task_stream

    EVENTS.clear()
    with get_task_stream(client=client) as ts:
        t0 = time.time()
        LogisticRegression(penalty="l2", C=1.0).fit(backend, None)
        t1 = time.time()
    events = [(n, a - t0, b - t0) for n, a, b in EVENTS]
    for task in ts.data:
        for ss in task.get("startstops", ()):
            worker = task.get("worker", "?").rsplit(":", 1)[-1]
            name = f"    worker {worker} {ss['action']} {task['key'][0][:22]}"
            events.append((name, ss["start"] - t0, ss["stop"] - t0))
    events += _direct_events(client, t0)
    return t1 - t0, sorted(events, key=lambda e: e[1])


def noop_passes(client: Any, backend: Dask, passes: int) -> None:
    """Timelines of ``passes`` passes that do no arithmetic, one line each."""
    from distributed import get_task_stream

    from benchmarks.dask_pass_ab import _shaped_sums

    for _ in range(3):
        backend.map_reduce_indexed(_shaped_sums)
    for _ in range(passes):
        EVENTS.clear()
        with get_task_stream(client=client) as ts:
            t0 = time.time()
            backend.map_reduce_indexed(_shaped_sums)
            t1 = time.time()
        events = [(n.strip(), a - t0, b - t0) for n, a, b in EVENTS]
        for task in ts.data:
            for ss in task.get("startstops", ()):
                worker = task.get("worker", "?").rsplit(":", 1)[-1]
                name = f"{worker} {ss['action']}"
                events.append((name, ss["start"] - t0, ss["stop"] - t0))
        events += [(n.strip(), a, b) for n, a, b in _direct_events(client, t0)]
        line = "; ".join(
            f"{n} {a * 1e3:.1f}-{b * 1e3:.1f}"
            for n, a, b in sorted(events, key=lambda e: e[1])
        )
        print(f"{(t1 - t0) * 1e3:5.1f} ms: {line}")
        time.sleep(0.002)  # a solver step between passes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=3)
    parser.add_argument(
        "--noop",
        type=int,
        default=0,
        metavar="PASSES",
        help="instead of fits: PASSES passes of a function that does no "
        "arithmetic and returns Newton-shaped sums (the framework's cost)",
    )
    args = parser.parse_args()
    root, warm, _ = write_parquet("dense1m")
    instrument()
    from distributed import Client

    with _local_cluster(2) as cluster, Client(cluster) as client:
        warm_dask(client, warm, "auto")
        client.run(time_direct_reduce)
        backend = Dask.from_parquet(root, target="y", client=client, persist=True)
        if args.noop:
            noop_passes(client, backend, args.noop)
        for k in range(0 if args.noop else args.fits):
            fit_s, events = one_fit(client, backend)
            print(f"\n== fit {k}: {fit_s * 1e3:.0f} ms")
            for name, a, b in events:
                print(f"{a * 1e3:8.1f} {b * 1e3:8.1f} {(b - a) * 1e3:7.1f}  {name}")
            totals: dict[str, float] = {}
            for name, a, b in events:
                kind = name.strip().split(" ")[0] if "worker" not in name else name[:30]
                key = name.strip() if name.startswith("pass") else kind
                totals[key] = totals.get(key, 0.0) + (b - a)
            passes = sum(b - a for n, a, b in events if n.startswith("pass"))
            starts = sum(b - a for n, a, b in events if n.startswith("start"))
            print(
                f"passes {passes * 1e3:.0f} ms, start gather {starts * 1e3:.0f} ms, "
                f"rest (client solver work) {(fit_s - passes - starts) * 1e3:.0f} ms"
            )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
