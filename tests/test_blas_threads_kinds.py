"""One kind of limit at a time, a search read as one snapshot, and the
fallback's count kept right when its limit fails.

:func:`logistic._blas_threads.one_blas_thread` hands out the compiled
loader's context (:class:`logistic._loader.OneThread`, its count in C) or the
Python fallback (its count in ``_INSIDE``). Each restores the counts it found
when its last context leaves, so if both were inside at once, the one that
entered second would restore the 1 the first had set, for good. A library
loaded while one is inside (a search made again finding another BLAS, or the
OpenBLAS libraries again) must not switch the kind until every context left.
"""

from __future__ import annotations

import dis
import subprocess
import sys
import threading
import types

import numpy as np
import pytest

import logistic
from logistic import _blas_threads

MIX = r"""
import sys, threading
import numpy, scipy.linalg  # numpy's and scipy's OpenBLAS
import threadpoolctl
from logistic import _blas_threads as bt

blas = [
    lib for lib in threadpoolctl.ThreadpoolController().lib_controllers
    if lib.user_api == "blas"
]
if (
    not blas
    or any(lib.internal_api != "openblas" for lib in blas)
    or bt.one_blas_thread() is bt._FALLBACK
):
    print("skip")
    sys.exit()
for lib in blas:
    lib.set_num_threads(3)
found, through_ctypes = bt._find_openblas_setters, bt._search_maps()
if through_ctypes is None:
    print("skip")
    sys.exit()

def counts():
    return [lib.num_threads for lib in blas]

def search_finds(loaders):
    # as after a library was loaded: the search made again finds setters the
    # loader's context holds, or others (here the same libraries' setters
    # through ctypes, which the fallback holds as it holds a BLAS that is
    # not an OpenBLAS)
    bt._find_openblas_setters = found if loaders else (lambda: through_ctypes)
    bt._SETTERS[:] = []

LOADER_FIRST = sys.argv[1] == "loader-first"
search_finds(LOADER_FIRST)
entered, leave, left = threading.Event(), threading.Event(), threading.Event()

def first():
    with bt.one_blas_thread():
        entered.set()
        leave.wait(20)
    left.set()

threading.Thread(target=first, daemon=True).start()
assert entered.wait(20)
search_finds(not LOADER_FIRST)
seen = []
with bt.one_blas_thread():
    seen.append(counts())  # both inside
    leave.set()
    assert left.wait(20)
    seen.append(counts())  # the first left, this one inside
seen.append(counts())  # both left
with bt.one_blas_thread():
    seen.append(counts())  # a limit after it
seen.append(counts())
print(seen)
"""


@pytest.mark.parametrize("first", ["loader-first", "fallback-first"])
def test_a_context_entered_while_the_other_kind_is_inside_shares_its_count(first):
    """The first thread's context is one kind; a search made again while it
    is inside finds setters of the other kind (the fallback's: setters
    through ctypes); the second thread's context
    keeps the first kind, so the counts stay 1 until both left, then are 3
    again (with two counts, the second restored the 1 it found)."""
    pytest.importorskip("threadpoolctl")
    done = subprocess.run(
        [sys.executable, "-c", MIX, first], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    if done.stdout.strip() == "skip":
        pytest.skip("a BLAS other than OpenBLAS, or the loader's context unbuilt")
    seen = eval(done.stdout)  # a list of lists of ints
    n = len(seen[0])
    assert seen == [[1] * n, [1] * n, [3] * n, [1] * n, [3] * n]


def test_a_search_made_again_at_any_point_hands_out_the_search_s_context():
    """Another thread makes the search again at each event of a call of
    ``one_blas_thread`` in turn (a trace function runs it there): the call
    still hands out the loader's context, never the fallback."""
    np.ones(3) @ np.ones(3)
    if _blas_threads.one_blas_thread() is _blas_threads._FALLBACK:
        pytest.skip("the loader's context does not apply here")
    kind = type(_blas_threads.one_blas_thread())
    here = _blas_threads.__file__
    count, target = [0], [0]

    def search_again():
        _blas_threads._SETTERS[:] = []
        _blas_threads.openblas_setters()

    def trace(frame, event, arg):
        if frame.f_code.co_filename != here:
            return None
        frame.f_trace_opcodes = True
        count[0] += 1
        if count[0] == target[0]:
            other = threading.Thread(target=search_again)
            other.start()
            other.join()
        return trace

    points = 0
    while True:
        count[0], target[0] = 0, points + 1
        sys.settrace(trace)
        try:
            got = _blas_threads.one_blas_thread()
        finally:
            sys.settrace(None)
        assert type(got) is kind, f"point {points}: {type(got).__name__}"
        if count[0] < target[0]:
            break
        points += 1
    assert points > 10


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_fallback_limit_that_raises_takes_its_count_back(monkeypatch, error):
    """The fallback's limit raises (threadpoolctl failing, or Ctrl-C while
    its controller is first built): the context's count goes with it, so a
    later context sets the limit and restores it."""

    def fails():
        raise error("limit failed")

    monkeypatch.setattr(_blas_threads, "_limit_to_one", fails)
    with pytest.raises(error):
        with _blas_threads._FALLBACK:
            pass
    assert _blas_threads._INSIDE == []
    assert _blas_threads._UNDO == []
    assert not _blas_threads._SETTLING.locked()
    restored = []
    monkeypatch.setattr(
        _blas_threads, "_limit_to_one", lambda: lambda: restored.append(True)
    )
    with _blas_threads._FALLBACK:
        assert len(_blas_threads._UNDO) == 1
    assert restored == [True]
    assert _blas_threads._INSIDE == []


def test_a_half_imported_loader_module_is_not_used(monkeypatch):
    """An interrupt in ``logistic._loader``'s import can leave the module
    without its later names: it is dropped, and the search runs without it."""
    half = types.ModuleType("logistic._loader")
    half.load_counters = lambda: None  # set up before the interrupt
    monkeypatch.setitem(sys.modules, "logistic._loader", half)
    monkeypatch.setattr(logistic, "_loader", half, raising=False)
    assert _blas_threads._loader_module.__wrapped__() is None
    assert sys.modules.get("logistic._loader") is not half
    assert getattr(logistic, "_loader", None) is not half


def test_an_interrupt_before_the_fallback_s_count_leaves_it_as_it_was(monkeypatch):
    """A ``KeyboardInterrupt`` raised (by a trace function) at each event of
    the fallback's ``__enter__`` before its count's append propagates as it
    is, the count unchanged."""
    monkeypatch.setattr(_blas_threads, "_limit_to_one", lambda: None)
    code = _blas_threads._Fallback.__enter__.__code__
    # the first call is the append's (its opcode event comes before it runs)
    append = next(op.offset for op in dis.get_instructions(code) if op.opname == "CALL")
    count, target = [0], [0]

    def trace(frame, event, arg):
        if frame.f_code is not code:
            return None
        frame.f_trace_opcodes = True
        if frame.f_lasti <= append:
            count[0] += 1
            if count[0] == target[0]:
                raise KeyboardInterrupt
        return trace

    points = 0
    while True:
        count[0], target[0] = 0, points + 1
        sys.settrace(trace)
        try:
            with _blas_threads._FALLBACK:
                pass
            interrupted = False
        except KeyboardInterrupt:
            interrupted = True
        finally:
            sys.settrace(None)
        assert _blas_threads._INSIDE == [], f"point {points}"
        assert not _blas_threads._SETTLING.locked()
        if not interrupted:
            break
        points += 1
    assert points > 3
