"""Dask backend on a real LocalCluster with worker processes: RELIABILITY D01, D02,
D06, D07, D08.

One module-scoped cluster (2 worker processes, 1 thread each) serves every test;
the data are small so the whole module takes well under a minute.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

pytestmark = pytest.mark.dask

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import local_dask_client, logistic_problem  # noqa: E402
from logistic import DataValidationError, LogisticRegression  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic.backends._dispatch import as_backend  # noqa: E402
from logistic.backends.dask import Dask, predict_proba  # noqa: E402
from logistic.backends.in_memory import InMemory  # noqa: E402

N, P = 4000, 5


@pytest.fixture(scope="module")
def client():
    with local_dask_client() as c:
        yield c


@pytest.fixture(scope="module")
def data():
    return logistic_problem(7, N)


@pytest.fixture(scope="module")
def reference(data):
    X, y = data
    return {s: LogisticRegression(solver=s).fit(X, y) for s in ("newton", "lbfgs")}


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, data):
    X, y = data
    root = tmp_path_factory.mktemp("pq")
    for k, (a, b) in enumerate([(0, 1500), (1500, 1500), (1500, 2600), (2600, N)]):
        cols = {f"x{j}": X[a:b, j] for j in range(P)}
        pq.write_table(pa.table({**cols, "label": y[a:b]}), root / f"part-{k}.parquet")
    return root


def _assert_same_optimum(model, ref):
    assert abs(model.objective_ - ref.objective_) <= 1e-10 * abs(ref.objective_)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-8)


# -- D08: distributed equals local ----------------------------------------------------
@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_dask_array_fit_equals_in_memory(client, data, reference, solver):
    X, y = data
    backend = as_backend(
        da.from_array(X, chunks=(900, P)), da.from_array(y, chunks=900), client=client
    )
    assert backend.n_partitions == 5
    model = LogisticRegression(solver=solver).fit(backend, None)
    _assert_same_optimum(model, reference[solver])
    # one explicit compute per evaluation, partial sums only travel back
    # + the column-moments pass, + the passes at the optimum that keep the fit
    # statistics for inference without data (logistic.inference._stored): the
    # label sums, and the Hessian unless Newton's last step kept it exactly
    at_optimum = 1 if solver == "newton" else 2
    assert backend.n_passes == model.n_passes_ + 1 + at_optimum
    assert backend.last_bytes_to_client < 5 * (P + 1) ** 2 * 8 + 1000


def test_dask_dataframe_with_target_column(client, data, reference):
    X, y = data
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(P)]).assign(label=y)
    ddf = dd.from_pandas(df, npartitions=3)
    backend = Dask(ddf, target="label", client=client)
    model = LogisticRegression(solver="newton").fit(backend, None)
    _assert_same_optimum(model, reference["newton"])
    assert list(model.feature_names_in_) == [f"x{j}" for j in range(P)]
    features = ddf[[f"x{j}" for j in range(P)]]
    model2 = LogisticRegression(solver="newton").fit(
        as_backend(features, ddf["label"], client=client), None
    )
    np.testing.assert_array_equal(model2.coef_, model.coef_)


# -- D06 / D07: partition invariance, determinism, empty partitions --------------------
def test_partitioning_changes_nothing_beyond_rounding(client, data, reference):
    X, y = data
    theta = np.array([0.1, -0.2, 0.3, 0.05, -0.1, 0.2])
    f0, g0 = LogisticObjective(InMemory(X, y.astype(float))).value_and_gradient(theta)
    coefs = []
    for chunks in [
        (N,),
        (1, 999, 1000, 2000),
        (0, 1234, 0, 2766, 0),
        (700,) * 5 + (500,),
    ]:
        Xd = da.from_array(X, chunks=(chunks, P))
        yd = da.from_array(y, chunks=(chunks,))
        backend = Dask(Xd, yd, client=client)
        assert backend.n_partitions == len(chunks)
        f, g = LogisticObjective(backend).value_and_gradient(theta)
        assert f == pytest.approx(f0, rel=1e-12)
        np.testing.assert_allclose(g, g0, rtol=1e-12, atol=1e-15)
        coefs.append(LogisticRegression(solver="newton").fit(backend, None).coef_)
    for c in coefs:
        np.testing.assert_allclose(c, reference["newton"].coef_, rtol=0, atol=1e-8)


def test_same_partitioning_is_bitwise_reproducible(client, data):
    X, y = data
    Xd, yd = da.from_array(X, chunks=(600, P)), da.from_array(y, chunks=600)
    a = LogisticRegression(solver="lbfgs").fit(Dask(Xd, yd, client=client), None)
    b = LogisticRegression(solver="lbfgs").fit(Dask(Xd, yd), None)  # default client
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.objective_ == b.objective_


def test_empty_dataframe_partitions_are_fine(client, data, reference):
    X, y = data
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(P)]).assign(label=y)
    ddf = dd.from_pandas(df.assign(row=np.arange(N)), npartitions=4)
    # the filter empties the middle partitions (sizes become unknown)
    filtered = ddf[(ddf.row < 1000) | (ddf.row >= 2000)].drop(columns=["row"])
    backend = Dask(filtered, target="label", client=client)
    assert 0 in backend.partition_rows
    mask = (np.arange(N) < 1000) | (np.arange(N) >= 2000)
    ref = LogisticRegression(solver="newton").fit(X[mask], y[mask])
    model = LogisticRegression(solver="newton").fit(backend, None)
    _assert_same_optimum(model, ref)


# -- D01: a worker killed mid-fit ------------------------------------------------------
def test_worker_killed_mid_fit_gives_the_same_coefficients(client, parquet_dir):
    """Partitions are loaded by tasks and persisted; SIGKILL one worker process
    during the fit. Lost partitions are recomputed from lineage; no row is lost
    or counted twice (checked every pass), and the coefficients are bitwise
    those of the fault-free fit."""
    clean = LogisticRegression(solver="lbfgs").fit(
        Dask.from_parquet(parquet_dir, target="label", client=client, persist=True),
        None,
    )
    killed: list[int] = []

    def kill_soon(info):
        if info["pass"] == 3 and not killed:
            pid = next(iter(client.run(os.getpid).values()))
            killed.append(pid)
            threading.Timer(0.01, os.kill, (pid, signal.SIGKILL)).start()

    backend = Dask.from_parquet(
        parquet_dir,
        target="label",
        client=client,
        persist=True,
        progress=kill_soon,
        timeout=120,
    )
    model = LogisticRegression(solver="lbfgs").fit(backend, None)
    assert killed
    np.testing.assert_array_equal(model.coef_, clean.coef_)
    assert model.objective_ == clean.objective_
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in client.run(os.getpid).values()


# -- D02 / C14: a corrupt partition fails the fit, naming it ---------------------
def test_corrupt_partition_is_named_and_does_not_hang(client, parquet_dir, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in sorted(parquet_dir.iterdir()):
        (bad / f.name).write_bytes(f.read_bytes())
    raw = (bad / "part-2.parquet").read_bytes()
    (bad / "part-2.parquet").write_bytes(raw[: len(raw) // 3])
    t0 = time.perf_counter()
    with pytest.raises(
        DataValidationError, match=r"partition 2: cannot read .*part-2\.parquet: .*[^.]\. The file"
    ):
        Dask.from_parquet(bad, target="label", client=client, timeout=60)
    assert time.perf_counter() - t0 < 30


def test_labels_checked_across_partitions(client, data):
    X, y = data
    y3 = y.copy()
    y3[-1] = 2
    with pytest.raises(DataValidationError, match="two classes"):
        Dask(
            da.from_array(X, chunks=(1000, P)),
            da.from_array(y3, chunks=1000),
            client=client,
        )


def test_misaligned_partitions_are_refused(client, data):
    X, y = data
    with pytest.raises(DataValidationError, match="partition"):
        Dask(
            da.from_array(X, chunks=(1000, P)),
            da.from_array(y, chunks=800),
            client=client,
        )


# -- prediction --------------------------------------------------------------
def test_predict_proba_on_dask_input_is_lazy(client, data, reference):
    X, y = data
    ref = reference["newton"]
    Xd = da.from_array(X, chunks=(1000, P))
    proba = predict_proba(Xd, ref.coef_.ravel(), float(ref.intercept_[0]))
    assert isinstance(proba, da.Array) and proba.shape == (N, 2)
    np.testing.assert_allclose(proba.compute(), ref.predict_proba(X), rtol=1e-14)


def test_estimator_fit_and_lazy_predict_proba_on_dask(client, data, reference):
    X, y = data
    Xd, yd = da.from_array(X, chunks=(1500, P)), da.from_array(y, chunks=1500)
    model = LogisticRegression(solver="newton").fit(Xd, yd)
    _assert_same_optimum(model, reference["newton"])
    proba = model.predict_proba(Xd)
    assert isinstance(proba, da.Array)
    np.testing.assert_allclose(proba.compute(), model.predict_proba(X), rtol=1e-14)


def test_lazy_predict_proba_of_a_dask_dataframe(client, data, reference):
    """A Dask DataFrame (row lengths unknown until computed) predicts like its
    numpy values; it once failed in ``to_dask_array``'s ``lengths`` check."""
    X, _ = data
    ref = reference["newton"]
    ddf = dd.from_pandas(pd.DataFrame(X), npartitions=3)
    proba = ref.predict_proba(ddf)
    assert isinstance(proba, da.Array)
    np.testing.assert_allclose(proba.compute(), ref.predict_proba(X), rtol=1e-14)


def test_dask_predictions_stay_finite_for_huge_finite_inputs(client, data):
    """Logits are computed per block by ``_logits.decision_logits``: a row whose
    naive product overflows (inf - inf) still gets its exact, finite logit."""
    X, y = data
    model = LogisticRegression(solver="newton").fit(X, y)
    model.coef_ = np.full((1, P), 10.0)
    huge = X.copy()
    huge[5, :2] = [1e308, -1e308]  # 1e309 - 1e309: nan without rescaling
    Xd = da.from_array(huge, chunks=(1000, P))
    z = model.decision_function(Xd)
    assert z.dtype == np.float64
    np.testing.assert_array_equal(z.compute(), model.decision_function(huge))
    assert np.all(np.isfinite(model.predict_proba(Xd).compute()))


def test_dask_offset_in_predictions(client, data, reference):
    X, y = data
    ref = reference["newton"]
    off = np.linspace(-1, 1, N)
    Xd, od = da.from_array(X, chunks=(1000, P)), da.from_array(off, chunks=1000)
    np.testing.assert_allclose(
        ref.predict_proba(Xd, offset=od).compute(),
        ref.predict_proba(X, offset=off),
        rtol=1e-14,
    )


def test_positive_class_can_be_chosen(client, data):
    """``positive=`` encodes the smaller label as 1: the fit equals the in-memory
    fit of the flipped labels, and the fingerprint tells the orders apart."""
    X, y = data
    Xd, yd = da.from_array(X, chunks=(1000, P)), da.from_array(y, chunks=1000)
    flipped = Dask(Xd, yd, client=client, positive=0)
    assert list(flipped.classes_) == [1, 0]
    assert flipped.fingerprint != Dask(Xd, yd, client=client).fingerprint
    model = LogisticRegression(solver="newton").fit(flipped, None)
    ref = LogisticRegression(solver="newton").fit(X, 1 - y)
    _assert_same_optimum(model, ref)
    assert list(model.classes_) == [1, 0]


def _flaky_block(counter: str, X: np.ndarray, failures: int) -> np.ndarray:
    """Fails ``failures`` times (counted in a file, across worker processes)."""
    with open(counter, "a+") as fh:
        fh.seek(0)
        n = len(fh.read())
        fh.write("x")
    if n < failures:
        raise OSError(f"transient read error {n + 1}")
    return X


def test_transient_io_errors_are_retried(client, data, tmp_path, reference):
    """D03: a partition whose read fails twice, then works, with retries=3."""
    import dask

    X, y = data
    counter = str(tmp_path / "count")
    parts = [
        da.from_delayed(
            dask.delayed(_flaky_block, pure=False)(counter, X[:2000], 2),
            shape=(2000, P),
            dtype=X.dtype,
        ),
        da.from_array(X[2000:], chunks=(2000, P)),
    ]
    Xd = da.concatenate(parts)
    yd = da.from_array(y, chunks=2000)
    model = LogisticRegression(solver="newton").fit(
        Dask(Xd, yd, client=client, retries=3), None
    )
    _assert_same_optimum(model, reference["newton"])
    counter2 = str(tmp_path / "count2")
    Xd2 = da.concatenate(
        [
            da.from_delayed(
                dask.delayed(_flaky_block, pure=False)(counter2, X[:2000], 5),
                shape=(2000, P),
                dtype=X.dtype,
            ),
            da.from_array(X[2000:], chunks=(2000, P)),
        ]
    )
    with pytest.raises(DataValidationError, match="partition 0 .*transient read error"):
        Dask(Xd2, yd, client=client)


def test_checkpoint_resume_on_dask_is_bitwise(client, parquet_dir, tmp_path):
    """D10: crash a Newton fit after a few passes, resume from the checkpoint."""

    class Crash(Exception):
        pass

    def backend():
        return Dask.from_parquet(parquet_dir, target="label", client=client)

    full = LogisticRegression(solver="newton").fit(backend(), None)
    b = backend()
    calls = []
    inner = b.map_reduce

    def crashing(fn):
        calls.append(1)
        if len(calls) > 5:
            raise Crash
        return inner(fn)

    b.map_reduce = crashing
    path = tmp_path / "ck.json"
    with pytest.raises(Crash):
        LogisticRegression(solver="newton").fit(b, None, checkpoint=path)
    assert path.exists()  # at least one iteration was checkpointed before the crash
    resumed = LogisticRegression(solver="newton").fit(backend(), None, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    assert resumed.n_iter_[0] == full.n_iter_[0]


# -- rows in messages are global (issue 10, item 9) ----------------------------------
def test_nonfinite_value_is_reported_at_its_global_row(client):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((25_000, 3))
    y = (rng.random(25_000) < 0.5).astype(np.int64)
    X[20_005, 1] = np.nan
    Xd, yd = da.from_array(X, chunks=(5000, 3)), da.from_array(y, chunks=5000)
    with pytest.raises(DataValidationError) as info:
        Dask(Xd, yd, client=client)
    assert str(info.value) == (
        "partition 4: X has a non-finite value (nan) at row 20005 (0-based, "
        "global; row 5 of partition 4), column 1; drop or impute it first"
    )
    assert info.value.partition == 4


def test_global_rows_in_dataframes_with_empty_partitions(client, data):
    """Unknown partition sizes (after a filter), an empty partition before the
    bad row, a pandas NA in a nullable column and named columns."""
    X, y = data
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(P)]).assign(label=y)
    df["x3"] = df["x3"].astype("Float64")
    df.loc[3100, "x3"] = pd.NA
    ddf = dd.from_pandas(df.assign(row=np.arange(N)), npartitions=4)
    filtered = ddf[(ddf.row < 1000) | (ddf.row >= 2000)].drop(columns=["row"])
    with pytest.raises(
        DataValidationError,
        match=r"partition 3: X has a non-finite value \(nan\) at row 2100 \(0-based, "
        r"global; row 100 of partition 3\), column 'x3'",
    ):
        Dask(filtered, target="label", client=client)


def test_weights_and_labels_are_reported_at_their_global_rows(client, data):
    X, y = data
    Xd = da.from_array(X, chunks=(1000, P))
    w = np.ones(N)
    w[2999] = -1.0
    with pytest.raises(
        DataValidationError,
        match=r"partition 2: sample_weight has a negative value \(-1\.0\) at row "
        r"2999 \(0-based, global; row 999 of partition 2\); weights must be >= 0",
    ):
        Dask(
            Xd,
            da.from_array(y, chunks=1000),
            da.from_array(w, chunks=1000),
            client=client,
        )
    labels = pd.Series(y, dtype="boolean")
    labels[1234] = pd.NA
    with pytest.raises(
        DataValidationError,
        match=r"partition 1: y has a missing label \(<NA>\) at row 1234 \(0-based, "
        r"global; row 234 of partition 1\)",
    ):
        Dask(
            dd.from_pandas(pd.DataFrame(X), npartitions=4),
            dd.from_pandas(labels, npartitions=4),
            client=client,
        )


def test_missing_value_in_a_parquet_file_names_file_and_its_row(
    client, parquet_dir, tmp_path
):
    """part-1 is empty and part-0 holds 1500 rows: row index 7 of part-2 is
    named as that file's row 8 (as Chunked and the command line name it);
    the error keeps the row over the whole collection, 1507."""
    bad = tmp_path / "nulls"
    bad.mkdir()
    for f in sorted(parquet_dir.iterdir()):
        table = pq.read_table(f)
        if f.name == "part-2.parquet":
            x3 = table.column("x3").to_pylist()
            x3[7] = None
            table = table.set_column(3, "x3", pa.array(x3, pa.float64()))
        pq.write_table(table, bad / f.name)
    with pytest.raises(DataValidationError) as info:
        Dask.from_parquet(bad, target="label", client=client)
    assert str(info.value) == (
        f"missing values in {bad / 'part-2.parquet'}: column 'x3' (first at row 8); "
        "fill them in, or drop those rows (`logistic fit --missing drop` does, for "
        "a fit in memory)"
    )
    assert info.value.path == str(bad / "part-2.parquet")
    assert (info.value.partition, info.value.bad_value["row"]) == (2, 1507)


def test_global_rows_without_a_distributed_client(monkeypatch, data):
    """Dask's threaded scheduler (no distributed client): same messages."""
    X, y = data
    X = X.copy()
    X[3333, 0] = np.inf
    monkeypatch.setattr(Dask, "_client", lambda self: None)
    with pytest.raises(
        DataValidationError,
        match=r"partition 3: X has a non-finite value \(inf\) at row 3333",
    ):
        Dask(da.from_array(X, chunks=(1000, P)), da.from_array(y, chunks=1000))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_among_parquet_files_is_refused_not_waited_on(
    client, parquet_dir, tmp_path
):
    """A FIFO named like a data file would block its task's open() forever."""
    fifo_dir = tmp_path / "fifo"
    fifo_dir.mkdir()
    for f in sorted(parquet_dir.iterdir()):
        (fifo_dir / f.name).write_bytes(f.read_bytes())
    (fifo_dir / "part-3.parquet").unlink()
    os.mkfifo(fifo_dir / "part-3.parquet")
    t0 = time.perf_counter()
    with pytest.raises(
        DataValidationError,
        match=r"partition 3: input file .*part-3\.parquet is a FIFO",
    ):
        Dask.from_parquet(fifo_dir, target="label", client=client, timeout=60)
    assert time.perf_counter() - t0 < 30
    first = tmp_path / "first"
    first.mkdir()
    (first / "part-0.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataValidationError, match=r"cannot read .*part-0\.parquet"):
        Dask.from_parquet(first, target="label", client=client)
