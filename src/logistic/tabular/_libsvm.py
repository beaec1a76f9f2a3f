"""Read LibSVM/SVMLight files (``label index:value ...``) into a sparse matrix.

Convention (owned here): the file is read whole into memory, so it is refused
before reading when it (decompressed) is larger than
:data:`LIBSVM_MEMORY_FRACTION` of physical memory, and read in blocks up to
that bound (:func:`logistic._files.read_bounded`), so that memory follows the
file, not the bound. Indices are one-based
unless a 0 occurs; the largest index is the number of features, and it must
be at most 2**31 - 1 and leave room for a model of that width (about
:data:`BYTES_PER_FEATURE` bytes per feature). Labels and values must be
finite (a ``nan`` is a missing value, refused with every column that holds
one, ``inf`` an infinite value; the words are
:mod:`logistic._value_refusals`', the label column named ``label`` and a
feature ``x1`` … ``xp`` as the fit names it). An index written twice on one
line is refused (scikit-learn's
``load_svmlight_file`` refuses it too): its values would otherwise be added
or one of them dropped, silently. Every error names the file and the line.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _memory
from .._exceptions import DataValidationError
from .._files import open_regular, read_bounded
from .._value_refusals import (
    LIBSVM_REMEDY,
    infinite_value,
    missing_column,
    missing_values,
)
from ._raw import RawData, decompress_error, decompressed

__all__ = ["read_libsvm", "LIBSVM_MEMORY_FRACTION", "BYTES_PER_FEATURE"]

#: A LibSVM file may use at most this fraction of physical memory (the parse
#: holds the text, its lines and tokens: several times the file's size).
LIBSVM_MEMORY_FRACTION = 1 / 8
#: Memory a fit needs per feature (name, coefficients, solver vectors), bytes.
BYTES_PER_FEATURE = 1024
_MAX_INDEX = 2**31 - 1


def _libsvm_bad_line(lines: list[str], path: str) -> DataValidationError:
    for i, line in enumerate(lines):
        body = line.split("#", 1)[0]
        parts = body.split()
        if not parts:
            continue
        try:
            float(parts[0])
            for tok in parts[1:]:
                if tok.startswith("qid:"):
                    continue
                k, v = tok.split(":")
                if int(k) < 0:
                    raise ValueError
                float(v)
        except ValueError:
            return DataValidationError(
                f"{path}: line {i + 1} is not LibSVM 'label index:value ...': "
                f"{line[:60]!r}"
            )
    return DataValidationError(f"{path}: malformed LibSVM data")


def _libsvm_limit() -> int | None:
    memory = _memory.process_memory()
    return None if memory is None else int(memory * LIBSVM_MEMORY_FRACTION)


def _libsvm_bytes(path: str, compression: str | None, name: str) -> bytes:
    """The (decompressed) file, refused before reading when it cannot fit."""
    limit = _libsvm_limit()
    too_big = (
        f"{name}: LibSVM files are read whole into memory, and this one is larger "
        f"than {{size}}, 1/{round(1 / LIBSVM_MEMORY_FRACTION)} of physical memory; "
        "convert it to Parquet (numeric columns) and fit with --stream"
    )
    try:
        fh = open_regular(path, what="input file", max_bytes=limit)
    except ValueError:
        raise DataValidationError(too_big.format(size=f"{limit} bytes")) from None
    with fh:
        try:
            with decompressed(fh, compression) as stream:
                data = read_bounded(stream, limit)  # in blocks: no limit-sized buffer
        except (OSError, EOFError) as exc:
            raise decompress_error(name, compression, exc) from None
    if limit is not None and len(data) > limit:
        raise DataValidationError(
            too_big.format(size=f"{limit} bytes when decompressed")
        )
    return data


def _libsvm_line_of(offset: int, data: bytes) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_libsvm_values(
    path: str,
    y: np.ndarray,
    entries: tuple[np.ndarray, np.ndarray],
    indptr: list[int],
    lines: list[int],
    zero_based: bool = False,
) -> None:
    """Labels and values (``entries``: each pair's feature number as the fit
    names it, ``x1`` the first, and its value) are finite, refused in every
    reader's words (:mod:`logistic._value_refusals`): missing values
    (``nan``) first, every column named with its count and first lines, the
    label first; then the first infinite value in the file, its column, line
    and value. A file whose indices count from 0 is told which index a name
    is (``x1`` is its index 0)."""
    columns, val = entries
    note = "; the file counts its indices from 0: xK is its index K-1"
    note = note if zero_based else ""
    row_of = np.searchsorted(indptr, np.arange(val.size), "right") - 1
    problems = []
    missing = [("label", np.flatnonzero(np.isnan(y)))]
    nan = np.flatnonzero(np.isnan(val))
    for k in np.unique(columns[nan]):
        missing.append((f"x{int(k)}", np.unique(row_of[nan[columns[nan] == k]])))
    for name, rows in missing:
        if rows.size:
            where = ", ".join(f"line {lines[r]}" for r in rows[:3])
            problems.append(missing_column(name, where, int(rows.size)))
    if problems:
        raise missing_values(path, problems, LIBSVM_REMEDY + note)
    bad_label = np.flatnonzero(np.isinf(y))
    bad_value = np.flatnonzero(np.isinf(val))
    n = len(lines)
    label_row = int(bad_label[0]) if bad_label.size else n
    value_row = int(row_of[bad_value[0]]) if bad_value.size else n
    if label_row < n and label_row <= value_row:  # a line's label comes first
        at = f"line {lines[label_row]}"
        raise DataValidationError(infinite_value("label", path, at, y[label_row]))
    if value_row < n:
        i = int(bad_value[0])
        at = f"line {lines[value_row]}"
        k = int(columns[i])
        note = note.replace("K-1", str(k - 1)).replace("xK", f"x{k}")
        raise DataValidationError(infinite_value(f"x{k}", path, at, val[i]) + note)


def _written_index(text: str, value: float) -> str:
    """The index ``value`` as the line ``text`` writes it (the parse's float
    rounds an index beyond 2**53: 99999999999999999999999 is read as
    99999999999999991611392)."""
    for token in text.split("#", 1)[0].split()[1:]:
        key = token.split(":", 1)[0]
        try:
            if float(key) == value:
                return key
        except ValueError:  # qid:...
            continue
    return str(int(value))


def _check_libsvm_width(
    path: str, idx: np.ndarray, indptr: list[int], lines: list[int], texts: list[str]
) -> None:
    """The largest index is the number of features: it must fit in memory
    (``texts``: the file's lines, to quote the index as written)."""
    if not idx.size:
        return
    top = int(np.argmax(idx))
    largest = int(idx[top])
    memory = _memory.process_memory()
    fits = memory is None or largest * BYTES_PER_FEATURE <= memory
    if largest <= _MAX_INDEX and fits:
        return
    row = int(np.searchsorted(indptr, top, "right")) - 1
    reason = (
        f"more than the largest index supported, {_MAX_INDEX}"
        if largest > _MAX_INDEX
        else f"a model with that many features needs about "
        f"{largest * BYTES_PER_FEATURE / 2**30:.0f} GiB, more than this machine's "
        f"{(memory or 0) / 2**30:.0f} GiB of memory"
    )
    raise DataValidationError(
        f"{path}: feature index {_written_index(texts[lines[row] - 1], idx[top])} "
        f"at line {lines[row]} is too large "
        f"({reason}); LibSVM indices number the features 1..n_features"
    )


def _check_libsvm_repeats(path: str, X: Any, lines: list[int], base: int) -> None:
    """No line names one feature index twice (``X``'s indices sorted by row)."""
    idx, indptr = X.indices, X.indptr
    if idx.size < 2:
        return
    repeat = np.diff(idx) == 0
    inner = indptr[1:-1]  # a row's first entry: no repeat of the row before
    repeat[inner[(inner > 0) & (inner < idx.size)] - 1] = False
    found = np.flatnonzero(repeat)
    if not found.size:
        return
    j = int(found[0])
    row = int(np.searchsorted(indptr, j, "right")) - 1
    raise DataValidationError(
        f"{path}: line {lines[row]} gives feature index {int(idx[j]) + base} more "
        f"than once ({found.size:,} such repeat(s) in the file); each index may "
        "appear once a line"
    )


def read_libsvm(path: str, compression: str | None, name: str | None = None) -> RawData:
    """Read LibSVM data from ``path``; messages name the file ``name``
    (default ``path``)."""
    data = _libsvm_bytes(path, compression, name or path)
    path = name or path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            f"{path}: line {_libsvm_line_of(exc.start, data)} is not UTF-8 text "
            f"(byte {exc.start} of the file); LibSVM files are plain text"
        ) from None
    del data
    if text.startswith("\ufeff"):  # a UTF-8 byte-order mark: skipped, as in CSV
        text = text[1:]
    lines = text.splitlines()
    labels: list[str] = []
    tokens: list[str] = []
    indptr = [0]
    row_lines: list[int] = []  # 1-based line of each data row
    for number, line in enumerate(lines, start=1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        labels.append(parts[0])
        tokens.extend(t for t in parts[1:] if not t.startswith("qid:"))
        indptr.append(len(tokens))
        row_lines.append(number)
    if not labels:
        raise DataValidationError(f"{path} is empty (no data rows)")
    try:
        y = np.array(labels, dtype=np.float64)
        pairs = np.array(" ".join(tokens).replace(":", " ").split(), dtype=np.float64)
        if pairs.size != 2 * len(tokens):
            raise ValueError
        idx, val = pairs[0::2], pairs[1::2]
        if not np.all(np.isfinite(idx)) or np.any(idx < 0):
            raise ValueError
        if np.any(idx != np.floor(idx)):
            raise ValueError
    except ValueError:
        raise _libsvm_bad_line(lines, path) from None
    del tokens, pairs
    zero_based = bool(idx.size and idx.min() == 0)
    # x1 … xp, as the fit names the columns (_encode: x1 is index 0 when
    # the file counts from 0)
    named = idx + (1 if zero_based else 0)  # floats: the width is checked next
    _check_libsvm_values(path, y, (named, val), indptr, row_lines, zero_based)
    _check_libsvm_width(path, idx, indptr, row_lines, lines)
    cols = idx.astype(np.int64) - (0 if zero_based else 1)
    n_features = int(cols.max()) + 1 if cols.size else 0
    import scipy.sparse as sp

    X = sp.csr_matrix(
        (val, cols, np.array(indptr, dtype=np.int64)), shape=(len(labels), n_features)
    )
    X.sort_indices()  # a line's indices in any order, as written
    _check_libsvm_repeats(path, X, row_lines, 0 if zero_based else 1)
    return RawData(path=path, format="libsvm", X=X, labels=y, zero_based=zero_based)
