"""Only the row cache's own folders are ever listed or removed: an entry (or a
writer's temporary folder) carries a marker file written before anything else,
and a folder without it is a user's, whatever its name
(``logistic.backends._cache_marker``); an entry that a fit reads is replaced
without removing it under the fit (``logistic.backends._cache_write``)."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import numpy as np
import pytest

from logistic.backends import _cache, _cache_lock, row_cache
from logistic.backends._cache import CachedRows, CacheWriter
from logistic.backends.chunked import Chunked
from logistic.cli.app import main

pytestmark = pytest.mark.skipif(_cache_lock.fcntl is None, reason="needs flock (POSIX)")

#: The marker's name and bytes: the on-disk format that tells the cache's
#: folders from a user's (an entry of an earlier version has no marker).
MARKER = "logistic-row-cache-entry"
MARKER_BYTES = b"Signature: logistic row cache entry 8f3b9c1e5a7d4260\n"
NAME = "0123456789abcdef" * 2
STAMP = [{"path": "x", "size": 1, "mtime_ns": 1}]
META = {"n_features": 3, "digest": "00", "label_digests": []}
MD5 = "d41d8cd98f00b204e9800998ecf8427e"  # a folder named by an md5 sum


def _old(path: Path, seconds: float = 3 * 3600) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def _user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "data.csv").write_text("a,b\n1,2\n")
    (path / "meta.json").write_text('{"stamp": []}')  # even one that looks like ours
    _old(path)
    return path


def _entry(root: Path, X: np.ndarray, name: str = NAME) -> CachedRows:
    w = CacheWriter(root, name, STAMP, np.float64, weight=False, offset=False)
    w.append(X, np.r_[np.zeros(len(X) // 2), np.ones(len(X) - len(X) // 2)], None, None)
    rows = w.finish(dict(META))
    assert isinstance(rows, CachedRows)
    return rows


def _X(seed: int, n: int = 40) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 3))


def test_the_marker_format_is_this_one():
    from logistic.backends import _cache_marker

    assert _cache_marker.MARKER_NAME == MARKER
    assert _cache_marker.MARKER_BYTES == MARKER_BYTES


def test_a_users_folders_named_as_entries_survive_eviction_and_clear(
    tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    mine = _user_folder(cache / MD5)
    temp_like = _user_folder(cache / f"{MD5}.tmp-mine")
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "0")  # evict all it may
    path = tmp_path / "d.csv"
    rng = np.random.default_rng(0)
    path.write_text(
        "a,y\n"
        + "".join(f"{v:.3f},{i % 2}\n" for i, v in enumerate(rng.normal(size=50)))
    )
    backend = Chunked.from_csv(path, target="y", cache_dir=cache)
    assert backend.cache_path is not None
    assert [e.path for e in row_cache.entries(cache)] == [backend.cache_path]
    del backend
    gc.collect()
    assert row_cache.clear(cache)[:2] == (1, 0)
    for folder in (mine, temp_like):
        assert (folder / "data.csv").read_text() == "a,b\n1,2\n"
    assert row_cache.entries(cache) == []


def test_a_temporary_folder_without_marker_is_only_ever_rmdired(tmp_path):
    # a writer that died between creating its folder and writing the marker
    # leaves it empty: removed once stale; anything with files is not ours
    empty = tmp_path / f"{NAME}.tmp-crashed"
    full = tmp_path / f"{NAME}.tmp-mine"
    empty.mkdir()
    full.mkdir()
    (full / "X.bin").write_bytes(b"keep")
    _old(empty)
    _old(full)
    w = CacheWriter(tmp_path, NAME, STAMP, np.float64, weight=False, offset=False)
    assert not empty.exists()
    assert (full / "X.bin").read_bytes() == b"keep"
    w.abandon()
    other = tmp_path / f"{MD5}.tmp-crashed"  # another entry's: swept by clear
    other.mkdir()
    _old(other)
    row_cache.clear(tmp_path)
    assert not other.exists() and (full / "X.bin").exists()


@pytest.mark.parametrize("how", ["link", "folder", "wrong bytes", "link to folder"])
def test_a_marker_that_is_not_a_regular_file_with_its_bytes_is_none(tmp_path, how):
    cache = tmp_path / "cache"
    folder = cache / MD5
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("keep")
    real = tmp_path / "real-marker"
    real.write_bytes(MARKER_BYTES)
    if how == "link":
        (folder / MARKER).symlink_to(real)
    elif how == "folder":
        (folder / MARKER).mkdir()
    elif how == "wrong bytes":
        (folder / MARKER).write_bytes(MARKER_BYTES[:-2] + b"\n")
    else:
        (tmp_path / "marker-dir").mkdir()
        (folder / MARKER).symlink_to(tmp_path / "marker-dir")
    _old(folder)
    assert row_cache.entries(cache) == []
    row_cache.clear(cache)
    assert (folder / "keep.txt").read_text() == "keep"
    assert real.read_bytes() == MARKER_BYTES


def test_an_entry_of_the_earlier_version_is_left_alone_and_named(tmp_path, capsys):
    # written before entries carried a marker: meta.json of format 1, no marker
    cache = tmp_path / "cache"
    old = cache / ("fedcba9876543210" * 2)
    old.mkdir(parents=True)
    (old / "meta.json").write_text('{"format": 1, "stamp": [{"path": "/gone"}]}')
    (old / "X.bin").write_bytes(b"\0" * 800)
    _old(old)
    _entry(cache, _X(0))  # evicts what it may before writing
    gc.collect()
    assert main(["cache", "clear", "--cache-dir", str(cache)]) == 0
    capsys.readouterr()
    assert (old / "X.bin").exists()
    assert main(["cache", "list", "--cache-dir", str(cache)]) == 0
    out, err = capsys.readouterr()
    assert f"{cache}: 0 entries" in out
    assert str(old) in err and "left alone" in err


def test_the_writer_writes_the_marker_before_anything_else(tmp_path, monkeypatch):
    seen: list[list[str]] = []
    real_hold = _cache_lock.hold

    def hold(folder: Path, *args: object) -> int | None:
        seen.append(sorted(p.name for p in folder.iterdir()))
        return real_hold(folder, *args)

    monkeypatch.setattr(_cache_lock, "hold", hold)
    rows = _entry(tmp_path, _X(0))
    assert seen == [[MARKER]]  # the lock file and the data come after it
    assert (rows.folder / MARKER).read_bytes() == MARKER_BYTES


def _inodes(root: Path) -> set[int]:
    return {p.stat().st_ino for p in root.iterdir() if p.is_dir()}


def test_an_entry_a_fit_reads_is_not_removed_by_its_replacement(tmp_path):
    XA, XB = _X(1), _X(2)
    reader = _entry(tmp_path, XA)
    ino = reader.folder.stat().st_ino
    newer = _entry(tmp_path, XB)  # another fit rewrites the entry meanwhile
    np.testing.assert_array_equal(np.asarray(newer.block(0, 40)[0]), XB)
    # the entry the first fit reads is kept (renamed aside) while it is read,
    # so eviction still counts it and Windows-like removal never half-fails
    assert ino in _inodes(tmp_path)
    np.testing.assert_array_equal(np.asarray(reader.block(0, 40)[0]), XA)
    assert row_cache.clear(tmp_path)[:2] == (0, 2)
    del reader
    gc.collect()
    assert row_cache.clear(tmp_path)[:2] == (1, 1)
    assert ino not in _inodes(tmp_path)
    del newer
    gc.collect()


def test_an_entry_replaced_while_it_is_opened_is_read_whole(tmp_path, monkeypatch):
    XA, XB = _X(1), _X(2)
    del_a = _entry(tmp_path, XA)
    del del_a
    gc.collect()
    real_loads = _cache.json.loads
    replaced: list[CachedRows | None] = []

    def loads(text: str | bytes) -> object:
        meta = real_loads(text)
        if not replaced:  # right after this reader read A's meta.json
            replaced.append(None)
            replaced.append(_entry(tmp_path, XB))
        return meta

    monkeypatch.setattr(_cache.json, "loads", loads)
    got = CachedRows.open(tmp_path / NAME, STAMP, np.float64)
    assert replaced
    # A's meta.json with A's rows, or nothing (the scan then reads the source)
    if got is not None:
        np.testing.assert_array_equal(np.asarray(got.block(0, 40)[0]), XA)
