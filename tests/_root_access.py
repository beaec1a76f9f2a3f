"""Running a command without root's file-access capabilities, so that a test
of a read-only file or folder means the same as root as for a user."""

from __future__ import annotations

import os
import shutil

import pytest


def without_root_access() -> list[str]:
    """The command prefix that drops root's file-access capabilities (none
    for another user; the test is skipped as root without ``setpriv``)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("as root this needs setpriv")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]
