"""No folder left at an entry's name keeps a source out of the row cache for
good, and none holding anything is removed: a removal killed between the
marker and the ``rmdir`` leaves an empty folder, which the next fit, eviction
and ``logistic cache clear`` ``rmdir``; an entry of the earlier format (no
marker) never has a new entry's name; a user's folder with files there is
left alone (``logistic.backends._cache_marker``, ``row_cache``)."""

from __future__ import annotations

import gc
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from logistic.backends import _cache_id, _cache_lock, _cache_marker, row_cache
from logistic.backends.chunked import Chunked
from logistic.cli.app import main

pytestmark = pytest.mark.skipif(_cache_lock.fcntl is None, reason="needs flock (POSIX)")

MARKER = "logistic-row-cache-entry"


class _Killed(BaseException):
    """The process dies here (nothing catches it, as nothing survives a kill)."""


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "d.csv"
    rng = np.random.default_rng(0)
    path.write_text(
        "a,y\n"
        + "".join(f"{v:.3f},{i % 2}\n" for i, v in enumerate(rng.normal(size=50)))
    )
    return path


def _cached_fit(data: Path, cache: Path) -> Path | None:
    """The entry a scan of ``data`` reads (None: not cached), with every
    warning an error (a fit that skips the cache warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        backend = Chunked.from_csv(data, target="y", cache_dir=cache)
    path = backend.cache_path
    del backend
    gc.collect()  # the entry's shared lock goes with it
    return path


def _killed_between_marker_and_rmdir(cache: Path, monkeypatch) -> None:
    """``logistic cache clear`` killed after the entry's marker is gone and
    before its folder is."""

    def rmdir(path, *args, **kwargs):
        raise _Killed

    with monkeypatch.context() as m:
        m.setattr(_cache_marker.os, "rmdir", rmdir)
        with pytest.raises(_Killed):
            row_cache.clear(cache)


def test_a_removal_killed_before_its_rmdir_does_not_block_the_source(
    tmp_path, monkeypatch
):
    data, cache = _csv(tmp_path), tmp_path / "cache"
    entry = _cached_fit(data, cache)
    assert entry is not None
    _killed_between_marker_and_rmdir(cache, monkeypatch)
    assert entry.is_dir() and os.listdir(entry) == []  # the window's state
    assert _cached_fit(data, cache) == entry  # cached again, no warning
    assert (entry / MARKER).is_file()
    assert [e.path for e in row_cache.entries(cache)] == [entry]
    written = entry.stat().st_ino
    assert _cached_fit(data, cache) == entry  # and read back, not rewritten
    assert entry.stat().st_ino == written


def test_clear_removes_the_empty_folder_a_killed_removal_left(
    tmp_path, monkeypatch, capsys
):
    data, cache = _csv(tmp_path), tmp_path / "cache"
    entry = _cached_fit(data, cache)
    assert entry is not None
    _killed_between_marker_and_rmdir(cache, monkeypatch)
    assert main(["cache", "clear", "--cache-dir", str(cache)]) == 0
    assert not entry.exists()
    assert "left alone" not in capsys.readouterr().err
    assert row_cache.unmarked(cache) == []


def test_an_entry_of_the_earlier_format_does_not_block_the_source(
    tmp_path, monkeypatch
):
    data, cache = _csv(tmp_path), tmp_path / "cache"
    with monkeypatch.context() as m:  # written as format 1 named its entries
        m.setattr(_cache_id, "FORMAT", 1)
        old = _cached_fit(data, cache)
    assert old is not None
    os.unlink(old / MARKER)  # format 1 entries carry no marker
    kept = sorted(os.listdir(old))
    entry = _cached_fit(data, cache)
    assert entry is not None and entry != old
    assert [e.path for e in row_cache.entries(cache)] == [entry]
    assert row_cache.clear(cache)[:2] == (1, 0)
    assert sorted(os.listdir(old)) == kept  # never removed: nothing tells it
    assert row_cache.unmarked(cache) == [old]  # from a user's: named instead


@pytest.mark.parametrize("how", ["files", "subfolder", "link to empty folder"])
def test_a_users_folder_at_an_entrys_name_is_never_removed(tmp_path, how):
    data, cache = _csv(tmp_path), tmp_path / "cache"
    entry = _cached_fit(data, cache)
    assert entry is not None
    row_cache.clear(cache)
    assert not entry.exists()
    target = tmp_path / "users-empty-folder"
    if how == "files":
        entry.mkdir()
        (entry / "notes.txt").write_text("mine")
    elif how == "subfolder":
        (entry / "empty").mkdir(parents=True)
    else:
        target.mkdir()
        entry.symlink_to(target, target_is_directory=True)
    with pytest.warns(UserWarning, match="is not a row-cache entry; left alone"):
        backend = Chunked.from_csv(data, target="y", cache_dir=cache)
    assert backend.cache_path is None
    del backend
    gc.collect()
    row_cache.clear(cache)
    if how == "files":
        assert (entry / "notes.txt").read_text() == "mine"
    elif how == "subfolder":
        assert (entry / "empty").is_dir()
    else:
        assert entry.is_symlink() and target.is_dir()
    assert row_cache.entries(cache) == []
