"""A relative path given to ``Dask.from_parquet`` (and so to ``logistic fit
DIR --scheduler/--workers``) names the client's files, not those a worker
finds from its own working directory.

The tasks opened the path as given: a worker whose working directory was
elsewhere read another folder's files of the same names, and the fit
(labels flipped there) came out with the signs of every coefficient
reversed, exit 0, while the model file recorded the client's files. The
path is now made absolute on the client. The reference is the same data
fitted in memory (``LogisticRegression().fit``).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import local_dask_client
from logistic import LogisticRegression
from logistic.backends import Dask

pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _write(folder, X, y) -> None:
    folder.mkdir(parents=True)
    for k, rows in enumerate(np.array_split(np.arange(len(y)), 2)):
        cols = {f"x{j}": X[rows, j] for j in range(X.shape[1])}
        pq.write_table(pa.table({**cols, "y": y[rows]}), folder / f"part-{k}.parquet")


def test_a_relative_path_reads_the_clients_files(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2000, 3))
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-X @ [1.0, -0.5, 0.25]))).astype(np.int64)
    _write(tmp_path / "client" / "data", X, y)
    _write(tmp_path / "worker" / "data", X, 1 - y)  # the same names, labels flipped
    monkeypatch.chdir(tmp_path / "client")
    expected = LogisticRegression().fit(X, y)
    with local_dask_client() as client:
        client.run(os.chdir, str(tmp_path / "worker"))  # each worker's own directory
        backend = Dask.from_parquet("data", target="y", client=client)
        model = LogisticRegression().fit(backend, None)
    np.testing.assert_allclose(model.coef_, expected.coef_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(model.intercept_, expected.intercept_, rtol=0, atol=1e-7)
