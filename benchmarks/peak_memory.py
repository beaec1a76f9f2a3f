# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Peak memory of ``solver="auto"`` fits against issue 13's bound 1.3 × X + 200 MiB.

Usage (from the repository root)::

    python -m benchmarks.peak_memory [--datasets dense1m,a9a,...] [--tol 1e-6]

Each fit runs in a fresh process (``benchmarks._fit``: the interpreter,
the imports, the loaded data and the fit all count; ``VmHWM`` is the
process's resident high-water mark). The table gives X's bytes, the
resident size after loading, the peak, the fit's own overhead (peak minus
loaded) and the ratio ``peak / (1.3 · X + 200 MiB)`` (≤ 1: within the bound).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from benchmarks import datasets

#: L2 with scikit-learn's C = 1 on every set; the unpenalized fits of the suite too.
DEFAULT = (
    "dense1m,illcond1m,wide100k,sparse200k,a9a,w8a,reuters,ijcnn1,higgs,"
    "credit-default,higgs:none,credit-default:none"
)


def run(name: str, penalized: bool, tol: float) -> dict:
    X, _ = datasets.load(name)
    alpha = 1.0 / X.shape[0] if penalized else None
    del X
    spec = {"dataset": name, "method": "logistic:auto", "tol": tol, "alpha": alpha}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks._fit", json.dumps(spec)],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=DEFAULT)
    ap.add_argument("--tol", type=float, default=1e-6)
    args = ap.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()}")
    print("| data | X (MiB) | loaded (MiB) | peak (MiB) | fit overhead (MiB) | peak / (1.3·X + 200 MiB) |")
    print("|---|---|---|---|---|---|")
    for entry in args.datasets.split(","):
        name, _, pen = entry.partition(":")
        r = run(name, pen != "none", args.tol)
        bound = 1.3 * r["x_mb"] + 200.0
        label = f"{name} ({'none' if pen == 'none' else 'l2'})"
        print(
            f"| {label} | {r['x_mb']:.0f} | {r['rss_loaded_mb']:.0f} | {r['peak_rss_mb']:.0f} "
            f"| {r['peak_rss_mb'] - r['rss_loaded_mb']:.0f} | {r['peak_rss_mb'] / bound:.2f} |",
            flush=True,
        )
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
