# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Small and medium fits of the suite: this checkout against a baseline source tree.

Usage (from the repository root)::

    python -m benchmarks.small_fits_ab --baseline-src /path/to/old/src \\
        [--cases higgs:none,higgs:l2,ijcnn1:l2,credit-default:l2,credit-default:none,a9a:l2] \\
        [--rounds 5] [--fits 15]

Fits of tens of milliseconds are dominated by fixed per-fit and per-iteration
costs, which a change of a few percent moves less than a shared machine's
noise between two runs minutes apart. So the two versions alternate: each
round runs, for every case, one child process per version (in alternating
order), each doing an untimed warm-up fit and then ``--fits`` timed fits of
``LogisticRegression`` (``penalty="l2", C=1`` or ``penalty=None``, the
suite's settings; ``--tol``, default 1e-4, the tolerance the suite's
calibration picks for these data) and reporting their median wall and CPU
(process) time.
The table gives, per case and version, the median over rounds of those
medians, ``n_iter_``,
``n_passes_``, and the largest relative difference of the coefficients
between the versions (results must agree to rounding). ``--first`` times
instead the first full fit of each process after the suite's 200-row
warm-up (``benchmarks/_fit.py``), the fit the suite itself times, one-time
costs of the process (thread pool, BLAS thread limit) included.
``--baseline-src``
is a copy of ``src/`` at the commit before the change (with the compiled
modules built or copied in); ``--after-src`` (default: this checkout's
``src/``) another tree to compare it with, e.g. a copy with a change to a
module that is not this checkout's to edit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks._fit import child_env

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"

CHILD = r"""
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
from logistic import LogisticRegression
name, penalty, fits = sys.argv[1], sys.argv[2], int(sys.argv[3])
data, tol, first = sys.argv[4], sys.argv[5], sys.argv[6] == "first"
try:
    X = np.load(f"{data}/{name}.X.npy")
except FileNotFoundError:
    import scipy.sparse as sp
    X = sp.load_npz(f"{data}/{name}.X.npz")
y = np.load(f"{data}/{name}.y.npy")
kw = {"penalty": None} if penalty == "none" else {"penalty": "l2", "C": 1.0}
if tol != "default":
    kw["tol"] = float(tol)
if first:  # benchmarks/_fit.py's warm-up: the first 100 rows of each class
    rows = np.sort(np.concatenate([np.flatnonzero(y == c)[:100] for c in (0, 1)]))
    LogisticRegression(**kw).fit(X[rows], y[rows])
    fits = 1
else:
    LogisticRegression(**kw).fit(X, y)
times, cpu = [], []
for _ in range(fits):
    t, c = time.perf_counter(), time.process_time()
    m = LogisticRegression(**kw).fit(X, y)
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
coef = np.append(m.coef_.ravel(), m.intercept_).tolist()
print(json.dumps({"median": float(np.median(times)), "cpu": float(np.median(cpu)), "n_iter": int(np.ravel(m.n_iter_)[0]),
                  "n_passes": int(m.n_passes_), "coef": coef}))
"""


def _child(src: Path, case: str, fits: int, tol: str, first: bool = False) -> dict:
    name, penalty = case.split(":")
    env = child_env(src)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, penalty, str(fits), str(DATA), tol]
        + ["first" if first else "warm"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", required=True, type=Path)
    parser.add_argument(
        "--after-src",
        type=Path,
        default=ROOT / "src",
        help="the source tree of the change (default: this checkout's src/)",
    )
    parser.add_argument(
        "--cases",
        default="higgs:none,higgs:l2,ijcnn1:l2,credit-default:l2,credit-default:none",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fits", type=int, default=15)
    parser.add_argument(
        "--tol", default="1e-4", help="the fits' tol ('default': the estimator's)"
    )
    parser.add_argument(
        "--first",
        action="store_true",
        help="time only the first full fit of each process, after the suite's "
        "200-row warm-up (benchmarks/_fit.py): one-time costs included",
    )
    args = parser.parse_args(argv)
    versions = {
        "before": args.baseline_src.resolve(),
        "after": args.after_src.resolve(),
    }
    cases = args.cases.split(",")
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in range(args.rounds):
        for case in cases:
            order = list(versions) if r % 2 == 0 else list(versions)[::-1]
            for v in order:
                runs.setdefault((case, v), []).append(
                    _child(versions[v], case, args.fits, args.tol, args.first)
                )
    fits = (
        "the first fit after a 200-row warm-up" if args.first else f"{args.fits} fits"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} (1 min) at the end; {args.rounds} rounds × {fits}; tol {args.tol}"
    )
    print(
        "| case | before ms | after ms | before ÷ after | CPU ms before → after | n_iter | n_passes before → after | max rel. coef diff |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for case in cases:
        b, a = runs[(case, "before")], runs[(case, "after")]
        tb = statistics.median(x["median"] for x in b) * 1e3
        ta = statistics.median(x["median"] for x in a) * 1e3
        cpb = statistics.median(x["cpu"] for x in b) * 1e3
        cpa = statistics.median(x["cpu"] for x in a) * 1e3
        cb, ca = b[-1]["coef"], a[-1]["coef"]
        scale = max(abs(c) for c in cb) or 1.0
        diff = max(abs(p - q) for p, q in zip(cb, ca, strict=True)) / scale
        print(
            f"| {case} | {tb:.2f} | {ta:.2f} | {tb / ta:.2f}× | {cpb:.1f} → {cpa:.1f} | {b[-1]['n_iter']} → {a[-1]['n_iter']} "
            f"| {b[-1]['n_passes']} → {a[-1]['n_passes']} | {diff:.1e} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
