"""A dense block's Hessian pass in parts of its rows (``_fused_parts.h``,
:mod:`logistic._row_parts`), shared with the compiled kernel's helper thread.

The reference is the same block in one run of the row loop
(``dense_rows_f64``/``_f32``): the parts add the same rows' terms in another
grouping, so sums agree to rounding; each row's own values (the curvature
``d``) are bit for bit the same. Whatever ran the parts (the caller alone,
or the caller and the helper), the result is bit for bit the same: that is
what lets the thread count never change a fit.
"""

from __future__ import annotations

import math
import os
import threading
import time

import numpy as np
import pytest

from logistic import LogisticRegression, _row_parts
from logistic import _kernels as K


def _mod():
    mod = K.compiled_kernel()
    if mod is None or mod.row_loop_level() < 0:
        pytest.skip("compiled row loop not built or not chosen for this CPU")
    return mod


def _data(n, p, dtype, seed=0, offset=False, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)).astype(dtype)
    y = (rng.random(n) < 0.4).astype(dtype)
    w = rng.normal(size=p) * 0.3
    off = rng.normal(size=n) * 0.5 if offset else None
    sw = rng.uniform(0.5, 2.0, size=n) if weights else None
    return X, y, w, off, sw


def _one_run(mod, X, y, w, b, off, sw):
    n, p = X.shape
    q = K.hessian_order(p)
    g, d, H = np.empty(p), np.empty(n), np.empty((q, q))
    rows = mod.dense_rows_f64 if X.dtype == np.float64 else mod.dense_rows_f32
    loss, rsum = rows(X, y, w, b, off, sw, g, d, True, H)
    return loss, rsum, g, d, H


def _in_parts(mod, X, y, w, b, off, sw, parts, threads):
    n, p = X.shape
    q = K.hessian_order(p)
    g, d, H = np.empty(p), np.empty(n), np.empty((q, q))
    scratch = np.empty(mod.parts_scratch(parts, p, q))
    run = mod.dense_parts_f64 if X.dtype == np.float64 else mod.dense_parts_f32
    loss, rsum, helped = run(X, y, w, b, off, sw, g, d, True, H, parts, scratch, threads)
    assert 0 <= helped <= parts
    return loss, rsum, g, d, H


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("n", "p", "parts"),
    [(16, 1, 2), (103, 7, 3), (1001, 28, 8), (7000, 28, 6), (517, 60, 5)],
)
@pytest.mark.parametrize("extras", [(False, False), (True, True)])
def test_parts_match_one_run(dtype, n, p, parts, extras):
    mod = _mod()
    X, y, w, off, sw = _data(n, p, dtype, offset=extras[0], weights=extras[1])
    ref = _one_run(mod, X, y, w, 0.25, off, sw)
    got = _in_parts(mod, X, y, w, 0.25, off, sw, parts, threads=1)
    rtol = 1e-12
    assert got[0] == pytest.approx(ref[0], rel=rtol)
    assert got[1] == pytest.approx(ref[1], rel=rtol, abs=1e-12 * n)
    scale = np.abs(ref[2]).max()
    np.testing.assert_allclose(got[2], ref[2], rtol=rtol, atol=rtol * scale * n)
    np.testing.assert_array_equal(got[3], ref[3])  # each row's curvature
    k = p + 1
    np.testing.assert_allclose(
        got[4][:k, :k], ref[4][:k, :k], rtol=rtol, atol=rtol * np.abs(ref[4]).max()
    )
    # the Hessian sums are the plain formula's: Σ d x̃ x̃ᵀ
    Xt = np.hstack([X.astype(np.float64), np.ones((n, 1))])
    plain = (Xt * ref[3][:, None]).T @ Xt
    np.testing.assert_allclose(got[4][:k, :k], plain, rtol=1e-10, atol=1e-10 * np.abs(plain).max())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_helper_changes_no_bit(dtype):
    """The caller alone and the caller with the helper give the same bits,
    many times over (the helper takes a varying number of parts)."""
    mod = _mod()
    X, y, w, off, sw = _data(7000, 28, dtype, seed=3, offset=True, weights=True)
    alone = _in_parts(mod, X, y, w, -0.5, off, sw, 6, threads=1)
    mod.helper_wake()
    for _ in range(30):
        shared = _in_parts(mod, X, y, w, -0.5, off, sw, 6, threads=2)
        assert shared[0] == alone[0] and shared[1] == alone[1]
        for a, b in zip(shared[2:], alone[2:], strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="the helper needs a second CPU to take parts in time",
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_helper_takes_parts_and_is_waited_for(dtype):
    """The helper does take parts (the tests above pass as well when it
    never does), and the caller waits for the part it took: in two equal
    parts the helper's often ends after the caller's, so a caller that
    summed (or returned) without waiting would read half-written scratch."""
    mod = _mod()
    X, y, w, off, sw = _data(20000, 28, dtype, seed=13, offset=True, weights=True)
    alone = _in_parts(mod, X, y, w, 0.3, off, sw, 2, threads=1)
    n, p = X.shape
    q = K.hessian_order(p)
    run = mod.dense_parts_f64 if dtype == np.float64 else mod.dense_parts_f32
    helped = calls = 0
    deadline = time.monotonic() + 10.0
    while calls < 200 or (helped < 20 and time.monotonic() < deadline):
        mod.helper_wake()
        g, d, H = np.full(p, np.nan), np.full(n, np.nan), np.full((q, q), np.nan)
        scratch = np.full(mod.parts_scratch(2, p, q), np.nan)
        loss, rsum, h = run(X, y, w, 0.3, off, sw, g, d, True, H, 2, scratch, 2)
        helped += h
        calls += 1
        assert loss == alone[0] and rsum == alone[1]
        for a, b in zip((g, d, H), alone[2:], strict=True):
            np.testing.assert_array_equal(a, b)
    assert helped > 0, f"the helper took no part in {calls} calls"


def test_threads_at_once_share_one_helper():
    """Four Python threads running blocks in parts at once (one gets the
    helper at a time, the others run their parts themselves) all get the
    one-thread result."""
    mod = _mod()
    X, y, w, off, sw = _data(4000, 20, np.float64, seed=5)
    want = _in_parts(mod, X, y, w, 0.1, off, sw, 4, threads=1)
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(20):
                got = _in_parts(mod, X, y, w, 0.1, off, sw, 4, threads=2)
                assert got[0] == want[0]
                np.testing.assert_array_equal(got[4], want[4])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def _reap(pids, seconds=60.0):
    """Exit codes of forked children, killing those still running after
    ``seconds`` (a hang fails the test instead of blocking the suite):
    ``(codes, hung)``."""
    pids = list(pids)
    deadline = time.monotonic() + seconds
    codes = {}
    while pids and time.monotonic() < deadline:
        for pid in list(pids):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                codes[pid] = os.waitstatus_to_exitcode(status)
                pids.remove(pid)
        time.sleep(0.01)
    for pid in pids:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return codes, pids


def test_forked_child_starts_its_own_helper():
    """A child forked after the parent's helper ran has no helper (threads do
    not survive fork): its first block in parts starts one and gets the
    parent's result."""
    mod = _mod()
    X, y, w, off, sw = _data(3000, 12, np.float64, seed=7)
    mod.helper_wake()
    want = _in_parts(mod, X, y, w, 0.0, off, sw, 3, threads=2)
    pid = os.fork()
    if pid == 0:  # the child: no pytest machinery, an exit status only
        code = 1
        try:
            got = _in_parts(mod, X, y, w, 0.0, off, sw, 3, threads=2)
            ok = got[0] == want[0] and np.array_equal(got[4], want[4])
            ok = ok and mod.helper_wake()
            code = 0 if ok else 2
        finally:
            os._exit(code)
    codes, hung = _reap([pid])
    assert not hung, "the child hung"
    assert codes == {pid: 0}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_fork_while_another_thread_shares_a_block():
    """Children forked while another thread of the parent hands blocks to
    the helper (the hand-over's locks and the helper's sleep possibly held
    by threads the child lacks) finish their own blocks in parts: with no
    fork handler some hang. A child still running after a minute fails."""
    mod = _mod()
    X, y, w, off, sw = _data(3000, 12, np.float64, seed=17)
    want = _in_parts(mod, X, y, w, 0.0, off, sw, 3, threads=1)
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            _in_parts(mod, X, y, w, 0.0, off, sw, 3, threads=2)

    thread = threading.Thread(target=busy)
    thread.start()
    pids = []
    try:
        for _ in range(40):
            time.sleep(0.002)
            pid = os.fork()
            if pid == 0:  # the child: an exit status only
                code = 1
                try:
                    got = [_in_parts(mod, X, y, w, 0.0, off, sw, 3, 2) for _ in range(5)]
                    code = 0 if all(g[0] == want[0] for g in got) else 2
                finally:
                    os._exit(code)
            pids.append(pid)
    finally:
        stop.set()
        thread.join()
    codes, hung = _reap(pids)
    assert not hung, f"{len(hung)} of 40 children hung"
    assert all(c == 0 for c in codes.values()), codes


def test_bad_arguments_are_named():
    mod = _mod()
    X, y, w, off, sw = _data(100, 5, np.float64)
    q = K.hessian_order(5)
    g, H = np.empty(5), np.empty((q, q))
    with pytest.raises(ValueError, match="parts is 9 for 100 rows; expected 2 to 8"):
        mod.dense_parts_f64(X, y, w, 0.0, None, None, g, None, True, H, 9, np.empty(9 * 100), 1)
    with pytest.raises(ValueError, match="parts is 2 for 15 rows"):
        mod.dense_parts_f64(X[:15], y[:15], w, 0.0, None, None, g, None, True, H, 2,
                            np.empty(200), 1)  # fmt: skip
    with pytest.raises(ValueError, match="X has no columns"):
        mod.dense_parts_f64(X[:, :0], y, w[:0], 0.0, None, None, g, None, True, H, 2,
                            np.empty(200), 1)  # fmt: skip
    with pytest.raises(ValueError, match="scratch has 3 entries; expected at least 69"):
        mod.dense_parts_f64(X, y, w, 0.0, None, None, g, None, True, H, 2, np.empty(3), 1)


def test_parts_rule_is_the_shape_alone():
    assert _row_parts.parts_of(7000, 32) == 6  # higgs: 7 000 × 28
    assert _row_parts.parts_of(1000, 32) == 1  # below PARTS_MIN_WORK
    assert _row_parts.parts_of(10**6, 128) == _row_parts.MAX_PARTS
    assert _row_parts.parts_of(15, 1024) == 1  # too few rows to share
    assert _row_parts.parts_of(64, 256) == 4  # ≥ 2 and at most a part per 8 rows
    assert _row_parts.parts_of(24, 512) == 3


def test_fit_does_not_depend_on_threads():
    """A fit whose Hessian passes run in parts gives the same bits on one
    thread (``n_jobs=1``: the caller runs every part) and on two."""
    _mod()
    X, y, *_ = _data(7000, 28, np.float64, seed=11)
    y = y.astype(int)
    assert _row_parts.parts_of(7000, K.hessian_order(28)) > 1
    one = LogisticRegression(penalty="l2", alpha=1e-3, n_jobs=1).fit(X, y)
    two = LogisticRegression(penalty="l2", alpha=1e-3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    np.testing.assert_array_equal(one.intercept_, two.intercept_)
    assert one.solver_ == two.solver_ == "newton"
    assert one.n_iter_ == two.n_iter_



def test_busy_machine_keeps_the_helper_out(monkeypatch):
    """``part_threads``: two threads where the fit allows two or more and the
    1-minute load average is below the CPUs less one half; else one (and one
    wherever the fit allows one)."""
    cpus = 4
    monkeypatch.setattr(_row_parts.os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(_row_parts, "own_load", lambda: 1.0)  # one thread busy
    monkeypatch.setattr(_row_parts.os, "getloadavg", lambda: (3.4, 0.0, 0.0))
    assert _row_parts.part_threads(2) == 2
    assert _row_parts.part_threads(1) == 1
    monkeypatch.setattr(_row_parts.os, "getloadavg", lambda: (3.5, 0.0, 0.0))
    assert _row_parts.part_threads(8) == 1

    def no_load():
        raise OSError("no load average")

    monkeypatch.setattr(_row_parts.os, "getloadavg", no_load)
    assert _row_parts.part_threads(2) == 2


def test_the_process_own_spin_leaves_the_helper_on(monkeypatch):
    """A loop of small fits with the helper spinning raises the load average
    of a 2-CPU machine to about two by itself: the process's own CPU use
    beyond one thread is not counted as the machine being busy, other work
    is."""
    monkeypatch.setattr(_row_parts.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(_row_parts.os, "getloadavg", lambda: (1.9, 0.0, 0.0))
    monkeypatch.setattr(_row_parts, "own_load", lambda: 1.8)  # fit + helper
    assert _row_parts.part_threads(2) == 2
    monkeypatch.setattr(_row_parts, "own_load", lambda: 1.0)  # fit alone
    assert _row_parts.part_threads(2) == 1  # 0.9 of the load is other work
    monkeypatch.setattr(_row_parts, "own_load", lambda: 0.2)
    assert _row_parts.part_threads(2) == 1


def test_own_load_averages_as_the_load_average(monkeypatch):
    """``own_load``: CPU seconds a second, exponentially averaged with the
    1-minute load average's time constant (60 s). Reference values: the
    closed form of that average for a constant input u over t seconds from
    0, u (1 - exp(-t / 60)), which calls close together approach; its decay,
    exp(-t / 60), at no input; and after one long gap at most the kernel's
    average of the same history (CPU time done early in the gap is not taken
    for CPU time done now)."""
    clock = {"wall": 1000.0, "cpu": 50.0}
    monkeypatch.setattr(_row_parts.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(_row_parts.time, "process_time", lambda: clock["cpu"])
    monkeypatch.setattr(_row_parts, "_OWN", (1000.0, 50.0, 0.0))
    for _ in range(12_000):  # 2 CPUs busy for 120 s, a call every 10 ms
        clock["wall"] += 0.01
        clock["cpu"] += 0.02
        _row_parts.own_load()
    busy = 2 * (1 - math.exp(-2))
    assert _row_parts.own_load() == pytest.approx(busy, rel=1e-3)
    clock["wall"] += 60.0  # idle for 60 s
    assert _row_parts.own_load() == pytest.approx(busy * math.exp(-1), rel=1e-3)
    settled = _row_parts.own_load()
    assert _row_parts.own_load() == settled  # no time passed

    monkeypatch.setattr(_row_parts, "_OWN", (1000.0, 50.0, 0.0))
    clock.update(wall=1600.0, cpu=50.0 + 8 * 300.0)  # 8 CPUs for 300 s, 300 s idle
    kernel = 8 * (1 - math.exp(-5)) * math.exp(-5)
    assert 0.0 <= _row_parts.own_load() <= kernel


def test_own_load_of_a_forked_child_counts_from_the_fork(monkeypatch):
    """A forked child's CPU time starts again at the fork: its own use is
    measured from there (the fork handler), never from the parent's."""
    clock = {"wall": 5000.0, "cpu": 0.25}
    monkeypatch.setattr(_row_parts.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(_row_parts.time, "process_time", lambda: clock["cpu"])
    monkeypatch.setattr(_row_parts, "_OWN", (4000.0, 900.0, 1.7))  # the parent's
    monkeypatch.setattr(_row_parts, "_OWN_LOCK", _row_parts._OWN_LOCK)
    _row_parts._own_load_in_child()
    assert _row_parts.own_load() == 0.0
    for _ in range(6_000):  # the child busy on one CPU for 60 s
        clock["wall"] += 0.01
        clock["cpu"] += 0.01
        _row_parts.own_load()
    assert _row_parts.own_load() == pytest.approx(1 - math.exp(-1), rel=1e-3)


def test_the_process_other_threads_count_as_other_work(monkeypatch):
    """Only one thread of the process's own use is the helper's: concurrent
    fits or pools of the process are other work."""
    monkeypatch.setattr(_row_parts.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(_row_parts.os, "getloadavg", lambda: (3.2, 0.0, 0.0))
    monkeypatch.setattr(_row_parts, "own_load", lambda: 3.0)  # three threads busy
    assert _row_parts.part_threads(2) == 1
