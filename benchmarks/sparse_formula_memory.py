"""Peak memory of ``logistic fit --formula`` with a many-level factor, dense vs sparse.

Usage (from the repository root)::

    python -m benchmarks.sparse_formula_memory --rows 200000 --levels 5000 \\
        [--flags=--sparse --flags=--no-sparse] [--penalty l2] [--dir /tmp/sfm]

Writes ``DIR/d{rows}x{levels}.csv`` (once): ``converted`` (0/1),
``zip_code`` (``levels`` codes, every level present), ``campaign`` (3
levels) and ``spend`` (a gamma amount, one row in ten exactly 0), then runs
``logistic fit DATA --formula "converted ~ C(zip_code) + C(campaign) + spend"
FLAGS --penalty PENALTY -o DIR/mFLAGS.json -q`` once per ``--flags`` value
under ``/usr/bin/time -v`` and prints its exit code, wall time and maximum
resident set size (the child's peak: reading the CSV, the frame, formulaic's
matrix, the stored terms' design, the fit). A fit refused by the size check
(exit 65) prints its message instead. With two fits made, the largest
difference of their coefficients follows.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

FORMULA = "converted ~ C(zip_code) + C(campaign) + spend"


def write_data(path: Path, rows: int, levels: int, seed: int = 0) -> None:
    """The CSV described in the module docs."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    zips = np.concatenate([np.arange(levels), rng.integers(0, levels, rows - levels)])
    campaign = rng.choice(np.array(["email", "search", "social"]), rows)
    spend = rng.gamma(2.0, 10.0, rows).round(2)
    spend[rng.random(rows) < 0.1] = 0.0
    logit = rng.normal(0, 0.5, levels)[zips] + 0.02 * spend - 1.0
    converted = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    frame = pd.DataFrame(
        {
            "converted": converted,
            "zip_code": np.char.add("z", zips.astype(str)),
            "campaign": campaign,
            "spend": spend,
        }
    )
    frame.to_csv(path, index=False)


def measure(data: Path, flags: str, penalty: str, out: Path) -> str:
    """One fit under ``/usr/bin/time -v``: a line of exit code, seconds and peak."""
    argv = [
        "/usr/bin/time", "-v", sys.executable, "-m", "logistic.cli.app", "fit",
        str(data), "--formula", FORMULA, *flags.split(), "--penalty", penalty,
        "-o", str(out), "-q", "--force",
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    wall = re.search(
        r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr
    )
    peak = f"{int(rss.group(1)) / 2**20:.2f} GiB" if rss else "?"
    line = (
        f"{flags or '(default)':12} exit {done.returncode}, wall "
        f"{wall.group(1) if wall else '?'}, max RSS {peak}"
    )
    if done.returncode != 0:
        said = [t for t in done.stderr.splitlines() if t.startswith("error")]
        line += f"\n    {said[0] if said else done.stderr[-400:]}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--levels", type=int, default=5_000)
    parser.add_argument("--flags", action="append", default=None)
    parser.add_argument("--penalty", default="l2")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sparse_formula_memory"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    data = args.dir / f"d{args.rows}x{args.levels}.csv"
    if not data.exists():
        write_data(data, args.rows, args.levels)
    print(f"{data}: {args.rows:,} rows, {args.levels:,} zip codes; {FORMULA}")
    coefs = []
    for flags in args.flags or ["--sparse", "--no-sparse"]:
        out = args.dir / f"m{flags.replace(' ', '')}.json"
        out.unlink(missing_ok=True)
        print(measure(data, flags, args.penalty, out), flush=True)
        if out.exists():
            coefs.append(np.array(json.loads(out.read_text())["model"]["coef"]))
    if len(coefs) == 2:
        gap = np.max(np.abs(coefs[0] - coefs[1]))
        print(f"largest difference of the two fits' coefficients: {gap:.2e}")


if __name__ == "__main__":
    main()
