"""A large file that cannot be a model file is refused from its first bytes.

A model file is one JSON object: its first byte after a byte order mark and
white space is ``{``. A file of anything else (here 100 MB of NUL bytes, a
sparse file that takes no disk) was read whole, into memory, before being
refused as "not a logistic model file"; it is refused from its head now, with
the same message. The memory a read takes is measured by ``tracemalloc``.
"""

from __future__ import annotations

import pytest

import logistic
from _traced_peak import peaks_until
from logistic import ModelFormatError

SIZE = 100 * 2**20


def _sparse_file(path, head: bytes):
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(SIZE)
    return path


@pytest.mark.parametrize("head", [b"", b"\xef\xbb\xbf  \n", b"PK\x03\x04", b"[1, 2]"])
def test_a_large_file_of_something_else_is_refused_unread(tmp_path, head):
    path = _sparse_file(tmp_path / "big.json", head)

    def refused() -> None:
        with pytest.raises(ModelFormatError, match="is not a logistic model file"):
            logistic.load(path)

    _, peaks = peaks_until(refused, SIZE // 10)
    assert min(peaks) < SIZE // 10, peaks


def test_a_model_file_with_leading_white_space_and_a_mark_still_loads(tmp_path):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    path = tmp_path / "m.json"
    logistic.save(logistic.LogisticRegression().fit(X, y), path)
    spaced = tmp_path / "spaced.json"
    spaced.write_bytes(b"\xef\xbb\xbf" + b" " * 5000 + b"\n" + path.read_bytes())
    model = logistic.load(spaced)
    assert (model.coef_ == logistic.load(path).coef_).all()
