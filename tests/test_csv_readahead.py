"""A streamed CSV pass reads its file a few blocks ahead of the rows it has
converted, not 32 (logistic.backends._csv_readahead).

pyarrow's streaming CSV reader reads its input in a background thread up to
32 blocks ahead of the batches taken; a streamed fit's memory then held up
to 32 chunks of the file's text (a 595 MB CSV peaked at 408 MB resident in
its scan at the default 8 MiB chunk, 707 MB at 32 MiB) instead of the one
block that docs/scaling.md's memory rule counts.
"""

from __future__ import annotations

import gzip
import time

import numpy as np
import pytest

pytest.importorskip("pyarrow")

from logistic.backends import _sources  # noqa: E402
from logistic.backends._csv_readahead import AHEAD  # noqa: E402

BLOCK = 2**16  # the CSV source's smallest block


def _write(path, rows, gz=False):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 4))
    y = (rng.random(rows) < 0.5).astype(int)
    text = "a,b,c,d,y\n" + "".join(
        f"{r[0]:.9f},{r[1]:.9f},{r[2]:.9f},{r[3]:.9f},{v}\n"
        for r, v in zip(X, y, strict=True)
    )
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return X, y, len(data)


def _opened(monkeypatch):
    """The file objects the source opens, in order."""
    files = []
    real = _sources.open_data

    def spy(path):
        fh = real(path)
        files.append(fh)
        return fh

    monkeypatch.setattr(_sources, "open_data", spy)
    return files


def test_a_pass_reads_a_few_blocks_ahead_of_its_rows(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    _, _, size = _write(path, 60_000)  # ~3.6 MB: 55 blocks of 64 KiB
    assert size > 40 * BLOCK
    source = _sources._CSVSource(path, target="y", block_bytes=BLOCK)
    files = _opened(monkeypatch)
    chunks = source.chunks(np.float64)
    next(chunks)  # one block's rows taken
    fh = files[-1]
    time.sleep(0.5)  # the reader's thread reads on meanwhile, as far as it may
    # the block taken, the one that ends its last row and AHEAD more at most
    # (before: 32 blocks ahead, 2 MiB of the file)
    assert fh.tell() <= (AHEAD + 2) * BLOCK
    chunks.close()  # a pass stopped early lets the waiting reader go


def test_every_row_is_read_in_order(tmp_path):
    path = tmp_path / "d.csv"
    X, y, _ = _write(path, 30_000)
    source = _sources._CSVSource(path, target="y", block_bytes=BLOCK)
    got = list(source.chunks(np.float64))
    assert len(got) > 10
    np.testing.assert_allclose(np.vstack([c[1] for c in got]), X, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(np.concatenate([c[2] for c in got]), y)


def test_a_compressed_file_is_read_whole(tmp_path):
    path = tmp_path / "d.csv.gz"
    X, y, _ = _write(path, 30_000, gz=True)
    source = _sources._CSVSource(path, target="y", block_bytes=BLOCK)
    got = list(source.chunks(np.float64))
    np.testing.assert_allclose(np.vstack([c[1] for c in got]), X, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(np.concatenate([c[2] for c in got]), y)


def test_a_pass_left_suspended_at_exit_ends_the_process_cleanly(tmp_path):
    """A pass's generator still suspended when the interpreter exits: the
    reader's thread, waiting to read on, is let go before finalization (woken
    during it, it could not take the GIL back: the process aborted)."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "d.csv"
    _write(path, 60_000)
    code = textwrap.dedent(
        f"""
        import numpy as np
        from logistic.backends import _sources
        source = _sources._CSVSource({str(path)!r}, target="y", block_bytes=2**16)
        chunks = source.chunks(np.float64)
        next(chunks)
        KEPT = [chunks]  # never closed: finalization closes it
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
