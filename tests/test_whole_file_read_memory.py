"""Files read whole into memory (checkpoints, LibSVM files, compressed or
not) take memory in proportion to the file, not to the size bound: each
reader asked ``read(bound + 1)``, and CPython allocates the buffer of
``read(n)`` before reading (``BufferedReader``, ``GzipFile``, ``BZ2File``),
so a LibSVM file of 2 KB peaked at 3.2 GB on a machine of 24 GiB (the bound
is 1/8 of memory) and a checkpoint of 1 KB at 1 GiB (``MAX_BYTES``). They
now read in blocks (``logistic._files.read_bounded``, the reader of model
files too). Peaks are measured with tracemalloc, which counts the buffer
whether or not its pages are touched (what an address-space limit,
``ulimit -v``, counts too)."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_svmlight_file

from _traced_peak import peaks_until
from logistic import DataValidationError, IntegrityError, _files
from logistic._checkpoint import Checkpointer
from logistic.tabular import _libsvm, _raw
from logistic.tabular._libsvm import read_libsvm

#: A bound far above any file here: reading it at once allocates 1 GiB.
BOUND = 2**30
#: What reading a small file may take: a read block (4 MiB) and the parse.
SMALL_PEAK = 2**25

ROWS = "1 1:0.5 3:2\n0 2:1 4:-1.5\n" * 50


def _peak(read, *args):
    """The least peak of up to three reads (tests/_traced_peak.py)."""
    read(*args)  # imports and caches first
    return min(peaks_until(lambda: read(*args), SMALL_PEAK)[1])


def _svm(tmp_path: Path, compression: str | None, text: str = ROWS) -> Path:
    raw = text.encode()
    if compression == "gzip":
        path, raw = tmp_path / "d.svm.gz", gzip.compress(raw)
    elif compression == "bz2":
        path, raw = tmp_path / "d.svm.bz2", bz2.compress(raw)
    else:
        path = tmp_path / "d.svm"
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize("compression", [None, "gzip", "bz2"])
def test_a_small_libsvm_file_takes_memory_for_its_size_not_the_bound(
    tmp_path, monkeypatch, compression
):
    monkeypatch.setattr(_libsvm, "_libsvm_limit", lambda: BOUND)
    path = _svm(tmp_path, compression)
    assert _peak(read_libsvm, str(path), compression) < SMALL_PEAK  # was 1 GiB
    # the rows as scikit-learn's reader of the same file gives them
    X, y = load_svmlight_file(str(path))
    got = read_libsvm(str(path), compression)
    assert np.array_equal(got.labels, y)
    assert np.array_equal(got.X.toarray(), X.toarray())


def test_every_member_of_a_gzip_file_is_read_across_blocks(tmp_path, monkeypatch):
    # two gzip members, one after the other (`cat a.gz b.gz`), read in blocks
    # of 7 bytes: the rows of both, as gzip.decompress gives them
    monkeypatch.setattr(_files, "READ_BLOCK", 7)
    second = "1 2:3\n" * 40
    path = tmp_path / "two.svm.gz"
    path.write_bytes(gzip.compress(ROWS.encode()) + gzip.compress(second.encode()))
    got = read_libsvm(str(path), "gzip")
    text = gzip.decompress(path.read_bytes()).decode()
    assert got.n_rows == text.count("\n") == 140
    assert got.labels[-1] == 1.0 and got.X[-1, 1] == 3.0


@pytest.mark.parametrize("compression", [None, "gzip"])
def test_a_libsvm_file_over_the_bound_is_refused_naming_it(
    tmp_path, monkeypatch, compression
):
    monkeypatch.setattr(_libsvm, "_libsvm_limit", lambda: 1000)
    monkeypatch.setattr(_files, "READ_BLOCK", 64)  # the bound crossed mid-block
    path = _svm(tmp_path, compression)  # 1 250 bytes (the gzip file far fewer)
    assert len(ROWS) == 1250
    if compression is None:
        assert path.stat().st_size > 1000
    else:
        assert path.stat().st_size < 1000  # refused on what it decompresses to
    with pytest.raises(DataValidationError) as info:
        read_libsvm(str(path), compression)
    message = str(info.value)
    assert message.startswith(f"{path}: LibSVM files are read whole into memory")
    assert "1000 bytes" in message
    if compression:
        assert "when decompressed" in message


def test_a_decompressed_stream_read_to_its_end_stops_past_its_bound(tmp_path):
    # pyarrow's reader asks for blocks; a read() of the rest reads blocks too,
    # and stops (DecompressedTooLarge, naming the file) once past the bound
    path = _svm(tmp_path, "gzip")

    def read_all() -> bytes:
        with open(path, "rb") as fh, gzip.GzipFile(fileobj=fh) as stream:
            return _raw._Bounded(stream, "d.svm.gz", BOUND).read()

    data, peaks = peaks_until(read_all, SMALL_PEAK)
    assert data == ROWS.encode()
    assert min(peaks) < SMALL_PEAK, peaks  # was 1 GiB
    with open(path, "rb") as fh, gzip.GzipFile(fileobj=fh) as stream:
        with pytest.raises(_raw.DecompressedTooLarge, match=r"d\.svm\.gz .*1000"):
            _raw._Bounded(stream, "d.svm.gz", 1000).read()


def _checkpoint(tmp_path: Path) -> Path:
    path = tmp_path / "ckpt.json"
    writer = Checkpointer(path, fingerprint="ab12", config={"alpha": 0.5})
    writer.save(3, {"coef": np.array([0.25, -1.5, 2.0])}, [])
    return path


def test_a_small_checkpoint_takes_memory_for_its_size_not_the_bound(tmp_path):
    path = _checkpoint(tmp_path)
    assert path.stat().st_size < 2000
    assert _peak(Checkpointer._read, path, BOUND) < SMALL_PEAK  # was 1 GiB
    payload = Checkpointer._read(path, BOUND)
    assert payload["n_iter"] == 3  # floats stored as float.hex text, exactly
    assert payload["config"] == {"alpha": {"float": (0.5).hex()}}


def test_a_checkpoint_over_the_bound_is_refused_naming_it(tmp_path):
    path = _checkpoint(tmp_path)
    size = path.stat().st_size
    with pytest.raises(IntegrityError) as info:
        Checkpointer._read(path, size - 1, "a test's bound")
    message = str(info.value)
    assert message.startswith(f"checkpoint {path} is {size} bytes, more than")
    assert f"limit of {size - 1} bytes (a test's bound)" in message


def test_the_block_reader_returns_one_byte_past_its_bound(tmp_path, monkeypatch):
    # what each caller refuses: the bound plus one byte, never the whole file
    monkeypatch.setattr(_files, "READ_BLOCK", 10)
    path = tmp_path / "f"
    path.write_bytes(bytes(range(100)))
    with open(path, "rb") as fh:
        assert _files.read_bounded(fh, 100) == bytes(range(100))
    with open(path, "rb") as fh:
        assert _files.read_bounded(fh, 54) == bytes(range(55))
    with open(path, "rb") as fh:
        assert _files.read_bounded(fh, None, b"head") == b"head" + bytes(range(100))
    with open(path, "rb") as fh:
        assert _files.read_bounded(fh, 3, b"head") == b"head"  # past it already
