"""Out-of-core backend (Parquet, CSV, block iterables): RELIABILITY rows O01-O04, O06.

Every test builds its data from an explicit seed in ``tmp_path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pcsv = pytest.importorskip("pyarrow.csv")

from logistic import DataValidationError, IntegrityError, LogisticRegression  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic._typing import BackendCapabilities  # noqa: E402
from logistic.backends._dispatch import as_backend  # noqa: E402
from logistic.backends._prefetch import CLOSE_WAIT, prefetched  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402
from logistic.backends.in_memory import InMemory  # noqa: E402
from logistic.tabular._labels import label_mapping, positive_rule  # noqa: E402


def make_data(n: int = 3000, p: int = 6, seed: int = 0, weights: bool = False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 3.0, p)
    z = X @ np.linspace(-0.6, 0.6, p) - 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int64)
    w = rng.uniform(0.2, 2.0, n) if weights else None
    return X, y, w


def table(X, y, w=None, labels=None):
    cols = {f"x{j}": X[:, j] for j in range(X.shape[1])}
    cols["label"] = y if labels is None else np.asarray(labels)[y]
    if w is not None:
        cols["w"] = w
    return pa.table(cols)


def write_parquet_dir(path, X, y, w=None, sizes=(1000, 1300, 700), row_group=317):
    path.mkdir()
    start = 0
    for k, size in enumerate(sizes):
        sl = slice(start, start + size)
        pq.write_table(
            table(X[sl], y[sl], None if w is None else w[sl]),
            path / f"part-{k}.parquet",
            row_group_size=row_group,
        )
        start += size
    assert start == X.shape[0]
    return path


@pytest.fixture(scope="module")
def data():
    return make_data()


# -- O01: streamed sums equal in-memory sums ------------------------------------------
def _vg(backend, theta):
    return LogisticObjective(backend, l2=0.01).value_and_gradient(theta)


def test_value_gradient_equal_in_memory_bitwise_for_same_grid(tmp_path, data):
    X, y, _ = data
    write_parquet_dir(tmp_path / "d", X, y)
    theta = np.random.default_rng(1).standard_normal(X.shape[1] + 1) * 0.1
    mem = InMemory(X, y.astype(float), block_bytes=X.nbytes)  # one block
    f0, g0 = _vg(mem, theta)
    f1, g1 = _vg(
        Chunked.from_parquet(tmp_path / "d", target="label", chunk_rows=X.shape[0]),
        theta,
    )
    assert f1 == f0
    np.testing.assert_array_equal(g1, g0)


def test_storage_layout_does_not_change_sums(tmp_path, data):
    """Same rows, same chunk_rows, different files/row groups: bitwise equal."""
    X, y, _ = data
    a = write_parquet_dir(tmp_path / "a", X, y, sizes=(3000,), row_group=3000)
    b = write_parquet_dir(tmp_path / "b", X, y, sizes=(1, 1499, 11, 1489), row_group=7)
    theta = np.random.default_rng(2).standard_normal(X.shape[1] + 1) * 0.1
    fa, ga = _vg(Chunked.from_parquet(a, target="label", chunk_rows=256), theta)
    fb, gb = _vg(Chunked.from_parquet(b, target="label", chunk_rows=256), theta)
    assert fa == fb
    np.testing.assert_array_equal(ga, gb)


@settings(max_examples=25, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 400), min_size=0, max_size=8), rows=st.integers(1, 700)
)
def test_any_chunking_matches_in_memory(cuts, rows):
    X, y, w = make_data(n=400, p=4, seed=3, weights=True)
    edges = [0, *sorted(cuts), 400]
    blocks = [
        (X[a:b], y[a:b], w[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]
    backend = Chunked.from_blocks(blocks, chunk_rows=rows)
    assert backend.n_samples == 400
    theta = np.linspace(-0.2, 0.3, 5)
    f0, g0 = _vg(InMemory(X, y.astype(float), w), theta)
    f1, g1 = _vg(backend, theta)
    assert f1 == pytest.approx(f0, rel=1e-12)
    np.testing.assert_allclose(g1, g0, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
def test_fit_reaches_in_memory_optimum(tmp_path, data, solver):
    X, y, _ = data
    write_parquet_dir(tmp_path / "d", X, y)
    ref = LogisticRegression(solver=solver).fit(X, y)
    model = LogisticRegression(solver=solver)
    backend = as_backend(tmp_path / "d", "label", chunk_rows=409)
    model.fit(backend, None)
    assert abs(model.objective_ - ref.objective_) <= 1e-10 * abs(ref.objective_)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-8)
    assert list(model.feature_names_in_) == [f"x{j}" for j in range(X.shape[1])]
    assert backend.rows_read == backend.n_passes * X.shape[0]  # NL-rows


def test_csv_with_string_labels_and_weight_column(tmp_path):
    X, y, w = make_data(n=1500, seed=4, weights=True)
    path = tmp_path / "d.csv"
    pcsv.write_csv(table(X, y, w, labels=["no", "yes"]), path)
    ref = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y, sample_weight=w)
    backend = as_backend(path, "label", sample_weight="w", chunk_bytes=2**16)
    assert list(backend.classes_) == ["no", "yes"]
    assert LogisticObjective(backend).weight_sum == pytest.approx(w.sum(), rel=1e-14)
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(backend, None)
    assert list(model.classes_) == ["no", "yes"]
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)


def test_positive_class_by_label_or_by_the_command_line_rule(data):
    """``positive=`` puts a label second in ``classes_`` and encodes it as 1; the
    fit equals the in-memory fit of the flipped labels (same block grid, so the
    same sums). The command line's rule (``tabular._labels.positive_rule``)
    makes "+1" positive although it sorts before "-1"."""
    X, y, _ = data
    rows = InMemory(X, y.astype(float)).block_rows
    default = Chunked.from_blocks([(X, y)], chunk_rows=rows)
    flipped = Chunked.from_blocks([(X, y)], chunk_rows=rows, positive=0)
    assert list(flipped.classes_) == [1, 0]
    assert flipped.fingerprint != default.fingerprint
    model = LogisticRegression(solver="newton").fit(flipped, None)
    ref = LogisticRegression(solver="newton").fit(X, 1 - y)
    np.testing.assert_array_equal(model.coef_, ref.coef_)
    assert list(model.classes_) == [1, 0]
    texts = np.array(["-1", "+1"])[y]  # as text, "+1" sorts before "-1"
    rule = positive_rule("label", "blocks")
    signs = Chunked.from_blocks([(X, texts)], chunk_rows=rows, positive=rule)
    assert list(signs.classes_) == ["-1", "+1"]
    assert list(Chunked.from_blocks([(X, texts)]).classes_) == ["+1", "-1"]
    np.testing.assert_array_equal(
        LogisticRegression(solver="newton").fit(signs, None).coef_,
        LogisticRegression(solver="newton").fit(default, None).coef_,
    )
    assert label_mapping(signs.classes_, "label") == {
        "column": "label",
        "negative": "-1",
        "positive": "+1",
    }
    with pytest.raises(DataValidationError, match="not one of the labels"):
        Chunked.from_blocks([(X, y)], positive=2)
    with pytest.raises(DataValidationError, match="pass --positive"):
        Chunked.from_blocks([(X, np.array(["a", "b"])[y])], positive=rule)


def test_float32_blocks_stay_float32(tmp_path, data):
    X, y, _ = data
    seen = []
    backend = Chunked.from_blocks(lambda: iter([(X, y)]), dtype=np.float32)
    backend.map_reduce(lambda b: seen.append(b.X.dtype) or 0.0)
    assert seen == [np.float32]
    model = LogisticRegression().fit(backend, None)
    ref = LogisticRegression().fit(X.astype(np.float32), y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-4, atol=1e-5)


# -- O02: empty chunks, header-only files ---------------------------------------------
def test_empty_blocks_and_empty_files_are_fine(tmp_path, data):
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    pq.write_table(table(X[:0], y[:0]), d / "part-1a-empty.parquet")
    blocks = [
        (X[:0], y[:0]),
        (X[:1000], y[:1000]),
        (X[1000:1000], y[1000:1000]),
        (X[1000:], y[1000:]),
        (X[:0], y[:0]),
    ]
    ref = LogisticRegression().fit(X, y)
    for backend in (Chunked.from_blocks(blocks), as_backend(d, "label")):
        assert backend.n_samples == X.shape[0]
        model = LogisticRegression().fit(backend, None)
        np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)


def test_header_only_csv_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("x0,x1,label\n")
    with pytest.raises(DataValidationError, match="empty.csv.*no rows"):
        as_backend(path, "label")


# -- O03 / O04 / C14: bad data fails naming file, row and column --------------
def test_corrupt_parquet_file_is_named_and_fails_fast(tmp_path, data):
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    raw = (d / "part-1.parquet").read_bytes()
    (d / "part-1.parquet").write_bytes(raw[: len(raw) // 2])  # truncated
    t0 = time.perf_counter()
    with pytest.raises(DataValidationError, match=r"part-1\.parquet"):
        as_backend(d, "label")
    assert time.perf_counter() - t0 < 10


def test_csv_renamed_parquet_is_named(tmp_path, data):
    X, y, _ = data
    path = tmp_path / "fake.parquet"
    pcsv.write_csv(table(X, y), path)
    with pytest.raises(DataValidationError, match="fake.parquet"):
        as_backend(path, "label")


def test_nan_deep_in_stream_names_file_row_and_column(tmp_path, data):
    X, y, _ = data
    X = X.copy()
    X[2345, 3] = np.nan
    d = write_parquet_dir(tmp_path / "d", X, y)
    # row 2345 (0-based, of all files) is row 46 of part-2 (rows 2300 on),
    # 1-based as in memory and as the missing-value message names it
    with pytest.raises(
        DataValidationError,
        match=r"missing values in .*part-2\.parquet: column 'x3' \(first at row 46\)",
    ):
        as_backend(d, "label")


def test_missing_value_in_csv_names_the_row(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("x0,x1,label\n1,2,0\n3,,1\n4,5,0\n")
    with pytest.raises(DataValidationError, match=r"'x1' \(first at line 3\)"):
        as_backend(path, "label")


def test_schema_drift_names_file_and_column(tmp_path, data):
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    t = pq.read_table(d / "part-2.parquet").drop(["x4"])
    pq.write_table(t, d / "part-2.parquet")
    with pytest.raises(DataValidationError, match=r"part-2\.parquet.*'x4'"):
        as_backend(d, "label")


def test_reordered_columns_are_matched_by_name(tmp_path, data):
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    t = pq.read_table(d / "part-1.parquet")
    pq.write_table(t.select(list(reversed(t.column_names))), d / "part-1.parquet")
    model = LogisticRegression().fit(as_backend(d, "label"), None)
    np.testing.assert_allclose(
        model.coef_, LogisticRegression().fit(X, y).coef_, atol=1e-8
    )


def test_labels_must_be_binary(tmp_path, data):
    X, y, _ = data
    with pytest.raises(DataValidationError, match="two"):
        Chunked.from_blocks([(X, np.arange(len(y)) % 3)])
    with pytest.raises(DataValidationError, match="two classes"):
        Chunked.from_blocks([(X, np.zeros(len(y)))])


def test_data_changing_during_fit_is_detected(data):
    X, y, _ = data
    calls = []

    def blocks():
        calls.append(1)
        n = X.shape[0] if len(calls) < 3 else X.shape[0] - 10
        return iter([(X[:n], y[:n])])

    backend = Chunked.from_blocks(blocks)
    with pytest.raises(IntegrityError, match="changed during the fit"):
        LogisticRegression().fit(backend, None)


def test_generator_is_refused_with_a_remedy(data):
    X, y, _ = data
    with pytest.raises(DataValidationError, match="callable"):
        as_backend(iter([(X, y)]))


def test_sgd_streams_chunks_but_needs_blocks(data):
    X, y, _ = data
    backend = Chunked.from_blocks([(X[:40], y[:40]), (X[40:], y[40:])], chunk_rows=16)
    with pytest.warns(Warning):  # 3 epochs cannot reach tol=0: ConvergenceWarning
        est = LogisticRegression(solver="sgd", max_iter=3, tol=0.0).fit(backend, None)
    assert est.solver_ == "sgd" and est.n_iter_[0] == 3
    assert np.isfinite(est.coef_).all() and np.any(est.coef_ != 0)

    class ReduceOnly:  # a backend with reductions only (like Dask): no blocks()
        capabilities = BackendCapabilities()

        def __init__(self, inner):
            self.inner = inner
            self.n_samples, self.n_features = inner.n_samples, inner.n_features
            self.dtype, self.classes_ = inner.dtype, inner.classes_
            self.nnz, self.feature_names = None, None
            self.fingerprint = inner.fingerprint

        def map_reduce(self, fn):
            return self.inner.map_reduce(fn)

        def map_reduce_indexed(self, fn):
            raise NotImplementedError

        def blocks(self):
            raise NotImplementedError

        def rows(self):
            raise NotImplementedError

    with pytest.raises(ValueError, match="block by block"):
        LogisticRegression(solver="sgd").fit(ReduceOnly(backend), None)

    class Incomplete:  # map_reduce alone is not a backend
        def map_reduce(self, fn):
            return backend.map_reduce(fn)

    with pytest.raises(ValueError, match="not a complete backend.*capabilities"):
        LogisticRegression().fit(Incomplete(), None)

    class ClaimsToSettle(ReduceOnly):  # declares a capability without its methods
        capabilities = BackendCapabilities(settles_finite=True)

        def rows_unchecked(self):
            raise NotImplementedError

    with pytest.raises(ValueError, match=r"lacks \['settle_finite'\]"):
        LogisticRegression().fit(ClaimsToSettle(backend), None)


def test_fingerprint_is_content_based_and_chunking_invariant(tmp_path, data):
    X, y, _ = data
    a = Chunked.from_blocks([(X, y)])
    b = Chunked.from_blocks([(X[:7], y[:7]), (X[7:], y[7:])], chunk_rows=5)
    X2 = X.copy()
    X2[17, 0] += 1e-12
    c = Chunked.from_blocks([(X2, y)])
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_progress_reports_passes_and_rows(data):
    X, y, _ = data
    seen = []
    backend = Chunked.from_blocks([(X, y)], progress=seen.append)
    LogisticRegression(solver="newton").fit(backend, None)
    assert [s["pass"] for s in seen] == list(range(1, len(seen) + 1))
    assert all(s["rows"] == X.shape[0] and s["rows_per_s"] > 0 for s in seen)


def test_memory_stays_bounded_by_chunk_size():
    """O07: 10x the rows, streamed from a generator, barely changes peak memory."""
    from _traced_peak import TRIES, traced_peak

    def peak(n_blocks: int) -> int:
        def blocks():
            for k in range(n_blocks):
                X, y, _ = make_data(n=2000, p=10, seed=k)
                yield X, y

        def one_pass():
            backend = Chunked.from_blocks(blocks, chunk_rows=1000)
            LogisticObjective(backend).value_and_gradient(np.zeros(11))

        return traced_peak(one_pass)[1]

    # tracemalloc counts other threads' allocations (tests/_traced_peak.py):
    # the least of up to three peaks of each; 10x the rows in every try would
    # be 10x the blocks held
    smalls, bigs = [peak(2)], [peak(20)]
    while min(bigs) >= 1.1 * min(smalls) and len(bigs) < TRIES:
        smalls.append(peak(2))
        bigs.append(peak(20))
    assert min(bigs) < 1.1 * min(smalls), (smalls, bigs)


def test_import_logistic_does_not_import_dask_or_pyarrow():
    code = (
        "import sys, logistic; bad = [m for m in ('dask', 'distributed', 'pyarrow') "
        "if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


# -- through the estimator --------------------------------------------------------
def test_estimator_fit_accepts_paths_and_blocks(tmp_path, data):
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    pcsv.write_csv(table(X, y), tmp_path / "d.csv")
    ref = LogisticRegression().fit(X, y)
    for source, target in [
        (d, "label"),
        (str(tmp_path / "d.csv"), "label"),
        (lambda: iter([(X[:999], y[:999]), (X[999:], y[999:])]), None),
    ]:
        model = LogisticRegression().fit(source, target)
        np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)
        np.testing.assert_array_equal(model.classes_, ref.classes_)
    backend = as_backend(d, "label", chunk_rows=100)
    model = LogisticRegression().fit(backend, None)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)


def test_estimator_checkpoint_with_arrays(tmp_path, data):
    X, y, _ = data
    path = tmp_path / "ck.json"
    model = LogisticRegression(solver="gd").fit(X, y, checkpoint=path)
    assert path.exists()
    again = LogisticRegression(solver="gd").fit(X, y, checkpoint=path)  # resumes at end
    np.testing.assert_array_equal(again.coef_, model.coef_)
    assert again.n_iter_[0] == model.n_iter_[0]


def test_should_stream_compares_size_with_memory(tmp_path):
    from logistic.backends import should_stream

    f = tmp_path / "f.parquet"
    f.write_bytes(b"x" * 1000)
    assert not should_stream(f)
    assert should_stream(tmp_path, fraction=1e-12)


def test_class_weight_is_refused_out_of_core(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="class_weight"):
        LogisticRegression(class_weight="balanced").fit(lambda: iter([(X, y)]), None)


def test_prefetch_gives_identical_sums_and_propagates_errors(data):
    X, y, _ = data
    theta = np.linspace(-0.3, 0.3, X.shape[1] + 1)
    blocks = [(X[:1000], y[:1000]), (X[1000:], y[1000:])]
    a = _vg(Chunked.from_blocks(blocks, chunk_rows=97, prefetch=True), theta)
    b = _vg(Chunked.from_blocks(blocks, chunk_rows=97, prefetch=False), theta)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])

    calls = []

    def failing():
        calls.append(1)
        yield X[:1000], y[:1000]
        if len(calls) > 1:  # the scan passes, the first fit pass fails mid-way
            raise OSError("disk went away")
        yield X[1000:], y[1000:]

    backend = Chunked.from_blocks(failing)
    with pytest.raises(OSError, match="disk went away"):
        LogisticObjective(backend).value_and_gradient(theta)


def test_a_pass_interrupted_in_the_reduction_stops_its_reader(data):
    """Ctrl-C between two blocks (in the reduction, not in a block kernel) stops
    the prefetch thread, which closes its source (a file it reads is let go)
    before the interrupt leaves the pass, though its traceback keeps the frames."""
    X, y, _ = data
    blocks = [(X[i : i + 50], y[i : i + 50]) for i in range(0, 2000, 50)]
    closed = []

    def source():
        try:
            yield from blocks
        finally:
            closed.append(True)

    backend = Chunked.from_blocks(source, chunk_rows=50)
    closed.clear()  # the scan's pass

    class Interrupt:
        def __add__(self, other):
            raise KeyboardInterrupt

        __radd__ = __add__

    with pytest.raises(KeyboardInterrupt) as info:
        backend.map_reduce(lambda block: Interrupt())
    kept = info.value  # the traceback (and its frames) stays alive
    assert kept is not None
    assert closed == [True]  # the reader stopped and let go of its source


def test_a_generator_closed_on_its_own_producer_does_not_wait_for_itself():
    """A generator dropped in a reference cycle is closed by the collector on
    whatever thread runs it, its own producer included: the clean-up there
    must not wait for that producer (CLOSE_WAIT) to answer."""
    holder: list = []
    closed_in: list[float] = []

    suspended = threading.Event()  # the consumer holds item 0: g is suspended

    def items():
        yield 0
        suspended.wait(2 * CLOSE_WAIT)
        start = time.monotonic()
        holder[0].close()  # as the collector would, on the producer's thread
        closed_in.append(time.monotonic() - start)
        yield 1

    g = prefetched(items())
    holder.append(g)
    assert next(g) == 0
    suspended.set()
    deadline = time.monotonic() + 2 * CLOSE_WAIT
    while not closed_in and time.monotonic() < deadline:
        time.sleep(0.01)
    assert closed_in and closed_in[0] < CLOSE_WAIT / 2, closed_in


def test_an_iterator_never_closed_does_not_hang_the_exit():
    code = (
        "from logistic.backends._prefetch import prefetched\n"
        "g = prefetched(iter(range(100)))\n"
        "next(g)\n"
        "keep = [g]  # never closed\n"
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    took = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    # the clean-up at exit does not wait for the producer, which can no longer
    # answer (a wait would take the whole CLOSE_WAIT)
    assert took < CLOSE_WAIT, took


# -- the row cache (backends/_cache.py) ---------------------------------------------
def _sums(backend, theta):
    obj = LogisticObjective(backend, l2=0.01)
    f, g = obj.value_and_gradient(theta)
    return f, g, obj.hessian(theta)


def _no_source_reads(backend, monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("the source was read although the cache is valid")

    monkeypatch.setattr(backend.source, "chunks", refuse)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_cache_is_written_once_then_mapped_with_identical_sums(
    tmp_path, data, monkeypatch, fmt
):
    X, y, w = make_data(n=2500, seed=7, weights=True)
    if fmt == "parquet":
        path = write_parquet_dir(tmp_path / "d", X, y, w, sizes=(900, 1600))
        make = Chunked.from_parquet
    else:
        path = tmp_path / "d.csv"
        pcsv.write_csv(table(X, y, w, labels=["no", "yes"]), path)
        make = Chunked.from_csv
    opts = dict(target="label", weight="w", chunk_rows=333)
    theta = np.random.default_rng(3).standard_normal(X.shape[1] + 1) * 0.2
    plain = make(path, cache=False, **opts)
    assert plain.cache_path is None
    assert not (tmp_path / "cache").exists()
    first = make(path, cache_dir=tmp_path / "cache", **opts)  # scan writes the cache
    assert first.cache_path is not None and (first.cache_path / "meta.json").exists()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.cache_path.name]
    _no_source_reads(first, monkeypatch)  # passes read the cache only
    ref = _sums(plain, theta)
    for got, want in zip(_sums(first, theta), ref, strict=True):
        np.testing.assert_array_equal(got, want)  # bitwise: same blocks
    second = make(path, cache_dir=tmp_path / "cache", **opts)  # a later fit: no scan
    assert second.cache_path == first.cache_path
    assert second.fingerprint == plain.fingerprint
    assert list(second.classes_) == list(plain.classes_)
    assert second.n_samples == 2500
    for got, want in zip(_sums(second, theta), ref, strict=True):
        np.testing.assert_array_equal(got, want)


def test_cache_follows_the_positive_class_and_dtype(tmp_path, data):
    X, y, _ = data
    path = write_parquet_dir(tmp_path / "d", X, y)
    cache = tmp_path / "cache"
    Chunked.from_parquet(path, target="label", cache_dir=cache)
    flipped = Chunked.from_parquet(path, target="label", cache_dir=cache, positive=0)
    assert flipped.cache_path is not None
    ref = Chunked.from_parquet(path, target="label", cache=False, positive=0)
    assert list(flipped.classes_) == [1, 0] and flipped.fingerprint == ref.fingerprint
    theta = np.zeros(X.shape[1] + 1) + 0.1
    assert _vg(flipped, theta)[0] == _vg(ref, theta)[0]
    single = Chunked.from_parquet(
        path, target="label", cache_dir=cache, dtype=np.float32
    )
    assert single.cache_path != flipped.cache_path  # its own entry
    assert next(single.blocks()).X.dtype == np.float32


def test_cache_is_invalidated_when_the_source_changes(tmp_path):
    X, y, _ = make_data(n=800, seed=1)
    path = tmp_path / "d.parquet"
    pq.write_table(table(X, y), path)
    cache = tmp_path / "cache"
    a = Chunked.from_parquet(path, target="label", cache_dir=cache)
    X2, y2, _ = make_data(n=800, seed=2)  # same size and shape, other values
    pq.write_table(table(X2, y2), path)
    b = Chunked.from_parquet(path, target="label", cache_dir=cache)
    fresh = Chunked.from_parquet(path, target="label", cache=False)
    assert b.fingerprint == fresh.fingerprint != a.fingerprint
    theta = np.full(X.shape[1] + 1, 0.05)
    assert _vg(b, theta)[0] == _vg(fresh, theta)[0]
    # the stale entry was replaced (a, which still reads it, keeps it aside)
    assert len([p for p in cache.iterdir() if ".tmp-" not in p.name]) == 1


def test_a_half_written_cache_is_never_trusted(tmp_path, data):
    # a crash leaves a temporary folder, or an entry without meta.json: neither
    # is read, and the next scan writes a complete entry
    X, y, _ = data
    path = write_parquet_dir(tmp_path / "d", X, y)
    cache = tmp_path / "cache"
    good = Chunked.from_parquet(path, target="label", cache_dir=cache)
    entry = good.cache_path
    (entry / "meta.json").unlink()
    (entry / "X.bin").write_bytes(b"\0" * 64)  # truncated data
    leftover = cache / f"{entry.name}.tmp-crashed"
    leftover.mkdir()
    crashed_at = time.time() - 3600  # no lock file and not young: a dead writer's
    os.utime(leftover, (crashed_at, crashed_at))
    again = Chunked.from_parquet(path, target="label", cache_dir=cache)
    assert again.cache_path == entry and (entry / "meta.json").exists()
    assert not leftover.exists()
    theta = np.full(X.shape[1] + 1, 0.05)
    ref = Chunked.from_parquet(path, target="label", cache=False)
    assert _vg(again, theta)[0] == _vg(ref, theta)[0]
    # a complete entry whose data file was truncated afterwards is not mapped
    with open(entry / "X.bin", "r+b") as fh:
        fh.truncate(100)
    third = Chunked.from_parquet(path, target="label", cache_dir=cache)
    assert third.cache_path == entry and (entry / "X.bin").stat().st_size == X.nbytes
    assert _vg(third, theta)[0] == _vg(ref, theta)[0]


def test_a_cache_that_does_not_fit_on_disk_falls_back_with_a_warning(
    tmp_path, data, monkeypatch
):
    import shutil
    from collections import namedtuple

    from logistic.backends import _cache

    X, y, _ = data
    path = write_parquet_dir(tmp_path / "d", X, y)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(
        _cache.shutil, "disk_usage", lambda _p: usage(2**40, 2**40, 2**20)
    )
    with pytest.warns(
        UserWarning, match=r"not caching the decoded rows .*MiB are free"
    ):
        backend = Chunked.from_parquet(
            path, target="label", cache_dir=tmp_path / "cache"
        )
    assert backend.cache_path is None
    assert list((tmp_path / "cache").iterdir()) == []  # nothing half-written left
    model = LogisticRegression(penalty="l2", alpha=1e-2).fit(backend, None)
    ref = LogisticRegression(penalty="l2", alpha=1e-2).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)
    assert shutil.disk_usage is not None  # the real function is untouched outside


def test_text_column_in_csv_is_named_not_called_corrupt(tmp_path):
    """A text column said "The file is corrupt, truncated ..." (pyarrow's
    conversion error); it is a column to encode."""
    path = tmp_path / "t.csv"
    path.write_text("y,x1,cat,x2\n0,0.5,a,1\n1,0.25,b,2\n0,1.5,a,3\n")
    for features in (None, ["x2", "cat"]):
        with pytest.raises(DataValidationError, match=r"column 'cat' holds text \('a'"):
            Chunked.from_csv(path, target="y", features=features)


def test_missing_value_in_parquet_names_its_row_and_the_command_lines_remedy(tmp_path):
    """A null in a Parquet file, fitted from Python: the 1-based row of the
    file, and the remedy said as the command line's (not a bare option that
    a Python caller cannot pass)."""
    x = pa.array([0.5, -1.0, None, 2.0, 0.1, -0.3], type=pa.float64())
    label = pa.array([1, 0, 1, 0, 1, 0], type=pa.int64())
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"x": x, "label": label}), path)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(str(path), "label")
    text = str(info.value)
    assert "column 'x' (first at row 3)" in text
    assert "`logistic fit --missing drop`" in text


def test_a_path_without_its_label_column_names_the_way_to_pass_it(tmp_path):
    """fit(path) without y pointed to a ``target=`` keyword that fit does not
    have; the message names fit's y and the backends' target=."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n1,2,0\n3,4,1\n")
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(str(path), None)
    assert "fit(path, 'COLUMN')" in str(info.value) and "['a', 'b', 'y']" in str(
        info.value
    )
    model = LogisticRegression().fit(str(path), "y")  # the remedy works
    assert model.n_features_in_ == 2
    with pytest.raises(DataValidationError, match="target='COLUMN' of Chunked"):
        as_backend(str(path))


def test_labels_turning_from_integers_to_decimals_are_read_as_decimals(tmp_path):
    """A label column written 0/1 in its first block and 0.0/1.0 later: the
    chunked reader types it from the first block, and refused the later
    values; ``from_csv`` now reads the target again as the whole file types
    it (float64) and fits it as in memory."""
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    x = rng.normal(size=20_000).round(4)
    y = (x + rng.normal(size=20_000) > 0).astype(int)
    lines = ["x,y"] + [f"{v:.4f},{c}" + (".0" if i >= 15_000 else "")
                       for i, (v, c) in enumerate(zip(x, y, strict=True))]  # fmt: skip
    path = tmp_path / "lab.csv"
    path.write_text("\n".join(lines) + "\n")
    data = Chunked.from_csv(str(path), target="y", chunk_bytes=2**16, cache=False)
    assert data.classes_.tolist() == [0.0, 1.0]
    model = LogisticRegression().fit(data, None)
    # reference: statsmodels' Logit of the same rows
    params = sm.Logit(y, sm.add_constant(x)).fit(disp=0).params
    got = [model.intercept_[0], model.coef_[0, 0]]
    np.testing.assert_allclose(got, params, rtol=1e-6)


def _retyped(t, name, values):
    return t.set_column(t.schema.get_field_index(name), name, pa.array(values))


@pytest.mark.parametrize(
    ("column", "retype", "kind"),
    [
        ("label", lambda t: np.where(t["label"].to_numpy() == 1, "yes", "no"), "text"),
        ("x1", lambda t: [f"{v}" for v in t["x1"].to_numpy()], "text"),
        ("label", lambda t: t["label"].to_numpy() == 1, "boolean"),
        ("x1", lambda t: t["x1"].to_numpy() > 0, "boolean"),
    ],
    ids=["label-words", "feature-text", "label-bool", "feature-bool"],
)
def test_a_column_retyped_between_files_names_file_and_column(
    tmp_path, data, column, retype, kind
):
    """RELIABILITY O04: a column retyped in one file of a directory (labels as
    words or booleans, numbers written as text, a feature written as
    ``x1 > 0``) was read on: numeric text parsed silently, mixed label kinds
    a garbled "classes must cover y", the booleans as 0/1 beside numbers (a
    wrong coefficient)."""
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    t = pq.read_table(d / "part-2.parquet")
    pq.write_table(_retyped(t, column, retype(t)), d / "part-2.parquet")
    said = rf"part-2\.parquet: column '{column}' holds {kind} values where .*part-0\.parquet"
    with pytest.raises(DataValidationError, match=said):
        LogisticRegression().fit(as_backend(d, "label"), None)


def test_a_feature_of_integers_in_one_file_and_floats_in_another_is_one_kind(
    tmp_path, data
):
    X, y, _ = data
    d = write_parquet_dir(tmp_path / "d", X, y)
    t = pq.read_table(d / "part-2.parquet")
    pq.write_table(
        _retyped(t, "x1", np.round(t["x1"].to_numpy()).astype(np.int64)),
        d / "part-2.parquet",
    )
    LogisticRegression().fit(as_backend(d, "label"), None)


@pytest.mark.parametrize("reader", ["from_csv", "from_parquet"])
def test_readers_without_pyarrow_name_the_extra(tmp_path, monkeypatch, reader):
    """Chunked.from_csv / from_parquet without pyarrow raised a bare "No module
    named 'pyarrow'"; each names the extra to install."""
    from logistic.backends import Chunked

    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,0\n2,1\n")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(
        ImportError, match=rf"^Chunked\.{reader} needs the 'cli' extra"
    ) as info:
        getattr(Chunked, reader)(path, target="y")
    assert "pip install 'logistic[cli]'" in str(info.value)


def test_dask_from_parquet_without_dask_names_the_extra(tmp_path, monkeypatch):
    """Dask.from_parquet without dask raised a bare "No module named 'dask'";
    it names the extra to install."""
    from logistic.backends import Dask

    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(
        ImportError, match=r"^Dask\.from_parquet needs the 'dask' extra"
    ) as info:
        Dask.from_parquet(tmp_path / "d.parquet", target="y")
    assert "pip install 'logistic[dask]'" in str(info.value)
