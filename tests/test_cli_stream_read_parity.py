"""``predict`` / ``evaluate`` read a file's values alike whole (``--no-stream``)
and in chunks (``--stream``), where the chunked reader once read them
otherwise: an integer beyond ±2**53 in a column of integers after the
chunked reader's first block (refused whole; once its nearest float in
chunks), infinities spelled as pyarrow reads them, and the ``label`` column's
type in a Parquet output whose rows were all left unscored (null whole,
text in chunks).

References: the values written into the files here (the integer
9007199254740993 = 2**53 + 1, which float64 cannot hold: it reads as 2**53)
and their lines (header = line 1); the model's labels ``no``/``yes`` (text).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

#: Rows enough that the chunked reader's first block (1 MiB) ends before
#: :data:`LATE`, so that it types column ``k`` from integers alone.
ROWS = 90_000
LATE = 85_000
BEYOND = "9007199254740993"  # 2**53 + 1


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """A model of ``x`` (decimals) and ``k`` (integers), and the rows of a
    large file of those columns, as text lines."""
    root = tmp_path_factory.mktemp("parity")
    rng = np.random.default_rng(5)
    x = rng.normal(size=ROWS)
    k = rng.integers(0, 5, size=ROWS)
    y = np.where(rng.random(ROWS) < 1 / (1 + np.exp(-x)), "yes", "no")
    rows = [f"{a:.4f},{b},{c}" for a, b, c in zip(x, k, y, strict=True)]
    train = root / "train.csv"
    train.write_text("x,k,y\n" + "\n".join(rows[:300]) + "\n")
    model = root / "m.json"
    import contextlib
    import io

    from logistic.cli.app import main

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["fit", str(train), "-t", "y", "-o", str(model), "-q"]) == 0
    return model, rows


def _write(path, rows, edits):
    """The rows with ``edits`` ({row: (field index, text)}) as a CSV file."""
    rows = list(rows)
    for row, (field, text) in edits.items():
        parts = rows[row].split(",")
        parts[field] = text
        rows[row] = ",".join(parts)
    path.write_text("x,k,y\n" + "\n".join(rows) + "\n")
    return path


def _predict(capsys, model, data, out, stream, *extra):
    mode = ["--stream", "--chunk-rows", "20000"] if stream else ["--no-stream"]
    args = ["predict", model, data, "-o", out, "-q", "--force", *mode, *extra]
    return run_cli(capsys, args)


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "chunks"])
def test_an_integer_beyond_2_53_late_in_a_column_of_integers_is_refused(
    tmp_path, capsys, fitted, stream
):
    model, rows = fitted
    data = _write(tmp_path / "big.csv", rows, {LATE: (1, BEYOND)})
    code, _, err = _predict(capsys, model, data, tmp_path / "p.csv", stream)
    assert code == 65
    line = LATE + 2
    assert (
        f"column 'k' in {data} holds integers too large to be a numeric feature "
        f"exactly: {BEYOND} at line {line} (1 value(s) beyond ±2**53)"
    ) in err
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "chunks"])
@pytest.mark.parametrize("decimal_row", [LATE - 10, LATE + 10], ids=["before", "after"])
def test_a_decimal_in_the_column_makes_the_integer_a_float_in_both(
    tmp_path, capsys, fitted, stream, decimal_row
):
    """A column holding ``2.5`` anywhere is floats to the in-memory reader,
    its large integer a float64 (2**53): both readers score it, the same way."""
    model, rows = fitted
    edits = {LATE: (1, BEYOND), decimal_row: (1, "2.5")}
    data = _write(tmp_path / "mixed.csv", rows, edits)
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, model, data, out, stream)
    assert code == 0, err
    logits = np.loadtxt(out, delimiter=",", skiprows=1, usecols=2)
    from logistic import load

    fitted_model = load(model)
    coef = np.asarray(fitted_model.coef_, dtype=float).ravel()
    assert coef.size == 2
    x = float(rows[LATE].split(",")[0])
    expected = x * coef[0] + 2.0**53 * coef[1] + float(fitted_model.intercept_[0])
    np.testing.assert_allclose(logits[LATE], expected, rtol=1e-12)


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "chunks"])
@pytest.mark.parametrize("text", ["inf", "-Infinity", "1e400"])
@pytest.mark.parametrize("field", [0, 1], ids=["decimals", "integers"])
def test_an_infinity_late_in_a_column_is_refused_alike(
    tmp_path, capsys, fitted, stream, text, field
):
    model, rows = fitted
    data = _write(tmp_path / "inf.csv", rows, {LATE: (field, text)})
    code, _, err = _predict(capsys, model, data, tmp_path / "p.csv", stream)
    assert code == 65
    name = "xk"[field]
    assert (
        f"column {name!r} in {data} has an infinite value "
        f"({'-inf' if text.startswith('-') else 'inf'}) at line {LATE + 2}; "
    ) in err


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "chunks"])
@pytest.mark.parametrize("rows_kept", [0, 40], ids=["no-rows", "all-unscored"])
def test_a_parquet_output_of_unscored_rows_has_a_text_label_column(
    tmp_path, capsys, fitted, stream, rows_kept
):
    """The label column's type is the model's labels' (text), whether or not
    a row was scored and however the file was read."""
    model, rows = fitted
    data = tmp_path / "missing.csv"
    data.write_text("x,k,y\n" + "".join(",1,yes\n" for _ in range(rows_kept)))
    out = tmp_path / "p.parquet"
    code, _, err = _predict(capsys, model, data, out, stream, "--missing", "na")
    assert code == 0, err
    table = pq.read_table(out)
    assert table.num_rows == rows_kept
    assert table.schema.field("label").type == pa.string()
    assert table.column("label").null_count == rows_kept
    scored = tmp_path / "scored.parquet"
    small = _write(tmp_path / "small.csv", rows[:50], {})
    assert _predict(capsys, model, small, scored, stream)[0] == 0
    assert pq.read_schema(scored).equals(table.schema)


def test_a_weight_beyond_2_53_is_its_nearest_float_in_both(tmp_path, capsys, fitted):
    """A weights column of integers with one beyond 2**53 is read as float64
    whole (its nearest float: a weight, not an identifier); the chunks, which
    read that column again as int64, weigh the rows alike."""
    import json

    _, rows = fitted
    rows = [*rows[:LATE], rows[LATE].rsplit(",", 1)[0] + ",yes", *rows[LATE + 1 :]]
    weighted = [f"{r},{BEYOND if i == LATE else 1 + i % 3}" for i, r in enumerate(rows)]
    train = tmp_path / "train.csv"
    train.write_text("x,k,y,w\n" + "\n".join(weighted[:300]) + "\n")
    model = tmp_path / "w.json"
    args = ["fit", train, "-t", "y", "--weights", "w", "--features", "x,k"]
    assert run_cli(capsys, [*args, "-o", model, "-q"])[0] == 0
    data = tmp_path / "big.csv"
    data.write_text("x,k,y,w\n" + "\n".join(weighted) + "\n")
    metrics = []
    for mode in (["--no-stream"], ["--stream", "--chunk-rows", "20000"]):
        code, out, err = run_cli(capsys, ["evaluate", model, data, "--json", *mode])
        assert code == 0, err
        metrics.append(json.loads(out))
    assert metrics[0] == metrics[1]
    # the positive rows' weight: 2**53 (BEYOND's nearest float64) and the other
    # positive rows' weights, summed here in exact integers
    others = sum(
        1 + i % 3 for i, r in enumerate(rows) if r.endswith("yes") and i != LATE
    )
    assert metrics[0]["positive_weight"] == pytest.approx(2**53 + others, rel=1e-15)
