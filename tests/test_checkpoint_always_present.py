"""A new checkpoint never leaves ``path`` missing while it is written.

The previous checkpoint was renamed to ``path.prev`` before the new one was
written, so for the whole write (temp file, fsync, rename, directory fsync)
only ``path.prev`` existed: a SIGTERM then left no ``path`` (the CLI's
SIGTERM test saw ``['c.ckpt.prev', 'd.parquet']``, 1 run in ~20 under load).
The previous checkpoint is now a hard link renamed onto ``path.prev``;
``path`` holds a complete checkpoint at every instant. Reference: the
bytes each save wrote, read back from ``path`` and ``path.prev``."""

from __future__ import annotations

import numpy as np

import logistic._checkpoint as ckpt_module
from logistic._checkpoint import Checkpointer


def test_path_exists_throughout_each_write(tmp_path, monkeypatch):
    ck = Checkpointer(tmp_path / "c.json", fingerprint="f", config={"l2": 0.1})
    seen = []
    real = ckpt_module.atomic_write

    def watching(path, data):
        seen.append(ck.path.exists())
        real(path, data)

    monkeypatch.setattr(ckpt_module, "atomic_write", watching)
    texts = []
    for it in range(3):
        ck.save(it, {"theta": np.arange(3.0) + it}, [{"iter": it}])
        texts.append(ck.path.read_bytes())
    assert seen == [False, True, True]  # only the first write has no predecessor
    assert (tmp_path / "c.json.prev").read_bytes() == texts[1]
    assert ck.path.read_bytes() == texts[2] != texts[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.json.prev"]


def test_without_hard_links_the_old_checkpoint_is_renamed(tmp_path, monkeypatch):
    import os

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    ck = Checkpointer(tmp_path / "c.json", fingerprint="f", config={"l2": 0.1})
    ck.save(0, {"theta": np.zeros(2)}, [{"iter": 0}])
    first = ck.path.read_bytes()
    monkeypatch.setattr(os, "link", no_links)
    ck.save(1, {"theta": np.ones(2)}, [{"iter": 1}])
    assert (tmp_path / "c.json.prev").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.json.prev"]


def test_links_left_by_killed_processes_are_removed(tmp_path):
    """A process killed between the link and its rename leaves
    ``.c.json.prev.<host>-<pid>.link.tmp``; the next rotation removes it
    (the temporary files' rule: a process of this host that no longer runs).
    A write killed after the link leaves ``c.json`` and ``c.json.prev`` one
    file; renaming a third name onto it would do nothing and leave that name."""
    import os
    import subprocess
    import sys

    from logistic import _atomic

    ck = Checkpointer(tmp_path / "c.json", fingerprint="f", config={"l2": 0.1})
    ck.save(0, {"theta": np.zeros(2)}, [{"iter": 0}])
    first = ck.path.read_bytes()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    mark = _atomic._mark("c.json.prev", _atomic._host())
    stale = tmp_path / f"{mark}{int(dead.stdout)}.link.tmp"
    os.link(ck.path, stale)
    os.link(ck.path, tmp_path / "c.json.prev")  # as after a killed write
    ck.save(1, {"theta": np.ones(2)}, [{"iter": 1}])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.json.prev"]
    assert (tmp_path / "c.json.prev").read_bytes() == first != ck.path.read_bytes()
