"""A Dask fit given ``client=`` that is not the default client (``Client(...,
set_as_default=False)``, or a second client). ``persist=True`` raised
distributed's "ValueError: No clients found" from ``distributed.wait``, which
asks for the default client; and Newton's subsample start, whose blocks are
fetched the same way, was silently skipped (one pass more). Now both wait
on the backend's client. Reference: the in-memory fit of the same rows."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")

from logistic import LogisticRegression  # noqa: E402
from logistic.backends._dask_connect import local_cluster  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

RNG = np.random.default_rng(4)
N = 260_000  # tall: n (p + 1) >= 1e6, so Newton starts from a subsample
X = RNG.normal(size=(N, 3))
Y = (RNG.random(N) < 1 / (1 + np.exp(-X[:, :3] @ [0.8, -0.5, 0.2]))).astype(float)


@pytest.fixture(scope="module")
def other_client():
    with local_cluster(
        n_workers=2, threads_per_worker=1, processes=True,
        dashboard_address=None, silence_logs=40,
    ) as cluster, distributed.Client(cluster, set_as_default=False) as client:  # fmt: skip
        yield client


@pytest.mark.parametrize("persist", [True, False])
def test_a_client_that_is_not_the_default(other_client, persist: bool) -> None:
    assert distributed.client._get_global_client() is None  # none by default
    reference = LogisticRegression(solver="newton").fit(X, Y)
    data = Dask(
        da.from_array(X, chunks=(65_000, 3)),
        da.from_array(Y, chunks=65_000),
        client=other_client,
        persist=persist,
    )
    model = LogisticRegression(solver="newton").fit(data, None)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-9)
    # the start fits whole blocks: 20 000 to 40 000 rows (in memory: 20 000)
    assert 20_000 <= model.history_[0].get("subsample_rows", 0) <= 40_000
