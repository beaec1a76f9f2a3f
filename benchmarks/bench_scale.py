"""Scaling benchmark: in-memory vs out-of-core (Parquet) vs Dask (1 and 2 workers).

For the suite's ``dense1m`` (1,000,000 × 100 float64, seeded; see
``benchmarks/datasets.py``) and the suite's L2 problem (scikit-learn's C = 1),
it reports per backend and solver: total fit time, iterations, passes over the
data, time per iteration and per pass, rows/s, peak memory, the objective gap
and coefficient difference to the in-memory fit, and, for Dask, the bytes that
travel per iteration (coefficients out in every task, partial sums back).

* in-memory: ``LogisticRegression.fit`` on the arrays' ``InMemory`` backend,
  in this process.
* out-of-core: a fresh subprocess streams ``benchmarks/data/<name>.parquet/``
  without the row cache (``parquet``), writing it (``parquet-cold``) or
  mapping the cache an earlier fit wrote (``parquet-cached``; the cache lives
  in ``benchmarks/data/row-cache/``), or the same with the cache's files
  dropped from the page cache first (``parquet-evicted``: as after the
  system's reclaim paged them out, e.g. DAMON's, which here pages out file
  pages left untouched for about a minute; the fit reads them back from
  disk, into memory that this VM's balloon has meanwhile handed back to the
  host, which costs more than the disk: ``benchmarks/page_return.py``),
  under an address-space cap (``RLIMIT_AS``) of ``--cap-mb`` above its
  post-warm-up size; the data are ≥ 3 × the cap (the big version of
  ``tests/test_out_of_core_memory.py``).
* Dask: a ``LocalCluster`` with 1 or 2 worker processes (1 thread each),
  warmed up by a 2-iteration fit of the small warm-up file, loads
  one partition per Parquet file inside tasks and persists it; the fit then
  makes one compute per evaluation: one direct call to each worker (``dask2``:
  the library's default on a cluster the client reaches) or one task per
  partition (``dask2:partition``).

Every mode makes one untimed 2-iteration fit of the data's first 5,000 rows
(the warm-up file's rows) in the process that fits before its timing (the
in-memory fit too), and reports the fit's CPU seconds (all its threads; for
Dask, client, scheduler and workers: less sensitive than wall time to other
load on the machine). Out-of-core rows also report what share of the row
cache's files was in the page cache when the fit began and how many MiB the
fit read from disk (``/proc/self/io``): a cache paged out since its last use
is read back during the first pass, at the disk's speed (each pass's
seconds are in the JSON results, ``pass_s``).

Usage::

    python -m benchmarks.bench_scale                  # dense1m, newton and lbfgs
    python -m benchmarks.bench_scale --dataset small-200000-20 --solvers newton

Data go to ``benchmarks/data/`` (git-ignored, regenerated from seeds); results
to ``benchmarks/results/scale-<dataset>.json`` and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import datasets
from benchmarks._page_cache import drop_page_cache
from logistic import LogisticRegression
from logistic._objective import block_value_grad
from logistic.backends import Dask, as_backend

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
FILE_ROWS = 50_000
ROW_GROUP = 16_384
#: Rows of the warm-up fit every mode makes before its timing (the warm-up file's).
WARM_ROWS = 5000

CHILD = r"""
import json, os, resource, sys, time, warnings
import numpy as np
from logistic import LogisticRegression, ConvergenceWarning
from logistic.backends import as_backend

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

def disk_read():  # bytes this process has read from storage so far (Linux), else 0
    try:
        for line in open("/proc/self/io"):
            if line.startswith("read_bytes"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

def cache_resident(folder):  # share of the row cache's files in the page cache
    from logistic import _libc
    if folder is None:
        return None
    cached = total = 0
    for f in folder.glob("*.bin"):
        fd = os.open(f, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            pages = _libc.cached_pages(fd, 0, size) if size else 0
        finally:
            os.close(fd)
        if pages is None:
            return None
        cached, total = cached + pages, total + -(-size // 4096)
    return cached / total if total else None

path, warm, cap_mb, solver, data_bytes, cache_dir = sys.argv[1:7]
from logistic.backends.chunked import Chunked
cache = dict(cache=False) if cache_dir == "off" else dict(cache_dir=cache_dir)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    LogisticRegression(penalty="l2", C=1.0, solver=solver, max_iter=2).fit(
        Chunked.from_parquet(warm, target="y", **cache), None)
rss0 = status("VmRSS")
cap = status("VmSize") + int(cap_mb) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
t0 = time.perf_counter()
backend = Chunked.from_parquet(path, target="y", **cache)
scan_s = time.perf_counter() - t0
resident = cache_resident(backend.cache_path)
pass_s = []
backend.progress = lambda record: pass_s.append(record["seconds"])
read0, cpu0 = disk_read(), sum(os.times()[:2])
t1 = time.perf_counter()
model = LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(backend, None)
t2 = time.perf_counter()
cpu_s, read_mib = sum(os.times()[:2]) - cpu0, (disk_read() - read0) / 2**20
try:
    np.ones(int(data_bytes) // 8)
    bites = False
except MemoryError:
    bites = True
print(json.dumps({"scan_s": scan_s, "fit_s": t2 - t1, "n_iter": int(model.n_iter_[0]),
                  "passes": backend.n_passes, "objective": model.objective_,
                  "coef": model.coef_.ravel().tolist(),
                  "intercept": float(model.intercept_[0]),
                  "rss_peak_mb": status("VmHWM") / 2**20, "rss_base_mb": rss0 / 2**20,
                  "cap_mb": int(cap_mb), "cap_bites": bites, "cpu_s": cpu_s,
                  "cache_resident": resident, "disk_read_mib": read_mib,
                  "pass_s": pass_s}))
"""


def write_parquet(name: str) -> tuple[Path, Path, int]:
    """``benchmarks/data/<name>.parquet/part-NNN.parquet`` and a tiny warm-up file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = datasets.DATA_DIR / f"{name}.parquet"
    warm = datasets.DATA_DIR / f"{name}.warm.parquet"
    X, y = datasets.load(name)
    n, p = X.shape
    if not (root / "_SUCCESS_v2").exists():
        root.mkdir(parents=True, exist_ok=True)
        for k, start in enumerate(range(0, n, FILE_ROWS)):
            sl = slice(start, start + FILE_ROWS)
            cols = {f"x{j}": np.ascontiguousarray(X[sl, j]) for j in range(p)}
            pq.write_table(
                pa.table({**cols, "y": y[sl]}),
                root / f"part-{k:03d}.parquet",
                row_group_size=ROW_GROUP,
                compression="none",
                use_dictionary=False,  # random floats: dictionary pages only cost
            )
        cols = {f"x{j}": np.ascontiguousarray(X[:WARM_ROWS, j]) for j in range(p)}
        pq.write_table(pa.table({**cols, "y": y[:WARM_ROWS]}), warm)
        (root / "_SUCCESS_v2").write_text("ok\n")
    return root, warm, X.nbytes


def run_memory(name: str, solver: str) -> dict[str, Any]:
    """The in-memory fit in this process, after the warm-up every mode makes:
    a 2-iteration fit of the first :data:`WARM_ROWS` rows (the warm-up
    file's rows)."""
    import warnings

    from logistic import ConvergenceWarning

    X, y = datasets.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        LogisticRegression(penalty="l2", C=1.0, solver=solver, max_iter=2).fit(
            X[:WARM_ROWS], y[:WARM_ROWS]
        )
    backend = as_backend(X, y)  # validation happens here, outside the timing
    c0 = _cpu_seconds()
    t0 = time.perf_counter()
    model = LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(backend, None)
    dt = time.perf_counter() - t0
    cpu = _cpu_seconds() - c0
    return {
        "backend": "in-memory",
        "solver": solver,
        "fit_s": dt,
        "cpu_s": cpu,
        "scan_s": 0.0,
        "n_iter": int(model.n_iter_[0]),
        "passes": int(model.n_passes_) + 1,
        "objective": model.objective_,
        "coef": model.coef_.ravel().tolist(),
        "intercept": float(model.intercept_[0]),
        "rows": X.shape[0],
        "rss_peak_mb": float("nan"),
    }


def run_parquet(
    root: Path, warm: Path, data_bytes: int, solver: str, cap_mb: int, cache: str
) -> dict[str, Any]:
    """One out-of-core fit in a fresh process; ``cache``: ``off`` (decode the
    Parquet files on every pass), ``cold`` (an empty row cache: the scan writes
    it), ``warm`` (the row cache of an earlier fit is mapped; no decoding) or
    ``evicted`` (that cache's files dropped from the page cache first)."""
    import shutil

    env = dict(os.environ, ARROW_DEFAULT_MEMORY_POOL="system", MALLOC_ARENA_MAX="2")
    cache_dir = datasets.DATA_DIR / "row-cache"
    if cache == "cold":
        shutil.rmtree(cache_dir, ignore_errors=True)
    if cache == "evicted":
        drop_page_cache(cache_dir, "*/*.bin")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(root),
            str(warm),
            str(cap_mb),
            solver,
            str(data_bytes),
            "off" if cache == "off" else str(cache_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT.parent,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    label = {
        "off": "no cache",
        "cold": "cache written",
        "warm": "cached",
        "evicted": "cached, paged out",
    }[cache]
    res.update(backend=f"out-of-core Parquet, {label} (cap {cap_mb} MB)", solver=solver)
    return res




def warm_dask(client: Any, warm: Path, solver: str) -> None:
    """A 2-iteration fit of the small warm-up file on ``client``'s workers, as
    the out-of-core child makes one before its timing: the workers import
    the objective and load the compiled kernel (0.3-0.7 s) outside the fit."""
    import warnings

    from logistic import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        LogisticRegression(penalty="l2", C=1.0, solver=solver, max_iter=2).fit(
            Dask.from_parquet(warm, target="y", client=client), None
        )


def _local_cluster(n_workers: int) -> Any:
    """A local Dask cluster of ``n_workers`` single-threaded worker processes."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    )


def run_dask(
    root: Path, warm: Path, solver: str, n_workers: int, by_worker: bool = True
) -> dict[str, Any]:
    """One fit on a new LocalCluster, warmed up first (:func:`warm_dask`);
    ``by_worker=False``: one task per partition and pass instead of one per
    worker (``Dask.group_by_worker``)."""
    from distributed import Client

    with (
        _local_cluster(n_workers) as cluster,
        Client(cluster) as client,
    ):
        warm_dask(client, warm, solver)
        t0 = time.perf_counter()
        backend = Dask.from_parquet(root, target="y", client=client, persist=True)
        backend.group_by_worker = by_worker
        c1 = _cpu_seconds(client)
        t1 = time.perf_counter()
        model = LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(
            backend, None
        )
        t2 = time.perf_counter()
        cpu = _cpu_seconds(client) - c1
        p = backend.n_features
        task_bytes = len(pickle.dumps(partial(block_value_grad, w=np.zeros(p), b=0.0)))
        return {
            "backend": f"Dask, {n_workers} worker{'s' * (n_workers > 1)}"
            + ("" if by_worker else ", task per partition"),
            "solver": solver,
            "scan_s": t1 - t0,
            "fit_s": t2 - t1,
            "cpu_s": cpu,
            "n_iter": int(model.n_iter_[0]),
            "passes": backend.n_passes,
            "objective": model.objective_,
            "coef": model.coef_.ravel().tolist(),
            "intercept": float(model.intercept_[0]),
            "down_bytes_per_pass": backend.bytes_to_client / backend.n_passes,
            "up_bytes_per_pass": task_bytes * backend.tasks_per_pass,
            "n_partitions": backend.n_partitions,
            "tasks_per_pass": backend.tasks_per_pass,
            "rss_peak_mb": float("nan"),
        }


def _cpu_seconds(client: Any = None) -> float:
    """User + system CPU seconds of this process (with a LocalCluster's
    scheduler) and, given a client, of its worker processes."""
    total = sum(os.times()[:2])
    if client is not None:
        total += sum(client.run(lambda: sum(os.times()[:2])).values())
    return total


def run_dask_ab(name: str, root: Path, warm: Path, solver: str, rounds: int) -> str:
    """Fit times on one 2-worker LocalCluster (partitions persisted once),
    alternating direct calls to each worker (``direct``), one task per worker
    (``worker``), one task per partition and the in-memory fit ``rounds``
    times; their medians and the median ratios to in-memory,
    and the median CPU seconds of each fit (client, scheduler and workers:
    less sensitive than wall time to other load on the machine)."""
    from distributed import Client

    X, y = datasets.load(name)
    memory = as_backend(X, y)
    modes = ("direct", "worker", "partition", "memory")
    times: dict[str, list[float]] = {k: [] for k in modes}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    coefs: dict[str, np.ndarray] = {}
    with (
        _local_cluster(2) as cluster,
        Client(cluster) as client,
    ):
        warm_dask(client, warm, solver)
        backend = Dask.from_parquet(root, target="y", client=client, persist=True)
        for _ in range(rounds):
            for mode in times:
                data = memory if mode == "memory" else backend
                backend.group_by_worker = mode in ("direct", "worker")
                backend.direct_calls = mode == "direct"
                c0 = _cpu_seconds(None if mode == "memory" else client)
                t0 = time.perf_counter()
                model = LogisticRegression(penalty="l2", C=1.0, solver=solver)
                model.fit(data, None)
                times[mode].append(time.perf_counter() - t0)
                c1 = _cpu_seconds(None if mode == "memory" else client)
                cpu[mode].append(c1 - c0)
                coefs[mode] = model.coef_
    same = all(np.array_equal(coefs[k], coefs["partition"]) for k in modes[:2])
    med = {k: round(float(np.median(v)), 3) for k, v in times.items()}
    med_cpu = {k: round(float(np.median(v)), 3) for k, v in cpu.items()}
    ratio = {
        k: round(float(np.median(np.divide(times[k], times["memory"]))), 3)
        for k in modes[:3]
    }
    return (
        f"dask2 A/B, {rounds} rounds, {solver}: median fit s {med}; median ratio "
        f"to in-memory {ratio}; median CPU s a fit {med_cpu}; "
        f"direct, task per worker and per partition bitwise equal "
        f"coefficients: {same}; load average {os.getloadavg()}"
    )


def table(rows: list[dict[str, Any]], n: int) -> str:
    """The Markdown table; each row's ratio is to the in-memory fit of its
    solver run last before it (the first one for rows before any), so that
    repeated modes (``memory parquet-cached memory parquet-cached``) give
    one ratio per alternating pair."""
    ref = {}
    for r in rows:  # the first in-memory fit of each solver
        if r["backend"] == "in-memory":
            ref.setdefault(r["solver"], r)
    lines = [
        "| backend | solver | scan s | fit s | iters | passes | s/iter | s/pass | "
        "rows/s | × in-memory | CPU s | obj. gap | max Δcoef | comm./iter | "
        "peak RSS MiB | cache resident, disk read |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r["backend"] == "in-memory":
            ref[r["solver"]] = r
        base = ref.get(r["solver"])
        gap = abs(r["objective"] - base["objective"]) / base["objective"] if base else 0
        dcoef = np.max(np.abs(np.subtract(r["coef"], base["coef"]))) if base else 0
        ratio = r["fit_s"] / base["fit_s"] if base else 1.0
        comm = "—"
        if "down_bytes_per_pass" in r:
            per_iter = r["passes"] / max(r["n_iter"], 1)
            kib = (r["down_bytes_per_pass"] + r["up_bytes_per_pass"]) * per_iter / 1024
            tasks = r.get("tasks_per_pass", r["n_partitions"])
            comm = f"{kib:.0f} KiB ({r['n_partitions']} parts, {tasks} tasks)"
        rss = "—"
        if not np.isnan(r.get("rss_peak_mb", np.nan)):
            rss = f"{r['rss_peak_mb']:.0f} (base {r['rss_base_mb']:.0f})"
        disk = "—"
        if r.get("cache_resident") is not None:
            disk = f"{r['cache_resident']:.0%}, {r['disk_read_mib']:.0f} MiB"
        cpu = f"{r['cpu_s']:.1f}" if "cpu_s" in r else "—"
        lines.append(
            f"| {r['backend']} | {r['solver']} | {r.get('scan_s', 0):.1f} | "
            f"{r['fit_s']:.1f} | {r['n_iter']} | "
            f"{r['passes']} | {r['fit_s'] / max(r['n_iter'], 1):.2f} | "
            f"{r['fit_s'] / r['passes']:.2f} | {n * r['passes'] / r['fit_s']:.3g} | "
            f"{ratio:.2f} | {cpu} | {gap:.1e} | {dcoef:.1e} | {comm} | {rss} | "
            f"{disk} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="dense1m")
    ap.add_argument("--solvers", nargs="+", default=["newton", "lbfgs"])
    ap.add_argument(
        "--modes",
        nargs="+",
        default=["memory", "parquet", "dask1", "dask2"],
        help="memory, parquet (no row cache), parquet-cold (the fit writes the "
        "row cache), parquet-cached (an earlier fit's cache), parquet-evicted "
        "(that cache dropped from the page cache first), dask1, dask2 (one "
        "task per worker and pass), dask2:partition (one task per partition); "
        "a mode may repeat (alternating runs)",
    )
    ap.add_argument("--cap-mb", type=int, default=256)
    ap.add_argument(
        "--dask-ab",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="instead of --modes: on one 2-worker cluster, alternate fits with "
        "direct calls to each worker, one task per worker, one per partition and "
        "in memory ROUNDS times",
    )
    ap.add_argument(
        "--table",
        action="store_true",
        help="print the table of the last saved run and exit",
    )
    args = ap.parse_args(argv)
    if args.table:
        saved = json.loads((RESULTS / f"scale-{args.dataset}.json").read_text())
        print(json.dumps(saved["meta"]))
        print(table(saved["rows"], saved["meta"]["n_rows"]))
        return
    root, warm, data_bytes = write_parquet(args.dataset)
    if args.dask_ab:
        for solver in args.solvers:
            line = run_dask_ab(args.dataset, root, warm, solver, args.dask_ab)
            print(line, flush=True)
        return
    n = datasets.load(args.dataset)[0].shape[0]
    rows = []
    for solver in args.solvers:
        for mode in args.modes:
            t0 = time.perf_counter()
            if mode == "memory":
                r = run_memory(args.dataset, solver)
            elif mode.startswith("parquet"):
                cache = {
                    "parquet": "off",
                    "parquet-cold": "cold",
                    "parquet-evicted": "evicted",
                }.get(mode, "warm")
                r = run_parquet(root, warm, data_bytes, solver, args.cap_mb, cache)
            else:  # dask1, dask2, dask2:partition (one task per partition)
                workers, _, tasks = mode.removeprefix("dask").partition(":")
                r = run_dask(root, warm, solver, int(workers), tasks != "partition")
            print(f"# {mode} {solver}: {time.perf_counter() - t0:.1f} s", flush=True)
            rows.append(r)
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "dataset": args.dataset,
        "n_rows": n,
        "data_bytes": data_bytes,
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, {platform.python_version()}",
        "command": "python -m benchmarks.bench_scale " + " ".join(argv or sys.argv[1:]),
    }
    (RESULTS / f"scale-{args.dataset}.json").write_text(
        json.dumps({"meta": meta, "rows": rows}, indent=1)
    )
    print(json.dumps(meta))
    print(table(rows, n))


if __name__ == "__main__":
    main()
