"""The row cache is reused only for the bytes it was written from
(``logistic.backends._cache_id``: the stamp, and the sha256 of files
modified just before it was taken)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.backends import _cache_id, chunked
from logistic.backends.chunked import Chunked

N = 3000


def _write_csv(path: Path, flip: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A CSV whose labels in the middle third are flipped when ``flip``: the
    same size, different bytes."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(N, 3))
    y = (rng.random(N) < 1 / (1 + np.exp(-X @ np.array([1.0, -1.0, 0.5])))).astype(int)
    if flip:
        y[N // 3 : 2 * N // 3] ^= 1
    lines = ["a,b,c,y"] + [
        ",".join(f"{v:.5f}" for v in X[i]) + f",{y[i]}" for i in range(N)
    ]
    path.write_text("\n".join(lines) + "\n")
    return X, y


def _edit_keeping_size_and_mtime(path: Path) -> tuple[np.ndarray, np.ndarray]:
    st = os.stat(path)
    X, y = _write_csv(path, flip=True)
    assert os.stat(path).st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as touch -r, cp -p, tar
    return X, y


def _fit(path: Path, cache_dir: Path) -> tuple[np.ndarray, Chunked]:
    backend = Chunked.from_csv(path, target="y", cache_dir=cache_dir)
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(backend, None)
    return model.coef_.ravel(), backend


def _reference(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression as SK

    Xr = np.round(X, 5)  # the CSV's digits
    sk = SK(C=1 / (1e-3 * len(y)), tol=1e-12, max_iter=10_000).fit(Xr, y)
    return sk.coef_.ravel()


def test_an_edit_that_keeps_size_and_mtime_is_not_served_from_the_cache(
    tmp_path, monkeypatch
):
    """ctime: the kernel sets it at every write and no call sets it back."""
    monkeypatch.setattr(_cache_id, "RACY_NS", 0)  # the stamp alone decides
    path, cache = tmp_path / "d.csv", tmp_path / "cache"
    X0, y0 = _write_csv(path)
    coef0, first = _fit(path, cache)
    np.testing.assert_allclose(coef0, _reference(X0, y0), rtol=1e-5)
    assert first.cache_path is not None
    assert "sha256" not in json.loads((first.cache_path / "meta.json").read_text())
    X1, y1 = _edit_keeping_size_and_mtime(path)
    coef1, second = _fit(path, cache)
    np.testing.assert_allclose(coef1, _reference(X1, y1), rtol=1e-5)
    assert np.max(np.abs(coef1 - coef0)) > 0.1
    # and the rewritten entry serves the edited file
    coef2, third = _fit(path, cache)
    np.testing.assert_array_equal(coef2, coef1)
    assert third.cache_path == second.cache_path


def test_an_unchanged_source_reuses_its_entry(tmp_path, monkeypatch):
    monkeypatch.setattr(_cache_id, "RACY_NS", 0)
    path, cache = tmp_path / "d.csv", tmp_path / "cache"
    _write_csv(path)
    _, first = _fit(path, cache)
    assert first.cache_path is not None
    ino = os.stat(first.cache_path / "X.bin").st_ino
    _, second = _fit(path, cache)
    assert os.stat(second.cache_path / "X.bin").st_ino == ino  # not rewritten


def _coarse_stamp(files):
    """A file system that keeps whole seconds and no ctime, and samples that
    miss the edit: the stamp cannot tell the edited file."""
    stamp = _cache_id.source_stamp(files)
    for f in stamp:
        f["mtime_ns"] -= f["mtime_ns"] % 10**9
        f["ctime_ns"] = f["mtime_ns"]
        f["sampled"] = "0"
    return stamp


def test_a_file_modified_just_before_its_cache_is_checked_by_its_sha256(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(chunked, "source_stamp", _coarse_stamp)
    path, cache = tmp_path / "d.csv", tmp_path / "cache"
    X0, y0 = _write_csv(path)
    coef0, first = _fit(path, cache)
    meta = json.loads((first.cache_path / "meta.json").read_text())
    assert meta["sha256"] == [_cache_id.file_sha256(path.resolve())]
    X1, y1 = _edit_keeping_size_and_mtime(path)
    assert _coarse_stamp([path]) == meta["stamp"]  # the stamp alone is fooled
    coef1, _ = _fit(path, cache)
    np.testing.assert_allclose(coef1, _reference(X1, y1), rtol=1e-5)
    assert np.max(np.abs(coef1 - coef0)) > 0.1


def test_the_sha256_check_ends_once_the_files_are_old_enough(tmp_path, monkeypatch):
    path, cache = tmp_path / "d.csv", tmp_path / "cache"
    _write_csv(path)
    coef0, first = _fit(path, cache)
    meta_path = first.cache_path / "meta.json"
    assert "sha256" in json.loads(meta_path.read_text())  # written just after
    now = _cache_id.time.time_ns()
    monkeypatch.setattr(_cache_id.time, "time_ns", lambda: now + 3 * 10**9)
    coef1, second = _fit(path, cache)
    np.testing.assert_array_equal(coef1, coef0)
    meta = json.loads(meta_path.read_text())
    assert "sha256" not in meta and meta["stamp"] == _cache_id.source_stamp([path])
    hashed = []
    real = _cache_id.file_sha256
    monkeypatch.setattr(
        "logistic.backends._cache.file_sha256",
        lambda p: hashed.append(p) or real(p),
    )
    _fit(path, cache)
    assert hashed == []  # settled: the stamp alone is checked


@pytest.mark.parametrize("where", ["middle", "near_end"])
def test_the_stamp_samples_the_inside_of_a_file(tmp_path, where):
    path = tmp_path / "f.bin"
    data = bytearray(np.random.default_rng(0).bytes(4 * 2**20))
    path.write_bytes(data)
    st = os.stat(path)
    before = _cache_id.source_stamp([path])[0]["sampled"]
    size = len(data)
    inner = size - 2 * _cache_id.EDGE_BYTES
    k = _cache_id.SAMPLES // 2 if where == "middle" else _cache_id.SAMPLES
    at = _cache_id.EDGE_BYTES + inner * k // (_cache_id.SAMPLES + 1) + 100
    data[at] ^= 0xFF
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _cache_id.source_stamp([path])[0]["sampled"] != before


def test_a_sha256_the_process_computed_anyway_is_compared(tmp_path, monkeypatch):
    """A caller that hashes the source anyway (as a model file records it)
    with :func:`file_sha256` gets the content check for free."""
    monkeypatch.setattr(_cache_id, "RACY_NS", 0)
    monkeypatch.setattr(chunked, "source_stamp", _coarse_stamp)
    path, cache = tmp_path / "d.csv", tmp_path / "cache"
    _write_csv(path)
    digest = _cache_id.file_sha256(path.resolve())
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    coef0, first = _fit(path, cache)
    meta = json.loads((first.cache_path / "meta.json").read_text())
    assert meta["known_sha256"] == [digest] and "sha256" not in meta
    X1, y1 = _edit_keeping_size_and_mtime(path)
    coef1, _ = _fit(path, cache)  # no digest: the stamp alone, fooled here
    np.testing.assert_array_equal(coef1, coef0)
    _cache_id.file_sha256(path.resolve())
    coef2, _ = _fit(path, cache)
    np.testing.assert_allclose(coef2, _reference(X1, y1), rtol=1e-5)


def test_a_file_hashed_right_after_an_edit_is_not_remembered(tmp_path, monkeypatch):
    """Within a timestamp tick of its last edit a file may change again with
    the same key (size, times): its digest is not kept for a later reuse."""
    path = tmp_path / "d.csv"
    path.write_text("a,y\n1,0\n")
    digest = _cache_id.file_sha256(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert _cache_id.known_sha256(path) is None  # just written: young
    monkeypatch.setattr(_cache_id, "RACY_NS", 0)
    _cache_id.file_sha256(path)
    assert _cache_id.known_sha256(path) == digest
