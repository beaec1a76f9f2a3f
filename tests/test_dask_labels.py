"""Persisted partitions' labels encoded on their workers at setup
(``_dask_labels``), before the first pass.

One module-scoped cluster (2 worker processes, 1 thread each), Parquet
files of 8 features (``KEEP_LABELS_MIN_FEATURES``: the passes keep encoded
labels from there on).
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from conftest import local_dask_client, write_parquet_parts  # noqa: E402
from logistic import LogisticRegression  # noqa: E402
from logistic.backends import _dask_labels  # noqa: E402
from logistic.backends._dask_tasks import KEEP_LABELS_MIN_FEATURES  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

N, P, PARTS = 2400, KEEP_LABELS_MIN_FEATURES, 6


@pytest.fixture(scope="module")
def client():
    with local_dask_client() as c:
        yield c


@pytest.fixture(scope="module")
def data():
    """Labels "no"/"yes" drawn from a logistic model over 8 features."""
    rng = np.random.default_rng(41)
    X = rng.standard_normal((N, P))
    z = X @ np.linspace(-1.0, 1.0, P) + 0.2
    y = np.where(rng.random(N) < 1.0 / (1.0 + np.exp(-z)), "yes", "no")
    return X, y


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, data):
    X, y = data
    return write_parquet_parts(tmp_path_factory.mktemp("labels-pq"), X, y, PARTS)


def _kept(keys, dask_worker):
    """The encoded labels this worker keeps, by the key of the label array."""
    from logistic.backends._dask_tasks import _ENCODED

    out = {}
    for key in keys:
        y = (
            dask_worker.data.fast.get(key)
            if hasattr(dask_worker.data, "fast")
            else None
        )
        for ref, _, y01 in _ENCODED.values():
            if y is not None and ref() is y:
                out[key] = y01.copy()
    return out


def _forget(dask_worker):
    from logistic.backends._dask_tasks import _ENCODED

    _ENCODED.clear()


def test_labels_are_encoded_on_their_workers_at_setup(client, parquet_dir, data):
    _, y = data
    client.run(_forget)
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    assert backend.n_passes == 0
    assert backend.labels_encoded == PARTS
    keys = [row[1].key for row in backend._futures]
    kept: dict = {}
    for per_worker in client.run(_kept, keys).values():
        kept.update(per_worker)
    assert sorted(kept, key=keys.index) == keys  # every partition's, no pass run
    # reference: 1.0 where the label is the larger one ("yes"), numpy's comparison
    want = np.concatenate(
        [(y[k * N // PARTS : (k + 1) * N // PARTS] == "yes") for k in range(PARTS)]
    ).astype(np.float64)
    got = np.concatenate([kept[k] for k in keys])
    np.testing.assert_array_equal(got, want)


def test_fit_with_labels_encoded_at_setup_equals_the_in_memory_fit(
    client, parquet_dir, data
):
    X, y = data
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    assert backend.labels_encoded == PARTS
    on_dask = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(backend, None)
    in_memory = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(on_dask.intercept_, in_memory.intercept_, rtol=1e-8)
    assert list(on_dask.classes_) == ["no", "yes"]


def _failing(keys, classes, dtype, dask_worker=None):
    raise OSError("encoding refused")


def test_a_worker_failing_to_encode_leaves_the_labels_to_the_passes(
    client, parquet_dir, data, monkeypatch
):
    X, y = data
    client.run(_forget)
    monkeypatch.setattr(_dask_labels, "encode_on_worker", _failing)
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    assert backend.labels_encoded == 0
    keys = [row[1].key for row in backend._futures]
    assert not any(client.run(_kept, keys).values())
    model = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(backend, None)
    reference = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-10)
    kept: dict = {}
    for per_worker in client.run(_kept, keys).values():
        kept.update(per_worker)
    assert len(kept) == PARTS  # encoded by the first pass instead


def test_no_encoding_below_the_features_the_passes_keep_labels_from(client, tmp_path):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((600, KEEP_LABELS_MIN_FEATURES - 1))
    y = (X[:, 0] > 0).astype(np.int64)
    root = write_parquet_parts(tmp_path, X, y, 3)
    backend = Dask.from_parquet(root, target="label", client=client, persist=True)
    assert backend.labels_encoded == 0
