"""pyarrow words a value that a numeric CSV column cannot hold in two ways:
``In CSV column #1: CSV conversion error to double: invalid value 'x'`` and,
from a reader that counts its rows (one thread: ``use_threads=False``, or an
Arrow pool started under ``OMP_NUM_THREADS=1``), the same with ``Row #N: ``
before ``CSV conversion``. Both name the column in the project's words, not
as a raw ``ArrowInvalid``."""

from __future__ import annotations

from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pacsv = pytest.importorskip("pyarrow.csv")

from logistic.backends._sources import NotANumberError, _reader_error  # noqa: E402


def _arrow_error(path: Path, use_threads: bool) -> BaseException:
    """The error pyarrow's own streaming reader raises on ``path``."""
    options = pacsv.ReadOptions(use_threads=use_threads, block_size=1 << 12)
    convert = pacsv.ConvertOptions(column_types={"b": pa.float64()})
    try:
        for _ in pacsv.open_csv(path, read_options=options, convert_options=convert):
            pass
    except pa.ArrowInvalid as exc:
        return exc
    raise AssertionError("pyarrow read the text value as a number")


@pytest.mark.parametrize("use_threads", [False, True])
def test_a_text_value_in_a_numeric_column_is_named_in_either_wording(tmp_path, use_threads):
    path = tmp_path / "d.csv"
    rows = [f"{i},{i / 10},{i % 2}" for i in range(2000)]
    rows[1500] = "1500,n/a-text,0"
    path.write_text("a,b,y\n" + "\n".join(rows) + "\n")
    exc = _arrow_error(path, use_threads)
    error = _reader_error(path, exc, names=["a", "b", "y"])
    assert isinstance(error, NotANumberError), str(error)
    assert (error.column, error.value) == ("b", "n/a-text")
    assert "column 'b'" in str(error) and "ArrowInvalid" not in str(error)
