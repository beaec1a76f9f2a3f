"""Reading a model file takes memory in proportion to the file, not to the
size limit: ``read_model_file`` asked ``read(max_bytes + 1)`` of the file,
and CPython's ``FileIO.read(n)`` allocates its ``n``-byte buffer before
reading, so loading a 5 KB file allocated 512 MiB (``MAX_BYTES``): under an
address-space limit of 600 MB (``ulimit -v``) ``logistic.load`` of that file
raised a bare ``MemoryError``. The file is now read in blocks
(``logistic._files.read_bounded``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import logistic
from _traced_peak import peaks_until
from logistic import ModelFormatError, _files
from logistic import io as lio

SMALL = Path(__file__).parent / "fixtures" / "narrow_l2_format1_1.json"


def test_loading_a_small_file_allocates_about_its_size():
    logistic.load(SMALL)  # imports and caches first
    _, peaks = peaks_until(lambda: logistic.load(SMALL), 2**25)
    assert min(peaks) < 2**25, peaks  # was 547 MB: the 512 MiB read buffer


def test_a_file_read_in_blocks_is_whole_and_the_limit_still_holds(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(_files, "READ_BLOCK", 1000)  # many blocks of a 5 KB file
    data = SMALL.read_bytes()
    assert lio.read_model_file(SMALL).model.n_features_in_ == 30
    with open(SMALL, "rb") as fh:
        assert _files.read_bounded(fh, len(data)) == data
    with open(SMALL, "rb") as fh:  # one byte past the limit: the caller refuses
        assert _files.read_bounded(fh, len(data) - 1) == data
    with pytest.raises(ModelFormatError, match="limit"):
        lio.read_model_file(SMALL, max_bytes=len(data) - 1)
