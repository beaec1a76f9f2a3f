"""Peak memory of ``logistic predict`` / ``evaluate`` read whole or in chunks.

Writes ``big.csv`` (N rows: ``id, x1..x5, region, y``) and a model fitted on
50 000 other rows into FOLDER, then runs each command under
``/usr/bin/time -v`` with ``--no-stream`` and ``--stream`` and prints the
maximum resident set size and the wall time (the numbers in docs/cli.md,
"Scoring and evaluating a file larger than memory")::

    python benchmarks/predict_stream_memory.py /tmp/bench 2500000
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def write_rows(path: Path, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    region = rng.choice(["north", "south", "east", "west"], size=n)
    z = X @ np.array([0.5, -1.0, 0.25, 0.0, 2.0]) + (region == "east") - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    d = pd.DataFrame(X, columns=[f"x{i}" for i in range(1, 6)])
    d.insert(0, "id", np.arange(n))
    d["region"], d["y"] = region, y
    d.to_csv(path, index=False, float_format="%.6f")


def measured(args: list[str]) -> tuple[int, float]:
    """(peak RSS in kB, wall seconds) of ``logistic ARGS``."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "logistic.cli.app", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    clock = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    hours, minutes, seconds = clock[1] or 0, clock[2], clock[3]
    return rss, 3600 * int(hours) + 60 * int(minutes) + float(seconds)


def main(folder: str, n: str) -> None:
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    data, small, model = root / "big.csv", root / "small.csv", root / "m.json"
    write_rows(data, int(n), 0)
    write_rows(small, 50_000, 1)
    fit = ["fit", str(small), "-t", "y", "--drop", "id", "-o", str(model), "-q", "--force"]
    subprocess.run([sys.executable, "-m", "logistic.cli.app", *fit], check=True, capture_output=True)
    out = root / "p.csv"
    for command in (
        ["predict", str(model), str(data), "--keep", "id", "-o", str(out), "--force", "-q"],
        ["evaluate", str(model), str(data), "--json", "-q"],
    ):
        for how in ("--no-stream", "--stream"):
            rss, seconds = measured([*command, how])
            print(f"{command[0]} {how}: {rss / 1024:,.0f} MB, {seconds:.1f} s")


if __name__ == "__main__":
    main(*sys.argv[1:3])
