# ruff: noqa: E501  (tables read best unwrapped)
"""The first full fit of a process, as the suite times it, A/B over source trees.

Usage (from the repository root)::

    python -m benchmarks.first_fit [--src before=/copy/of/old/src] [--src after=src] \\
        [--datasets ijcnn1,higgs,credit-default] [--rounds 15] [--later 2] \\
        [--penalty l2|none] [--prep name=CODE ...] [--evict-mb 64]

Each child process does what ``benchmarks/_fit.py`` does: load the data
(``benchmarks/data/<name>.X.npy``), one untimed fit on the first 100 rows of
each class, then times the first full fit of
``LogisticRegression(penalty="l2", alpha=1/n, tol=1e-4, max_iter=100000)``
(the suite's settings for these data sets; ``--penalty none``:
``LogisticRegression(penalty=None, tol=1e-4)``, its unpenalized problems), and ``--later`` more fits in the
same process (a process's warm fits). The variants (every ``--src`` tree,
times every ``--prep`` snippet, run after the warm-up and before the timed
fit: a diagnosis, e.g. ``--prep pool='from logistic.backends import
in_memory as m; m._pool(2)'``) alternate within each round, in an order
that rotates from round to round, so that a shared machine's load falls on
all of them alike. The table gives, per data set and variant, the median
over rounds (and the quartiles) of the first fit and of the later fits'
median, the median over processes of the first fit less the later fits'
median (paired: the same process), the medians of the process CPU time (all
threads) of the first and the later fits, and the load average at the end.
``--evict-mb 64`` streams a 64 MiB buffer before each later fit (untimed):
those fits then start, as a process's first fit does, with caches that hold
none of a fit's code or data, which separates the cost of cold caches from
that of code run for the first time in the process.
On a loaded machine the CPU times say more than the wall times (a fit whose
threads share a CPU with other work waits for it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"

CHILD = r"""
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
from logistic import LogisticRegression
name, data, later, prep = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
X = np.load(f"{data}/{name}.X.npy")
y = np.load(f"{data}/{name}.y.npy")
kw = dict(penalty="l2", alpha=1.0 / X.shape[0], tol=1e-4, max_iter=100_000)
if sys.argv[5] == "none":
    kw = dict(penalty=None, tol=1e-4, max_iter=100_000)
rows = np.sort(np.concatenate([np.flatnonzero(y == c)[:100] for c in np.unique(y)]))
LogisticRegression(**kw).fit(X[rows], y[rows])
exec(prep)
evict = np.ones(int(sys.argv[6]) * 2**20 // 8) if int(sys.argv[6]) else None
times, cpu = [], []
for k in range(1 + later):
    if k and evict is not None:
        evict += 1.0  # streams the buffer: the caches hold it, not the last fit
    t, c = time.perf_counter(), time.process_time()
    m = LogisticRegression(**kw).fit(X, y)
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({"times": times, "cpu": cpu, "n_iter": int(np.ravel(m.n_iter_)[0])}))
"""


def _child(
    src: Path, name: str, later: int, prep: str, penalty: str = "l2", evict_mb: int = 0
) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(DATA), str(later), prep, penalty,
         str(evict_mb)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], statistics.median(values), q[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--src",
        action="append",
        default=[],
        help="NAME=PATH of a source tree (default: this checkout's src/)",
    )
    parser.add_argument(
        "--prep",
        action="append",
        default=[],
        help="NAME=CODE run in the child after the warm-up (default: none)",
    )
    parser.add_argument("--datasets", default="ijcnn1,higgs,credit-default")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--later", type=int, default=2)
    parser.add_argument(
        "--penalty",
        choices=["l2", "none"],
        default="l2",
        help="l2 (the suite's settings, default) or none (its unpenalized problems)",
    )
    parser.add_argument(
        "--evict-mb",
        type=int,
        default=0,
        help="before each later fit, stream a buffer of this many MiB (untimed), "
        "so that the later fits start with caches that hold none of the last "
        "fit's code or data (64: more than this machine's L2 and L3); 0: off",
    )
    args = parser.parse_args(argv)
    srcs = [s.split("=", 1) for s in args.src] or [["src", str(ROOT / "src")]]
    preps = [p.split("=", 1) for p in args.prep] or [["", "pass"]]
    variants = [
        (f"{s}{'+' + p if p else ''}", Path(sp).resolve(), code)
        for s, sp in srcs
        for p, code in preps
    ]
    names = args.datasets.split(",")
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in range(args.rounds):
        shift = r % len(variants)
        order = variants[shift:] + variants[:shift]
        for name in names:
            for label, src, code in order:
                runs.setdefault((name, label), []).append(
                    _child(src, name, args.later, code, args.penalty, args.evict_mb)
                )
    print(
        f"load average {os.getloadavg()[0]:.2f} (1 min) at the end; {args.rounds} rounds; "
        "ms, median [quartiles] over processes"
    )
    print(
        "| data | variant | first fit | later fits | first − later (paired) | CPU first, later | n_iter |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in names:
        for label, _, _ in variants:
            rs = runs[(name, label)]
            first = [x["times"][0] * 1e3 for x in rs]
            later = [
                statistics.median(x["times"][1:]) * 1e3
                for x in rs
                if len(x["times"]) > 1
            ]
            gaps = [
                (x["times"][0] - statistics.median(x["times"][1:])) * 1e3
                for x in rs
                if len(x["times"]) > 1
            ]
            f1, f2, f3 = _quartiles(first)
            cell = "–"
            gap = "–"
            if later:
                l1, l2, l3 = _quartiles(later)
                cell = f"{l2:.2f} [{l1:.2f}, {l3:.2f}]"
                gap = f"{statistics.median(gaps):+.2f}"
            c1 = statistics.median(x["cpu"][0] * 1e3 for x in rs)
            c2 = statistics.median(
                statistics.median(x["cpu"][1:] or x["cpu"]) * 1e3 for x in rs
            )
            print(
                f"| {name} | {label} | {f2:.2f} [{f1:.2f}, {f3:.2f}] | {cell} | {gap} | {c1:.2f}, {c2:.2f} | {rs[-1]['n_iter']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
