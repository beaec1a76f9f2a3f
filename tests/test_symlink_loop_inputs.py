"""A symbolic link loop given as a model file or a data file is refused in
the library's words, naming the file and saying it is a loop.

Reproduction (a security tester's): ``ln -s loop2.json loop1.json; ln -s
loop1.json loop2.json``; ``logistic.load("loop1.json")`` raised the bare
``OSError: [Errno 40] Too many levels of symbolic links`` with none of the
usual "model file ..." wording; ``logistic summary loop1.json`` exited 66
saying the file "does not exist"; ``logistic predict m.json loop1.json``
exited 74 with the operating system's words. Now a
:class:`~logistic._files.NotARegularFileError` (an ``OSError``, ``errno``
``ELOOP``), exit 66 on the command line.
"""

from __future__ import annotations

import errno
import os

import pytest

import logistic
from conftest import fit_ucla_model, run_cli
from logistic._files import NotARegularFileError, open_regular

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX symbolic links")

LOOP = r"is a symbolic link loop \(it, or a folder on its path, links back to itself\)"


@pytest.fixture
def loop(tmp_path):
    (tmp_path / "loop1.json").symlink_to("loop2.json")
    (tmp_path / "loop2.json").symlink_to("loop1.json")
    return tmp_path / "loop1.json"


def test_load_names_the_loop(loop):
    with pytest.raises(NotARegularFileError, match=rf"^model file .*loop1\.json {LOOP}") as info:
        logistic.load(loop)
    assert info.value.errno == errno.ELOOP


def test_a_folder_on_the_path_that_loops(tmp_path):
    (tmp_path / "d").symlink_to("d")
    with pytest.raises(NotARegularFileError, match=LOOP):
        open_regular(tmp_path / "d" / "m.json", what="model file")


def test_the_cli_names_a_folder_loop_on_a_model_files_path(tmp_path, capsys):
    """``summary d/m.json`` where ``d`` links to itself said "does not exist"
    (the model file's own name is no link)."""
    (tmp_path / "d").symlink_to("d")
    code, _, err = run_cli(capsys, ["summary", tmp_path / "d" / "m.json"])
    assert code == 66, err
    assert "is a symbolic link loop" in err and "does not exist" not in err


def test_a_link_to_no_file_still_does_not_exist(tmp_path, capsys):
    (tmp_path / "dangling.json").symlink_to("absent.json")
    with pytest.raises(FileNotFoundError, match=r"model file .*dangling\.json does not exist"):
        logistic.load(tmp_path / "dangling.json")
    code, _, err = run_cli(capsys, ["summary", tmp_path / "dangling.json"])
    assert code == 66 and "does not exist" in err


@pytest.mark.parametrize("command", ["summary", "predict"])
def test_the_cli_names_a_model_file_loop(loop, tmp_path, capsys, command):
    args = [command, loop] + ([fit_ucla_model(tmp_path)] if command == "predict" else [])
    capsys.readouterr()
    code, _, err = run_cli(capsys, args)
    assert code == 66, err
    assert "does not exist" not in err
    assert f"model file {loop} is a symbolic link loop" in err


def test_the_cli_names_a_data_file_loop(loop, tmp_path, capsys):
    model = fit_ucla_model(tmp_path)
    capsys.readouterr()
    code, _, err = run_cli(capsys, ["predict", model, loop])
    assert code == 66, err
    assert f"input file {loop} is a symbolic link loop" in err
