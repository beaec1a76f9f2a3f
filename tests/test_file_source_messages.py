"""How data files are read, in the project's words: a column named twice, a
text value (with a quoted line break, or long) in a numeric CSV column, a bad
``$LOGISTIC_CACHE_MAX_BYTES``, a Dask DataFrame with a text column, and a
Parquet integer column beyond ±2**53 (the Python API's file reader, the
command line in memory and streamed)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli
from logistic import DataValidationError, InvalidParameterError, LogisticRegression
from logistic.backends import row_cache
from logistic.backends._column_words import text_columns_message
from logistic.backends._sources import NotANumberError
from logistic.cli._codes import EX_DATAERR, EX_USAGE

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

DUPLICATE = (
    "duplicate column name(s) ['x1'] in the header; rename them so every "
    "column is unique"
)
#: a Parquet file's names are in its schema: no header line
DUPLICATE_PARQUET = DUPLICATE.replace("in the header", "in its schema")


def _columns(n: int = 40, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x1 - x2)))).astype(np.int64)
    return {"x1": x1, "x2": x2, "y": y}


# -- 1. a column named twice ----------------------------------------------------
@pytest.fixture
def dup_parquet(tmp_path):
    c = _columns()
    arrays = [pa.array(c["x1"]), pa.array(c["x2"]), pa.array(c["x1"] + 1), pa.array(c["y"])]
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays(arrays, names=["x1", "x2", "x1", "y"]), path)
    return path


@pytest.fixture
def dup_csv(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("x1,x2,x1,y\n1,2,3,1\n2,1,0,0\n3,3,3,1\n0,1,1,0\n")
    return path


@pytest.mark.parametrize("fixture", ["dup_parquet", "dup_csv"])
def test_python_file_reader_refuses_a_duplicate_column_name(fixture, request):
    # was pyarrow's KeyError 'Field "x1" exists 2 times in schema'
    path = request.getfixturevalue(fixture)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(str(path), "y")
    expected = DUPLICATE_PARQUET if fixture == "dup_parquet" else DUPLICATE
    assert str(info.value) == f"{path}: {expected}"


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_cli_parquet_refuses_a_duplicate_column_name(dup_parquet, tmp_path, capsys, stream):
    # in memory was "cannot read Parquet: Multiple matches for FieldRef.Name(x1)"
    args = ["fit", dup_parquet, "-t", "y", "-o", tmp_path / "m.json", "-q", *stream]
    code, _, err = run_cli(capsys, args)
    assert (code, err) == (EX_DATAERR, f"error: {dup_parquet}: {DUPLICATE_PARQUET}\n")


# -- 2. a text value with a line break, or long, in a numeric column -----------
def test_text_value_with_a_quoted_line_break_names_the_column(tmp_path):
    # was "ArrowInvalid: ... invalid value 'hel. The file is corrupt, ..."
    path = tmp_path / "q.csv"
    path.write_text('x1,note,y\n1.0,"hel\nlo",1\n2.0,"world",0\n3.0,"x",1\n0.5,"y",0\n')
    with pytest.raises(NotANumberError) as info:
        LogisticRegression().fit(str(path), "y")
    assert str(info.value).startswith(
        f"cannot read {path}: column 'note' holds text ('hel\\nlo' is not a number)"
    )
    assert "corrupt" not in str(info.value) and info.value.value == "hel\nlo"


def test_long_text_value_is_named_and_shown_short(tmp_path):
    # was "... invalid value 'zzz…(200 characters)... The file is corrupt, ..."
    path = tmp_path / "q.csv"
    long = "z" * 250
    path.write_text(f"x1,note,y\n1.0,{long},1\n2.0,b,0\n3.0,c,1\n0.5,d,0\n")
    with pytest.raises(NotANumberError) as info:
        LogisticRegression().fit(str(path), "y")
    message = str(info.value)
    assert message.startswith(
        f"cannot read {path}: column 'note' holds text ('{'z' * 60}'... is not a number)"
    )
    assert "corrupt" not in message and info.value.value == long


def test_long_text_value_after_numbers_names_the_line(tmp_path):
    from logistic.backends import Chunked

    path = tmp_path / "late.csv"
    rows = "".join(f"{i % 7}.5,{i % 3},{i % 2}\n" for i in range(20000))
    path.write_text("x1,x2,y\n" + rows + ("w" * 300) + ",1,0\n")
    with pytest.raises(NotANumberError) as info:
        Chunked.from_csv(path, target="y", chunk_bytes=2**16)
    assert str(info.value).startswith(
        f"column 'x1' in {path} is numeric but has non-numeric value "
        f"'{'w' * 60}'... after line "
    )


# -- 3. $LOGISTIC_CACHE_MAX_BYTES ------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("512M", 512 * 2**20),
        ("1.5G", int(1.5 * 2**30)),
        ("20GiB", 20 * 2**30),
        ("0", 0),
        ("4096", 4096),
        ("", row_cache.DEFAULT_MAX_BYTES),
    ],
)
def test_cache_cap_forms(monkeypatch, text, expected):
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", text)
    assert row_cache.max_bytes() == expected


def _cap_error(text: str) -> str:
    return (
        "LOGISTIC_CACHE_MAX_BYTES must be a size in bytes >= 0: a number of bytes, "
        "or a number with a K, M, G or T suffix (powers of 1024, e.g. 512M, 20G, "
        f"1.5T), got {text!r}; unset it for the default (20 GiB)"
    )


@pytest.mark.parametrize("text", ["-1", "1e3", "abc", "12 parsecs"])
def test_bad_cache_cap_is_refused(monkeypatch, text):
    # was the 20 GiB default, silently
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", text)
    with pytest.raises(InvalidParameterError) as info:
        row_cache.max_bytes()
    assert str(info.value) == _cap_error(text)


def test_bad_cache_cap_is_a_usage_error_on_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "1e3")
    code, _, err = run_cli(capsys, ["cache", "list", "--cache-dir", tmp_path])
    assert (code, err) == (EX_USAGE, f"error: {_cap_error('1e3')}\n")


def test_bad_cache_cap_refused_before_a_cached_fit_reads(tmp_path, monkeypatch, capsys):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table(_columns()), path)
    from logistic.backends import Chunked

    cache = tmp_path / "cache"
    Chunked.from_parquet(path, target="y", cache_dir=cache)  # an entry now exists
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "abc")
    with pytest.raises(InvalidParameterError, match="LOGISTIC_CACHE_MAX_BYTES"):
        Chunked.from_parquet(path, target="y", cache_dir=cache)
    Chunked.from_parquet(path, target="y", cache=False)  # no cache, no cap
    args = ["fit", path, "-t", "y", "--stream", "-o", tmp_path / "m.json", "-q"]
    code, _, err = run_cli(capsys, [*args, "--cache-dir", cache])
    assert (code, err) == (EX_USAGE, f"error: {_cap_error('abc')}\n")
    code, _, err = run_cli(capsys, [*args, "--no-cache"])  # no cache, no cap
    assert code == 0, err


# -- 4. a Dask DataFrame with a text column --------------------------------------
@pytest.mark.parametrize("kind", ["string", "category"])
def test_dask_frame_with_a_text_column_is_refused_by_name(kind):
    # was "PartitionError partition 0 failed ...: could not convert string to float"
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    c = _columns()
    frame = pd.DataFrame({**c, "cat": pd.Series(["a", "b"] * 20, dtype=kind)})
    ddf = dd.from_pandas(frame, npartitions=3)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(ddf[["x1", "x2", "cat"]], ddf["y"])
    assert str(info.value) == text_columns_message(
        "the Dask DataFrame X",
        ["cat"],
        who="Dask",
        leave_out="X.drop(columns=['cat'])",
        in_memory="fit in memory: a pandas DataFrame (X.compute()) has its text "
        "columns one-hot encoded",
    )
    assert str(info.value).startswith(
        "Dask needs numeric feature columns, but the Dask DataFrame X has text "
        "column(s) ['cat']"
    )


# -- 5. a Parquet integer column beyond ±2**53 -------------------------------------
@pytest.fixture
def big_integers(tmp_path):
    c = _columns()
    u = np.arange(40, dtype=np.uint64)
    u[2:] += np.uint64(2**53)  # the third row is the first beyond ±2**53
    path = tmp_path / "bigu.parquet"
    pq.write_table(pa.table({**c, "u": pa.array(u)}), path)
    return path, int(u[2])


def _too_large(path, value: int) -> str:
    return (
        f"column 'u' in {path} holds integers too large to be a numeric feature "
        f"exactly: {value} at row 3"
    )


def test_python_file_reader_words_a_too_large_integer_as_in_memory(big_integers):
    # was "column 'u' of type uint64 is not numeric (Integer value ... not in range"
    path, value = big_integers
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(str(path), "y")
    assert str(info.value).startswith(_too_large(path, value) + "; an identifier?")
    assert "--drop u" in str(info.value) and "features=[...]" in str(info.value)


@pytest.mark.parametrize("stream", [[], ["--stream", "--no-cache"]])
def test_cli_words_a_too_large_integer_alike(big_integers, tmp_path, capsys, stream):
    path, value = big_integers
    args = ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q", *stream]
    code, _, err = run_cli(capsys, args)
    assert code == EX_DATAERR
    assert err.startswith(f"error: {_too_large(path, value)}"), err
    assert "leave it out with --drop u" in err


# -- a file that changes between the passes of a fit --------------------------------
def test_a_file_rewritten_between_passes_stops_the_fit(tmp_path):
    # `fit --stream --no-cache` on a file replaced mid-fit by one of the same size
    # and rows (labels flipped) ended with exit 0 and coefficients of the two files
    # mixed; the stamps of each pass's start and end are compared now
    from logistic import IntegrityError, LogisticRegression
    from logistic.backends import Chunked

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = (X[:, 0] + rng.logistic(size=2000) > 0).astype(int)
    path = tmp_path / "d.csv"

    def write(labels):
        rows = [f"{a:.6f},{b:.6f},{c:.6f},{t}" for (a, b, c), t in zip(X, labels, strict=True)]
        path.write_text("x0,x1,x2,y\n" + "\n".join(rows) + "\n")

    write(y)

    def rewrite(entry):
        if entry["iter"] == 1:
            write(1 - y)

    backend = Chunked.from_csv(path, target="y", cache=False)
    with pytest.raises(IntegrityError, match=r"d\.csv was modified .* first pass"):
        LogisticRegression(solver="lbfgs").fit(backend, None, callback=rewrite)
    # with the row cache the passes read the cache: the fit is the first file's
    write(y)
    cached = Chunked.from_csv(path, target="y", cache_dir=tmp_path / "cache")
    model = LogisticRegression(solver="lbfgs").fit(cached, None, callback=rewrite)
    write(y)
    ref = LogisticRegression(solver="lbfgs").fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-4)


# -- a ragged row ----------------------------------------------------------------------
@pytest.mark.parametrize("extra", ["1,2,3,4\n", "   \n"])
def test_a_ragged_row_is_named_by_its_line_by_the_python_reader(tmp_path, extra):
    # it said pyarrow's "CSV parse error: Expected 3 columns, got 4: ... The file
    # is corrupt, truncated or not in the expected format"; the command line
    # named the line
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2))
    rows = "".join(f"{a:.4f},{b:.4f},{int(a > 0)}\n" for a, b in X)
    path = tmp_path / "r.csv"
    path.write_text("a,b,y\n" + rows + extra)
    fields = len(extra.split(","))
    with pytest.raises(DataValidationError) as err:
        LogisticRegression().fit(str(path), "y")
    assert str(err.value) == (
        f"cannot read {path}: line 202: expected 3 fields, saw {fields} (delimiter ',')"
    )
