"""Two fits writing the row cache of one source at once, and the leftovers of
crashed writers (``logistic.backends._cache_lock``)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from logistic.backends import _cache_lock
from logistic.backends._cache import CachedRows, CacheWriter

pytestmark = pytest.mark.skipif(_cache_lock.fcntl is None, reason="needs flock (POSIX)")

STAMP = [{"path": "x", "size": 1, "mtime_ns": 1, "edges": "0"}]
META = {"n_features": 3, "digest": "00", "label_digests": []}


def _writer(root: Path) -> CacheWriter:
    return CacheWriter(root, "entry", STAMP, np.float64, weight=False, offset=False)


def _rows(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(50, 3)), rng.integers(0, 2, 50).astype(float)


def test_a_second_writer_leaves_a_live_writers_folder_alone(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an abandoned cache would warn
        a = _writer(tmp_path)
        Xa, ya = _rows(0)
        a.append(Xa, ya, None, None)
        b = _writer(tmp_path)
        assert a.tmp is not None and a.tmp.exists()
        Xb, yb = _rows(1)
        a.append(Xb, yb, None, None)
        b.append(Xb, yb, None, None)
        assert a.active and b.active
        got_b = b.finish(dict(META))
        got_a = a.finish(dict(META))
    assert isinstance(got_a, CachedRows) and isinstance(got_b, CachedRows)
    # the last writer to finish owns the entry: A's 100 rows, no lock file; B's
    # entry, which got_b still reads, is renamed aside, not removed under it
    assert got_a.n_samples == 100
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0] == "entry" and len(names) == 2
    assert names[1].startswith("entry.tmp-")
    assert not (tmp_path / "entry" / _cache_lock.LOCK_NAME).exists()
    X, _, _, _ = got_a.block(0, 100)
    np.testing.assert_array_equal(np.asarray(X), np.vstack([Xa, Xb]))
    np.testing.assert_array_equal(np.asarray(got_b.block(0, 50)[0]), Xb)
    _cache_lock.remove_leftovers(tmp_path, "entry")
    assert (tmp_path / names[1]).exists()  # still read by got_b
    del got_b
    gc.collect()
    _cache_lock.remove_leftovers(tmp_path, "entry")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry"]


def test_a_writer_of_the_same_rows_uses_the_entry_there_and_leaves_no_copy(
    tmp_path: Path,
) -> None:
    """Three fits of one source at once (``for i in 1 2 3; do (logistic fit
    big.parquet -t y --stream --cache-dir c ...) & done``) all wrote the same
    rows; each later one renamed the entry a live fit read aside, and left it
    there, a full-size ``<name>.tmp-*`` copy, once every fit had ended. The
    writers that finish after the first now read its entry and remove their
    own folders: one folder remains, with no warning."""
    X, y = _rows(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an abandoned cache would warn
        writers = [_writer(tmp_path) for _ in range(3)]
        for w in writers:
            w.append(X, y, None, None)
        # an entry a fit opens names each label's digest (``_cache._same_labels``)
        meta = {**META, "label_digests": [[0.0, "00" * 16], [1.0, "11" * 16]]}
        got = [w.finish(dict(meta)) for w in writers]
    assert all(isinstance(g, CachedRows) for g in got)
    assert all(not w.active for w in writers)
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]
    for g in got:  # every fit reads the one entry
        assert g.folder == tmp_path / "entry"
        np.testing.assert_array_equal(np.asarray(g.block(0, 50)[0]), X)
    del got, g
    gc.collect()
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]


def test_a_crashed_writers_folder_is_removed(tmp_path: Path) -> None:
    # a writer in another process that dies (SIGKILL) mid-scan: its lock dies with it
    code = (
        "import os, sys, numpy as np\n"
        "from pathlib import Path\n"
        "from logistic.backends._cache import CacheWriter\n"
        f"w = CacheWriter(Path({str(tmp_path)!r}), 'entry', {STAMP!r}, np.float64,"
        " weight=False, offset=False)\n"
        "w.append(np.ones((10, 3)), np.r_[np.zeros(5), np.ones(5)], None, None)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert proc.returncode == -9, proc.stderr
    left = list(tmp_path.glob("entry.tmp-*"))
    assert len(left) == 1 and (left[0] / _cache_lock.LOCK_NAME).exists()
    w = _writer(tmp_path)
    assert not left[0].exists()
    w.abandon()
    assert list(tmp_path.iterdir()) == []


def test_an_unlocked_folder_is_removed_only_once_stale(tmp_path: Path) -> None:
    young = tmp_path / "entry.tmp-young"
    old = tmp_path / "entry.tmp-old"
    young.mkdir()
    old.mkdir()
    stale = time.time() - _cache_lock.UNLOCKED_STALE_SECONDS - 60
    os.utime(old, (stale, stale))
    w = _writer(tmp_path)
    assert young.exists() and not old.exists()
    w.abandon()


def test_abandon_releases_the_lock(tmp_path: Path) -> None:
    w = _writer(tmp_path)
    folder = w.tmp
    assert folder is not None and _cache_lock.in_use(folder)
    w.abandon()
    assert not folder.exists()
    assert w._lock is None
