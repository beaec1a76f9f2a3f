"""The model file of ``logistic fit`` is written atomically with two fsyncs.

``logistic._atomic``: the complete content goes to a temporary file beside
the target, that file is fsynced, renamed onto the target, and the directory
is fsynced (so the rename itself survives a crash). A fit makes exactly these
two fsyncs, in this order: none skipped (durability), none added (each costs
milliseconds of the fit's start-up time on a real disk).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from logistic.cli.app import main
from logistic.io import read_model_file

UCLA = Path(__file__).resolve().parent / "data" / "ucla-admissions" / "binary.csv"


def test_fit_writes_its_model_with_one_file_and_one_directory_fsync(
    tmp_path, monkeypatch
):
    events: list[tuple[str, str]] = []
    fsync, replace = os.fsync, os.replace

    def recording_fsync(fd: int) -> None:
        kind = "directory" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(("fsync", kind))
        fsync(fd)

    def recording_replace(src: str, dst: str) -> None:
        events.append(("rename", Path(dst).name))
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    out = tmp_path / "m.json"
    args = ["fit", str(UCLA), "--target", "admit", "-q", "-o", str(out), "--force"]
    assert main(args) == 0
    assert events == [("fsync", "file"), ("rename", "m.json"), ("fsync", "directory")]
    assert read_model_file(out).model.solver_ == "newton"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temporary left
