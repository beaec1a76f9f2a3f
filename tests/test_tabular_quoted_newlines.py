"""CSV files whose quoted fields hold line breaks (RFC 4180) read correctly
whatever their size: in memory (``read_data``, whose 4 MiB blocks are shrunk
here so a small file spans many) and streamed (the chunked CSV source).

The reference is Python's ``csv`` module reading the same file.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from conftest import run_cli
from logistic.backends._csv_source import CSVSource
from logistic.tabular import _read, read_data

N_ROWS = 6000


@pytest.fixture
def quoted(tmp_path):
    rng = np.random.default_rng(5)
    path = tmp_path / "notes.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x", "note", "y"])
        for i in range(N_ROWS):
            x = rng.normal()
            w.writerow([f"{x:.4f}", f"first line\nsecond, line {i}", int(x > 0)])
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    assert len(rows) == N_ROWS and path.stat().st_size > 3 * 2**16
    return path, rows


def test_read_data_reads_quoted_line_breaks_across_blocks(quoted, monkeypatch):
    path, rows = quoted
    monkeypatch.setattr(_read, "CSV_BLOCK_BYTES", 2**16)
    raw = read_data(path)
    assert raw.n_rows == N_ROWS
    assert raw.table.column("note").to_pylist() == [r[1] for r in rows]
    np.testing.assert_array_equal(
        raw.table.column("x").to_numpy(), [float(r[0]) for r in rows]
    )


def test_a_ragged_file_is_still_refused_naming_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(_read, "CSV_BLOCK_BYTES", 2**16)
    lines = ["x,note,y"] + [f'{i},"a\nb",{i % 2}' for i in range(5000)]
    lines[3000] = "1,2"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError) as info:
        read_data(path)
    text = str(info.value)
    assert "expected 3 fields, saw 2" in text and "newlines_in_values" not in text


def test_streamed_source_reads_quoted_line_breaks(quoted):
    path, rows = quoted
    source = CSVSource(path, target="y", features=["x"], block_bytes=2**16)
    xs, ys = [], []
    for _, X, y, _, _ in source.chunks(np.float64):
        xs.append(X[:, 0])
        ys.append(np.asarray(y))
    np.testing.assert_array_equal(np.concatenate(xs), [float(r[0]) for r in rows])
    assert np.concatenate(ys).astype(int).tolist() == [int(r[2]) for r in rows]


def test_cli_fit_and_predict_with_quoted_line_breaks(quoted, capsys, monkeypatch):
    path, rows = quoted
    monkeypatch.setattr(_read, "CSV_BLOCK_BYTES", 2**16)
    model = path.parent / "m.json"
    code, _, err = run_cli(
        capsys, ["fit", path, "-t", "y", "--drop", "note", "-o", model, "-q"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["predict", model, path, "--keep", "note"])
    assert code == 0, err
    import io

    assert [r["note"] for r in csv.DictReader(io.StringIO(out))] == [r[1] for r in rows]
