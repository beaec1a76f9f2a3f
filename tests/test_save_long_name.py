"""``save`` to a file name longer than the file system takes: the error is
``ENAMETOOLONG`` naming the caller's path, said before any temporary file is
made. The temporary name (the target's with a dot, the host, the process id
and a random token) is longer still, and its creation's error named that
name instead, with ``->`` to the target. The limit is the folder's
``os.pathconf(..., "PC_NAME_MAX")`` (255 bytes on Linux file systems).
"""

from __future__ import annotations

import errno
import os

import pytest

import logistic


def test_a_name_too_long_is_named_as_given(tmp_path):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    model = logistic.LogisticRegression().fit(X, y)
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    target = tmp_path / ("m" * (limit + 1))
    with pytest.raises(OSError) as info:
        logistic.save(model, target)
    assert info.value.errno == errno.ENAMETOOLONG
    assert info.value.filename == str(target) and info.value.filename2 is None
    assert f"takes at most {limit}" in str(info.value) and ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []
    fits = tmp_path / ("m" * (limit - 5) + ".json")  # the longest name it takes
    logistic.save(model, fits)
    assert logistic.load(fits).coef_.tolist() == model.coef_.tolist()
