"""One running fit per checkpoint path (:mod:`logistic._checkpoint_lock`).

Two fits given one checkpoint path at the same time overwrote each other's
state (each write atomic, the file whole, but the resumed state another
fit's). The second fit now fails before any work, naming the file, the
holder's process id and the remedy; a lock left by a killed process never
blocks, and fits of one path one after the other still resume.
"""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

from conftest import lock_held_by_child
from logistic import CheckpointInUseError, ConvergenceWarning, LogisticRegression
from logistic._checkpoint_lock import acquire, held
from logistic._checkpoint_paths import lock_path, recorded_resumes
from logistic._exceptions import InvalidParameterError

fcntl = pytest.importorskip("fcntl")


def make_data(n=400, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ np.linspace(-1, 1, p))))).astype(int)
    return X, y


def locked_elsewhere(lock) -> bool:
    """Whether another process finds ``lock`` locked (it cannot take it)."""
    code = (
        "import fcntl, os, sys\n"
        "fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "try:\n"
        "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except OSError:\n"
        "    sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(lock)], timeout=60)
    return done.returncode == 3


def test_a_second_fit_of_a_held_checkpoint_fails_before_any_work(tmp_path):
    # a second fit would write its state over the running fit's checkpoint
    X, y = make_data()
    path = tmp_path / "c.ckpt"
    lock = tmp_path / "c.ckpt.lock"
    calls = []
    with lock_held_by_child(lock) as holder:
        with pytest.raises(CheckpointInUseError) as caught:
            LogisticRegression(solver="newton").fit(
                X, y, checkpoint=path, callback=calls.append
            )
        assert lock.read_text() == f"{holder.pid}\n"  # left as the holder wrote it
    exc = caught.value
    assert str(exc) == (
        f"checkpoint {path} is in use: another fit, process {holder.pid}, holds "
        f"its lock file {lock} while it writes that checkpoint, and two fits "
        "writing one checkpoint would overwrite each other's state. Wait until "
        "that fit ends, or give this fit a checkpoint path of its own"
    )
    assert (exc.path, exc.lock_path, exc.pid) == (str(path), str(lock), holder.pid)
    assert isinstance(exc, ValueError)  # the package's errors are ValueErrors
    assert calls == [] and not path.exists()  # no iteration, nothing written


def test_a_bad_parameter_is_named_before_the_checkpoint(tmp_path):
    # the parameters are checked before the lock is taken: a busy checkpoint
    # does not hide a parameter the fit could never take
    X, y = make_data()
    path = tmp_path / "c.ckpt"
    with lock_held_by_child(tmp_path / "c.ckpt.lock"):
        with pytest.raises(InvalidParameterError, match="'C' parameter"):
            LogisticRegression(C=-1.0).fit(X, y, checkpoint=path)


def test_a_missing_folder_is_named(tmp_path):
    X, y = make_data()
    path = tmp_path / "nowhere" / "c.ckpt"
    with pytest.raises(FileNotFoundError) as caught:
        LogisticRegression().fit(X, y, checkpoint=path)
    assert str(caught.value) == (
        f"[Errno {errno.ENOENT}] cannot create {path}.lock, the lock file of "
        f"checkpoint {path}: its folder {path.parent} does not exist; create it, "
        "or give a checkpoint path in an existing folder"
    )


def test_a_lock_held_by_a_killed_process_does_not_block(tmp_path):
    X, y = make_data()
    path = tmp_path / "c.ckpt"
    lock = tmp_path / "c.ckpt.lock"
    with lock_held_by_child(lock) as holder:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        assert lock.exists()  # a process killed outright leaves its lock file
        model = LogisticRegression(solver="newton").fit(X, y, checkpoint=path)
    assert model.n_iter_[0] > 0 and path.exists()
    assert not lock.exists()  # removed by the fit that ended


@pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")
def test_fits_of_one_checkpoint_one_after_the_other_resume(tmp_path):
    X, y = make_data()
    path = tmp_path / "c.ckpt"
    full = LogisticRegression(solver="newton", tol=1e-10).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        LogisticRegression(solver="newton", tol=1e-10, max_iter=2).fit(
            X, y, checkpoint=path
        )
    assert not lock_path(path).exists()
    with recorded_resumes() as read:
        resumed = LogisticRegression(solver="newton", tol=1e-10).fit(
            X, y, checkpoint=path
        )
    assert read == [path]
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    again = LogisticRegression(solver="newton", tol=1e-10).fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(again.coef_, full.coef_)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.ckpt", "c.ckpt.prev"]


def test_the_lock_covers_the_resume_and_every_write(tmp_path):
    # held from the fit's start to its end, over the read of the checkpoint
    X, y = make_data()
    path = tmp_path / "c.ckpt"
    seen = []

    def callback(entry):
        seen.append(locked_elsewhere(lock_path(path)))

    with pytest.warns(ConvergenceWarning):
        LogisticRegression(solver="newton", max_iter=2).fit(X, y, checkpoint=path)
    with recorded_resumes() as read:
        LogisticRegression(solver="newton").fit(
            X, y, checkpoint=path, callback=callback
        )
    assert read == [path] and seen and all(seen)
    assert not lock_path(path).exists()


def test_a_fit_of_another_thread_is_refused_naming_this_process(tmp_path):
    X, y = make_data()
    path = tmp_path / "c.ckpt"
    inside, finish = threading.Event(), threading.Event()
    errors = []

    def first_fit():
        def callback(entry):
            inside.set()
            finish.wait(60)

        try:
            LogisticRegression(solver="newton").fit(
                X, y, checkpoint=path, callback=callback
            )
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=first_fit)
    thread.start()
    try:
        assert inside.wait(60)
        with pytest.raises(CheckpointInUseError, match="another fit of this process"):
            LogisticRegression(solver="newton").fit(X, y, checkpoint=path)
    finally:
        finish.set()
        thread.join(60)
    assert errors == []
    LogisticRegression(solver="newton").fit(X, y, checkpoint=path)  # free again


def test_the_solver_entry_holds_the_lock_too(tmp_path):
    # a caller of the solvers with a Checkpointer of its own is covered too
    from logistic import LogisticObjective
    from logistic._checkpoint import Checkpointer
    from logistic.backends import InMemory
    from logistic.solvers import solve

    X, y = make_data()
    objective = LogisticObjective(InMemory(X, y))
    path = tmp_path / "c.ckpt"
    ckpt = Checkpointer(path, fingerprint="ab" * 16, config={"solver": "newton"})
    theta0 = np.zeros(objective.n_params)
    run = dict(tol=1e-8, max_iter=50, checkpoint=ckpt)
    with lock_held_by_child(lock_path(path)):
        with pytest.raises(CheckpointInUseError, match="is in use"):
            solve("newton", objective, theta0, **run)
    assert not path.exists()
    assert solve("newton", objective, theta0, **run).converged
    assert path.exists() and not lock_path(path).exists()


def test_taking_the_lock_again_inside_a_fit_is_a_no_op(tmp_path):
    path = tmp_path / "c.ckpt"
    with held(path):
        with held(path):  # the CLI holds it, and the fit it runs takes it again
            assert lock_path(path).exists()
        assert locked_elsewhere(lock_path(path))  # still held by the outer one
    assert not lock_path(path).exists()


def test_a_lock_file_that_cannot_be_created_is_named(tmp_path, monkeypatch):
    path = tmp_path / "c.ckpt"
    real_open = os.open

    def read_only(name, flags, *args, **kwargs):
        if str(name).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(OSError) as caught:
        acquire(path)
    assert caught.value.errno == errno.EROFS
    assert str(caught.value) == (
        f"[Errno {errno.EROFS}] cannot create {path}.lock, the lock file of "
        f"checkpoint {path} ({os.strerror(errno.EROFS)}): a fit holds it while it "
        "writes the checkpoint; give a checkpoint path in a writable folder"
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="permissions do not stop root",
)
def test_a_read_only_folder_is_a_permission_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="the lock file of checkpoint"):
            LogisticRegression().fit(*make_data(), checkpoint=folder / "c.ckpt")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("kind", ["directory", "symlink", "other content"])
def test_a_lock_file_that_is_no_lock_file_is_refused_and_left(tmp_path, kind):
    path = tmp_path / "c.ckpt"
    lock = lock_path(path)
    words = {"directory": "a directory", "symlink": "a symbolic link"}
    if kind == "directory":
        lock.mkdir()
    elif kind == "symlink":
        (tmp_path / "precious").write_text("keep me\n")
        os.symlink(tmp_path / "precious", lock)
    else:
        lock.write_text("keep me\n")
    with pytest.raises(OSError) as caught:
        LogisticRegression().fit(*make_data(), checkpoint=path)
    what = words.get(kind, "a file that holds something else")
    assert f"{lock}, the lock file of checkpoint {path}, is {what}" in str(caught.value)
    assert not path.exists()
    if kind != "directory":
        assert lock.read_text() == "keep me\n"  # never truncated or removed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_keeps_no_lock(tmp_path):
    # a child forked during a fit closes its copy of the lock's descriptor: a
    # child outliving the fit would otherwise keep the lock file locked
    path = tmp_path / "c.ckpt"
    alias = tmp_path / "alias"  # a second name of the lock file, kept
    read_end, write_end = os.pipe()
    with held(path):
        os.link(lock_path(path), alias)
        pid = os.fork()
        if pid == 0:  # the child waits for the parent's word, then ends
            os.close(write_end)
            os.read(read_end, 1)
            os._exit(0)
    os.close(read_end)
    try:
        assert not lock_path(path).exists()
        assert not locked_elsewhere(alias)  # the child still runs
    finally:
        os.close(write_end)
        os.waitpid(pid, 0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_leaving_the_block_leaves_the_parents_lock(tmp_path):
    # a child forked inside the block that returns through it (a fork in a
    # fit's callback) must neither remove the parent's lock file nor close
    # the descriptor number that a file it opened since has taken
    path = tmp_path / "c.ckpt"
    lock = lock_path(path)
    pid = -1
    try:
        with held(path):
            pid = os.fork()
            if pid == 0:  # takes the lowest free number: the closed copy's
                spare = os.open(os.devnull, os.O_RDONLY)
            else:
                _, code = os.waitpid(pid, 0)
                assert os.waitstatus_to_exitcode(code) == 0
                assert lock.exists()  # the child did not remove it
                assert locked_elsewhere(lock)  # and the parent still holds it
    except BaseException:
        if pid == 0:
            os._exit(1)
        raise
    if pid == 0:  # the child, out of the block: its release ran
        try:
            os.fstat(spare)
        except OSError:
            os._exit(2)
        os._exit(0)
    assert not lock.exists()


def test_checkpoint_in_use_error_crosses_process_pools():
    # a pool's worker sends its exception back pickled: every attribute
    # must come back
    error = CheckpointInUseError("in use", path="c.ckpt", lock_path="c.ckpt.lock", pid=7)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is CheckpointInUseError
    assert (str(back), back.path, back.lock_path, back.pid) == (
        "in use",
        "c.ckpt",
        "c.ckpt.lock",
        7,
    )


def test_import_without_fcntl_takes_no_lock(tmp_path):
    # Windows has no fcntl: importing and fitting still work there
    code = (
        "import sys\n"
        "sys.modules['fcntl'] = None\n"
        "import numpy as np\n"
        "from logistic import LogisticRegression\n"
        "from logistic import _checkpoint_lock\n"
        "assert _checkpoint_lock.fcntl is None\n"
        "X = np.random.default_rng(0).standard_normal((50, 2))\n"
        "y = (X[:, 0] > 0).astype(int)\n"
        "LogisticRegression(penalty='l2').fit(X, y, checkpoint=sys.argv[1])\n"
    )
    path = tmp_path / "c.ckpt"
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert path.exists() and not lock_path(path).exists()
