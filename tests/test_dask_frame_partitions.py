"""Dask DataFrames and Series of one ``dd.read_parquet`` pair up partition by
partition (``logistic.backends._dask_align``).

The bug: ``fit(df.drop(columns="label"), df["label"])`` on a directory of
Parquet files failed with "X has 2 partitions but y has 1": each collection's
``to_delayed()`` ran Dask's optimizer alone, which read the files of a
one-column projection several to a task. The fits below must equal the
in-memory fit of the same pandas rows, by ``logistic`` and by scikit-learn
(``C=np.inf``: no penalty, as ``logistic``'s default ``penalty=None``;
``newton-cholesky`` with ``tol=1e-12`` so that its own error is far below the
tolerance). Coefficients: ``rtol=1e-8`` with ``atol=1e-9``, since the noise
features' coefficients are near 0 (|coef| ≈ 1e-4 .. 2e-2).

Fits run on Dask's synchronous scheduler without a distributed client, but
one, on a local cluster of two worker processes with ``persist=True``.
Every test fails on the code before the fix except those named ``control``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.dask

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
sklearn_lm = pytest.importorskip("sklearn.linear_model")

from conftest import local_dask_client  # noqa: E402
from logistic import DataValidationError, LogisticRegression  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

ROWS = 25_000
FEATURES = [f"x{j}" for j in range(5)]


def _write(root: Path, n_files: int) -> pd.DataFrame:
    """The bug report's files (one more column, ``w``, a weight), written
    to ``root``; all their rows in file order."""
    rng = np.random.default_rng(0)
    frames = []
    for i in range(n_files):
        X = rng.normal(size=(ROWS, 5))
        y = (X[:, 0] + rng.normal(size=ROWS) > 0).astype(int)
        w = rng.uniform(0.5, 2.0, ROWS)
        frame = pd.DataFrame(X, columns=FEATURES).assign(label=y, w=w)
        frame.to_parquet(root / f"p{i}.parquet")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """``n_files -> (directory, its rows as one pandas DataFrame)``."""
    made = {}
    for n in (2, 3):
        root = tmp_path_factory.mktemp(f"parquet{n}")
        made[n] = (root, _write(root, n))
    return made


@pytest.fixture(autouse=True)
def synchronous(request, monkeypatch):
    """Dask's synchronous scheduler and no distributed client (but for the
    test on a cluster)."""
    if "on_a_cluster" in request.node.name:
        yield
        return
    monkeypatch.setattr(Dask, "_client", lambda self: None)
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.fixture(scope="module")
def references(files):
    """``(n_files, weighted) -> (logistic in memory, scikit-learn)`` fits."""
    out = {}
    for n, (_, rows) in files.items():
        for weighted in (False, True):
            w = rows["w"] if weighted else None
            X, y = rows[FEATURES], rows["label"]
            ours = LogisticRegression().fit(X, y, sample_weight=w)
            theirs = sklearn_lm.LogisticRegression(
                C=np.inf, solver="newton-cholesky", tol=1e-12
            ).fit(X, y, sample_weight=w)
            out[n, weighted] = (ours, theirs)
    return out


def _assert_same_fit(model, reference):
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(
        model.intercept_, reference.intercept_, rtol=1e-8, atol=1e-9
    )


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n_files", [2, 3])
def test_read_parquet_columns_fit_like_in_memory(files, references, n_files, weighted):
    """docs/scaling.md's example: X and y (and the weights) taken from one
    ``dd.read_parquet`` of a directory."""
    df = dd.read_parquet(files[n_files][0])
    X = df.drop(columns=["label", "w"])
    w = df["w"] if weighted else None
    model = LogisticRegression().fit(X, df["label"], sample_weight=w)
    ours, theirs = references[n_files, weighted]
    _assert_same_fit(model, ours)
    _assert_same_fit(model, theirs)
    assert model.n_features_in_ == len(FEATURES)


@pytest.mark.parametrize("n_files", [2, 3])
def test_one_partition_per_file_read_once(files, n_files):
    """The backend's partitions are those ``npartitions`` announces (one per
    file here), and the columns of X, y and the weights are read by one task
    per file, not by one per collection."""
    df = dd.read_parquet(files[n_files][0])
    X, y, w = df.drop(columns=["label", "w"]), df["label"], df["w"]
    assert X.npartitions == y.npartitions == w.npartitions == n_files
    backend = Dask(X, y, sample_weight=w)
    assert backend.n_partitions == n_files
    assert backend.n_samples == n_files * ROWS

    from logistic.backends._dask_align import row_partitions

    reads = {
        key
        for pieces in row_partitions(X, y, w, None)
        for piece in pieces
        if piece is not None
        for key in dict(piece.dask)
        if str(key[0] if isinstance(key, tuple) else key).startswith("read")
    }
    assert len(reads) == n_files


def test_target_frame_with_weight_series(files, references):
    """``Dask(df, target=...)`` with the weights a Series of the same frame."""
    df = dd.read_parquet(files[3][0])
    backend = Dask(df.drop(columns="w"), target="label", sample_weight=df["w"])
    assert backend.n_partitions == 3
    model = LogisticRegression().fit(backend, None)
    ours, theirs = references[3, True]
    _assert_same_fit(model, ours)
    _assert_same_fit(model, theirs)


def test_frames_with_other_partition_counts_get_frame_advice(files):
    """A y or weight partitioned otherwise: the remedy names what exists for
    DataFrames and Series (no ``rechunk``, ``chunks``)."""
    df = dd.read_parquet(files[3][0])
    X = df.drop(columns=["label", "w"])
    with pytest.raises(DataValidationError) as info:
        Dask(X, df["label"].repartition(npartitions=2))
    message = str(info.value)
    assert message.startswith("X has 3 partitions but y has 2; ")
    assert 'y = df["label"]' in message
    assert 'Dask(df, target="label")' in message
    assert "rechunk" not in message and "chunks" not in message
    with pytest.raises(DataValidationError) as info:
        Dask(X, df["label"], sample_weight=df["w"].repartition(npartitions=1))
    message = str(info.value)
    assert message.startswith("X has 3 partitions but sample_weight has 1; ")
    assert 'sample_weight=df["sample_weight"]' in message
    assert "rechunk" not in message and "chunks" not in message


def test_known_divisions_advice_is_followed_to_a_fit(files, references):
    """Frames with known divisions: the message offers ``repartition`` to
    X's divisions, and doing so gives the in-memory fit."""
    rows = files[2][1]
    X = dd.from_pandas(rows[FEATURES], npartitions=2)
    y = dd.from_pandas(rows["label"], chunksize=20_000)  # 3 partitions
    with pytest.raises(DataValidationError) as info:
        Dask(X, y)
    message = str(info.value)
    assert message.startswith("X has 2 partitions but y has 3; ")
    assert "y.repartition(divisions=X.divisions)" in message
    assert "rechunk" not in message
    model = LogisticRegression().fit(X, y.repartition(divisions=X.divisions))
    _assert_same_fit(model, references[2, False][0])


def test_frames_with_other_rows_in_a_partition(files):
    """Same partition count, other rows: the scan names the partition and
    the counts, with the advice for frames."""
    rows = files[2][1]
    X = dd.from_pandas(rows[FEATURES], npartitions=2)
    y = dd.from_pandas(rows["label"], npartitions=2).repartition(
        divisions=[0, 20_000, len(rows) - 1]
    )
    assert X.npartitions == y.npartitions == 2
    with pytest.raises(DataValidationError) as info:
        Dask(X, y)
    assert str(info.value).startswith(
        "partition 0: X has 25000 rows but y has 20000; y must hold the same "
        "rows as X, partition by partition: take y from the Dask DataFrame X "
        "comes from"
    )
    assert "rechunk" not in str(info.value)


def test_arrays_keep_rechunk_advice(files):
    """Arrays: ``rechunk``, named for the collection at fault; a Series with
    an array X: ``to_dask_array``."""
    rows = files[2][1]
    X = da.from_array(rows[FEATURES].to_numpy(), chunks=(20_000, 5))
    y = da.from_array(rows["label"].to_numpy(), chunks=20_000)
    w = da.from_array(rows["w"].to_numpy(), chunks=30_000)
    with pytest.raises(DataValidationError, match="sample_weight has 2;") as info:
        Dask(X, y, sample_weight=w)
    assert "sample_weight.rechunk(X.chunks[0])" in str(info.value)
    series = dd.from_pandas(rows["label"], npartitions=2)
    with pytest.raises(DataValidationError) as info:
        Dask(X, series)
    assert "y.to_dask_array(lengths=True).rechunk(X.chunks[0])" in str(info.value)


def test_control_arrays_y_rechunk_advice(files):
    """Control (passes before the fix too): a y array chunked otherwise is
    told to rechunk like X."""
    rows = files[2][1]
    X = da.from_array(rows[FEATURES].to_numpy(), chunks=(20_000, 5))
    y = da.from_array(rows["label"].to_numpy(), chunks=30_000)
    with pytest.raises(DataValidationError, match=r"y.rechunk\(X.chunks\[0\]\)"):
        Dask(X, y)


def test_read_parquet_on_a_cluster_persisted(files, references):
    """The same on a local cluster of two worker processes, partitions
    persisted on the workers."""
    df = dd.read_parquet(files[3][0])
    X = df.drop(columns=["label", "w"])
    with local_dask_client() as client:
        backend = Dask(X, df["label"], sample_weight=df["w"], client=client)
        persisted = Dask(
            X, df["label"], sample_weight=df["w"], client=client, persist=True
        )
        assert backend.n_partitions == persisted.n_partitions == 3
        for b in (backend, persisted):
            model = LogisticRegression().fit(b, None)
            _assert_same_fit(model, references[3, True][0])
            _assert_same_fit(model, references[3, True][1])
