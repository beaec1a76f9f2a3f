"""A row-cache folder that cannot exist is a usage error (exit 2) naming
where it came from, alike for ``fit --stream --cache-dir`` and for each
``cache`` subcommand: a file, a path through a file (``ENOTDIR``), a name
longer than the file system takes (``ENAMETOOLONG``; the limit from
``pathconf(PC_NAME_MAX)``), a loop of symbolic links (``ELOOP``).

What this guards against: ``cache list --cache-dir afile`` exited 2
while ``cache clear --cache-dir afile/x`` exited 0 'removed 0 entries' and
``fit --stream --cache-dir afile/x`` fitted with a warning; a 300-character
``--cache-dir`` exited 74 'File name too long' (an I/O error) in all three.
"""

from __future__ import annotations

import os

import pytest

from conftest import data_path, run_cli


def _limit(folder) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        pytest.skip("the file system does not report its name length limit")


@pytest.fixture
def folders(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x\n")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    return {
        "a-file": (afile, "exists and is not a directory"),
        "below-a-file": (afile / "x" / "y", f"{afile} is not a directory"),
        "too-long": (
            tmp_path / ("r" * (_limit(tmp_path) + 1)),
            f"is {_limit(tmp_path) + 1} bytes long; the file system of",
        ),
        "a-loop": (tmp_path / "loop1", "a loop of symbolic links"),
    }


COMMANDS = {
    "cache-list": ["cache", "list"],
    "cache-clear": ["cache", "clear"],
    "fit": ["fit", data_path("ucla-admissions", "binary.csv"), "--target", "admit",
            "--stream"],
}


@pytest.mark.parametrize("kind", ["a-file", "below-a-file", "too-long", "a-loop"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_cache_folder_that_cannot_exist_is_a_usage_error(
    tmp_path, capsys, folders, kind, command
):
    folder, words = folders[kind]
    args = [*COMMANDS[command], "--cache-dir", folder]
    if command == "fit":
        args += ["-o", tmp_path / "m.json"]
    code, out, err = run_cli(capsys, args)
    assert code == 2, err
    assert err.startswith(f"error: --cache-dir {folder}: ") and words in err, err
    assert out == "" and not (tmp_path / "m.json").exists()


def test_the_variable_is_named_when_it_chose_the_folder(tmp_path, capsys, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("x\n")
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(afile / "rows"))
    code, _, err = run_cli(capsys, ["cache", "clear"])
    assert code == 2
    assert err == f"error: LOGISTIC_CACHE_DIR {afile / 'rows'}: {afile} is not a directory\n"


def test_a_missing_cache_folder_is_listed_empty_and_not_made(tmp_path, capsys):
    folder = tmp_path / "new" / "rows"
    code, out, err = run_cli(capsys, ["cache", "list", "--cache-dir", folder])
    assert code == 0, err
    assert out.startswith(f"{folder}: 0 entries")
    assert not folder.exists()


@pytest.mark.parametrize("kind", ["a-file", "below-a-file", "a-loop"])
def test_a_streamed_fit_refuses_the_variable_as_it_refuses_the_option(
    tmp_path, capsys, monkeypatch, folders, kind
):
    # ``fit --stream`` with LOGISTIC_CACHE_DIR naming a file fitted with a
    # warning quoting the raw errno ("[Errno 17] File exists") while
    # ``cache list`` and ``fit --cache-dir`` refused the same folder
    folder, words = folders[kind]
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(folder))
    args = [*COMMANDS["fit"], "-o", tmp_path / "m.json"]
    code, out, err = run_cli(capsys, args)
    assert code == 2, err
    assert err.startswith(f"error: LOGISTIC_CACHE_DIR {folder}: ") and words in err, err
    assert out == "" and not (tmp_path / "m.json").exists()
    # --no-cache and --cache-dir each take the variable's place
    for extra in (["--no-cache"], ["--cache-dir", tmp_path / "rows"]):
        code, _, err = run_cli(capsys, [*args, "--force", *extra])
        assert code == 0, err
        assert (tmp_path / "m.json").exists()
        (tmp_path / "m.json").unlink()


def test_an_in_memory_fit_does_not_read_the_variable(tmp_path, capsys, monkeypatch, folders):
    folder, _ = folders["a-file"]
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(folder))
    args = [*COMMANDS["fit"][:-1], "-o", tmp_path / "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
