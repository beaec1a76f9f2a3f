"""``--force`` replaces an existing output whose own mode forbids writing
(0444) as ``mv -f`` does: the atomic write renames a new file over it, which
only the folder's permissions govern, and the file keeps its mode. Without
``--force`` it is refused as any existing output (exit 73).

What this guards against: ``fit -o ro.json --force`` onto a 0444 file in
a writable folder was refused, exit 73 'cannot create ro.json: Permission
denied': the atomic writer gave its temporary file the target's mode 0444
before the content was written into it, so the writer's own open failed.
As root the commands run without root's file-access capabilities
(``setpriv``), or root would write any file.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from _root_access import without_root_access
from conftest import data_path

UCLA = data_path("ucla-admissions", "binary.csv")


def _cli(folder, *args):
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}
    command = [*without_root_access(), sys.executable, "-m", "logistic.cli.app", *map(str, args)]
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )


def test_force_replaces_a_read_only_output_and_keeps_its_mode(tmp_path):
    done = _cli(tmp_path, "fit", UCLA, "--target", "admit", "-o", "m.json")
    assert done.returncode == 0, done.stderr
    outputs = {
        "ro.json": ["fit", UCLA, "--target", "admit", "-o", "ro.json"],
        "ro.csv": ["predict", "m.json", UCLA, "-o", "ro.csv"],
    }
    for name, args in outputs.items():
        target = tmp_path / name
        target.write_text("old\n")
        target.chmod(0o444)
        done = _cli(tmp_path, *args)  # no --force: an existing output, kept
        assert done.returncode == 73, done.stderr
        assert "already exists; pass --force" in done.stderr
        assert target.read_text() == "old\n"
        done = _cli(tmp_path, *args, "--force")
        assert done.returncode == 0, done.stderr
        assert target.read_text() != "old\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", *sorted(outputs)]
