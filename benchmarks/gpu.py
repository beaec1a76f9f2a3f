# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""GPU benchmark: ours on the GPU (PyTorch and CuPy) against ours on the CPU,
scikit-learn and cuML; and the bandwidth of one value+gradient pass.

Usage (from the repository root, on a machine with one NVIDIA GPU and the
CUDA builds of torch and/or cupy installed; cuML is used when importable)::

    python -m benchmarks.gpu --out benchmarks/results/gpu.md

``--small`` runs the same protocol on a small problem (20 000 × 100 dense,
20 000 × 5 000 sparse): on a machine without a GPU, torch's CPU build stands
in for the device, which proves the script runs end to end.

Protocol:

* Problems: ``dense`` 10M × 100 N(0, 1) features (benchmarks.datasets.
  gen_dense, seed 0) and ``sparse`` 2M × 100 000 CSR with 50 stored values a
  row (gen_sparse, seed 1), each in float64 and float32 (the float32 copy of
  the same values). Objective ``mean loss + alpha/2 ‖w‖²`` with
  ``alpha = 1/n`` (scikit-learn's and cuML's ``C = 1``), intercept
  unpenalized.
* ``f*`` is the smallest of a tight reference solve (ours on the fastest
  device, float64, tol 1e-11) and every objective reached. Every method's
  coefficients are evaluated with our float64 objective (same formula for
  all): gap = ``(f - f*) / |f*|``.
* Each method tries tolerances from a ladder (loosest first) until its gap is
  ≤ 1e-8; the time of that fit is reported (wall time of ``fit``, data
  already on the device; one small warm-up fit per library first, so CUDA
  context and cuBLAS handles are not timed). A fit slower than ``--budget``
  seconds ends its ladder: "not reached" is reported, never a time.
* Bandwidth: the median time of one ``value_and_gradient`` (one pass: ``X w``
  and ``Xᵀ r``, results moved to the host, which synchronises), of one bare
  ``X @ w``, and of a device-to-device copy (reads and writes the bytes:
  the achievable bandwidth); the device's theoretical bandwidth from its
  memory clock and bus width where the driver reports them. The target is a
  pass within 1.5× of ``bytes(X) / bandwidth``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from benchmarks.datasets import gen_dense, gen_sparse

GAP = 1e-8
LADDER = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10]
SIZES = {
    "full": {"dense": (10_000_000, 100), "sparse": (2_000_000, 100_000, 50)},
    "small": {"dense": (20_000, 100), "sparse": (20_000, 5_000, 20)},
}


def _try_import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except Exception:  # ImportError, or a CUDA library that fails to load
        return None


# -- devices --------------------------------------------------------------------------
class Device:
    """One way to hold arrays: ``numpy`` (the CPU), ``torch`` or ``cupy``."""

    def __init__(self, lib: str, where: str) -> None:
        self.lib, self.where = lib, where
        self.name = lib if lib == "numpy" else f"{lib}-{where}"

    def put(self, a: Any) -> Any:
        """A host array (numpy or scipy CSR) on this device."""
        if self.lib == "numpy":
            return a
        if self.lib == "torch":
            import torch

            if sp.issparse(a):
                raise TypeError("torch sparse is not supported (use cupy)")
            return torch.from_numpy(np.ascontiguousarray(a)).to(self.where)
        import cupy
        import cupyx.scipy.sparse as csp

        return csp.csr_matrix(a) if sp.issparse(a) else cupy.asarray(a)

    def sync(self) -> None:
        if self.lib == "torch" and self.where == "cuda":
            import torch

            torch.cuda.synchronize()
        elif self.lib == "cupy":
            import cupy

            cupy.cuda.Device().synchronize()

    def free(self) -> None:
        if self.lib == "torch" and self.where == "cuda":
            import torch

            torch.cuda.empty_cache()
        elif self.lib == "cupy":
            import cupy

            cupy.get_default_memory_pool().free_all_blocks()


def devices(small: bool) -> list[Device]:
    """The GPU libraries that work here; without a GPU, torch's CPU build."""
    found = []
    torch = _try_import("torch")
    if torch is not None and torch.cuda.is_available():
        found.append(Device("torch", "cuda"))
    cupy = _try_import("cupy")
    if cupy is not None:
        try:
            if cupy.cuda.runtime.getDeviceCount() > 0:
                found.append(Device("cupy", "cuda"))
        except Exception:
            pass
    if not found and torch is not None and small:
        found.append(Device("torch", "cpu"))  # the device code path, on the CPU
    return found


def machine(devs: list[Device]) -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
    }
    for mod in ("torch", "cupy", "cuml", "sklearn", "array_api_compat"):
        m = _try_import(mod)
        info[mod] = (
            getattr(m, "__version__", None) if m is not None else "not installed"
        )
    torch = _try_import("torch")
    if torch is not None and torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        info["gpu"] = f"{p.name}, {p.total_memory / 2**30:.0f} GiB"
    info["peak_bandwidth_gbs"] = peak_bandwidth()
    info["devices"] = [d.name for d in devs]
    return info


def peak_bandwidth() -> float | None:
    """Theoretical memory bandwidth (GB/s) from the driver, or None."""
    cupy = _try_import("cupy")
    if cupy is not None:
        try:
            props = cupy.cuda.runtime.getDeviceProperties(0)
            clock_hz = props["memoryClockRate"] * 1e3  # kHz
            return 2 * clock_hz * props["memoryBusWidth"] / 8 / 1e9
        except Exception:
            pass
    torch = _try_import("torch")
    if torch is not None and torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        clock, width = (
            getattr(p, "memory_clock_rate", None),
            getattr(p, "memory_bus_width", None),
        )
        if clock and width:
            return 2 * clock * 1e3 * width / 8 / 1e9
    return None


# -- problems and the objective -------------------------------------------------------
def problem(kind: str, size: str, rows: int | None = None) -> tuple[Any, np.ndarray]:
    """The seeded problem ``kind`` at ``size`` (``rows`` overrides n)."""
    if kind == "dense":
        n, p = SIZES[size]["dense"]
        return gen_dense(rows or n, p, seed=0)
    n, p, k = SIZES[size]["sparse"]
    return gen_sparse(rows or n, p, k, seed=1)


def x_bytes(X: Any) -> int:
    if sp.issparse(X):
        return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
    return int(X.nbytes)


def objective(X: Any, y: Any, alpha: float) -> Any:
    """Our objective (float64) on X wherever it lives."""
    from logistic._objective import LogisticObjective
    from logistic.backends import as_backend

    return LogisticObjective(as_backend(X, y), l2=alpha)


def theta_of(model: Any) -> np.ndarray:
    coef = model.coef_
    intercept = model.intercept_
    if not isinstance(coef, np.ndarray):  # cuML: cupy arrays
        import cupy

        coef, intercept = cupy.asnumpy(coef), cupy.asnumpy(intercept)
    return np.append(np.asarray(coef, float).ravel(), float(np.ravel(intercept)[0]))


# -- methods --------------------------------------------------------------------------
def ours(tol: float, sparse: bool) -> Any:
    from logistic import LogisticRegression

    return LogisticRegression(penalty="l2", C=1.0, tol=tol, max_iter=10_000)


def sklearn_model(tol: float, sparse: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    solver = "lbfgs" if sparse else "newton-cholesky"
    return LogisticRegression(C=1.0, tol=tol, max_iter=10_000, solver=solver)


def cuml_model(tol: float, sparse: bool) -> Any:
    from cuml.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, tol=tol, max_iter=10_000, penalty="l2")


def methods(
    devs: list[Device],
) -> list[tuple[str, Device, Callable[[float, bool], Any]]]:
    out = [(f"ours ({d.name})", d, ours) for d in devs]
    out.append(("ours (numpy, CPU)", Device("numpy", "cpu"), ours))
    if _try_import("sklearn") is not None:
        out.append(("scikit-learn (CPU)", Device("numpy", "cpu"), sklearn_model))
    cupy_dev = next((d for d in devs if d.lib == "cupy"), None)
    if _try_import("cuml") is not None and cupy_dev is not None:
        out.append(("cuML", cupy_dev, cuml_model))
    return out


def timed_fit(
    make: Any, tol: float, sparse: bool, X: Any, y: Any, dev: Device
) -> tuple[float, Any]:
    model = make(tol, sparse)
    dev.sync()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    dev.sync()
    return time.perf_counter() - t0, model


def ladder(
    name: str,
    make: Any,
    dev: Device,
    X: Any,
    y: Any,
    sparse: bool,
    value: Callable[[np.ndarray], float],
    f_star: float,
    budget: float,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Tolerances loosest first until the gap is ≤ GAP (or the budget ends)."""
    tries = []
    for tol in LADDER:
        try:
            seconds, model = timed_fit(make, tol, sparse, X, y, dev)
        except Exception as exc:  # a library that cannot take these data
            log(f"  {name}: {type(exc).__name__}: {str(exc)[:200]}")
            return {
                "method": name,
                "error": f"{type(exc).__name__}: {str(exc)[:120]}",
                "tries": tries,
            }
        f = value(theta_of(model))
        n_iter = int(np.ravel(getattr(model, "n_iter_", [-1]))[0])
        tries.append({"tol": tol, "time": seconds, "objective": f, "n_iter": n_iter})
        log(
            f"  {name}: tol={tol:g} {seconds:.3f}s gap={(f - f_star) / abs(f_star):.2e} iters={n_iter}"
        )
        if (f - f_star) / abs(f_star) <= GAP or seconds > budget:
            break
    return {"method": name, "tries": tries}


def warm_up(make: Any, dev: Device, X: Any, y: Any, sparse: bool) -> None:
    """One small fit (CUDA context, cuBLAS handles, kernels) before timing."""
    rows = slice(0, min(10_000, X.shape[0]))
    try:
        timed_fit(make, 1e-4, sparse, dev.put(X[rows]), dev.put(y[rows]), dev)
    except Exception:
        pass


# -- bandwidth ------------------------------------------------------------------------
def median_time(fn: Callable[[], Any], dev: Device, reps: int) -> float:
    fn()
    dev.sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        dev.sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bandwidth(dev: Device, X: Any, y: Any, alpha: float, reps: int) -> dict[str, Any]:
    """One value+gradient pass, one X @ w and a copy of X, on ``dev``."""
    from logistic._kernels_xp import to_host

    Xd, yd = dev.put(X), dev.put(y)
    obj = objective(Xd, yd, alpha)
    _ = obj.weight_sum  # the statistics pass, outside the timing
    theta = np.full(obj.n_params, 0.01)
    pass_s = median_time(lambda: obj.value_and_gradient(theta), dev, reps)
    out: dict[str, Any] = {"device": dev.name, "x_bytes": x_bytes(X), "pass_s": pass_s}
    if not sp.issparse(X):
        if dev.lib == "numpy":
            w = np.full(X.shape[1], 0.01, dtype=X.dtype)
            out["matvec_s"] = median_time(lambda: X @ w, dev, reps)
            out["copy_s"] = median_time(lambda: X.copy(), dev, reps)
        else:
            from logistic._kernels_xp import device_of, namespace, to_device

            xp = namespace(Xd)
            w = to_device(np.full(X.shape[1], 0.01), xp, device_of(Xd), Xd.dtype)
            out["matvec_s"] = median_time(lambda: to_host(xp.sum(Xd @ w)), dev, reps)
            out["copy_s"] = median_time(lambda: Xd * 1, dev, reps)  # read + write
    return out


# -- the run --------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict[str, Any]:
    size = "small" if args.small else "full"
    devs = devices(args.small)
    info = machine(devs)
    log = print
    log(json.dumps(info))
    results: dict[str, Any] = {"machine": info, "size": size, "problems": {}}
    for kind in args.problems.split(","):
        X64, y = problem(kind, size, args.rows)
        sparse = sp.issparse(X64)
        alpha = 1.0 / X64.shape[0]
        for dtype in args.dtypes.split(","):
            X = X64 if dtype == "float64" else X64.astype(np.float32)
            key = f"{kind} {dtype}"
            log(f"{key}: {X.shape[0]:,} × {X.shape[1]:,}, {x_bytes(X) / 2**30:.2f} GiB")
            entry = bench_problem(X, X64, y, sparse, alpha, devs, args, log)
            entry["shape"] = list(X.shape)
            entry["x_bytes"] = x_bytes(X)
            results["problems"][key] = entry
            if X is not X64:
                del X
    return results


def bench_problem(
    X: Any,
    X64: Any,
    y: np.ndarray,
    sparse: bool,
    alpha: float,
    devs: list[Device],
    args: argparse.Namespace,
    log: Callable[[str], None],
) -> dict[str, Any]:
    usable = [d for d in devs if not (sparse and d.lib == "torch")]
    # f* and the evaluation of every method's coefficients: float64, fastest device
    ref_dev = usable[0] if usable else Device("numpy", "cpu")
    obj = objective(ref_dev.put(X64), ref_dev.put(y), alpha)
    from logistic import LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = LogisticRegression(penalty="l2", C=1.0, tol=1e-11, max_iter=10_000)
        ref.fit(ref_dev.put(X64), ref_dev.put(y))
    f_ref = float(obj.value(theta_of(ref)))
    entry: dict[str, Any] = {"f_ref": f_ref, "methods": [], "bandwidth": []}
    for name, dev, make in methods(devs):
        if dev.lib == "torch" and sparse:
            entry["methods"].append(
                {"method": name, "error": "torch sparse not supported: CuPy CSR only"}
            )
            continue
        if args.skip_cpu and dev.lib == "numpy":
            continue
        Xd, yd = dev.put(X), dev.put(y)
        warm_up(make, dev, X, y, sparse)
        entry["methods"].append(
            ladder(name, make, dev, Xd, yd, sparse, obj.value, f_ref, args.budget, log)
        )
        del Xd, yd
        dev.free()
    for dev in [*usable, Device("numpy", "cpu")]:
        if args.skip_cpu and dev.lib == "numpy":
            continue
        b = bandwidth(dev, X, y, alpha, args.reps)
        dev.free()
        log(f"  bandwidth {dev.name}: pass {b['pass_s'] * 1e3:.2f} ms")
        entry["bandwidth"].append(b)
    f_star = min(
        [f_ref] + [t["objective"] for m in entry["methods"] for t in m.get("tries", [])]
    )
    entry["f_star"] = f_star
    return entry


# -- the report -----------------------------------------------------------------------
def _reached(m: dict[str, Any], f_star: float) -> dict[str, Any] | None:
    for t in m.get("tries", []):
        if (t["objective"] - f_star) / abs(f_star) <= GAP:
            return t
    return None


def render(res: dict[str, Any], command: str) -> str:
    info = res["machine"]
    peak = info.get("peak_bandwidth_gbs")
    lines = [
        f"Command: `{command}` ({res['size']} sizes)",
        "",
        "Machine: "
        + ", ".join(f"{k} {v}" for k, v in info.items() if k != "devices")
        + f"; devices: {', '.join(info['devices']) or 'none'}",
        "",
        f"### Time to a relative objective gap ≤ {GAP:g}",
        "",
        "| problem | method | time (s) | tol | iterations | final gap |",
        "|---|---|---|---|---|---|",
    ]
    for key, e in res["problems"].items():
        f_star = e["f_star"]
        for m in e["methods"]:
            if "error" in m and not m.get("tries"):
                lines.append(f"| {key} | {m['method']} | {m['error']} | | | |")
                continue
            hit = _reached(m, f_star)
            last = m["tries"][-1] if m.get("tries") else None
            gap = f"{(last['objective'] - f_star) / abs(f_star):.1e}" if last else ""
            if hit is None:
                lines.append(
                    f"| {key} | {m['method']} | not reached | {last['tol'] if last else ''} | {last['n_iter'] if last else ''} | {gap} |"
                )
            else:
                g = (hit["objective"] - f_star) / abs(f_star)
                lines.append(
                    f"| {key} | {m['method']} | {hit['time']:.3f} | {hit['tol']:g} | {hit['n_iter']} | {g:.1e} |"
                )
    lines += [
        "",
        "### One value+gradient pass against the memory bandwidth",
        "",
        "| problem | device | X (GB) | pass (ms) | X @ w (ms) | copy (ms) | pass GB/s | copy GB/s | pass / ideal |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, e in res["problems"].items():
        for b in e["bandwidth"]:
            gb = b["x_bytes"] / 1e9
            copy_bw = 2 * gb / b["copy_s"] if b.get("copy_s") else None
            ref_bw = peak if (peak and b["device"] != "numpy") else copy_bw
            ideal = gb / ref_bw if ref_bw else None
            lines.append(
                f"| {key} | {b['device']} | {gb:.2f} | {b['pass_s'] * 1e3:.2f} | "
                + (f"{b['matvec_s'] * 1e3:.2f}" if b.get("matvec_s") else "")
                + " | "
                + (f"{b['copy_s'] * 1e3:.2f}" if b.get("copy_s") else "")
                + f" | {gb / b['pass_s']:.1f} | "
                + (f"{copy_bw:.1f}" if copy_bw else "")
                + " | "
                + (f"{b['pass_s'] / ideal:.2f}×" if ideal else "")
                + " |"
            )
    lines += [
        "",
        "`pass / ideal`: the pass time over `bytes(X) / bandwidth` (the device's "
        "theoretical bandwidth when the driver reports it, else the measured copy "
        "bandwidth); target ≤ 1.5×.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--small", action="store_true", help="small sizes (proves the script runs)"
    )
    ap.add_argument("--problems", default="dense,sparse")
    ap.add_argument(
        "--rows", type=int, default=None, help="override n of every problem"
    )
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument(
        "--budget", type=float, default=300.0, help="seconds a fit may take"
    )
    ap.add_argument(
        "--reps", type=int, default=10, help="repetitions of the bandwidth timings"
    )
    ap.add_argument("--skip-cpu", action="store_true", help="GPU methods only")
    ap.add_argument("--out", default="benchmarks/results/gpu.md")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    import sys

    command = "python -m benchmarks.gpu " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    res = run(args)
    from logistic._atomic import atomic_write_bytes

    atomic_write_bytes(args.out, render(res, command).encode())
    if args.json:
        atomic_write_bytes(args.json, json.dumps(res, indent=1, default=str).encode())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
