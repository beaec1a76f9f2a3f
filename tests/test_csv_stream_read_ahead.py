"""The streamed CSV source's memory and its long rows.

pyarrow's streaming CSV reader reads up to 32 blocks ahead of the batch taken
(ARROW-12090); with the reader's block as large as the chunk, a streamed pass
held up to 32 chunks of text: the whole of a 64 MiB file at the default 8 MiB
chunk. The source reads in blocks of a sixteenth of the chunk (at least 1 MiB)
and restarts with larger blocks, up to the chunk, at a row longer than that.

References: the rows are counted from the text written and read back with
Python's ``csv`` module; the memory bound is the file's size, which the old
reading held whole (Python's ``bytes`` of the file object's reads, which
``tracemalloc`` sees).
"""

from __future__ import annotations

import csv
import json

import numpy as np

from _traced_peak import peaks_until
from conftest import run_cli
from logistic.backends._csv_source import CSVSource, header_blocks

LINE = "0.123456,1.234567,2.345678,3.456789,1\n"


def test_a_pass_holds_a_bounded_part_of_a_large_file(tmp_path):
    path = tmp_path / "big.csv"
    block = LINE * ((1 << 20) // len(LINE))
    with open(path, "w") as fh:
        fh.write("a,b,c,d,y\n")
        for _ in range(64):
            fh.write(block)
    size = path.stat().st_size
    source = CSVSource(path, target="y", block_bytes=8 << 20)

    def one_pass() -> int:
        rows = 0
        for _, X, _y, _, _ in source.chunks(np.float64):
            rows += X.shape[0]
            assert X[0].tolist() == [0.123456, 1.234567, 2.345678, 3.456789]
        return rows

    rows, peaks = peaks_until(one_pass, 0.75 * size)
    assert rows == 64 * ((1 << 20) // len(LINE))
    # 32 read-ahead blocks of 1 MiB and a chunk or two: well under the file
    assert min(peaks) < 0.75 * size, (peaks, size)


def _file_with_a_long_row(path, long_at, n_rows, value_bytes):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x", "note", "y"])
        for i in range(n_rows):
            note = "q" * value_bytes if i == long_at else "short"
            w.writerow([i, note, i % 2])


def test_a_row_longer_than_the_first_block_is_read_in_order(tmp_path):
    # 150 000 short rows (~2 MiB: several 1 MiB blocks yielded before the
    # long row), a row of 3 MiB (longer than the first block, read by the
    # second reading's 4 MiB blocks, which skips the rows yielded), rows after it
    path = tmp_path / "long.csv"
    n = 200_000
    _file_with_a_long_row(path, 150_000, n, 3 << 20)
    limit = csv.field_size_limit(8 << 20)
    try:
        with open(path, newline="") as fh:
            expected = [int(r[0]) for r in list(csv.reader(fh))[1:]]
    finally:
        csv.field_size_limit(limit)
    source = CSVSource(path, target="y", features=["x"], block_bytes=8 << 20)
    xs, ys = [], []
    for _, X, y, _, _ in source.chunks(np.float64):
        xs.append(X[:, 0])
        ys.append(np.asarray(y).astype(int))
    x = np.concatenate(xs)
    assert x.astype(int).tolist() == expected
    assert np.concatenate(ys).tolist() == [i % 2 for i in range(n)]


def test_a_later_pass_starts_with_the_block_a_long_row_needed(tmp_path, monkeypatch):
    # a fit makes many passes: the first finds the 3 MiB row past its 1 MiB
    # blocks and reads the file again with 4 MiB ones; later passes read it
    # once, with the same rows
    path = tmp_path / "long.csv"
    _file_with_a_long_row(path, 150_000, 200_000, 3 << 20)
    source = CSVSource(path, target="y", features=["x"], block_bytes=8 << 20)
    readings: list[int] = []
    batches = source._batches
    monkeypatch.setattr(
        source,
        "_batches",
        lambda block, convert: readings.append(block) or batches(block, convert),
    )
    passes = []
    for _ in range(2):
        passes.append(
            np.concatenate([X[:, 0] for _, X, *_ in source.chunks(np.float64)])
        )
    assert readings == [1 << 20, 4 << 20, 4 << 20]
    assert passes[1].tolist() == passes[0].tolist() == list(range(200_000))


def test_a_streamed_fit_with_a_long_row_equals_the_fit_in_memory(workdir, capsys):
    _file_with_a_long_row(workdir / "d.csv", 40_000, 60_000, 2 << 20)
    args = ["fit", "d.csv", "-t", "y", "--drop", "note", "--json", "-q"]
    code, memory, err = run_cli(capsys, [*args, "-o", "a.json"])
    assert code == 0, err
    code, streamed, err = run_cli(
        capsys, [*args, "--stream", "--no-cache", "-o", "b.json"]
    )
    assert code == 0, err
    a, b = json.loads(memory), json.loads(streamed)
    assert a["rows_used"] == b["rows_used"] == 60_000
    np.testing.assert_allclose(b["coef"], a["coef"], rtol=1e-8)
    np.testing.assert_allclose(b["intercept"], a["intercept"], rtol=1e-8)


def test_a_first_row_longer_than_two_blocks_is_read(tmp_path):
    # pyarrow's first block holds a first row of up to about twice the block
    # (2 MiB at its 1 MiB default); the header's reading refused a 3 MiB
    # first row ("straddling object ...") though a chunk holds 8 MiB
    path = tmp_path / "first.csv"
    _file_with_a_long_row(path, 0, 1_000, 3 << 20)
    source = CSVSource(path, target="y", features=["x"], block_bytes=8 << 20)
    x = np.concatenate([X[:, 0] for _, X, _, _, _ in source.chunks(np.float64)])
    assert x.astype(int).tolist() == list(range(1_000))


def test_the_header_is_read_first_with_pyarrows_own_block():
    # pyarrow's default block (1 MiB) types the columns, as before, whatever
    # the chunk; larger blocks only where the first rows straddle it
    assert header_blocks(100_000) == [1 << 20]
    assert header_blocks(8 << 20) == [1 << 20, 4 << 20, 8 << 20]


def test_a_streamed_fit_with_a_long_first_row_equals_statsmodels(workdir, capsys):
    # reference: statsmodels' Logit on the same numbers (the text column left out)
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    n = 5_000
    x = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.4 + 1.3 * x)))).astype(int)
    with open(workdir / "d.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x", "note", "y"])
        for i in range(n):
            w.writerow([repr(float(x[i])), "q" * (3 << 20) if i == 0 else "s", y[i]])
    args = ["fit", "d.csv", "-t", "y", "--drop", "note", "--json", "-q"]
    code, out, err = run_cli(capsys, [*args, "--stream", "--no-cache", "-o", "m.json"])
    assert code == 0, err
    fit = json.loads(out)
    ref = sm.Logit(y, sm.add_constant(x)).fit(disp=0, tol=1e-12)
    assert fit["rows_used"] == n
    np.testing.assert_allclose(fit["intercept"], ref.params[0], rtol=1e-7)
    np.testing.assert_allclose(fit["coef"], ref.params[1:], rtol=1e-7)


def test_labels_typed_from_the_chunks_text_with_a_long_row_in_it(tmp_path):
    # labels 0/1 for ~1.5 MiB, then 0.0/1.0, and a 3 MiB row at ~2.5 MiB:
    # the head's 8 MiB of text was parsed in pyarrow's 1 MiB blocks, the long
    # row straddled them, the head's type was dropped, and the reader's first
    # 1 MiB typed the labels as integers: '1.0' was refused ("holds integers
    # in its first rows"), which the 8 MiB block before 67d4bc21 read.
    # Reference: the labels written, read back with Python's csv module.
    path = tmp_path / "labels.csv"
    n, decimals_from, long_at = 150_000, 60_000, 100_000
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x", "note", "y"])
        for i in range(n):
            label = str(i % 2) if i < decimals_from else f"{i % 2}.0"
            if i == decimals_from:  # past the reader's first 1 MiB block
                fh.flush()
                assert fh.tell() > 1 << 20
            note = "q" * (3 << 20) if i == long_at else "s" * 20
            w.writerow([i, note, label])
    limit = csv.field_size_limit(8 << 20)
    try:
        with open(path, newline="") as fh:
            expected = [float(r[2]) for r in list(csv.reader(fh))[1:]]
    finally:
        csv.field_size_limit(limit)
    assert path.stat().st_size < 8 << 20  # the long row within the head's text
    source = CSVSource(path, target="y", features=["x"], block_bytes=8 << 20)
    ys = [np.asarray(y, dtype=float) for _, _, y, _, _ in source.chunks(np.float64)]
    assert np.concatenate(ys).tolist() == expected


def test_a_label_column_read_again_as_text_reads_a_long_row(tmp_path):
    # Dask's fit of labels 0/1 then 0.0/1.0 reads the label column again as
    # text (integer_labels_then); with pyarrow's 1 MiB block a 3 MiB row
    # straddled it, the reading gave up and the fit failed with Dask's
    # "Mismatched dtypes", though --stream and the fit in memory read the file.
    # Reference: the labels written (decimals from row 60 000, a 0.5 at row
    # 120 000, after the long row at 100 000, so the rows before it count).
    from logistic.tabular._streamed_numbers import (
        WHOLE_DECIMALS,
        integer_labels_then,
    )

    def write(path, half_at):
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["x", "note", "y"])
            for i in range(150_000):
                label = str(i % 2) if i < 60_000 else f"{i % 2}.0"
                label = "0.5" if i == half_at else label
                w.writerow([i, "q" * (3 << 20) if i == 100_000 else "s" * 20, label])

    write(tmp_path / "a.csv", None)
    assert integer_labels_then(str(tmp_path / "a.csv"), ",", "y") == WHOLE_DECIMALS
    write(tmp_path / "b.csv", 120_000)
    assert integer_labels_then(str(tmp_path / "b.csv"), ",", "y") == ("0.5", 120_000)


def test_a_late_word_among_numbers_after_a_long_row_is_named_by_line(tmp_path):
    # --stream's error for a feature of numbers with one word after its first
    # block reads the column again as text (streamed_garbage); a 3 MiB row
    # made that reading give up and the fit called x a text column.
    # Reference: the line written ('abc' on data row 120 000: line 120 002).
    from logistic.tabular._streamed_numbers import streamed_garbage

    path = tmp_path / "w.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x", "note", "y"])
        for i in range(150_000):
            x = "abc" if i == 120_000 else i
            w.writerow([x, "q" * (3 << 20) if i == 100_000 else "s", i % 2])
    error = streamed_garbage(str(path), ",", "x", ["x", "note", "y"])
    assert error is not None and "'abc'" in str(error), error
    assert "120002" in str(error).replace(",", ""), error
