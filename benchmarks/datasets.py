# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""Benchmark datasets: a seeded synthetic suite and real data from ../shared/data
(or the folder ``LOGISTIC_BENCH_DATA`` names).

Convention: every dataset is materialised once under ``benchmarks/data/``
(git-ignored, never committed) as ``NAME.X.npy`` (dense, float64, C order)
or ``NAME.X.npz`` (CSR, float64) plus ``NAME.y.npy`` (labels in {0, 1},
float64); ``NAME.f32.X.npy`` is the float32 copy used by the float32
comparison. ``load(name)`` reads them back (a fit subprocess pays only a
``np.load``). The synthetic generators are deterministic for a given seed::

    dense1m     1,000,000 × 100 float64, N(0, 1) features
    illcond1m   1,000,000 × 100, AR(1) correlated (ρ = 0.9), column scales
                1e-2 … 1e2 and non-zero means, about 10 % positives
    wide100k    100,000 × 1,000 dense N(0, 1)
    sparse200k  200,000 × 100,000 CSR, 100 non-zeros a row

Real data (train files): a9a (32,561 × 123 CSR), ijcnn1 (49,990 × 22),
higgs (7,000 × 28), credit-default (29,998 × 23, unscaled: the 30,000
rows less the 2 whose AGE is empty in this copy, see its README), reuters
(7,770 × 8,315 CSR), w8a (49,749 × 300 CSR).

Run ``python -m benchmarks.datasets [NAME ...]`` to materialise them.
"""

from __future__ import annotations

import bz2
import gzip
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
#: The real datasets' folder: ``LOGISTIC_BENCH_DATA``, else ``../shared/data``
#: beside the repository.
SHARED = Path(
    os.environ.get("LOGISTIC_BENCH_DATA") or HERE.parent.parent / "shared" / "data"
)

SYNTHETIC = ["dense1m", "illcond1m", "wide100k", "sparse200k"]
REAL = ["a9a", "ijcnn1", "higgs", "credit-default", "reuters", "w8a"]
ALL = SYNTHETIC + REAL


def _labels(rng: np.random.Generator, z: np.ndarray) -> np.ndarray:
    return (rng.random(z.shape[0]) < expit(z)).astype(np.float64)


def gen_dense(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """N(0, 1) features, coefficients N(0, 1)·2/√p (logits of s.d. ≈ 2)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = rng.standard_normal(p) * 2.0 / np.sqrt(p)
    return X, _labels(rng, X @ beta + 0.25)


def gen_illcond(n: int, p: int, seed: int, rho: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """AR(1) features on scales 1e-2 … 1e2 with means, ≈10 % positives."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    c = np.sqrt(1 - rho**2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + c * rng.standard_normal(n)
    beta = rng.standard_normal(p) * 1.5 / np.sqrt(p)
    z = X @ beta
    lo, hi = -20.0, 20.0  # intercept so that the mean probability is 0.10
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if expit(z + mid).mean() < 0.10 else (lo, mid)
    y = _labels(rng, z + 0.5 * (lo + hi))
    scales = np.logspace(-2, 2, p)
    rng.shuffle(scales)
    means = rng.uniform(-3, 3, p) * scales
    X *= scales
    X += means
    return X, y


def gen_sparse(n: int, p: int, nnz_row: int, seed: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """CSR with ``nnz_row`` distinct random columns a row, positive tf-idf-like values."""
    rng = np.random.default_rng(seed)
    cols = rng.integers(0, p, size=(n, nnz_row), dtype=np.int32)
    cols.sort(axis=1)
    keep = np.ones_like(cols, dtype=bool)
    keep[:, 1:] = cols[:, 1:] != cols[:, :-1]
    counts = keep.sum(axis=1)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    indices = cols[keep]
    data = np.abs(rng.standard_normal(indices.size)) / np.sqrt(nnz_row)
    X = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    beta = rng.standard_normal(p) * 2.0
    return X, _labels(rng, X @ beta - 0.2)


def _read_libsvm(path: Path, n_features: int | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
    opener: Callable[..., Any] = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix, open)
    indptr, indices, data, ys = [0], [], [], []
    with opener(path, "rt") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            ys.append(1.0 if float(parts[0]) > 0 else 0.0)
            for tok in parts[1:]:
                k, v = tok.split(":")
                indices.append(int(k) - 1)
                data.append(float(v))
            indptr.append(len(indices))
    d = n_features if n_features is not None else max(indices) + 1
    X = sp.csr_matrix(
        (np.asarray(data), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(ys), d),
    )
    X.sum_duplicates()
    return X, np.asarray(ys)


def _real(name: str) -> tuple[Any, np.ndarray]:
    if name == "a9a":
        return _read_libsvm(SHARED / "a9a" / "a9a.gz", 123)
    if name == "w8a":
        return _read_libsvm(SHARED / "w8a" / "w8a.gz", 300)
    if name == "ijcnn1":
        X, y = _read_libsvm(SHARED / "ijcnn1" / "ijcnn1.trn.bz2", 22)
        return X.toarray(), y
    if name == "reuters":
        return _read_libsvm(SHARED / "reuters-lasvm" / "reuters.trn.bz2")
    if name == "higgs":
        A = np.loadtxt(SHARED / "higgs-lightgbm-subset" / "binary.train.gz")
        return np.ascontiguousarray(A[:, 1:]), A[:, 0].astype(np.float64)
    if name == "credit-default":
        import pandas as pd

        df = pd.read_csv(SHARED / "credit-default-taiwan" / "UCI_Credit_Card.csv.gz").dropna()
        y = df.pop("default.payment.next.month").to_numpy(np.float64)
        df = df.drop(columns=["ID"])
        return np.ascontiguousarray(df.to_numpy(np.float64)), y
    raise KeyError(name)


def generate(name: str) -> tuple[Any, np.ndarray]:
    """Build dataset ``name`` in memory (seeded; real data read from shared/)."""
    if name == "dense1m":
        return gen_dense(1_000_000, 100, seed=1)
    if name == "illcond1m":
        return gen_illcond(1_000_000, 100, seed=2)
    if name == "wide100k":
        return gen_dense(100_000, 1_000, seed=3)
    if name == "sparse200k":
        return gen_sparse(200_000, 100_000, 100, seed=4)
    if name.startswith("small-"):  # small-N-P: a quick dense problem for smoke runs
        _, n, p = name.split("-")
        return gen_dense(int(n), int(p), seed=5)
    return _real(name)


def _paths(name: str, float32: bool = False) -> tuple[Path, Path, Path]:
    stem = f"{name}.f32" if float32 else name
    return DATA_DIR / f"{stem}.X.npy", DATA_DIR / f"{stem}.X.npz", DATA_DIR / f"{name}.y.npy"


def materialise(name: str, float32: bool = False) -> None:
    """Write dataset ``name`` (and optionally its float32 copy) under data/."""
    DATA_DIR.mkdir(exist_ok=True)
    dense, sparse, ypath = _paths(name)
    if not (dense.exists() or sparse.exists()) or not ypath.exists():
        X, y = generate(name)
        if sp.issparse(X):
            sp.save_npz(sparse, sp.csr_matrix(X), compressed=False)
        else:
            np.save(dense, np.ascontiguousarray(X, dtype=np.float64))
        np.save(ypath, y)
    if float32:
        d32, s32, _ = _paths(name, float32=True)
        if not (d32.exists() or s32.exists()):
            X = load(name)[0]
            if sp.issparse(X):
                sp.save_npz(s32, X.astype(np.float32), compressed=False)
            else:
                np.save(d32, X.astype(np.float32))


def load(name: str, float32: bool = False) -> tuple[Any, np.ndarray]:
    """``(X, y)`` of a materialised dataset (X as stored: float64, or float32)."""
    dense, sparse, ypath = _paths(name, float32)
    if not (dense.exists() or sparse.exists()):
        materialise(name, float32)
    X = sp.load_npz(sparse).tocsr() if sparse.exists() else np.load(dense)
    return X, np.load(ypath)


def describe(name: str) -> str:
    X, y = load(name)
    kind = f"CSR, {X.nnz / X.shape[0]:.0f} nnz/row" if sp.issparse(X) else "dense"
    return f"{X.shape[0]:,} × {X.shape[1]:,} {kind}, {100 * y.mean():.1f} % positive"


if __name__ == "__main__":
    for arg in sys.argv[1:] or ALL:
        materialise(arg, float32=arg in ("dense1m", "illcond1m"))
        print(arg, describe(arg), flush=True)
