"""Default rows of a block inside a Dask partition (``_dask_blocks``): the
in-memory backend's dense block sizes, by whether the compiled row loop
reads the blocks.

No cluster: Dask's threaded scheduler runs the scan and the passes.
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.dask

da = pytest.importorskip("dask.array")

from logistic import LogisticRegression  # noqa: E402
from logistic.backends import _dask_blocks  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

P = 100


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((6000, P))
    y = (rng.random(6000) < 1.0 / (1.0 + np.exp(-X[:, :5].sum(axis=1)))).astype(int)
    return X, y


def _backend(X, y, **kw):
    return Dask(da.from_array(X, chunks=(2000, P)), da.from_array(y, chunks=2000), **kw)


@pytest.mark.parametrize(
    ("row_loop", "rows"),
    [
        (False, 2**20 // (P * 8)),  # 1 MiB of float64 rows: 1310 (an L2-sized block)
        (True, 8 * 2**20 // (P * 8)),  # 8 MiB: 10485 (read once, row by row)
    ],
)
def test_block_rows_follow_the_kernel_that_reads_them(
    data, monkeypatch, row_loop, rows
):
    monkeypatch.setattr(_dask_blocks, "row_loop_active", lambda: row_loop)
    assert _backend(*data).chunk_rows == rows


def test_narrow_rows_get_at_least_256_a_block(monkeypatch):
    monkeypatch.setattr(_dask_blocks, "row_loop_active", lambda: False)
    # 2**20 bytes of 4096 float64 columns would be 32 rows
    assert _dask_blocks.partition_chunk_rows(4096, np.float64) == 256


def test_an_explicit_chunk_rows_is_kept(data, monkeypatch):
    monkeypatch.setattr(_dask_blocks, "row_loop_active", lambda: False)
    assert _backend(*data, chunk_rows=500).chunk_rows == 500


def test_fit_in_small_blocks_equals_the_in_memory_fit(data, monkeypatch):
    X, y = data
    monkeypatch.setattr(_dask_blocks, "row_loop_active", lambda: False)
    backend = _backend(X, y)
    assert backend.chunk_rows < 2000  # several blocks a partition
    on_dask = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(backend, None)
    in_memory = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(on_dask.intercept_, in_memory.intercept_, rtol=1e-8)
