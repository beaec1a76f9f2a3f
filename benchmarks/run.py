# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""Benchmark suite: time to a 1e-8 objective gap, ours against scikit-learn and glum.

Usage (from the repository root)::

    python -m benchmarks.run [--datasets a9a,ijcnn1,...] [--out docs/benchmarks.md]

Protocol (the same for every method):

* Problem: ``mean loss + alpha/2 ‖w‖²`` with ``alpha = 1/n`` (scikit-learn's
  ``C = 1``), unpenalized intercept; ``--unpenalized`` adds ``alpha = 0``
  where it is well-posed.
* The best objective ``f*`` is the minimum of a tight reference solve
  (our ``auto`` solver's choice at tol 1e-11) and every objective any fit
  of the run reached. Every method's coefficients are evaluated with OUR
  objective in float64 (same formula for all).
* Each fit runs in a fresh subprocess (``benchmarks._fit``): wall time of the
  ``fit`` call only, and peak RSS (``ru_maxrss``) of that process.
* Calibration: for each method, tolerances from a ladder (1e-4 … 1e-10) are
  tried loosest first; the first whose relative gap ``(f - f*)/|f*|`` is
  ≤ 1e-8 is that method's setting. A fit over its time budget, or a ladder
  exhausted, is reported as "not reached", never as a time. The budget
  counts the fits' own times only, for every library alike (a process
  gets ``PROCESS_SLACK_S`` more for its start, imports and data). A method
  calibrated before a later fit lowered ``f*`` is checked again against the
  final ``f*`` and walks on down its ladder if its setting is now above the
  gap (the methods run in a fixed order, ours first: without this, the
  first methods were judged against the loosest ``f*``).
* Repetitions: the reaching settings are re-run, methods alternating, in
  rotating order; the reported time is the median of all runs at that setting.
  A method whose first run at its setting took under ``QUICK_FIT_S`` gets
  ``--reps-quick`` runs instead of ``--reps`` (or ``--reps-big``; on every
  dataset, and never fewer than those): on a shared 2-CPU host a fit of
  tens of milliseconds varies by ±20 % from run to run (reuters, ours: 15-28 ms
  in fresh processes), and a median of three such runs moves a ratio by as
  much; longer fits average that noise within the run. The rule reads each
  method's own time only, so ours and an anchor of the same duration get the
  same number of runs. Every timed run must end at the gap against the
  final ``f*``: a method with a repeat above it (a stochastic solver: sag
  on reuters reached the gap at tol 1e-4 in 5 of 7 runs) walks on down its
  ladder and is timed again at the next setting; a repeat that failed
  (timeout, error) makes the method "not reached", with the count, instead
  of a median of the runs that passed.
* Ratio: our time over the fastest anchor (scikit-learn or glum) that reached
  the target, per dataset.

A micro-benchmark (``--micro``) times one value+gradient evaluation against
one ``X @ w`` on the same array, alternating, median of repetitions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from benchmarks import datasets
from benchmarks._fit import _x_bytes, child_env

GAP = 1e-8
LADDER = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10]
BIG = {"dense1m", "illcond1m", "wide100k", "sparse200k"}
#: Methods whose first run at their setting is shorter than this get
#: ``--reps-quick`` runs (see the module docstring).
QUICK_FIT_S = 0.5
OURS = "logistic"
#: Seconds a fit's process gets beyond its method's remaining budget, for
#: what is not the fit: interpreter, imports, data, warm-up. The budget itself
#: is judged on the fit's own time, as it is spent. Importing scikit-learn or
#: glum takes 4-6 s on this 2-CPU host under load (ours 0.6 s): with 5 s of
#: slack their fits were killed inside their budget where ours were not.
PROCESS_SLACK_S = 30.0


def methods_for(name: str, X: Any, penalized: bool = True) -> list[str]:
    """The methods run on a dataset ("where sensible")."""
    sparse = sp.issparse(X)
    n, p = X.shape
    m = [f"{OURS}:auto", f"{OURS}:lbfgs", f"{OURS}:newton-cg"]
    if not sparse and p <= 1000:
        m.append(f"{OURS}:newton")
    if name in ("higgs", "credit-default"):
        m.append(f"{OURS}:gd")
    m += ["sklearn:lbfgs", "sklearn:newton-cg"]
    if p <= 2000:
        m.append("sklearn:newton-cholesky")
    if (name not in BIG or sparse) and penalized:  # liblinear needs a penalty
        m.append("sklearn:liblinear")
    if name not in BIG:
        m += ["sklearn:sag", "sklearn:saga"]
    if p <= 2000:
        m.append("glum:irls-ls")
    m.append("glum:lbfgs")
    return m


def machine_info() -> dict[str, Any]:
    import threadpoolctl

    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "L2 cache", "L3 cache"):
                info[k.strip()] = v.strip()
    except OSError:
        pass
    info["memory_gib"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    import glum
    import scipy
    import sklearn

    info["versions"] = {
        "numpy": np.__version__, "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__, "glum": glum.__version__,
    }
    info["blas"] = [
        {k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                               "threading_layer")}
        for d in threadpoolctl.threadpool_info()
    ]
    info["env"] = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL"))}
    try:
        load = os.getloadavg()
        info["load_average_at_start"] = [round(x, 2) for x in load]
    except OSError:
        pass
    return info


class Objective:
    """Our objective in float64 on the float64 data, for every method's coefficients."""

    def __init__(self, X: Any, y: np.ndarray, alpha: float | None) -> None:
        from logistic._objective import LogisticObjective

        self.obj = LogisticObjective.from_arrays(X, y, l2=alpha or 0.0)

    def __call__(self, coef: list[float], intercept: float) -> float:
        return float(self.obj.value(np.append(np.asarray(coef, float), intercept)))


def run_fit(args: dict[str, Any], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks._fit", json.dumps(args)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=Path(__file__).resolve().parents[1], env=child_env())
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "wall": time.perf_counter() - t0}
    if proc.returncode != 0:
        return {"status": "error", "error": proc.stderr.strip().splitlines()[-1:]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["status"] = "ok"
    return out


def reference(X: Any, y: np.ndarray, alpha: float | None) -> float:
    """A tight solve with our library, in this process (f* candidate)."""
    from logistic._objective import LogisticObjective
    from logistic.solvers import get_solver

    obj = LogisticObjective.from_arrays(X, y, l2=alpha or 0.0)
    from logistic._typing import DataDescription
    from logistic.solvers._auto import choose_solver

    name = choose_solver(DataDescription.of(obj.data), penalty="l2", l1=0.0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = get_solver(name)(tol=1e-11, max_iter=10_000).solve(obj, np.zeros(obj.n_params))
    return float(obj.value(res.coef))


def bench_dataset(
    name: str, alpha_mode: str, reps: int, budget: float, log: Any,
    only: list[str] | None = None, reps_quick: int | None = None,
) -> dict[str, Any]:
    X, y = datasets.load(name)
    n = X.shape[0]
    alpha = 1.0 / n if alpha_mode == "l2" else None
    f = Objective(X, y, alpha)
    t0 = time.perf_counter()
    fstar = reference(X, y, alpha)
    log(f"[{name}/{alpha_mode}] reference f*={fstar:.15g} ({time.perf_counter() - t0:.1f}s)")
    methods = [m for m in methods_for(name, X, alpha is not None) if not only or m in only]
    results: dict[str, dict[str, Any]] = {}
    base = {"dataset": name, "alpha": alpha, "float32": False}
    box = {"fstar": fstar}  # the best objective so far, lowered by every fit

    def gap_of(r: dict[str, Any], entry: dict[str, Any] | None = None) -> float:
        r["f"] = fv = f(r["coef"], r["intercept"])
        box["fstar"] = min(box["fstar"], fv)
        if entry is not None:
            entry["best_f"] = min(entry["best_f"], fv)
        return (fv - box["fstar"]) / abs(box["fstar"])

    def worst_gap(e: dict[str, Any]) -> float:
        """The largest gap of ``e``'s runs at its setting, against f* now."""
        return (max(r["f"] for r in e["runs"]) - box["fstar"]) / abs(box["fstar"])

    def calibrate(m: str, entry: dict[str, Any], start: int) -> None:
        """Walk ``m``'s ladder from ``LADDER[start]`` to the first reaching tol."""
        gaps: list[float] = []
        for tol in LADDER[start:]:
            left = budget - entry["spent"]
            if left <= 1.0:
                entry["status"] = f"budget {budget:.0f}s spent"
                return
            r = run_fit({**base, "method": m, "tol": tol}, timeout=left + PROCESS_SLACK_S)
            if r["status"] == "ok" and r["time"] > left:  # the budget counts fit time only
                r = {"status": "timeout"}
            if r["status"] != "ok":
                entry["status"] = r["status"] + (f" (> {left:.0f}s)" if r["status"] == "timeout" else
                                                 f": {r.get('error')}")
                log(f"  {m:26s} tol={tol:.0e} {entry['status']}")
                return
            entry["spent"] += r["time"]
            gap = gap_of(r, entry)
            log(f"  {m:26s} tol={tol:.0e} time={r['time']:.3f}s gap={gap:.2e} "
                f"iter={r['n_iter']} peak={r['peak_rss_mb']:.0f}MB")
            if gap <= GAP:
                entry.update(tol=tol, runs=[r], status="reached")
                return
            gaps.append(gap)
            if len(gaps) >= 3 and gaps[-1] > 0.5 * gaps[-3]:
                entry["status"] = f"stalled at gap {gap:.1e}"
                return
        entry["status"] = "ladder exhausted"

    for m in methods:
        results[m] = {"runs": [], "tol": None, "best_f": np.inf, "status": "", "spent": 0.0}
        calibrate(m, results[m], 0)

    def target_runs(m: str) -> int:
        quick = reps_quick is not None and results[m]["runs"][0]["time"] < QUICK_FIT_S
        return max(reps, reps_quick) if quick and reps_quick is not None else reps

    failed: dict[str, list[str]] = {m: [] for m in methods}

    def repeat(ms: list[str]) -> None:
        """Runs each of ``ms`` at its setting up to its number of runs:
        methods alternating, in rotating order."""
        todo = {m: target_runs(m) - len(results[m]["runs"]) for m in ms}
        for rep in range(max(todo.values(), default=0)):
            order = ms[rep % max(1, len(ms)):] + ms[: rep % max(1, len(ms))]
            for m in order:
                if rep >= todo[m] or failed[m]:
                    continue
                e = results[m]
                first = e["runs"][0]["time"]
                r = run_fit({**base, "method": m, "tol": e["tol"]}, timeout=10 * first + 30)
                if r["status"] == "ok":
                    gap_of(r, e)
                    e["runs"].append(r)
                else:
                    failed[m].append(r["status"])
                    log(f"  {m:26s} tol={e['tol']:.0e} repeat {r['status']}")

    # Every timed run at a method's setting must be at the gap against the
    # final f*. A method calibrated before a later fit lowered f*, or whose
    # repeat ended above the gap (a stochastic solver), walks on down its
    # ladder and is timed again there; this settles when no setting moves.
    repeated: set[str] = set()
    for _ in range(2 * len(LADDER) + 2):
        live = [m for m in methods if results[m]["tol"] is not None and not failed[m]]
        behind = [m for m in live if worst_gap(results[m]) > GAP]
        for m in behind:
            e = results[m]
            log(f"  {m:26s} tol={e['tol']:.0e} a run at gap {worst_gap(e):.2e} against "
                f"f*={box['fstar']:.15g}: calibrating on")
            start = LADDER.index(e["tol"]) + 1
            e.update(tol=None, runs=[], status="")
            repeated.discard(m)
            calibrate(m, e, start)
        if behind:
            continue
        fresh = [m for m in live if m not in repeated]
        if not fresh:
            break
        repeat(fresh)
        repeated.update(fresh)
    fstar = box["fstar"]
    for m in methods:
        e = results[m]
        if e["tol"] is None:
            continue
        if failed[m] or worst_gap(e) > GAP:
            why = (f"{len(failed[m])} of {target_runs(m)} runs at tol {e['tol']:.0e} failed "
                   f"({', '.join(failed[m])})" if failed[m] else
                   f"a run at tol {e['tol']:.0e} ended at gap {worst_gap(e):.1e}")
            e.update(tol=None, status=why)
            log(f"  {m:26s} not reached: {why}")
            continue
        e["time"] = float(np.median([r["time"] for r in e["runs"]]))
        e["peak_rss_mb"] = float(np.median([r["peak_rss_mb"] for r in e["runs"]]))
        e["loaded_mb"] = float(np.median([r["rss_loaded_mb"] for r in e["runs"]]))
        e["x_mb"] = e["runs"][0]["x_mb"]
        e["n_iter"] = e["runs"][0]["n_iter"]
        e["gap"] = worst_gap(e)
        e["n_runs"] = len(e["runs"])
    for e in results.values():  # the best gap of each method, against the final f*
        e["best_gap"] = (e.pop("best_f") - fstar) / abs(fstar)
        e.pop("runs", None)
        e.pop("spent", None)
    # a requested method that methods_for does not run here is said, not dropped
    for m in only or []:
        if m not in results:
            why = f"not run: benchmarks.run.methods_for leaves it out on {name} ({alpha_mode})"
            log(f"  {m:26s} {why}")
            results[m] = {"tol": None, "status": why, "best_gap": np.inf, "not_run": True}
    return {"dataset": name, "problem": alpha_mode, "fstar": fstar, "n": n,
            "describe": datasets.describe(name), "methods": results}


def float32_compare(name: str, reps: int, log: Any) -> dict[str, Any]:
    """Our auto on float64 vs float32 copies: time and peak memory, alternating.

    Each dtype's tolerance is calibrated on the ladder to the 1e-8 gap in
    float64 terms (against the best objective of the reference and every fit
    here). A dtype whose ladder ends above the gap, or any of whose timed runs
    ends above it or fails, is reported with ``reached: False`` and its
    status, not as a time at the gap."""
    X, y = datasets.load(name)
    alpha = 1.0 / X.shape[0]
    f = Objective(X, y, alpha)
    fstar = reference(X, y, alpha)
    out: dict[str, Any] = {"dataset": name}

    def fit(f32: bool, tol: float) -> dict[str, Any]:
        nonlocal fstar
        r = run_fit({"dataset": name, "alpha": alpha, "float32": f32,
                     "method": f"{OURS}:auto", "tol": tol}, timeout=300)
        if r["status"] == "ok":
            r["f"] = f(r["coef"], r["intercept"])
            fstar = min(fstar, r["f"])
        return r

    for f32 in (False, True):  # calibrate the tolerance for each dtype
        key = "f32" if f32 else "f64"
        for tol in LADDER:
            r = fit(f32, tol)
            if r["status"] != "ok":
                out[key] = {"tol": tol, "runs": [], "status": f"{r['status']} at tol {tol:.0e}"}
                break
            out[key] = {"tol": tol, "runs": [r], "status": ""}
            if (r["f"] - fstar) / abs(fstar) <= GAP:
                break
    for _ in range(reps - 1):
        for key in ("f64", "f32"):
            if out[key]["runs"]:
                r = fit(key == "f32", out[key]["tol"])
                if r["status"] == "ok":
                    out[key]["runs"].append(r)
                else:
                    out[key]["status"] = f"a run at tol {out[key]['tol']:.0e}: {r['status']}"
    for key in ("f64", "f32"):
        e = out[key]
        runs = e.pop("runs")
        e["gap"] = (max(r["f"] for r in runs) - fstar) / abs(fstar) if runs else float("inf")
        e["reached"] = bool(runs) and not e["status"] and e["gap"] <= GAP
        if runs and not e["status"] and not e["reached"]:
            e["status"] = f"gap {e['gap']:.1e} at tol {e['tol']:.0e}"
        nan = float("nan")
        e["time"] = float(np.median([r["time"] for r in runs])) if runs else nan
        e["peak_rss_mb"] = float(np.median([r["peak_rss_mb"] for r in runs])) if runs else nan
        e["x_mb"] = runs[0]["x_mb"] if runs else nan
        e["loaded_mb"] = float(np.median([r["rss_loaded_mb"] for r in runs])) if runs else nan
    log(f"[float32 {name}] {json.dumps(out)}")
    return out


#: Seconds between ``X @ w`` and the timed pass in :func:`micro`.
BLAS_SETTLE_S = 0.2


def micro(name: str, reps: int, log: Any) -> list[dict[str, Any]]:
    """One value+gradient vs one ``X @ w`` (float64 and float32), alternating."""
    from logistic._objective import LogisticObjective

    rows = []
    for f32 in (False, True):
        X, y = datasets.load(name, float32=f32)
        obj = LogisticObjective.from_arrays(X, y.astype(X.dtype), l2=1.0 / X.shape[0])
        rng = np.random.default_rng(0)
        theta = np.append(rng.standard_normal(X.shape[1]) * 0.05, 0.1)
        w = theta[:-1].astype(X.dtype)
        tx, tv = [], []
        obj.value_and_gradient(theta)
        for _ in range(reps):
            t = time.perf_counter()
            X @ w
            tx.append(time.perf_counter() - t)
            # OpenBLAS's threads spin for a while after a product and would hold
            # both CPUs while the pass's block threads run: let them go idle.
            time.sleep(BLAS_SETTLE_S)
            t = time.perf_counter()
            obj.value_and_gradient(theta)
            tv.append(time.perf_counter() - t)
        row = {"dataset": name, "dtype": str(X.dtype), "xw_ms": 1e3 * float(np.median(tx)),
               "vg_ms": 1e3 * float(np.median(tv))}
        row["ratio"] = row["vg_ms"] / row["xw_ms"]
        row["gbps_xw"] = _x_bytes(X) / np.median(tx) / 1e9
        log(f"[micro] {row}")
        rows.append(row)
        del X, obj
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(datasets.ALL))
    ap.add_argument("--reps", type=int, default=3, help="runs per reaching method (small data)")
    ap.add_argument("--reps-big", type=int, default=2, help="runs per reaching method (1M/wide/sparse)")
    ap.add_argument("--reps-quick", type=int, default=9,
                    help=f"runs per reaching method whose first run took under {QUICK_FIT_S} s")
    ap.add_argument("--budget", type=float, default=8.0, help="seconds per method ladder (small)")
    ap.add_argument("--budget-big", type=float, default=25.0, help="seconds per method ladder (big)")
    ap.add_argument("--unpenalized", default="", help="datasets also run with alpha = 0")
    ap.add_argument("--float32", default="dense1m", help="datasets for the float32 comparison")
    ap.add_argument("--micro", default="dense1m", help="datasets for the value+grad micro-benchmark")
    ap.add_argument("--micro-reps", type=int, default=15)
    ap.add_argument("--methods", default="", help="only these methods (comma-separated; one that methods_for leaves out on a dataset is listed there as not run)")
    ap.add_argument("--json", default="benchmarks/results/latest.json")
    ap.add_argument("--out", default="", help="write the Markdown report here")
    a = ap.parse_args()
    logf = Path(a.json).with_suffix(".log")
    logf.parent.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)
        with open(logf, "a") as fh:
            fh.write(msg + "\n")

    t_start = time.perf_counter()
    report: dict[str, Any] = {"machine": machine_info(), "command": " ".join(sys.argv),
                              "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    log(json.dumps(report["machine"]))
    names = [s for s in a.datasets.split(",") if s]
    report["micro"] = [row for nm in a.micro.split(",") if nm for row in micro(nm, a.micro_reps, log)]
    report["suite"] = []
    for nm in names:
        big = nm in BIG
        problems = ["l2"] + (["none"] if nm in a.unpenalized.split(",") else [])
        for prob in problems:
            res = bench_dataset(nm, prob, a.reps_big if big else a.reps,
                                a.budget_big if big else a.budget, log,
                                [m for m in a.methods.split(",") if m] or None,
                                reps_quick=a.reps_quick)
            report["suite"].append(res)
            Path(a.json).write_text(json.dumps(report, indent=1, default=float))
    report["float32"] = [float32_compare(nm, a.reps_big, log) for nm in a.float32.split(",") if nm]
    report["elapsed_s"] = time.perf_counter() - t_start
    Path(a.json).write_text(json.dumps(report, indent=1, default=float))
    if a.out:
        from benchmarks.report import render

        Path(a.out).write_text(render(report))
    log(f"done in {report['elapsed_s']:.0f}s")


if __name__ == "__main__":
    main()
