"""Record or compare the fitted coefficients and data passes of every solver.

A refactor of the fit path must not change what a fit computes. This script
fits every registered solver (with every penalty it accepts) on a fixed set of
problems and writes, per fit, the coefficients, intercept, ``n_iter_``,
``n_passes_``, ``converged_`` and ``solver_``. Run it once before a change
(``record``) and once after (``compare``): the comparison prints the largest
relative coefficient difference and the change in passes per fit, and exits 1
when a coefficient moved by more than ``--rtol`` (default 1e-12) or a fit now
uses more passes.

    python -m benchmarks.fit_fingerprint record before.json
    python -m benchmarks.fit_fingerprint compare before.json [--rtol 1e-12]

Problems: UCLA admissions (bundled), and seeded subsamples of spambase,
a9a, ijcnn1 and credit-default from ``../shared/data`` (each skipped with a
note when its file is absent).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

import numpy as np

from benchmarks.datasets import SHARED, _read_libsvm

ROWS = 3000


def _subsample(X: Any, y: np.ndarray, seed: int = 0) -> tuple[Any, np.ndarray]:
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(X.shape[0], size=min(ROWS, X.shape[0]), replace=False))
    return X[idx], y[idx]


def problems() -> dict[str, tuple[Any, np.ndarray]]:
    import pandas as pd

    from logistic import datasets

    out: dict[str, tuple[Any, np.ndarray]] = {}
    X, y, _ = datasets.load_ucla_admissions()
    out["ucla"] = (np.asarray(X, dtype=float), np.asarray(y, dtype=float))
    spam = SHARED / "spambase" / "spambase.tsv.gz"
    if spam.exists():
        df = pd.read_csv(spam, sep="\t")
        A = df.to_numpy(dtype=float)
        out["spambase"] = _subsample(A[:, :-1], A[:, -1])
    a9a = SHARED / "a9a" / "a9a.gz"
    if a9a.exists():
        out["a9a"] = _subsample(*_read_libsvm(a9a, 123))
    ijcnn = SHARED / "ijcnn1" / "ijcnn1.trn.bz2"
    if ijcnn.exists():
        Xi, yi = _read_libsvm(ijcnn, 22)
        out["ijcnn1"] = _subsample(Xi.toarray(), yi)
    credit = SHARED / "credit-default-taiwan" / "UCI_Credit_Card.csv.gz"
    if credit.exists():
        df = pd.read_csv(credit).dropna()
        A = df.drop(columns=["ID"]).to_numpy(dtype=float)
        out["credit-default"] = _subsample(A[:, :-1], A[:, -1])
    return out


def configurations() -> list[tuple[str, dict[str, Any]]]:
    """(solver, estimator params) for every registered solver and penalty it takes."""
    from logistic.solvers import SOLVERS

    configs = []
    for name, cls in sorted(SOLVERS.items()):
        caps = cls.capabilities
        if caps.firth:
            configs.append((name, {"penalty": "firth"}))
            continue
        configs.append((name, {"penalty": "l2", "C": 1.0}))
        if not caps.stochastic:
            configs.append((name, {"penalty": None}))
        if caps.supports_l1:
            configs.append((name, {"penalty": "l1", "C": 1.0}))
    configs.append(("auto", {"penalty": "l2", "C": 1.0}))
    return configs


def record() -> dict[str, Any]:
    from logistic import LogisticRegression

    results: dict[str, Any] = {}
    for data_name, (X, y) in problems().items():
        for solver, params in configurations():
            if params.get("penalty") == "firth" and data_name != "ucla":
                continue  # Firth's O(n p²) per step: one problem is enough
            key = f"{data_name}|{solver}|{json.dumps(params, sort_keys=True)}"
            model = LogisticRegression(
                solver=solver, max_iter=300, random_state=0, **params
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    model.fit(X, y)
                except Exception as exc:  # recorded: a refactor must fail the same way
                    results[key] = {"error": f"{type(exc).__name__}: {exc}"}
                    continue
            results[key] = {
                "coef": model.coef_.ravel().tolist(),
                "intercept": float(model.intercept_[0]),
                "n_iter": int(model.n_iter_[0]),
                "n_passes": int(getattr(model, "n_passes_", -1)),
                "converged": bool(model.converged_),
                "solver": str(model.solver_),
            }
            print(
                f"{key}: passes={results[key]['n_passes']} iter={results[key]['n_iter']}",
                flush=True,
            )
    return results


def compare(before: dict[str, Any], after: dict[str, Any], rtol: float) -> int:
    bad = 0
    print(f"{'fit':70s} {'max rel diff':>12s} {'passes':>15s}")
    for key in sorted(before):
        b, a = before[key], after.get(key)
        if a is None:
            print(f"{key:70s} missing after the change")
            bad += 1
            continue
        if "error" in b or "error" in a:
            same = b.get("error") == a.get("error")
            print(f"{key:70s} {'same error' if same else 'ERROR CHANGED'}")
            bad += not same
            continue
        cb = np.r_[b["coef"], b["intercept"]]
        ca = np.r_[a["coef"], a["intercept"]]
        scale = np.maximum(np.abs(cb), 1e-300)
        rel = float(
            np.max(np.abs(ca - cb) / np.maximum(scale, np.max(np.abs(cb)) * 1e-3))
        )
        passes = f"{b['n_passes']} -> {a['n_passes']}"
        flag = ""
        if rel > rtol:
            flag += " COEF"
        if a["n_passes"] > b["n_passes"]:
            flag += " PASSES"
        bad += bool(flag)
        print(f"{key:70s} {rel:12.2e} {passes:>15s}{flag}")
    print(
        f"{len(before)} fits compared, {bad} differ beyond rtol={rtol:g} or use more passes"
    )
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["record", "compare"])
    parser.add_argument("path")
    parser.add_argument("--rtol", type=float, default=1e-12)
    args = parser.parse_args(argv)
    results = record()
    if args.mode == "record":
        with open(args.path, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1)
        print(f"wrote {len(results)} fits to {args.path}")
        return 0
    with open(args.path, encoding="utf-8") as fh:
        before = json.load(fh)
    return compare(before, results, args.rtol)


if __name__ == "__main__":
    sys.exit(main())
