"""``--workers`` / ``--scheduler`` where Dask's ``distributed`` is not
installed: a usage error (exit 2) that names the ``dask`` extra, in the one
wording of :mod:`logistic.cli._dask_client`, whichever of the two options was
given and whichever Dask modules this process imported before.

``--scheduler`` said the generic "this command needs the 'dask' extra" line
instead when ``logistic.backends._dask_warm`` (which imports ``distributed``
at its top) had not been imported yet: a fresh ``logistic fit`` without Dask,
and this test alone, while the whole suite (where an earlier Dask test had
imported it) passed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from logistic.cli.app import main

NO_DASK = (
    "error: --workers/--scheduler need the 'dask' extra: pip install "
    "'logistic[dask]' (from a clone: pip install '.[dask]') ("
)
OPTIONS = [["--workers", "2"], ["--scheduler", "tcp://10.0.0.5:8786"]]


@pytest.fixture
def no_distributed(monkeypatch):
    """Every ``distributed`` module not importable, including the ones an
    earlier test of this process imported (a ``None`` entry in
    ``sys.modules`` is how Python marks a module as not importable; a cached
    ``distributed.comm`` would otherwise still import under a ``None``
    parent)."""
    names = [m for m in sys.modules if m.partition(".")[0] == "distributed"]
    for name in {"distributed", *names}:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize("dask", OPTIONS)
def test_workers_without_dask_is_a_usage_error(
    tmp_path, capsys, monkeypatch, no_distributed, dask
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    code = main(["fit", "d.csv", "-t", "y", *dask, "-o", "m.json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(NO_DASK), err
    assert err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


# A fresh interpreter whose import system has no ``distributed`` at all (the
# ModuleNotFoundError of an environment without it), both options in turn.
_FRESH = """
import importlib.abc, sys

class NoDistributed(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] == "distributed":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoDistributed())
from logistic.cli.app import main
for option in OPTIONS:
    print(main(["fit", "d.csv", "-t", "y", *option, "-o", "m.json"]), flush=True)
"""


def test_a_fresh_command_without_distributed_names_the_extra(tmp_path):
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    done = subprocess.run(
        [sys.executable, "-c", _FRESH.replace("OPTIONS", repr(OPTIONS))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "2"]
    suffix = "(No module named 'distributed')"
    assert done.stderr.splitlines() == [NO_DASK[:-1] + suffix] * 2, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]
