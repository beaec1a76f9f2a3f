"""The dense-Hessian memory check (:func:`logistic.solvers._auto.check_hessian_memory`):
asked only for Hessians above MEMORY_CHECK_MIN_BYTES, larger ones beyond the
memory refused, for binary fits (``resolve_solver``) and multinomial ones
(K·(p+1) parameters); the memory is the machine's or its cgroup's limit."""

import numpy as np
import pytest

from logistic import LogisticRegression, _memory
from logistic._exceptions import InvalidParameterError
from logistic._typing import DataDescription
from logistic.solvers import _auto


def _data(p):
    return DataDescription(1000, p, np.dtype(np.float64), None)


def _refuse():
    raise AssertionError("memory asked for a small Hessian")


def test_small_hessians_do_not_ask_for_the_memory(monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", _refuse)
    p = 200  # 8 * 201² bytes = 0.3 MiB
    assert 8 * (p + 1) ** 2 <= _memory.MEMORY_CHECK_MIN_BYTES
    name = _auto.resolve_solver("newton", _data(p), penalty="l2", l1=0.0, owner="t")
    assert name == "newton"


def test_the_memory_is_asked_from_just_above_the_threshold(monkeypatch):
    # threshold: the Hessian of p = 100 columns and an intercept (8 * 101²)
    monkeypatch.setattr(_memory, "MEMORY_CHECK_MIN_BYTES", 8 * 101 * 101)
    monkeypatch.setattr(_memory, "process_memory", _refuse)
    assert _auto.resolve_solver("newton", _data(100), penalty="l2", l1=0.0, owner="t")
    asked = []
    monkeypatch.setattr(_memory, "process_memory", lambda: asked.append(1) or 2**40)
    assert (
        _auto.resolve_solver("newton", _data(101), penalty="l2", l1=0.0, owner="t")
        == "newton"
    )
    assert asked


def test_a_large_hessian_beyond_the_memory_is_refused(monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", lambda: 2**20 * 100)
    p = 4000  # 8 * 4001² bytes = 122 MiB > 100 MiB
    with pytest.raises(
        InvalidParameterError,
        match=r"solver='newton' forms a dense 4001 × 4001 Hessian \(122 MiB\), "
        r"more than the memory this process may use \(100 MiB: the machine's, or its container's limit\)",
    ):
        _auto.resolve_solver("newton", _data(p), penalty="l2", l1=0.0, owner="t")
    # solvers without a dense Hessian pass
    assert (
        _auto.resolve_solver("lbfgs", _data(p), penalty="l2", l1=0.0, owner="t")
        == "lbfgs"
    )


def test_auto_takes_no_newton_beyond_the_memory(monkeypatch):
    # 10^9 rows: one Newton iteration on p = 20 000 costs ~1.3 passes, but
    # its Hessian (3.0 GiB) exceeds a 2 GiB machine
    long = DataDescription(10**9, 20_000, np.dtype(np.float64), None)
    assert _auto.newton_cost_in_passes(10**9, 20_000) <= _auto.MAX_NEWTON_PASSES
    monkeypatch.setattr(_memory, "process_memory", lambda: 2**40)
    assert _auto.resolve_solver("auto", long, penalty="l2", l1=0.0, owner="t") == (
        "newton"
    )
    monkeypatch.setattr(_memory, "process_memory", lambda: 2 * 2**30)
    assert _auto.resolve_solver("auto", long, penalty="l2", l1=0.0, owner="t") == (
        "lbfgs"
    )


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (512, "512 B"),
        (1536, "1.5 KiB"),
        (8 * 4001**2, "122 MiB"),
        (100 * 2**20, "100 MiB"),
        (int(2.5 * 2**30), "2.5 GiB"),
        (80 * 2**30, "80 GiB"),
        (3 * 2**40, "3.0 TiB"),
    ],
)
def test_sizes_in_messages(size, text):
    assert _memory.format_bytes(size) == text


# -- multinomial fits: a (K·(p+1))² Hessian --------------------------------------
def _three_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 20))
    return X, rng.integers(0, 3, 300)


def _small_machine(monkeypatch, memory):
    monkeypatch.setattr(_memory, "MEMORY_CHECK_MIN_BYTES", 0)
    monkeypatch.setattr(_memory, "process_memory", lambda: memory)


def test_a_multinomial_hessian_beyond_the_memory_is_refused(monkeypatch):
    # 10 000 bytes hold the binary Hessian of 21 parameters (3 528 bytes),
    # not the multinomial one: with an L2 term K·(p+1) = 63 parameters
    # (31 752 bytes), unpenalized (reference classes) (K-1)·(p+1) = 42
    _small_machine(monkeypatch, 10_000)
    X, y = _three_classes()
    LogisticRegression(solver="newton").fit(X, (y > 0).astype(float))
    with pytest.raises(
        InvalidParameterError,
        match=r"solver='newton' forms a dense 63 × 63 Hessian \(31 KiB\), more "
        r"than the memory this process may use \(9.8 KiB: the machine's, or its container's limit\); use solver='auto' "
        r"\(or 'lbfgs', 'newton-cg'; with an L1 term 'fista'\)",
    ):
        LogisticRegression(solver="newton", penalty="l2").fit(X, y)
    with pytest.raises(InvalidParameterError, match=r"42 × 42 Hessian \(14 KiB\)"):
        LogisticRegression(solver="newton", penalty=None).fit(X, y)
    with pytest.raises(InvalidParameterError, match="solver='newton-cd' forms"):
        LogisticRegression(solver="newton-cd", penalty="l1", C=1.0).fit(X, y)


def test_multinomial_auto_takes_no_hessian_beyond_the_memory(monkeypatch):
    X, y = _three_classes()
    assert LogisticRegression().fit(X, y).solver_ == "newton"
    _small_machine(monkeypatch, 10_000)
    assert LogisticRegression().fit(X, y).solver_ == "lbfgs"
    l1 = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    assert l1.solver_ == "fista"
    assert LogisticRegression(solver="lbfgs").fit(X, y).solver_ == "lbfgs"


# -- the memory: the machine's, or its cgroup's limit where lower ---------------
def _tree(monkeypatch, tmp_path, own="0::/\n4:memory:/\n", limits=()):
    """A fake /proc/self/cgroup (``own``) and /sys/fs/cgroup with the limit
    files ``limits``: (path under the mount, text) pairs."""
    mount = tmp_path / "sys-fs-cgroup"
    mount.mkdir(exist_ok=True)
    for relative, text in limits:
        path = mount / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text(own)
    monkeypatch.setattr(_memory, "CGROUP_MOUNT", str(mount))
    monkeypatch.setattr(_memory, "PROC_SELF_CGROUP", str(proc))


def _limits(monkeypatch, tmp_path, v2, v1):
    """The root cgroup's limit files (the process's own cgroup is the root)."""
    files = (("memory.max", v2), ("memory/memory.limit_in_bytes", v1))
    _tree(monkeypatch, tmp_path, limits=[(p, t) for p, t in files if t is not None])


@pytest.mark.parametrize(
    ("v2", "v1", "limit"),
    [
        ("2147483648\n", None, 2**31),  # cgroup v2
        ("max\n", None, None),  # v2 without a limit
        (None, "1073741824\n", 2**30),  # cgroup v1
        (None, "9223372036854771712\n", None),  # v1 without a limit
        ("max\n", "1073741824\n", 2**30),
        (None, None, None),  # neither readable
        ("garbage", "0", None),
    ],
)
def test_the_cgroup_limit(monkeypatch, tmp_path, v2, v1, limit):
    _limits(monkeypatch, tmp_path, v2, v1)
    assert _memory.cgroup_limit() == limit


# A process in a sub-cgroup (a systemd unit, a container without its own
# cgroup namespace, a batch job) is killed beyond that cgroup's limit, or an
# ancestor's, as the kernel documents (Documentation/admin-guide/cgroup-v2.rst:
# memory.max, "If a cgroup's memory usage reaches this limit and can't be
# reduced, the OOM killer is invoked in the cgroup"; limits apply to the
# whole subtree); the root's file says "max" or is absent there.
V2_JOB = [
    ("memory.max", "max\n"),
    ("batch/memory.max", "8589934592\n"),  # 8 GiB for the jobs
    ("batch/job7/memory.max", "max\n"),
    ("batch/job7/step0/memory.max", "2147483648\n"),  # 2 GiB for this step
]


@pytest.mark.parametrize(
    ("own", "limits", "limit"),
    [
        ("0::/batch/job7/step0\n", V2_JOB, 2**31),  # its own cgroup's limit
        ("0::/batch/job7\n", V2_JOB, 2**33),  # an ancestor's limit
        ("0::/other\n", V2_JOB, None),  # a sibling's limit is none of its
        # an ancestor's lower limit bounds the cgroup below it
        ("0::/a/b\n", [("a/memory.max", "1073741824\n"),
                        ("a/b/memory.max", "4294967296\n")], 2**30),
        # cgroup v1: the memory controller's line, among the others
        ("5:cpu,cpuacct:/x\n4:memory:/docker/abc\n0::/\n",
         [("memory/memory.limit_in_bytes", "9223372036854771712\n"),
          ("memory/docker/abc/memory.limit_in_bytes", "536870912\n")], 2**29),
        # a path outside the mount (a container without a cgroup namespace
        # sees the host's path): the ancestors that exist, the root's here
        ("0::/system.slice/docker-1.scope\n", [("memory.max", "3221225472\n")],
         3 * 2**30),
        ("0::/../../etc\n", [("memory.max", "max\n")], None),  # never above
    ],
)  # fmt: skip
def test_the_limit_of_the_process_s_own_cgroup(monkeypatch, tmp_path, own, limits, limit):
    _tree(monkeypatch, tmp_path, own, limits)
    assert _memory.cgroup_limit() == limit


def test_an_unreadable_cgroup_list_reads_the_root_s_limit(monkeypatch, tmp_path):
    _tree(monkeypatch, tmp_path, limits=[("memory.max", "1073741824\n")])
    monkeypatch.setattr(_memory, "PROC_SELF_CGROUP", str(tmp_path / "absent"))
    assert _memory.cgroup_limit() == 2**30


def test_the_memory_is_the_lower_of_the_machine_and_the_cgroup(monkeypatch, tmp_path):
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 64 * 2**20}  # 256 GiB host
    monkeypatch.setattr(_memory.os, "sysconf", pages.__getitem__)
    _limits(monkeypatch, tmp_path, "2147483648\n", None)  # a 2 GiB container
    assert _memory.process_memory() == 2**31
    _auto.check_hessian_memory("newton", 16_000)  # 1.9 GiB fits
    with pytest.raises(
        InvalidParameterError,
        match=r"Hessian \(2.2 GiB\), .* may use \(2.0 GiB: the machine.s, or its container.s limit\)",
    ):
        _auto.check_hessian_memory("newton", 17_000)
    _limits(monkeypatch, tmp_path, "max\n", None)
    assert _memory.process_memory() == 256 * 2**30


def test_the_memory_without_sysconf_is_the_cgroup_limit(monkeypatch, tmp_path):
    def no_sysconf(name):
        raise ValueError(name)

    monkeypatch.setattr(_memory.os, "sysconf", no_sysconf)
    _limits(monkeypatch, tmp_path, None, None)
    assert _memory.process_memory() is None
    _limits(monkeypatch, tmp_path, "2147483648\n", None)
    assert _memory.process_memory() == 2**31
