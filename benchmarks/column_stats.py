"""The standardization pass (column statistics) in one sweep or two.

Usage (from the repository root)::

    python -m benchmarks.column_stats [--datasets dense1m,sparse200k] [--reps 5]

For each dataset, the in-memory backend's pass of
:func:`logistic._block_moments.block_column_stats` runs alternately as shipped (one
sweep over each block when every column is near-centred,
:func:`logistic._moments._from_raw_moments`) and with that test forced to
refuse (the centred second sweep over every block, as before), in one
process; prints the median milliseconds of each and the largest difference
of the two's means and spreads, relative to each column's spread.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from benchmarks import datasets
from logistic import _block_moments, _moments
from logistic.backends.in_memory import InMemory


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="dense1m,sparse200k")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    shipped = _moments._from_raw_moments
    for name in args.datasets.split(","):
        X, y = datasets.load(name)
        backend = InMemory(X, y)
        times: dict[str, list[float]] = {"one sweep": [], "two sweeps": []}
        out = {}
        try:
            for _ in range(args.reps):
                for label in times:
                    _moments._from_raw_moments = (
                        shipped if label == "one sweep" else (lambda *a: None)
                    )
                    t = time.perf_counter()
                    out[label] = backend.map_reduce(_block_moments.block_column_stats)
                    times[label].append(time.perf_counter() - t)
        finally:
            _moments._from_raw_moments = shipped
        (mean1, std1), (mean2, std2) = (out[k].moments() for k in times)
        # differences relative to each column's spread (means near 0 have no
        # relative precision of their own)
        spread = np.where(std2 > 0, std2, 1.0)
        diff = max(
            float(np.max(np.abs(mean1 - mean2) / spread)),
            float(np.max(np.abs(std1 - std2) / spread)),
        )
        cells = ", ".join(f"{k} {1e3 * statistics.median(v):.1f} ms" for k, v in times.items())
        print(f"{name}: {cells}; largest difference of the moments / std: {diff:.1e}")


if __name__ == "__main__":
    main()
