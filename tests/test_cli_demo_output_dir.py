"""``demo --output-dir DIR`` is checked whole before the demo announces it
or writes anything: a folder that is not writable, or a name longer than the
file system takes (the limit from ``pathconf(PC_NAME_MAX)``), is exit 73
(EX_CANTCREAT, sysexits.h, as every output that cannot be created) with
nothing on standard output.

What this guards against: ``demo --output-dir ro`` (a folder without
write permission) printed ``output directory: ro`` on stdout and then exited
73; ``demo --output-dir <300 characters>`` exited 74 'File name too long'
(an I/O error, which a retrying job takes for a passing fault).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from _root_access import without_root_access
from conftest import run_cli


def test_a_name_too_long_is_exit_73_naming_the_limit(workdir, capsys):
    try:
        limit = int(os.pathconf(workdir, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        pytest.skip("the file system does not report its name length limit")
    name = "d" * (limit + 1)
    code, out, err = run_cli(capsys, ["demo", "--output-dir", name])
    assert code == 73, err
    assert err.startswith(f"error: cannot create --output-dir {name}: "), err
    assert f"is {limit + 1} bytes long" in err and f"at most {limit}" in err
    assert out == "" and list(workdir.iterdir()) == []


@pytest.mark.parametrize("with_copy", [False, True], ids=["empty", "data-copy-there"])
def test_a_folder_without_write_permission_is_refused_before_it_is_announced(
    tmp_path, with_copy
):
    from logistic import datasets

    ro = tmp_path / "ro"
    ro.mkdir()
    if with_copy:  # the demo's own copy of the data, left by an earlier run
        shutil.copy(datasets.ucla_admissions_path(), ro)
    ro.chmod(0o555)
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}
    args = [sys.executable, "-m", "logistic.cli.app", "demo", "--output-dir", "ro"]
    done = subprocess.run(
        [*without_root_access(), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    ro.chmod(0o755)
    assert done.returncode == 73, done.stderr
    assert done.stdout == ""
    assert done.stderr == "error: cannot write to --output-dir ro: directory ro is not writable\n"


@pytest.mark.parametrize("link", ["ucla_admissions.csv", "model.json", "predictions.csv"])
def test_force_refuses_a_planted_link_before_writing_anything(workdir, capsys, link):
    # `demo --force` replaced a ucla_admissions.csv link with a plain file,
    # then stopped at the model.json link: the folder half-written
    (workdir / "secret.txt").write_text("secret")
    out = workdir / "out"
    out.mkdir()
    (out / link).symlink_to(workdir / "secret.txt")
    if link != "model.json":
        (out / "model.json").symlink_to(workdir / "secret.txt")
    before = sorted(p.name for p in out.iterdir())
    code, stdout, err = run_cli(capsys, ["demo", "--output-dir", "out", "--force"])
    first = min(link, "model.json", key=["ucla_admissions.csv", "model.json",
                                          "predictions.csv"].index)  # fmt: skip
    assert (code, err) == (
        73,
        f"error: refusing to write out/{first}: it is a symbolic link\n",
    )
    assert stdout == ""
    assert sorted(p.name for p in out.iterdir()) == before
    assert all((out / name).is_symlink() for name in before)
    assert (workdir / "secret.txt").read_text() == "secret"
