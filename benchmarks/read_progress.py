"""Does the reading-progress hook slow ``read_data``? (issue 12)

Writes a CSV of 1,000,000 rows x 9 numeric columns (78 MB) to a temporary
directory, then times (best of 5) pyarrow's ``read_csv`` as the reader called
it before the hook existed, ``read_data(path)`` and
``read_data(path, on_progress=...)``.

Run: ``python benchmarks/read_progress.py [rows]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _write(path: Path, n: int) -> None:
    rng = np.random.default_rng(0)
    with open(path, "w") as f:
        f.write(",".join([f"x{j}" for j in range(8)] + ["y"]) + "\n")
        for start in range(0, n, 100_000):
            X = rng.normal(size=(min(100_000, n - start), 8))
            y = rng.integers(0, 2, len(X))
            f.write(
                "\n".join(
                    ",".join(f"{v:.6f}" for v in row) + f",{label}"
                    for row, label in zip(X, y, strict=True)
                )
                + "\n"
            )


def _best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(n: int = 1_000_000) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from logistic.tabular import read_data

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "big.csv")
        _write(path, n)

        def previous() -> None:
            with open(path, "rb") as fh, pa.input_stream(fh) as stream:
                pacsv.read_csv(
                    stream,
                    read_options=pacsv.ReadOptions(block_size=1 << 22),
                    convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
                )

        calls: list[tuple] = []
        cases = {
            "pyarrow read_csv (the reader before the hook)": previous,
            "read_data(path)": lambda: read_data(path),
            "read_data(path, on_progress=...)": lambda: read_data(
                path, on_progress=lambda *a: calls.append(a)
            ),
        }
        print(f"{path.stat().st_size / 1e6:.1f} MB, {n:,} rows")
        for name, fn in cases.items():
            print(f"{name:48s} {_best(fn):.3f} s")
        print(f"progress calls per read: {len(calls) / 5:.1f}; last {calls[-1]}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
