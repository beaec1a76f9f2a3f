"""``logistic fit --stream`` behaves as the in-memory ``logistic fit`` on inputs
where they once differed: boolean features (0/1, same names, same
coefficients), a non-number late in a numeric CSV column (the in-memory
message: file, column, value and line), a two-label target whose positive
class is ambiguous (each label's row count, never a made-up one) and row
numbers in messages (1-based file lines and rows, never 0-based).

The data are written here; the line numbers are those of these files
(header = line 1).
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

N_ROWS = 400


def _frame(seed: int = 3, n: int = N_ROWS) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    flag = rng.random(n) < 0.4
    z = 0.3 + 1.2 * x1 - 0.5 * x2 - 0.8 * flag
    y = rng.random(n) < 1 / (1 + np.exp(-z))
    return {"x1": x1, "x2": x2, "flag": flag, "y": y}


def _write_csv(path, columns: dict[str, list[str]]) -> None:
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    path.write_text(",".join(names) + "\n" + "".join(",".join(r) + "\n" for r in rows))


def _fit(capsys, data, *extra):
    """Exit code, stderr and the model file (None on failure) of one fit."""
    out = data.with_suffix(".stream.json" if "--stream" in extra else ".json")
    code, _, err = run_cli(
        capsys, ["fit", data, "-t", "y", "-o", out, "--force", *extra]
    )
    return code, err, json.loads(out.read_text()) if code == 0 else None


def _same_fit(memory, streamed) -> None:
    assert streamed["model"]["feature_names"] == memory["model"]["feature_names"]
    assert streamed["encoding"]["columns"] == memory["encoding"]["columns"]
    for key in ("coef", "intercept"):
        np.testing.assert_allclose(
            np.asarray(streamed["model"][key], dtype=float),
            np.asarray(memory["model"][key], dtype=float),
            rtol=1e-7,
            atol=1e-9,
        )


# -- 1. boolean features ----------------------------------------------------------
def test_csv_true_false_feature_streams_as_0_1_like_in_memory(tmp_path, capsys):
    d = _frame()
    text = {"TRUE", "FALSE"}
    data = tmp_path / "tf.csv"
    _write_csv(
        data,
        {
            "x1": [f"{v:.6f}" for v in d["x1"]],
            "x2": [f"{v:.6f}" for v in d["x2"]],
            "flag": ["TRUE" if v else "FALSE" for v in d["flag"]],
            "y": ["TRUE" if v else "FALSE" for v in d["y"]],
        },
    )
    assert set(data.read_text().splitlines()[1].split(",")[2:]) <= text
    code, err, memory = _fit(capsys, data)
    assert code == 0, err
    code, err, streamed = _fit(capsys, data, "--stream", "--no-cache")
    assert code == 0, err
    assert "text column" not in err
    assert memory["model"]["feature_names"] == ["x1", "x2", "flag"]
    _same_fit(memory, streamed)


@pytest.mark.dask
def test_csv_true_false_feature_on_dask_like_in_memory(tmp_path, capsys):
    pytest.importorskip("distributed")
    d = _frame(seed=6)
    data = tmp_path / "tf.csv"
    _write_csv(
        data,
        {
            "x1": [f"{v:.6f}" for v in d["x1"]],
            "flag": ["TRUE" if v else "FALSE" for v in d["flag"]],
            "y": [str(int(v)) for v in d["y"]],
        },
    )
    code, err, memory = _fit(capsys, data)
    assert code == 0, err
    code, err, streamed = _fit(capsys, data, "--stream", "--workers", "1")
    assert code == 0, err
    assert "streamed (dask)" in err
    _same_fit(memory, streamed)


def test_parquet_bool_feature_streams_as_0_1_like_in_memory(tmp_path, capsys):
    data = tmp_path / "b.parquet"
    pq.write_table(pa.table(_frame(seed=5)), data, row_group_size=150)
    code, err, memory = _fit(capsys, data)
    assert code == 0, err
    code, err, streamed = _fit(capsys, data, "--stream", "--no-cache")
    assert code == 0, err
    assert memory["model"]["feature_names"] == ["x1", "x2", "flag"]
    _same_fit(memory, streamed)


# -- 2. a non-number after the streamed planner's first block ----------------------
def _long_csv(path, bad_row: int, value: str = "oops", n: int = 60_000) -> int:
    """A CSV file of ``n`` rows (about 1.4 MB: the planner's first block, 1
    MiB, is about 45 000 rows) whose column ``b`` holds ``value`` at data row
    ``bad_row``
    (0-based); before it, a blank line and a quoted line break in the text
    column ``note`` (so that its line is not ``bad_row + 2``). Its line."""
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(2, n))
    lines = ["a,b,note,y"]
    for i in range(n):
        note = '"two\nlines"' if i == 10 else "x"
        shown = value if i == bad_row else f"{b[i]:.6f}"
        lines.append(f"{a[i]:.6f},{shown},{note},{int(a[i] + b[i] > 0)}")
        if i == 20:
            lines.append("")  # a blank line: no row
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    return text[: text.index(f",{value},")].count("\n") + 1  # header: line 1


@pytest.mark.parametrize("bad_row", [30_000, 50_000, 59_990])
def test_late_non_number_named_by_file_column_value_and_line(tmp_path, capsys, bad_row):
    data = tmp_path / "late.csv"
    line = _long_csv(data, bad_row)
    assert line not in (bad_row + 1, bad_row + 2)  # the file's own line
    want = (
        f"column 'b' in {data} is numeric but has non-numeric value 'oops' at "
        f"line {line} (1 such value(s))"
    )
    code, memory, _ = _fit(capsys, data, "--drop", "note")
    assert code == 65 and want in memory
    code, streamed, _ = _fit(capsys, data, "--drop", "note", "--stream", "--no-cache")
    assert code == 65 and want in streamed, streamed
    assert "this source reads numbers" not in streamed


def test_late_words_in_a_feature_column_are_text_streamed(tmp_path, capsys):
    """Numbers in the planner's first block, then mostly words: in memory a
    text column (one-hot encoded), streamed the refusal of text columns
    naming it (not a non-number error, not the library's wording)."""
    data = tmp_path / "words.csv"
    rng = np.random.default_rng(8)
    n = 120_000
    a = rng.normal(size=n)
    b = [f"{v:.6f}" if i < 55_000 else "word" for i, v in enumerate(rng.normal(size=n))]
    _write_csv(
        data,
        {
            "a": [f"{v:.6f}" for v in a],
            "b": b,
            "y": [str(int(v > 0)) for v in a + rng.normal(size=n)],
        },
    )
    code, err, _ = _fit(capsys, data, "--stream", "--no-cache")
    assert code == 2, err
    assert "text column(s) ['b']" in err and "--drop b" in err
    assert "this source reads numbers" not in err


# -- 3. the ambiguous positive class -----------------------------------------------
def _yes_no(path) -> tuple[int, int]:
    d = _frame(seed=11)
    y = ["Y" if v else "N" for v in d["y"]]
    _write_csv(
        path,
        {
            "x1": [f"{v:.6f}" for v in d["x1"]],
            "x2": [f"{v:.6f}" for v in d["x2"]],
            "y": y,
        },
    )
    return y.count("N"), y.count("Y")


def test_ambiguous_positive_class_counts_each_label_streamed(tmp_path, capsys):
    data = tmp_path / "yn.csv"
    n_no, n_yes = _yes_no(data)
    assert n_no > 1 and n_yes > 1
    want = f"has values 'N' (n={n_no}), 'Y' (n={n_yes}); which is the positive class?"
    code, memory, _ = _fit(capsys, data)
    assert code == 65 and want in memory
    for cache in ("--no-cache", "--cache-dir"):
        extra = [cache] if cache == "--no-cache" else [cache, str(tmp_path / "c")]
        code, streamed, _ = _fit(capsys, data, "--stream", *extra)
        assert code == 65 and want in streamed, streamed


def test_positive_naming_no_label_counts_each_label_streamed(tmp_path, capsys):
    # the scan found the labels, not their rows; the target read again gives
    # each its count (the writer's own count of the labels it wrote)
    data = tmp_path / "yn.csv"
    n_no, n_yes = _yes_no(data)
    code, err, _ = _fit(capsys, data, "--stream", "--no-cache", "--positive", "X")
    assert code == 65
    assert "--positive 'X' is not a value of the target column 'y'" in err
    assert f"values: 'N' (n={n_no}), 'Y' (n={n_yes})" in err


# -- 4. row numbers: 1-based lines and rows, as in memory ------------------------------
def _weights_file(tmp_path, kind: str, bad: str):
    """Columns a, b, w (weights), o (offset), y; row 250 (0-based) of ``bad``
    is -1 (weights) or inf / NaN (a, o)."""
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(2, N_ROWS))
    columns = {
        "a": a,
        "b": b,
        "w": np.ones(N_ROWS),
        "o": np.zeros(N_ROWS),
        "y": (a + rng.normal(size=N_ROWS) > 0).astype(np.int64),
    }
    columns[bad][250] = {"w": -1.0, "a": np.inf, "o": np.nan}[bad]
    data = tmp_path / f"d.{kind}"
    if kind == "parquet":
        pq.write_table(pa.table(columns), data, row_group_size=100)
    else:
        _write_csv(data, {k: [str(v) for v in c] for k, c in columns.items()})
    return data


@pytest.mark.parametrize(
    ("kind", "bad", "where"),
    [
        ("csv", "w", "line 252"),
        ("parquet", "w", "row 251"),
        ("parquet", "a", "row 251"),
        ("parquet", "o", "row 251"),
    ],
)
def test_streamed_messages_count_rows_as_in_memory(tmp_path, capsys, kind, bad, where):
    data = _weights_file(tmp_path, kind, bad)
    roles = ["--weights", "w", "--offset", "o"]
    code, memory, _ = _fit(capsys, data, *roles)
    assert code == 65 and f"at {where}" in memory  # in memory's numbering
    code, streamed, _ = _fit(capsys, data, *roles, "--stream", "--no-cache")
    assert code == 65 and f"at {where}" in streamed, streamed
    assert "0-based" not in streamed


def test_parquet_directory_rows_are_rows_of_the_file_named(tmp_path, capsys):
    folder = tmp_path / "parts"
    folder.mkdir()
    d = _frame(seed=9, n=300)
    x1 = d["x1"].copy()
    x1[200 + 17] = np.inf  # row 18 of the second file
    table = pa.table({"x1": x1, "x2": d["x2"], "y": d["y"].astype(np.int64)})
    pq.write_table(table.slice(0, 200), folder / "part-0.parquet")
    pq.write_table(table.slice(200), folder / "part-1.parquet")
    code, err, _ = _fit(capsys, folder, "--stream", "--no-cache")
    assert code == 65
    assert f"{folder / 'part-1.parquet'} has an infinite value (inf) at row 18" in err
