"""Time per ``partial_fit`` chunk on hashed, very wide CSR data.

A stream of CSR chunks of ``--rows`` rows, ``--nnz`` non-zeros a row at
random columns of ``2**bits`` (values 1, as hashed indicator features), the
label from a sparse true coefficient vector. Prints the median seconds per
chunk (the first chunk, which fixes the coordinates, excluded) for each width.

    .venv/bin/python benchmarks/partial_fit_sparse.py --bits 18 20 --chunks 8
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse as sp

from logistic import LogisticRegression


def chunk(rng: np.random.Generator, rows: int, p: int, nnz: int, beta: np.ndarray):
    indices = rng.integers(0, p, size=(rows, nnz))
    indices.sort(axis=1)
    X = sp.csr_matrix(
        (np.ones(rows * nnz), indices.ravel(), np.arange(0, rows * nnz + 1, nnz)),
        shape=(rows, p),
    )
    X.sum_duplicates()
    z = X @ beta
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def run(bits: int, rows: int, nnz: int, chunks: int, alpha: float | None) -> float:
    p = 2**bits
    rng = np.random.default_rng(bits)
    beta = rng.normal(0.0, 1.0, p) * (rng.random(p) < 0.05)
    est = (
        LogisticRegression(penalty=None, random_state=0)
        if alpha is None
        else LogisticRegression(penalty="l2", alpha=alpha, random_state=0)
    )
    times = []
    for i in range(chunks):
        X, y = chunk(rng, rows, p, nnz, beta)
        t = time.perf_counter()
        est.partial_fit(X, y, classes=[0.0, 1.0])
        times.append(time.perf_counter() - t)
    return float(np.median(times[1:]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bits", type=int, nargs="+", default=[18, 20])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--nnz", type=int, default=30)
    ap.add_argument("--chunks", type=int, default=6)
    ap.add_argument("--alpha", type=float, default=None)
    args = ap.parse_args()
    for bits in args.bits:
        s = run(bits, args.rows, args.nnz, args.chunks, args.alpha)
        print(f"p=2^{bits}: {s:.3f} s a chunk of {args.rows} rows (alpha={args.alpha})")


if __name__ == "__main__":
    main()
