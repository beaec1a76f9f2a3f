"""Inputs a path of the library does not take are refused up front, naming
what to do instead.

* ``LogisticRegressionCV.fit(path, "label")`` failed inside numpy's
  conversion ("X must contain numbers only (dtype <U26): could not convert
  string to float: '/tmp/.../a.parquet'"), while ``LogisticRegression.fit``
  takes the same path: the folds index rows in memory.
* A Dask array whose chunks are scipy sparse matrices
  (``da.from_array(csr, asarray=False)``) failed on every partition with
  numpy's "setting an array element with a sequence" (a PartitionError and
  worker tracebacks); the Dask backend reads dense chunks.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import DataValidationError, LogisticRegression
from logistic._exceptions import InvalidParameterError


def test_cross_validation_of_a_file_path_names_the_remedies(tmp_path):
    pytest.importorskip("sklearn")
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from logistic import LogisticRegressionCV

    rng = np.random.default_rng(0)
    x = rng.standard_normal(200)
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"x": x, "label": (x > 0).astype(int)}), path)
    for given in (path, str(path)):
        with pytest.raises(InvalidParameterError) as err:
            LogisticRegressionCV(Cs=3).fit(given, "label")
        text = str(err.value)
        assert text.startswith("LogisticRegressionCV cross-validates rows in memory")
        assert "a.parquet" in text and "logistic fit DATA --cv K" in text


def test_dask_array_of_sparse_chunks_is_refused_before_any_task():
    da = pytest.importorskip("dask.array")
    import scipy.sparse as sp

    X = sp.random(400, 5, density=0.3, format="csr", random_state=0)
    y = (np.random.default_rng(0).random(400) < 0.5).astype(int)
    Xd = da.from_array(X, chunks=(100, 5), asarray=False)
    yd = da.from_array(y, chunks=100)
    with pytest.raises(DataValidationError, match=r"chunks are sparse matrices \(csr_matrix\)"):
        LogisticRegression().fit(Xd, yd)
    # the remedy it names, dense chunks, fits as the matrix does in memory
    dense_chunks = Xd.map_blocks(lambda b: b.toarray(), dtype=float)
    a = LogisticRegression().fit(dense_chunks, yd)
    b = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8)
