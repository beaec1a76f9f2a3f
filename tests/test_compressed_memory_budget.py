"""A compressed CSV file read into memory is bounded by what it decompresses to.

Its size on disk says nothing of that (a gzip file of 700 KB held 480 MB of
CSV text and took 14.5 GB to fit in memory), while ``logistic fit`` judges a
plain file by its size: one larger than 1/4 of physical memory is streamed.
A compressed file that decompresses to more than that budget
(:data:`logistic.tabular._raw.COMPRESSED_MEMORY_FRACTION`, lowered here to a
few kilobytes) is streamed by ``fit`` when it can be, and refused naming the
file, the budget and the remedy by every command that would read it whole;
reading stops soon after the budget. The files are generated in ``tmp_path``.
"""

from __future__ import annotations

import bz2
import gzip
import json

import numpy as np
import pytest

import logistic
import logistic.tabular._raw as raw
from conftest import run_cli
from logistic import _memory
from logistic.tabular import read_data

pytest.importorskip("pyarrow")

LIMIT = 20_000  # bytes of decompressed text allowed in these tests


@pytest.fixture
def budget(monkeypatch, tmp_path):
    memory = _memory.process_memory()
    if memory is None:
        pytest.skip("physical memory unknown: no budget")
    monkeypatch.setattr(raw, "COMPRESSED_MEMORY_FRACTION", LIMIT / memory)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOGISTIC_NO_PROGRESS", "1")
    return raw.compressed_limit()


def _csv_text(n: int = 2000) -> bytes:
    """Numeric features x1, x2 and a 0/1 target y drawn from a logistic model."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X @ [1.0, -0.5])))).astype(int)
    rows = "".join(f"{a:.6f},{b:.6f},{c}\n" for (a, b), c in zip(X, y, strict=True))
    return ("x1,x2,y\n" + rows).encode()


def test_the_same_rule_as_the_command_line_s_automatic_streaming():
    from logistic.cli._stream_plan import STREAM_FRACTION

    assert raw.COMPRESSED_MEMORY_FRACTION == STREAM_FRACTION


@pytest.mark.parametrize("opener", [gzip.open, bz2.open])
def test_a_bomb_is_refused_after_reading_little_more_than_the_budget(
    budget, tmp_path, opener
):
    from logistic.tabular._read import CSV_BLOCK_BYTES

    body = b"y,x\n" + b"0,1\n1,2\n" * 1_000_000  # 8 MB
    # read whole, it would pass the bound below: about two of pyarrow's blocks
    assert len(body) > budget + CSV_BLOCK_BYTES * 1.9
    path = tmp_path / "bomb.csv.z"
    with opener(path, "wb") as fh:
        fh.write(body)
    assert path.stat().st_size < len(body) / 500  # its size says nothing
    with pytest.raises(raw.DecompressedTooLarge) as info:
        read_data(str(path))
    # stopped within the block (pyarrow's read) that crossed the budget
    assert budget < info.value.size <= budget + CSV_BLOCK_BYTES
    message = str(info.value)
    assert message.startswith(f"{path} is compressed and decompresses to more ")
    assert f"than {budget} bytes" in message
    assert f"reading stopped after {info.value.size} bytes" in message
    assert "decompress it first, or fit it with 'logistic fit --stream'" in message


def test_within_the_budget_a_compressed_file_reads_as_the_plain_one(budget, tmp_path):
    text = _csv_text(200)
    assert len(text) < budget
    (tmp_path / "a.csv").write_bytes(text)
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(text))
    assert read_data("a.csv.gz").table.equals(read_data("a.csv").table)
    (tmp_path / "big.csv").write_bytes(_csv_text())  # plain: not this rule's
    assert read_data("big.csv").n_rows == 2000


def test_fit_streams_a_compressed_file_larger_than_the_budget(
    budget, tmp_path, capsys
):
    text = _csv_text()
    assert len(text) > budget
    (tmp_path / "d.csv").write_bytes(text)
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(text))
    code, _, err = run_cli(capsys, ["fit", "d.csv.gz", "-t", "y", "-o", "s.json"])
    assert code == 0, err
    assert (
        "d.csv.gz decompresses to more than 1/4 of physical memory: streaming it "
        "(decompress it first to read it into memory)" in err
    )
    streamed = json.loads((tmp_path / "s.json").read_text())
    assert streamed["training"]["streaming"]["backend"] == "chunked"
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    in_memory = json.loads((tmp_path / "m.json").read_text())
    assert "streaming" not in in_memory["training"]
    fits = [logistic.load(tmp_path / name) for name in ("s.json", "m.json")]
    np.testing.assert_allclose(fits[0].coef_, fits[1].coef_, atol=1e-8)
    np.testing.assert_allclose(fits[0].intercept_, fits[1].intercept_, atol=1e-8)


@pytest.mark.parametrize(
    "argv",
    [
        ["fit", "d.csv.gz", "-t", "y", "-o", "n.json", "--no-stream"],
        ["predict", "m.json", "d.csv.gz", "-o", "p.csv", "--no-stream"],
        ["evaluate", "m.json", "d.csv.gz", "--no-stream"],
        ["report", "m.json", "d.csv.gz", "-o", "r.html"],
        ["margins", "m.json", "d.csv.gz"],
    ],
    ids=lambda argv: argv[0] + ("-no-stream" if "--no-stream" in argv else ""),
)
def test_read_in_memory_past_the_budget_is_refused(budget, tmp_path, capsys, argv):
    text = _csv_text()
    (tmp_path / "d.csv").write_bytes(text)
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(text))
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    assert err.startswith(
        f"error: d.csv.gz is compressed and decompresses to more than {budget} "
        "bytes"
    )
    assert "too large to read into memory; decompress it first" in err
    assert not (tmp_path / "n.json").exists()


def test_fit_that_cannot_stream_says_so(budget, tmp_path, capsys):
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(_csv_text()))
    argv = ["fit", "d.csv.gz", "--formula", "y ~ x1", "-o", "f.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    assert "it cannot be streamed either (--formula cannot be streamed" in err
    assert err.rstrip().endswith("; decompress it first")


def test_standard_input_is_not_told_to_stream(budget, tmp_path, capsys, monkeypatch):
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(_csv_text()))

    with open(tmp_path / "d.csv.gz", "rb") as fh:

        class Stdin:
            buffer = None

            def fileno(self) -> int:
                return fh.fileno()

            def isatty(self) -> bool:
                return False

        monkeypatch.setattr("sys.stdin", Stdin())
        code, _, err = run_cli(capsys, ["fit", "-", "-t", "y", "-o", "f.json"])
    assert code == 65, err
    assert err.startswith("error: standard input is compressed and decompresses")
    assert err.rstrip().endswith("too large to read into memory; decompress it first")


@pytest.mark.parametrize("pack", [gzip.compress, bz2.compress])
def test_a_refused_read_releases_its_source_at_once(budget, tmp_path, monkeypatch, pack):
    """An error raised by the source during pyarrow's read (here the budget
    crossed) kept the source alive in its traceback, so the wait for pyarrow
    to drop the source (``_read._await_release``) ran its full 5 s before
    the error was reported."""
    from logistic.tabular import _read

    real = _read._await_release
    left: list[int] = []

    def watched(references, held, timeout=5.0):
        real(references, held, timeout=1.0)
        left.append(references() - held)

    monkeypatch.setattr(_read, "_await_release", watched)
    (tmp_path / "d.csv.z").write_bytes(pack(b"y,x\n" + b"0,1\n1,2\n" * 1_000_000))
    with pytest.raises(raw.DecompressedTooLarge):
        read_data("d.csv.z")
    assert left == [0]


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_predict_and_evaluate_read_it_in_chunks_instead(budget, tmp_path, capsys, command):
    """Without --no-stream, predict and evaluate read such a file in chunks
    (docs/cli.md), with a note, and give what the uncompressed file read whole
    gives."""
    text = _csv_text()
    (tmp_path / "d.csv").write_bytes(text)
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(text))
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    tail = ["-o", "p.csv"] if command == "predict" else ["--json"]
    code, chunked, err = run_cli(capsys, [command, "m.json", "d.csv.gz", *tail])
    assert code == 0, err
    assert "d.csv.gz decompresses to more than 1/4 of physical memory: reading it in chunks" in err
    first = (tmp_path / "p.csv").read_bytes() if command == "predict" else chunked
    tail = ["-o", "w.csv"] if command == "predict" else ["--json"]
    code, whole, err = run_cli(capsys, [command, "m.json", "d.csv", "--no-stream", *tail])
    assert code == 0, err
    assert first == ((tmp_path / "w.csv").read_bytes() if command == "predict" else whole)
