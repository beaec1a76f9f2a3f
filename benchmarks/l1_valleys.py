"""L1 and elastic-net fits on designs with a flat valley: iterations, objective, KKT.

Usage (from the repository root)::

    PYTHONPATH=src:. python -m benchmarks.l1_valleys [--sets ucla,lbw,ijcnn,dup,spam] [--out FILE.json]

Fits every combination of data set × penalty (``l1``, ``elasticnet`` with
``l1_ratio=0.5``) × C (1e6, 100, 1) × solver (``auto``, ``newton-cd``,
``newton-cd-columns``) with ``max_iter=1000`` and prints, one JSON line a fit,
the solver ``auto`` chose, the iterations, the time, the final objective and
KKT residual (the last ``history_`` entry) and the number of warnings. The
data sets (all in ``tests/data``) have directions the loss leaves flat:
``ucla`` with a dummy for every rank beside the intercept, ``lbw`` with one for
every race, ``dup`` the first ten spambase columns and three of them again;
``ijcnn`` (ijcnn1's subset) and ``spam`` (spambase) are controls. Run it on
two commits and compare the JSON files (``--out``) to see what a solver
change does to each case.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def _ucla():
    d = np.genfromtxt(DATA / "ucla-admissions" / "binary.csv", delimiter=",", names=True)
    ranks = [(d["rank"] == k).astype(float) for k in (1, 2, 3, 4)]
    return np.column_stack([d["gre"] / 100, d["gpa"], *ranks]), d["admit"]


def _lbw():
    d = np.genfromtxt(DATA / "lbw-hosmer-lemeshow" / "birthwt_MASS.csv", delimiter=",", names=True)
    races = [(d["race"] == k).astype(float) for k in (1, 2, 3)]
    cols = [d["age"], d["lwt"] / 10, d["smoke"], d["ptl"], d["ht"], d["ui"], d["ftv"]]
    return np.column_stack([*cols, *races]), d["low"]


def _spam():
    d = np.loadtxt(DATA / "spambase" / "spambase.tsv.gz", delimiter="\t", skiprows=1)
    return d[:, :-1], d[:, -1]


def _dup():
    X, y = _spam()
    return np.column_stack([X[:, :10], X[:, :3]]), y


def _ijcnn():
    from sklearn.datasets import load_svmlight_file

    X, y = load_svmlight_file(str(DATA / "ijcnn1" / "ijcnn1.trn.subset.bz2"))
    return X.toarray(), y


SETS = {"ucla": _ucla, "lbw": _lbw, "dup": _dup, "ijcnn": _ijcnn, "spam": _spam}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    from logistic import LogisticRegression

    rows = []
    for name in a.sets.split(","):
        X, y = SETS[name]()
        for solver in ("auto", "newton-cd", "newton-cd-columns"):
            for penalty, ratio in (("l1", None), ("elasticnet", 0.5)):
                for C in (1e6, 1e2, 1.0):
                    kw = dict(penalty=penalty, C=C, solver=solver, max_iter=1000)
                    if ratio is not None:
                        kw["l1_ratio"] = ratio
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        t0 = time.perf_counter()
                        model = LogisticRegression(**kw).fit(X, y)
                        took = time.perf_counter() - t0
                    last = model.history_[-1]
                    row = dict(set=name, solver=solver, penalty=penalty, C=C,
                               chosen=model.solver_, iterations=int(np.ravel(model.n_iter_)[0]),
                               seconds=round(took, 3), objective=last["objective"],
                               kkt=last["grad_max_norm"], warnings=len(caught))  # fmt: skip
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
