"""Arrow-to-numpy conversions read from the buffers, against pyarrow's own
``to_numpy`` (the reference), on chunked, sliced and null-holding columns."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")

from logistic import _arrow_numpy as an  # noqa: E402


def _chunked(values: list, type_: object, cut: int = 3) -> object:
    """Two chunks, the second a slice with a non-zero offset (bit offsets of
    the bitmaps are then not multiples of 8)."""
    whole = pa.array(values + values, type=type_)
    return pa.chunked_array(
        [whole.slice(0, cut), whole.slice(len(values) + 5, len(values) - 5)]
    )


def _reference(column: object, dtype: object) -> np.ndarray:
    return np.asarray(column.to_numpy(), dtype=dtype)


@pytest.mark.parametrize(
    "type_", [pa.float64(), pa.float32(), pa.int8(), pa.int64(), pa.uint16()]
)
def test_floats_match_pyarrow(type_: object) -> None:
    rng = np.random.default_rng(0)
    values = [None if rng.random() < 0.3 else int(v) for v in rng.integers(0, 100, 37)]
    column = _chunked(values, type_)
    np.testing.assert_array_equal(an.floats(column), _reference(column, np.float64))


def test_booleans_match_pyarrow_with_nulls_as_false() -> None:
    rng = np.random.default_rng(1)
    values = [None if r < 0.2 else bool(r < 0.6) for r in rng.random(45)]
    column = _chunked(values, pa.bool_(), cut=11)
    expected = np.array(
        [bool(v) if v is not None else False for v in column.to_pylist()]
    )
    np.testing.assert_array_equal(an.booleans(column), expected)


def test_values_keep_numpy_types() -> None:
    ints = pa.chunked_array(
        [pa.array([1, 2, 3], pa.int32()), pa.array([4], pa.int32())]
    )
    got = an.values(ints)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, ints.to_numpy())
    with_null = pa.chunked_array([pa.array([1, None, 3])])
    np.testing.assert_array_equal(an.values(with_null), [1.0, np.nan, 3.0])
    flags = pa.chunked_array([pa.array([True, False, None])])
    assert an.values(flags).tolist() == [True, False, None]
    text = pa.chunked_array([pa.array(["a", None]), pa.array(["b"])])
    got = an.values(text)
    assert got.dtype == object and got.tolist() == ["a", None, "b"]


def test_reading_a_csv_does_not_import_pandas(tmp_path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b,c,d\n1,2.5,x,true\n2,,y,false\n3,1.5,,true\n")
    code = (
        "import sys, pyarrow.csv as c, pyarrow.compute as pc\n"
        "from logistic import _arrow_numpy as an\n"
        f"t = c.read_csv({str(path)!r})\n"
        "an.values(t.column('a')); an.floats(t.column('b')); an.objects(t.column('c'))\n"
        "an.booleans(t.column('d')); an.booleans(pc.is_null(t.column('b')))\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "type_", [pa.int8(), pa.int64(), pa.uint32(), pa.float32(), pa.bool_()]
)
def test_floats_read_without_a_cast_match_arrow_cast(type_: object) -> None:
    # reference: Arrow's own cast to float64, then pyarrow's to_numpy
    import pyarrow.compute as pc

    raw = [1, 0, None, 3, 1, None, 0, 1, 2, 0, 1, 1, None, 5, 0]
    if type_ == pa.bool_():
        raw = [None if v is None else bool(v % 2) for v in raw]
    col = _chunked(raw, type_)
    ref = _reference(pc.cast(col, pa.float64()), np.float64)
    np.testing.assert_array_equal(an.floats(col), ref)


def test_floats_of_integers_beyond_2_53_go_through_arrow_safe_cast() -> None:
    col = pa.chunked_array([pa.array([1, 2**53 + 1], type=pa.int64())])
    with pytest.raises(pa.ArrowInvalid):
        an.floats(col)


def test_nulls_match_pyarrow_is_null() -> None:
    col = _chunked([1, None, 3, None, None, 6, 7, 8, None, 10, 11, 12], pa.int64())
    ref = np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    np.testing.assert_array_equal(an.nulls(col), ref)
    all_null = pa.chunked_array([pa.nulls(4)])
    np.testing.assert_array_equal(an.nulls(all_null), np.ones(4, dtype=bool))


def test_bool_array_matches_pyarrow() -> None:
    rng = np.random.default_rng(1)
    for n in (0, 1, 7, 8, 9, 37):
        mask = rng.random(n) < 0.5
        got = an.bool_array(mask)
        assert got.equals(pa.array(mask)), n


@pytest.mark.parametrize("type_", [pa.string(), pa.large_string()], ids=str)
def test_labels_of_text_match_pyarrow_to_numpy(type_: object) -> None:
    """Text labels through their dictionary equal pyarrow's own conversion
    (sliced chunks of a chunked array too); numbers and booleans as values()."""
    rng = np.random.default_rng(0)
    text = pa.array(rng.choice(["yes", "no", "maybe", "é"], size=5000), type=type_)
    chunked = pa.chunked_array([text.slice(7, 900), text.slice(2000, 1500), text.slice(0, 0)])
    for column in (text, chunked, text.slice(3, 10)):
        got = an.labels(column)
        assert got.dtype == object
        assert got.tolist() == column.to_numpy(zero_copy_only=False).tolist()
    assert an.labels(pa.array([1, 0, 1])).dtype == np.int64
    assert an.labels(pa.array([True, False])).dtype == bool
