# ruff: noqa: E501  (tables read best unwrapped)
"""Model file size and load time of a wide sparse model: dense (format 1.1, 1.2 for K classes) against compact (1.5).

Usage (from the repository root)::

    python -m benchmarks.model_file_size [--features 1048576] [--density 0.01,0.05] [--reps 3] [--classes 2]

``--classes K`` (K > 2) writes a K-class model (K rows of coefficients, each
with a ``--density`` share of non-zero values) instead of a binary one.

A LibSVM-style model (``encoding.kind = "libsvm"``, names ``x1 … xp`` as
``logistic fit`` writes them for LibSVM data) of ``--features`` columns with
a seeded random ``--density`` share of non-zero coefficients, saved twice:
dense, as the build before format 1.5 wrote it (the compact form turned off:
those bytes are what that build wrote), and compact. Per density: each
file's size, its ``logistic.save`` wall time (one save, the encoding's
names given, made before the clock starts), the best of ``--reps`` ``logistic.load`` wall times, and
whether the loaded coefficients are equal bit for bit.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from unittest import mock

import numpy as np

import logistic
from logistic.io import _compact


def _model(p: int, density: float, classes: int = 2) -> logistic.LogisticRegression:
    rng = np.random.default_rng(0)
    rows = 1 if classes == 2 else classes
    coef = np.zeros((rows, p))
    for row in coef:
        at = rng.choice(p, int(density * p), replace=False)
        row[at] = rng.normal(size=at.size)
    m = logistic.LogisticRegression(penalty="l1", C=1.0)
    m.coef_, m.intercept_ = coef, np.linspace(-0.25, 0.25, rows)
    m.classes_, m.n_features_in_, m.n_iter_ = np.arange(classes), p, np.array([7])
    m.converged_ = True
    return m


def _encoding(p: int) -> dict[str, object]:
    from logistic._feature_names import positional_names

    return {
        "kind": "libsvm",
        "target": None,
        "label": None,
        "n_features": p,
        "zero_based": False,
        "feature_names": positional_names(p),
    }


def _load_time(path: str, reps: int) -> tuple[float, logistic.LogisticRegression]:
    best, model = float("inf"), None
    for _ in range(reps):
        t = time.perf_counter()
        model = logistic.load(path)
        best = min(best, time.perf_counter() - t)
    return best, model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=2**20)
    parser.add_argument("--density", default="0.01,0.05")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--classes", type=int, default=2)
    args = parser.parse_args()
    p = args.features
    print("| K | p | non-zero | dense file | save | load | compact file | save | load | equal |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for density in map(float, args.density.split(",")):
            m = _model(p, density, args.classes)
            dense = os.path.join(tmp, "dense.json")
            compact = os.path.join(tmp, "compact.json")
            given = _encoding(p), _encoding(p)  # made before the clock starts
            t = time.perf_counter()
            with mock.patch.object(_compact, "SPARSE_MIN_FEATURES", 2**62):
                logistic.save(m, dense, encoding=given[0])
            s_dense, t = time.perf_counter() - t, time.perf_counter()
            logistic.save(m, compact, encoding=given[1])
            s_compact = time.perf_counter() - t
            t_dense, a = _load_time(dense, args.reps)
            t_compact, b = _load_time(compact, args.reps)
            same = np.array_equal(a.coef_.view(np.int64), b.coef_.view(np.int64))
            mb = 2**20
            print(
                f"| {args.classes} | {p:,} | {density:.0%} | {os.path.getsize(dense) / mb:.1f} MiB | {s_dense:.2f} s "
                f"| {t_dense:.2f} s | {os.path.getsize(compact) / mb:.2f} MiB | {s_compact:.2f} s "
                f"| {t_compact:.2f} s | {same} |"
            )


if __name__ == "__main__":
    main()
