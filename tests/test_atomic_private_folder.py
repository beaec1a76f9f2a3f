"""The temporary file of an atomic write cannot be swapped for a link.

It was created beside the target (``O_EXCL | O_NOFOLLOW``), closed, then
opened again by name by the caller, the fsync and ``os.chmod``: another user
who can write the output folder (no sticky bit) could replace it with a
symbolic link between two of those opens and have the output written into,
and the mode changed of, a file of the writer. It now lies in a private
folder (mode 0700) under a name no one else can list; the write's own steps
reach it through a handle on that folder without following a link, and the
folder's name is checked to lead there still before the file is published.
"""

from __future__ import annotations

import os
import stat

import pytest

from logistic._atomic import _host, atomic_output, atomic_write_bytes

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def shared(tmp_path):
    """A folder anyone may write (no sticky bit) and a file of the writer."""
    folder = tmp_path / "common"
    folder.mkdir()
    folder.chmod(0o777)
    victim = tmp_path / "victim.txt"
    victim.write_text("important user data")
    victim.chmod(0o600)
    return folder, victim


def _untouched(victim) -> bool:
    mode = stat.S_IMODE(victim.stat().st_mode)
    return victim.read_text() == "important user data" and mode == 0o600


def test_the_temporary_file_lies_in_a_private_folder_of_its_own(shared):
    folder, _ = shared
    with atomic_output(folder / "out.csv") as tmp:
        info = os.stat(tmp.parent)
        assert tmp.parent != folder and tmp.parent.parent == folder
        assert info.st_uid == os.geteuid()
        assert stat.S_IMODE(info.st_mode) == 0o700
        tmp.write_text("a,b\n")
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv"]


def test_a_link_swapped_in_after_the_write_is_not_followed(shared):
    # the audit's swap, done after the caller's write: the fsync and the
    # mode's change followed the link (the victim's mode became 0644) and
    # the link itself was renamed onto the target
    folder, victim = shared
    with pytest.raises(OSError), atomic_output(folder / "out.csv") as tmp:
        tmp.write_text("attacker-chosen output")
        os.unlink(tmp)
        os.symlink(victim, tmp)
    assert _untouched(victim)
    assert sorted(p.name for p in folder.iterdir()) == []  # nothing published


def test_a_private_folder_swapped_for_a_link_is_refused(shared, tmp_path):
    # the folder itself renamed away (a rename within a writable folder
    # needs no permission on the folder renamed) and a link to a folder
    # holding a link of the same name to the victim put in its place
    folder, victim = shared
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(PermissionError, match="was replaced"):
        with atomic_output(folder / "out.csv") as tmp:
            tmp.write_text("a,b\n")
            os.symlink(victim, elsewhere / tmp.name)
            os.rename(tmp.parent, folder / "moved")
            os.symlink(elsewhere, tmp.parent)
    assert _untouched(victim)
    assert not (folder / "out.csv").exists()


def test_a_dead_process_private_folder_is_removed(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    left = tmp_path / f".o.csv.{_host()}-{int(dead.stdout)}.abcd1234.tmp"
    left.mkdir(mode=0o700)
    (left / "0123456789abcdef.tmp").write_bytes(b"partial")
    atomic_write_bytes(tmp_path / "o.csv", b"a,b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_private_folder_of_another_user_is_refused(tmp_path):
    from logistic._atomic import _open_private

    theirs = tmp_path / "theirs.tmp"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)  # put in place of ours by another user
    with pytest.raises(PermissionError, match="is not this user's"):
        _open_private(theirs)
    mine = tmp_path / "mine.tmp"
    mine.mkdir(mode=0o700)
    fd = _open_private(mine)
    assert fd is not None
    os.close(fd)
