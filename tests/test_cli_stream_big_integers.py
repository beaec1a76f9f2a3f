"""A streamed fit reads a column of integers holding a value beyond ±2**53
after the reader's first block as the whole-file fit reads it.

The whole-file reader infers a column's type from the whole file: a column
of integers is int64, and an int64 feature holding 9007199254740993 (2**53 +
1, which float64 holds as 2**53: IEEE 754 binary64 has a 53-bit
significand) is refused naming the column, the value and its line. The
streamed reader (``backends/_csv_source``) reads its numbers as float64; it
held 2**53 silently and wrote a model. The value sits past the first 1 MiB
block (pyarrow's, and the streamed reader's smallest), so that the first
block types the column as small integers in both readers.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli

BEYOND = 9007199254740993  # 2**53 + 1
ROWS = 300_000  # "d,d\n": 4 bytes a row, 1.2 MB: past the first 1 MiB


def _write(path, late: str) -> int:
    """A file ``x,y`` of ROWS small integers whose row ROWS - 10 holds
    ``late`` in x; its line (header = line 1)."""
    rng = np.random.default_rng(11)
    x = rng.integers(0, 10, ROWS)
    y = (rng.random(ROWS) < 0.3 + 0.04 * x).astype(int)
    lines = [f"{a},{b}" for a, b in zip(x, y, strict=True)]
    row = ROWS - 10
    lines[row] = f"{late},{y[row]}"
    path.write_text("x,y\n" + "\n".join(lines) + "\n")
    assert sum(len(s) + 1 for s in lines[:row]) > 1 << 20  # past the first block
    return row + 2


READERS = {
    "whole": ["--no-stream"],
    "stream": ["--stream", "--no-cache"],
    "stream-cache": ["--stream", "--cache-dir", "{cache}"],
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_an_integer_beyond_2_53_after_the_first_block_is_refused(
    tmp_path, capsys, reader
):
    data = tmp_path / "big.csv"
    line = _write(data, str(BEYOND))
    out = tmp_path / "m.json"
    options = [o.format(cache=tmp_path / "cache") for o in READERS[reader]]
    code, _, err = run_cli(capsys, ["fit", data, "-t", "y", *options, "-o", out])
    assert code == 65, err
    assert (
        f"column 'x' in {data} holds integers too large to be a numeric feature "
        f"exactly: {BEYOND} at line {line}"
    ) in err
    assert "--drop x" in err
    assert not out.exists()


def test_a_decimal_in_the_column_makes_it_floats_in_both(tmp_path):
    # one value that is not an integer: the whole file is float64 to pyarrow's
    # inference (it tries int64 first), where 9007199254740993 is 2**53; the
    # streamed reader reads that float too, and takes the exact integers of
    # a column of integers only (the int64 above)
    from pyarrow import csv

    from logistic.backends._csv_source import CSVSource

    data = tmp_path / "floats.csv"
    _write(data, "2.5")
    with data.open("a") as fh:
        fh.write(f"{BEYOND},1\n")
    whole = csv.read_csv(data).column("x").to_numpy()
    assert whole.dtype == np.float64 and whole[-1] == 2.0**53
    source = CSVSource(data, target="y", features=["x"])
    streamed = np.concatenate([X[:, 0] for _, X, *_ in source.chunks(np.float64)])
    np.testing.assert_array_equal(streamed, whole)


@pytest.mark.parametrize("long_first", [True, False])
def test_a_row_longer_than_the_block_before_or_after_the_value(
    tmp_path, capsys, long_first
):
    # a 3 MB row (a column not read) makes the readers read it again with a
    # larger block: the main reader before the value, the column read again
    # alone (from the file's start) after it; both refuse as the whole file
    short = [f"{i % 10},a,{int(i % 3 == 0)}" for i in range(2000)]
    long = f"3,{'b' * 3_000_000},1"
    value = f"{BEYOND},a,0"
    body = (
        [*short, long, *short, value] if long_first else [*short, value, *short, long]
    )
    data = tmp_path / "long.csv"
    data.write_text("x,note,y\n" + "\n".join([*body, *short[:100]]) + "\n")
    line = body.index(value) + 2
    for options in (["--no-stream"], ["--stream", "--no-cache"]):
        out = tmp_path / "m.json"
        code, _, err = run_cli(
            capsys, ["fit", data, "-t", "y", "--features", "x", *options, "-o", out]
        )
        assert code == 65, (options, err)
        assert f"exactly: {BEYOND} at line {line}" in err, (options, err)
        assert not out.exists()
