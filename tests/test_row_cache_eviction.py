"""The row cache's folder stays bounded: entries of deleted sources and the
least recently used ones are evicted before a new entry is written, never one
a live fit reads; ``row_cache.clear`` and ``logistic cache`` list and empty it
(``logistic.backends.row_cache``)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from logistic import InvalidParameterError
from logistic.backends import _cache_lock, row_cache
from logistic.backends.chunked import Chunked
from logistic.cli.app import main

pytestmark = pytest.mark.skipif(_cache_lock.fcntl is None, reason="needs flock (POSIX)")

N, P = 2000, 4
ENTRY_BYTES = N * P * 8 + N  # X.bin + codes.bin (float64, no weights)


def _csv(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, P))
    y = rng.integers(0, 2, N)
    rows = [",".join(f"{v:.4f}" for v in X[i]) + f",{y[i]}" for i in range(N)]
    path.write_text("a,b,c,d,y\n" + "\n".join(rows) + "\n")
    return path


def _scan(path: Path, cache: Path) -> Chunked:
    return Chunked.from_csv(path, target="y", cache_dir=cache)


def _sources(cache: Path) -> set[str]:
    return {Path(s).name for e in row_cache.entries(cache) for s in e.sources}


def _age(backend: Chunked, seconds: float) -> None:
    """Set an entry's last use ``seconds`` back."""
    t = time.time() - seconds
    os.utime(backend.cache_path, (t, t))


def test_a_fit_that_reuses_an_entry_removes_the_one_renamed_aside(tmp_path):
    """A fit read the entry of day.csv while the file was rewritten and
    another fit wrote the new entry, renaming the one read aside
    (``<name>.tmp-*``); once the first fit ended, a third fit that reused the
    new entry left that full-size copy in the cache folder (counted against
    the cap) for good. The fit that reuses the entry removes it."""
    cache = tmp_path / "cache"
    path = _csv(tmp_path / "day.csv", 1)
    reader = _scan(path, cache)
    _csv(path, 2)  # the source changes while ``reader`` holds its entry
    writer = _scan(path, cache)
    aside = [p for p in cache.iterdir() if ".tmp-" in p.name]
    assert len(aside) == 1  # still read by ``reader``
    del reader, writer
    gc.collect()
    again = _scan(path, cache)
    assert again.cache_path is not None and again.cache_path.exists()
    assert sorted(p.name for p in cache.iterdir()) == [again.cache_path.name]


def test_entries_of_deleted_sources_are_evicted_by_the_next_write(tmp_path):
    """The tester's three daily files: each fit kept a copy of a deleted file."""
    cache = tmp_path / "cache"
    for day in (1, 2, 3):
        path = _csv(tmp_path / f"day{day}.csv", day)
        backend = _scan(path, cache)
        assert backend.cache_path is not None
        del backend
        path.unlink()
        assert _sources(cache) == {f"day{day}.csv"}  # the earlier ones are gone
    listed = row_cache.entries(cache)
    assert [e.missing for e in listed] == [(str((tmp_path / "day3.csv").resolve()),)]
    assert listed[0].nbytes >= ENTRY_BYTES


def test_the_least_recently_used_entries_go_first_under_the_cap(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    # room for two entries (and a little more), not three
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", str(2 * ENTRY_BYTES + 4096))
    a = _scan(_csv(tmp_path / "a.csv", 1), cache)
    b = _scan(_csv(tmp_path / "b.csv", 2), cache)
    _age(a, 100)
    _age(b, 200)  # b used longest ago
    del a, b
    _scan(_csv(tmp_path / "c.csv", 3), cache)
    assert _sources(cache) == {"a.csv", "c.csv"}
    # reusing an entry refreshes its last use: a, just opened, stays
    _age(_scan(tmp_path / "c.csv", cache), 300)
    _scan(tmp_path / "a.csv", cache)
    _scan(_csv(tmp_path / "d.csv", 4), cache)
    assert _sources(cache) == {"a.csv", "d.csv"}
    assert sum(e.nbytes for e in row_cache.entries(cache)) <= 2 * ENTRY_BYTES + 4096


def test_an_entry_a_live_fit_reads_is_never_evicted(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "0")  # evict all it can
    held = _scan(_csv(tmp_path / "a.csv", 1), cache)
    _age(held, 1000)
    (tmp_path / "a.csv").unlink()  # source gone too
    b = _scan(_csv(tmp_path / "b.csv", 2), cache)
    assert _sources(cache) == {"a.csv", "b.csv"}  # a is in use here
    assert row_cache.clear(cache)[:2] == (0, 2)  # both are read by live backends
    X = held._cached.block(0, N)[0]
    assert X.shape == (N, P) and np.isfinite(X).all()
    del held, X
    removed, kept, freed = row_cache.clear(cache)
    assert (removed, kept) == (1, 1) and freed >= ENTRY_BYTES
    assert _sources(cache) == {"b.csv"}
    del b


def test_another_process_reading_an_entry_keeps_it(tmp_path):
    cache = tmp_path / "cache"
    path = _csv(tmp_path / "a.csv", 1)
    _scan(path, cache)
    code = (
        "import sys, time\n"
        "from logistic.backends.chunked import Chunked\n"
        f"b = Chunked.from_csv({str(path)!r}, target='y', cache_dir={str(cache)!r})\n"
        "assert b.cache_path is not None\n"
        "print('open', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "open"
        assert row_cache.clear(cache)[:2] == (0, 1)
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
    assert row_cache.clear(cache)[:2] == (1, 0)
    assert row_cache.entries(cache) == []


def test_a_live_writers_folder_is_left_alone(tmp_path):
    from logistic.backends._cache import CacheWriter

    cache = tmp_path / "cache"
    stamp = [{"path": "x", "size": 1, "mtime_ns": 1}]
    name = "0123456789abcdef" * 2  # an entry's name: 32 hex digits
    writer = CacheWriter(cache, name, stamp, np.float64, weight=False, offset=False)
    assert writer.active
    assert row_cache.clear(cache)[:2] == (0, 1)
    writer.abandon()
    assert row_cache.entries(cache) == []


def test_max_bytes_reads_the_environment(monkeypatch):
    for text, want in [("1000", 1000), ("3G", 3 * 2**30), ("512MiB", 512 * 2**20)]:
        monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", text)
        assert row_cache.max_bytes() == want
    # a unit's spellings, any case, spaces around (docs/cli.md)
    for text, want in [("1.5gib", 3 * 2**29), (" 2 KB ", 2048), ("7b", 7)]:
        monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", text)
        assert row_cache.max_bytes() == want
    # "lots" was 20 GiB, silently; "\u0663" (Arabic-Indic three) was 3 bytes
    for text in ("lots", "\u0663", "-1", "1e3", "3X"):
        monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", text)
        with pytest.raises(InvalidParameterError, match="LOGISTIC_CACHE_MAX_BYTES"):
            row_cache.max_bytes()
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "")
    assert row_cache.max_bytes() == row_cache.DEFAULT_MAX_BYTES


def test_cli_cache_list_and_clear(tmp_path, capsys):
    cache = tmp_path / "cache"
    _scan(_csv(tmp_path / "a.csv", 1), cache)
    assert main(["cache", "list", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert f"{cache}: 1 entry," in out and str((tmp_path / "a.csv").resolve()) in out
    (tmp_path / "a.csv").unlink()
    assert main(["cache", "--cache-dir", str(cache)]) == 0
    assert "source gone" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache-dir", str(cache)]) == 0
    assert "removed 1 entry " in capsys.readouterr().err
    assert row_cache.entries(cache) == []
    (tmp_path / "file").write_text("x")
    assert main(["cache", "list", "--cache-dir", str(tmp_path / "file")]) == 2
    assert main(["cache", "purge", "--cache-dir", str(cache)]) == 2


def test_a_users_own_files_in_the_cache_folder_are_never_removed(tmp_path, monkeypatch):
    """``--cache-dir`` may name a folder that holds other things: only folders
    named as entries are the cache's (a user's folder, one without
    ``meta.json``, looked like a crashed writer's and was removed)."""
    cache = tmp_path / "cache"
    mine = cache / "photos"
    mine.mkdir(parents=True)
    (mine / "a.jpg").write_bytes(b"x" * 100)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    (cache / ("0" * 32 + "-link")).symlink_to(outside)
    (cache / ("1" * 32)).symlink_to(outside)  # named as an entry, but a link
    (cache / "notes.txt").write_text("mine")
    (cache / ("2" * 32 + "\n")).mkdir()  # an entry's name and a newline
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "0")  # evict all it may
    path = _csv(tmp_path / "d.csv", 7)
    backend = _scan(path, cache)
    assert backend.cache_path is not None
    del backend
    row_cache.clear(cache)
    assert (mine / "a.jpg").read_bytes() == b"x" * 100
    assert (outside / "keep.txt").read_text() == "keep"
    assert (cache / "notes.txt").read_text() == "mine"
    assert (cache / ("1" * 32)).is_symlink()
    assert (cache / ("2" * 32 + "\n")).is_dir()
    assert row_cache.entries(cache) == []
