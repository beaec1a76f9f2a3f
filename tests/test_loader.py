"""The loader's list of libraries (``logistic._loader``), walked in C.

References: the files of extension modules Python has imported (their
``__file__``), and the loader's own counters moving when a new library is
loaded. The walk must never deadlock against a thread that imports an
extension module (``dlopen`` with the GIL held): a Python callback inside
``dl_iterate_phdr`` did.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

loader = pytest.importorskip("logistic._loader")
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="dl_iterate_phdr walk")


def _extension_file() -> str:
    """A small extension module of the standard library, to load copies of."""
    dynload = os.path.join(os.path.dirname(os.__file__), "lib-dynload")
    found = glob.glob(os.path.join(dynload, "_bisect*.so"))
    if not found:
        pytest.skip("no _bisect extension file to copy")
    return found[0]


def test_the_list_holds_the_extension_modules_python_loaded():
    import numpy._core._multiarray_umath as umath

    names = {os.path.realpath(p) for p in loader.loaded_libraries()}
    assert os.path.realpath(umath.__file__) in names
    assert os.path.realpath(loader.__file__) in names


def test_the_counters_move_when_a_library_is_loaded(tmp_path):
    src = _extension_file()
    copy = tmp_path / os.path.basename(src)
    shutil.copy(src, copy)
    before = loader.load_counters()
    spec = importlib.util.spec_from_file_location("_bisect", copy)
    assert spec is not None
    importlib.util.module_from_spec(spec)  # dlopen of a file not loaded before
    after = loader.load_counters()
    assert after[0] > before[0]
    assert str(copy) in loader.loaded_libraries()


def test_the_walk_never_waits_for_a_thread_that_imports(tmp_path):
    """One thread imports fresh copies of an extension module (dlopen, GIL
    held) while the main thread walks the list, with GIL hand-offs every
    microsecond: a hang is killed by the timeout and fails."""
    script = textwrap.dedent(
        f"""
        import importlib.util, os, shutil, sys, threading, time
        from logistic import _loader
        sys.setswitchinterval(1e-6)
        src = {_extension_file()!r}
        stop = False
        def importer():
            i = 0
            while not stop:
                path = os.path.join({str(tmp_path)!r}, str(i), os.path.basename(src))
                os.makedirs(os.path.dirname(path))
                shutil.copy(src, path)
                spec = importlib.util.spec_from_file_location("_bisect", path)
                importlib.util.module_from_spec(spec)
                i += 1
        t = threading.Thread(target=importer, daemon=True)
        t.start()
        t0 = time.monotonic()
        n = 0
        while time.monotonic() - t0 < 3:
            _loader.loaded_libraries()
            _loader.load_counters()
            n += 1
        stop = True
        print(n)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 10

