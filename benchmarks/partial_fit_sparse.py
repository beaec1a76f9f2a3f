"""Time per ``partial_fit`` chunk on hashed, very wide CSR data.

A stream of CSR chunks of ``--rows`` rows, ``--nnz`` non-zeros a row at
random columns of ``2**bits`` (values 1, as hashed indicator features), the
label from a sparse true coefficient vector. Prints the median wall and CPU
seconds per chunk (the first chunk, which fixes the coordinates and takes
the stream's one dense step, excluded) for each width; CPU seconds are the
steadier figure on a shared machine.

    .venv/bin/python benchmarks/partial_fit_sparse.py --bits 18 20 --chunks 6
    .venv/bin/python benchmarks/partial_fit_sparse.py --bits 20 --alpha 1e-4
    .venv/bin/python benchmarks/partial_fit_sparse.py --sklearn   # SGDClassifier
    .venv/bin/python benchmarks/partial_fit_sparse.py --format csc --classes 3
    .venv/bin/python benchmarks/partial_fit_sparse.py --fit   # fit(solver="sgd")

``--fit`` times ``fit(solver="sgd")`` on one chunk instead: the median
seconds an epoch over its epochs 2 to 6 (each epoch also evaluates the full
gradient once; the fit's setup left out, which the difference of two fits'
times did not leave out reliably: negative epochs on a shared machine).
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from logistic import LogisticRegression


def chunk(
    rng: np.random.Generator, rows: int, p: int, nnz: int, beta: np.ndarray, k: int
):
    indices = rng.integers(0, p, size=(rows, nnz))
    indices.sort(axis=1)
    X = sp.csr_matrix(
        (np.ones(rows * nnz), indices.ravel(), np.arange(0, rows * nnz + 1, nnz)),
        shape=(rows, p),
    )
    X.sum_duplicates()
    z = X @ beta
    if k > 2:  # K classes: the class of the largest of k noisy shifts of z
        y = np.argmax(z[:, None] * np.arange(k) + rng.gumbel(size=(rows, k)), axis=1)
        return X, y.astype(float)
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def estimator(alpha: float | None, sklearn: bool) -> Any:
    if sklearn:  # its own step sizes and no standardization: time only
        from sklearn.linear_model import SGDClassifier

        penalty = None if alpha is None else "l2"
        return SGDClassifier(loss="log_loss", penalty=penalty, alpha=alpha or 1e-4)
    if alpha is None:
        return LogisticRegression(penalty=None, random_state=0)
    return LogisticRegression(penalty="l2", alpha=alpha, random_state=0)


def run(
    bits: int, rows: int, nnz: int, chunks: int, alpha: float | None, sklearn: bool,
    fmt: str = "csr", k: int = 2,
) -> tuple[float, float]:  # fmt: skip
    p = 2**bits
    rng = np.random.default_rng(bits)
    beta = rng.normal(0.0, 1.0, p) * (rng.random(p) < 0.05)
    est = estimator(alpha, sklearn)
    wall, cpu = [], []
    with warnings.catch_warnings():  # the first chunk's few rows a parameter
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(chunks):
            X, y = chunk(rng, rows, p, nnz, beta, k)
            X = X.asformat(fmt)
            t, c = time.perf_counter(), time.process_time()
            est.partial_fit(X, y, classes=np.arange(float(k)))
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return float(np.median(wall[1:])), float(np.median(cpu[1:]))


#: Epochs of ``--fit``'s one fit: the median of its 5 epoch-to-epoch times.
_EPOCHS = 6


def run_fit(
    bits: int, rows: int, nnz: int, alpha: float | None, fmt: str, k: int
) -> tuple[float, float]:
    """Median wall and CPU seconds an epoch of ``fit(solver="sgd")`` on one
    chunk: the time between successive epochs' ``callback`` calls, the
    fit's setup (and the first epoch's call) left out."""
    p = 2**bits
    rng = np.random.default_rng(bits)
    beta = rng.normal(0.0, 1.0, p) * (rng.random(p) < 0.05)
    X, y = chunk(rng, rows, p, nnz, beta, k)
    penalty = dict(penalty=None) if alpha is None else dict(penalty="l2", alpha=alpha)
    X = X.asformat(fmt)
    marks: list[tuple[float, float]] = []
    est = LogisticRegression(
        solver="sgd", max_iter=_EPOCHS, tol=1e-12, random_state=0, **penalty
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged
        est.fit(
            X,
            y,
            callback=lambda _: marks.append((time.perf_counter(), time.process_time())),
        )
    t = np.diff(np.array(marks), axis=0)
    return float(np.median(t[:, 0])), float(np.median(t[:, 1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bits", type=int, nargs="+", default=[18, 20])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--nnz", type=int, default=30)
    ap.add_argument("--chunks", type=int, default=6)
    ap.add_argument("--alpha", type=float, default=None)
    ap.add_argument("--sklearn", action="store_true")
    ap.add_argument("--format", default="csr", choices=["csr", "csc", "coo"])
    ap.add_argument("--classes", type=int, default=2)
    ap.add_argument("--fit", action="store_true")
    args = ap.parse_args()
    who = "SGDClassifier" if args.sklearn else "logistic"
    for bits in args.bits:
        if args.fit:
            wall, cpu = run_fit(
                bits, args.rows, args.nnz, args.alpha, args.format, args.classes
            )
            print(
                f"fit(solver='sgd') p=2^{bits}, alpha={args.alpha}, {args.format}, "
                f"K={args.classes}: {wall:.3f} s wall, {cpu:.3f} s CPU an epoch of "
                f"{args.rows} rows"
            )
            continue
        wall, cpu = run(
            bits, args.rows, args.nnz, args.chunks, args.alpha, args.sklearn,
            args.format, args.classes,
        )  # fmt: skip
        print(
            f"{who} p=2^{bits}, alpha={args.alpha}, {args.format}, K={args.classes}: "
            f"{wall:.3f} s wall, {cpu:.3f} s CPU a chunk of {args.rows} rows"
        )


if __name__ == "__main__":
    main()
