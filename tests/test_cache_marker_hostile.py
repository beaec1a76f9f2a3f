"""A cache folder may be shared, and written by other processes or users:
links, FIFOs and lying ``meta.json`` files planted in it make an entry unused
(the scan then reads the source), never a hang, a crash, a file written
elsewhere or data read from outside the entry
(``logistic.backends._cache_marker``, ``logistic.backends._cache``)."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from logistic.backends import _cache_id, _cache_lock, row_cache
from logistic.backends._cache import CachedRows, CacheWriter
from logistic.cli.app import main

pytestmark = pytest.mark.skipif(_cache_lock.fcntl is None, reason="needs flock (POSIX)")

NAME = "0123456789abcdef" * 2
STAMP = [{"path": "x", "size": 1, "mtime_ns": 1}]
# the rows' two labels, 0 and 1 (their digests are not read here)
META = {"n_features": 3, "digest": "00", "label_digests": [[0.0, "00" * 16], [1.0, "00" * 16]]}


def _entry(root: Path, X: np.ndarray, stamp: list = STAMP) -> Path:
    w = CacheWriter(root, NAME, stamp, np.float64, weight=False, offset=False)
    w.append(X, np.r_[np.zeros(len(X) // 2), np.ones(len(X) - len(X) // 2)], None, None)
    rows = w.finish(dict(META))
    assert isinstance(rows, CachedRows)
    folder = rows.folder
    del rows
    gc.collect()
    return folder


def _X(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(40, 3))


def _open(folder: Path) -> CachedRows | None:
    return CachedRows.open(folder, STAMP, np.float64)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs: POSIX")
@pytest.mark.parametrize("planted", ["meta.json", "X.bin", "labels.npy"])
def test_a_fifo_in_an_entry_is_not_waited_on(tmp_path, planted):
    folder = _entry(tmp_path / "cache", _X(0))
    (folder / planted).unlink()
    os.mkfifo(folder / planted)
    code = (
        "import numpy as np\n"
        "from pathlib import Path\n"
        "from logistic.backends import row_cache\n"
        "from logistic.backends._cache import CachedRows\n"
        f"folder = Path({str(folder)!r})\n"
        f"print(CachedRows.open(folder, {STAMP!r}, np.float64) is None)\n"
        "print(len(row_cache.entries(folder.parent)))\n"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"opening an entry with a FIFO as {planted} hangs")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "True"


@pytest.mark.parametrize("planted", ["X.bin", "labels.npy"])
def test_a_data_file_that_is_a_link_is_not_read(tmp_path, planted):
    folder = _entry(tmp_path / "cache", _X(0))
    other = _entry(tmp_path / "other", _X(1))  # the same size, other rows
    (folder / planted).unlink()
    (folder / planted).symlink_to(other / planted)
    assert _open(folder) is None


def test_an_entry_that_is_a_link_is_not_read(tmp_path):
    folder = _entry(tmp_path / "cache", _X(0))
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    assert _open(folder) is None


@pytest.mark.parametrize(
    "lie",
    [
        {"dtype": "garbage"},
        {"n_samples": [40]},
        {"n_samples": 40.5},
        {"digest": "not hex"},
        "a list",
        "nested 100 000 deep",
        {"labels": "2-D"},
    ],
    ids=str,
)
def test_a_meta_json_that_lies_makes_the_entry_unused_not_a_crash(tmp_path, lie):
    folder = _entry(tmp_path, _X(0))
    meta = json.loads((folder / "meta.json").read_text())
    if lie == "a list":
        meta = [meta]
    elif lie == "nested 100 000 deep":
        pass
    elif lie == {"labels": "2-D"}:
        np.save(folder / "labels.npy", np.zeros((1, 2)), allow_pickle=False)
    else:
        meta.update(lie)
    text = json.dumps(meta) if lie != "nested 100 000 deep" else "[" * 100_000
    (folder / "meta.json").write_text(text)
    assert _open(folder) is None
    assert len(row_cache.entries(tmp_path)) == 1  # listed, as damaged


def test_a_link_planted_at_the_meta_rewrites_name_is_not_written_through(
    tmp_path, monkeypatch
):
    source = tmp_path / "source.csv"
    source.write_text("a,y\n1,0\n2,1\n")
    stamp = _cache_id.source_stamp([source])
    assert _cache_id.young(stamp)  # the entry records the file's sha256
    folder = _entry(tmp_path / "cache", _X(0), stamp)
    assert "sha256" in json.loads((folder / "meta.json").read_text())
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (folder / f"meta.json.tmp-{os.getpid()}").symlink_to(victim)
    now = _cache_id.time.time_ns()
    monkeypatch.setattr(_cache_id.time, "time_ns", lambda: now + 3 * 10**9)
    rows = CachedRows.open(folder, stamp, np.float64)
    assert rows is not None
    assert victim.read_text() == "precious"
    meta = json.loads((folder / "meta.json").read_text())
    assert "sha256" not in meta and "known_sha256" in meta  # settled all the same


def test_cache_list_prints_planted_sources_safely(tmp_path, capsys):
    cache = tmp_path / "cache"
    folder = _entry(cache, _X(0))
    meta = json.loads((folder / "meta.json").read_text())
    meta["stamp"] = [{"path": "/data/a.csv"}, {"path": "rel\x1b]0;owned\x07.csv"}]
    (folder / "meta.json").write_text(json.dumps(meta))
    assert main(["cache", "list", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert "1 entry," in out and "\x1b" not in out and "\x07" not in out


def test_a_writers_folder_swapped_for_links_is_not_written_through(tmp_path):
    # another user of a shared cache folder renames a writer's temporary folder
    # away mid-scan and puts one of links to the writer's files in its place
    victims = {
        name: tmp_path / f"victim-{name}" for name in ("labels.npy", "meta.json")
    }
    for victim in victims.values():
        victim.write_bytes(b"precious")
    cache = tmp_path / "cache"
    w = CacheWriter(cache, NAME, STAMP, np.float64, weight=False, offset=False)
    w.append(_X(0), np.r_[np.zeros(20), np.ones(20)], None, None)
    assert w.tmp is not None
    os.rename(w.tmp, tmp_path / "moved")
    w.tmp.mkdir()
    for name, victim in victims.items():
        (w.tmp / name).symlink_to(victim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = w.finish(dict(META))
    for victim in victims.values():
        assert victim.read_bytes() == b"precious"
    if rows is not None:  # its own rows, whatever the name now holds
        np.testing.assert_array_equal(np.asarray(rows.block(0, 40)[0]), _X(0))


@pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0, reason="chown: needs root"
)
def test_an_entry_owned_by_another_user_is_not_read(tmp_path):
    folder = _entry(tmp_path, _X(0))
    assert _open(folder) is not None
    gc.collect()
    os.chown(folder, 12345, 12345)
    assert _open(folder) is None


@pytest.mark.parametrize(
    "labels", [np.array([0.0, 1.0, 2.0]), np.array([0.0]), np.array([0.0, 0.0])], ids=str
)
def test_labels_that_are_not_meta_jsons_make_the_entry_unused(tmp_path, labels):
    """A labels.npy replaced apart from meta.json (three labels where meta.json
    digests the rows of two) was read as is: the fit got a class with no rows
    (a phantom third class, a multinomial model). The entry is not used; the
    file is then read again."""
    folder = _entry(tmp_path, _X(0))
    assert _open(folder) is not None
    gc.collect()
    np.save(folder / "labels.npy", labels, allow_pickle=False)
    assert _open(folder) is None


def test_a_replaced_label_list_is_read_from_the_file_again(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    lines = ["x,y"] + [f"{v:.4f},{int(v + rng.normal() > 0)}" for v in rng.normal(size=200)]
    Path("s.csv").write_text("\n".join(lines) + "\n")
    args = ["fit", "s.csv", "--target", "y", "--stream", "--cache-dir", "cd", "-q"]
    assert main([*args, "-o", "a.json"]) == 0
    [entry] = [p for p in Path("cd").iterdir() if (p / "labels.npy").exists()]
    np.save(entry / "labels.npy", np.array([0, 1, 2]), allow_pickle=False)
    capsys.readouterr()
    assert main([*args, "-o", "b.json"]) == 0
    assert "multinomial" not in capsys.readouterr().err
    from logistic.io import read_model_file

    a, b = (read_model_file(f).model for f in ("a.json", "b.json"))
    assert list(b.classes_) == list(a.classes_) == [0, 1]
    np.testing.assert_array_equal(b.coef_, a.coef_)
