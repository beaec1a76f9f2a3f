"""A checkpoint path removed while ``Checkpointer.load`` looks at it.

A FIFO at the path is refused from the one ``fstat`` of the opened
descriptor (``open_regular``'s ``NotARegularFileError.kind``): the refusal
no longer ``stat``s the path a second time, which raised a bare
``FileNotFoundError`` (no file named, not the ``IntegrityError`` a caller
handles) when the path was removed in between. A checkpoint removed after
``load`` saw it exist and before it was opened is absent, as ``exists()``
would say a moment later: no checkpoint, a fit starts afresh.
"""

from __future__ import annotations

import os

import pytest

from logistic import IntegrityError, _files
from logistic._checkpoint import Checkpointer


def _removing(path, *, before: bool, monkeypatch):
    """``open_regular`` that removes ``path`` before opening it, or after
    finding it no regular file."""
    real = _files.open_regular

    def opened(p, **kw):
        if before and os.fspath(p) == os.fspath(path):
            os.unlink(path)
        try:
            return real(p, **kw)
        except _files.NotARegularFileError:
            os.unlink(path)
            raise

    monkeypatch.setattr(_files, "open_regular", opened)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_removed_after_it_was_opened_is_refused_as_a_fifo(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    os.mkfifo(path)
    _removing(path, before=False, monkeypatch=monkeypatch)
    ckpt = Checkpointer(path, fingerprint="f", config={})
    with pytest.raises(IntegrityError, match="a FIFO") as err:
        ckpt.load()
    text = str(err.value)
    assert f"checkpoint {path} is a FIFO (named pipe), not a regular file" in text
    assert not path.exists()  # removed in between, and no second look at it


def test_a_checkpoint_removed_before_it_was_opened_is_absent(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    path.write_text("{}")
    _removing(path, before=True, monkeypatch=monkeypatch)
    assert Checkpointer(path, fingerprint="f", config={}).load() is None
    assert not path.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_the_kind_is_the_one_look_at_the_path(tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    with pytest.raises(_files.NotARegularFileError) as err:
        _files.open_regular(path, what="checkpoint")
    assert err.value.kind == "a FIFO (named pipe)"
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    with pytest.raises(_files.NotARegularFileError) as err:
        _files.open_regular(loop, what="checkpoint")
    assert err.value.kind == "a symbolic link loop"
