"""Shared test fixtures: the real datasets under ../shared/data and seeded RNGs.

``DATA`` is ``<repo>/../shared/data`` (CI clones the repository beside a copy
of shared/). Tests that need a dataset use :func:`data_path`, which fails
loudly (not skips) when the data directory is missing: the datasets are part
of the test environment.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def data_path(*parts: str) -> Path:
    """Path of a file under shared/data; raises if it is missing."""
    p = DATA.joinpath(*parts)
    if not p.exists():
        raise FileNotFoundError(f"test data {p} is missing (expected ../shared/data beside the repo)")
    return p


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


# -- CLI helpers ------------------------------------------------------------------
TINY_CSV = "x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n"


def run_cli(capsys, args):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    from logistic.cli.app import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A temporary working directory (the CLI resolves relative paths there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fit_ucla_model(directory: Path) -> Path:
    """`logistic fit` on UCLA admissions with R's formula; the model file's path."""
    from logistic.cli.app import main

    out = directory / "m.json"
    data = data_path("ucla-admissions", "binary.csv")
    code = main(["fit", str(data), "--formula", "admit ~ gre + gpa + C(rank)", "-o", str(out)])
    assert code == 0
    return out


def load_libsvm(path: Path, n_features: int | None = None, max_rows: int | None = None):
    """Small LibSVM reader for tests (independent of the package's readers).

    Returns (X as CSR float64, y in {0, 1}) with label +1 → 1, everything else → 0.
    """
    import bz2
    import gzip

    import scipy.sparse as sp

    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix, open)
    rows, cols, vals, ys = [], [], [], []
    with opener(path, "rt") as fh:
        for i, line in enumerate(fh):
            if max_rows is not None and i >= max_rows:
                break
            parts = line.split()
            if not parts:
                continue
            ys.append(1.0 if float(parts[0]) > 0 else 0.0)
            for tok in parts[1:]:
                k, v = tok.split(":")
                rows.append(len(ys) - 1)
                cols.append(int(k) - 1)
                vals.append(float(v))
    d = n_features if n_features is not None else (max(cols) + 1 if cols else 0)
    X = sp.csr_matrix((vals, (rows, cols)), shape=(len(ys), d))
    return X, np.asarray(ys)
