"""The row cache's warning names the CLI's options when ``logistic fit``
prints it (``logistic.cli._spelling``), the library's parameters otherwise."""

from __future__ import annotations

import shutil
from collections import namedtuple

import numpy as np
import pytest

from logistic.backends.chunked import Chunked
from logistic.cli.app import main

Usage = namedtuple("Usage", "total used free")


def _csv(path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    rows = [f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(X, y, strict=True)]
    path.write_text("a,b,y\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def full_disk(monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(2**40, 2**40, 2**20))


def test_cli_warning_names_the_options(tmp_path, capsys, full_disk):
    data = _csv(tmp_path / "d.csv")
    args = ["fit", str(data), "-t", "y", "--stream", "--cache-dir", str(tmp_path / "c")]
    assert main([*args, "-o", str(tmp_path / "m.json")]) == 0
    err = capsys.readouterr().err
    assert "not caching the decoded rows" in err
    assert "(--no-cache turns the cache off, --cache-dir puts it elsewhere)" in err
    assert "cache=False" not in err and "cache_dir=" not in err


def test_library_warning_names_the_parameters(tmp_path, full_disk):
    data = _csv(tmp_path / "d.csv")
    with pytest.warns(
        UserWarning, match=r"\(cache=False turns the cache off, cache_dir="
    ):
        Chunked.from_csv(data, target="y", cache_dir=tmp_path / "c")



def test_a_folder_that_cannot_be_made_is_named_in_words(tmp_path):
    # the warning quoted Python's "[Errno 20] Not a directory: '/x/afile/c'"
    data = _csv(tmp_path / "d.csv")
    afile = tmp_path / "afile"
    afile.write_text("x\n")
    with pytest.warns(UserWarning, match="not caching the decoded rows") as seen:
        Chunked.from_csv(data, target="y", cache_dir=afile / "c").map_reduce(lambda b: b.X.shape[0])
    text = " ".join(str(w.message) for w in seen)
    assert "Errno" not in text, text
    assert f"not caching the decoded rows ({afile / 'c'}: Not a directory)" in text, text
