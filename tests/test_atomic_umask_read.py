"""A new file's mode is read from the umask without setting the umask.

``_atomic._new_file_mode`` read the umask with ``os.umask(0o022)`` followed
by ``os.umask(mask)``. The umask is the process's: a file another thread
made between the two calls got 022, not the process's umask, and two saves
reading it at once could leave 022 as the process's umask. Under umask 077
four threads saving 200 new model files each (``sys.setswitchinterval(1e-6)``
to make thread switches frequent) wrote 12 of the 800 files 0644, readable
by every user. On Linux the umask is now read from ``/proc/self/status``
(``Umask:``), without changing it; elsewhere it is set to 077 and restored
under a lock.
"""

from __future__ import annotations

import os
import sys

import pytest

from logistic import _atomic
from logistic._atomic import atomic_write_bytes


def _status_has_umask() -> bool:
    try:
        with open("/proc/self/status", "rb") as status:
            return b"Umask:" in status.read()
    except OSError:
        return False


linux_status = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not _status_has_umask(),
    reason="needs Linux's /proc/self/status Umask line",
)


@linux_status
def test_a_new_file_never_sets_the_umask(tmp_path, monkeypatch):
    old = os.umask(0o077)
    calls = []
    try:
        monkeypatch.setattr(os, "umask", lambda m: calls.append(m) or 0o022)
        atomic_write_bytes(tmp_path / "new.json", b"{}")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert calls == []
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o027])
def test_the_mode_follows_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        assert _atomic._umask() == mask
        atomic_write_bytes(tmp_path / "m.json", b"{}")
        assert os.umask(mask) == mask  # unchanged by the write
    finally:
        os.umask(old)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o666 & ~mask


def test_without_proc_the_umask_is_restored(tmp_path, monkeypatch):
    real_open = open

    def no_proc(path, *args, **kwargs):
        if str(path) == "/proc/self/status":
            raise FileNotFoundError(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_proc)
    old = os.umask(0o027)
    try:
        assert _atomic._umask() == 0o027
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(old)
