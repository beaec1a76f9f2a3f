"""Findings of a new user's first hour with the command line, each fixed:

- ``fit --checkpoint model.json`` (the model file of an earlier fit given as
  the checkpoint, a slip between ``-o`` and ``--checkpoint``) was read as a
  damaged checkpoint: "no valid checkpoint: ... delete it and its .prev copy
  to fit afresh", advice that deletes the user's model. So was any other file
  that is no checkpoint (a data file). Such a file is now refused before any
  work, named for what it is, and nothing tells the user to delete it.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def model_file(workdir, capsys):
    argv = ["fit", UCLA, "--target", "admit", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    return workdir / "m.json"


def test_a_model_file_given_as_checkpoint_is_named_and_kept(model_file, capsys):
    before = model_file.read_bytes()
    argv = ["fit", UCLA, "--target", "admit", "-o", "m2.json"]
    code, out, err = run_cli(capsys, [*argv, "--checkpoint", model_file.name])
    assert (code, out) == (2, "")
    assert "--checkpoint m.json is a logistic model file, not a checkpoint" in err
    assert "give --checkpoint a path of its own" in err
    assert "delete" not in err
    assert model_file.read_bytes() == before  # untouched: no write, no .prev
    assert not (model_file.parent / "m2.json").exists()
    assert not (model_file.parent / "m.json.prev").exists()


def test_a_data_file_given_as_checkpoint_is_named_and_kept(workdir, capsys):
    other = workdir / "other.csv"  # not the input file: that one is caught already
    shutil.copyfile(UCLA, other)
    before = other.read_bytes()
    argv = ["fit", UCLA, "--target", "admit", "-o", "m.json"]
    code, out, err = run_cli(capsys, [*argv, "--checkpoint", other.name])
    assert (code, out) == (2, "")
    assert "--checkpoint other.csv is not a checkpoint" in err
    assert "delete" not in err
    assert other.read_bytes() == before
    assert not (workdir / "m.json").exists()


def test_a_damaged_checkpoint_with_its_previous_copy_still_resumes(workdir, capsys):
    # the documented recovery (docs/cli.md, Checkpoints): an unreadable latest
    # checkpoint falls back to PATH.prev with a warning, not refused as foreign
    argv = ["fit", UCLA, "--target", "admit", "-o", "m.json", "--checkpoint", "ck.json"]
    code, _, err = run_cli(capsys, [*argv, "-q"])
    assert code == 0, err
    shutil.copyfile(workdir / "ck.json", workdir / "ck.json.prev")
    (workdir / "ck.json").write_bytes(b"\x00garbage")
    code, _, err = run_cli(capsys, [*argv[:-3], "m2.json", "--checkpoint", "ck.json"])
    assert code == 0, err
    assert "resuming from the previous one" in err
