"""Where the row cache goes when no folder is given (``backends._cache``'s
*Where*): ``$HOME`` and ``$XDG_CACHE_HOME`` are used only when they make sense.

An empty ``HOME`` put the cache in ``/.cache`` (the root folder), a
``HOME`` that does not exist (``/nonexistent``, a service account's) was
created, and a relative ``XDG_CACHE_HOME`` made a cache relative to the
working folder; the XDG spec says a relative value is invalid.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from logistic.backends._cache_id import default_cache_dir


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.delenv("LOGISTIC_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr("pwd.getpwuid", lambda uid: type("E", (), {"pw_dir": str(home)}))
    return monkeypatch, home


def test_home_when_it_is_an_existing_absolute_folder(env, tmp_path):
    monkeypatch, _ = env
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "logistic" / "rows"


@pytest.mark.parametrize("value", ["", "relative/home", "/nonexistent/x"])
def test_a_home_that_makes_no_sense_falls_back_to_the_user_database(env, value):
    monkeypatch, home = env
    monkeypatch.setenv("HOME", value)
    assert default_cache_dir() == home / ".cache" / "logistic" / "rows"


def test_a_relative_xdg_cache_home_is_ignored(env, tmp_path):
    monkeypatch, _ = env
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "rel/dir")
    assert default_cache_dir() == tmp_path / ".cache" / "logistic" / "rows"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "logistic" / "rows"


def test_no_home_at_all_is_a_folder_in_the_temporary_folder(env, monkeypatch):
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr("pwd.getpwuid", lambda uid: type("E", (), {"pw_dir": ""}))
    import tempfile

    got = default_cache_dir()
    assert got == Path(tempfile.gettempdir()) / f"logistic-{os.getuid()}" / "rows"


def test_cache_command_names_the_variable_that_chose_a_file(monkeypatch, tmp_path, capsys):
    from conftest import run_cli

    blocker = tmp_path / "data.csv"
    blocker.write_text("x\n")
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(blocker))
    code, _, err = run_cli(capsys, ["cache", "list"])
    assert code == 2
    assert err == f"error: LOGISTIC_CACHE_DIR {blocker}: exists and is not a directory\n"
    code, _, err = run_cli(capsys, ["cache", "list", "--cache-dir", blocker])
    assert err == f"error: --cache-dir {blocker}: exists and is not a directory\n"


@pytest.mark.parametrize("command", [["fit"], ["cache", "list"], ["cache", "clear"]])
def test_help_names_xdg_cache_home_beside_the_default(command, capsys, monkeypatch):
    # the help gave "$LOGISTIC_CACHE_DIR, else ~/.cache/logistic/rows", while
    # an absolute $XDG_CACHE_HOME takes the place of ~/.cache (the test above)
    from conftest import run_cli

    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = run_cli(capsys, [*command, "--help"])
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("│ --cache-dir"))
    assert "$XDG_CACHE_HOME/logistic/rows" in line, line
