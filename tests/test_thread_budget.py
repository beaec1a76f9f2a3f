"""``n_jobs`` and ``OMP_NUM_THREADS``: how many threads a fit's passes use
(:mod:`logistic._thread_budget`).

A fit in each of several processes (joblib's process workers, Dask workers)
used every CPU of the machine, so that k processes oversubscribe it k times
(``python -m benchmarks.oversubscription`` times it). joblib's workers and
Dask's nanny say how many threads each process should use in
``OMP_NUM_THREADS``, which scikit-learn's and glum's OpenMP loops read.
"""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from logistic import LogisticRegression, _thread_budget
from logistic._exceptions import InvalidParameterError
from logistic.backends import in_memory

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.setattr(_thread_budget, "ENV_CAP", None)
    monkeypatch.setattr(_thread_budget, "available_cpus", lambda: 4)


@pytest.fixture
def pools(monkeypatch):
    """The thread counts of the worker pools the fit asks for."""
    asked: list[int] = []
    real = in_memory._pool

    def spy(k):
        asked.append(k)
        return real(k)

    monkeypatch.setattr(in_memory, "_pool", spy)
    return asked


def _data(n=30_000, p=40, seed=0):
    """By default 9.6 MB of float64: above the in-memory backend's threading
    threshold (``THREAD_MIN_BYTES``)."""
    assert (n, p) != (30_000, 40) or n * p * 8 >= in_memory.THREAD_MIN_BYTES
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] - 0.5 * X[:, 1] + rng.standard_normal(n) > 0).astype(float)
    return X, y


@pytest.mark.parametrize(
    ("env", "threads"),
    [(None, 4), ("1", 1), ("2", 2), ("8", 4), ("3,2", 3), (" 2 ", 2)]
    + [(bad, 4) for bad in ("", "0", "-1", "abc", "1.5", "+2", "²", "٣")],
)
def test_default_is_the_cpus_at_most_omp_num_threads(monkeypatch, no_env, env, threads):
    if env is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", env)
    cap = _thread_budget.env_threads(os.environ.get("OMP_NUM_THREADS"))
    monkeypatch.setattr(_thread_budget, "ENV_CAP", cap)
    assert _thread_budget.fit_threads() == threads


_SET = "os.environ['OMP_NUM_THREADS'] = '1'; "


@pytest.mark.parametrize(
    ("at_start", "code", "threads"),
    [
        # joblib's workers start with it; a later change in os.environ is not read
        ("1", "import logistic; os.environ['OMP_NUM_THREADS'] = '7'; ", "1"),
        (None, "import logistic; " + _SET, "cpus"),
        # a script may set it before the import, as for OpenBLAS
        (None, _SET + "import logistic; ", "1"),
        # a distributed.LocalCluster sets it for its workers in this process's
        # os.environ (its nanny's pre-spawn-environ): not this process's cap
        (None, "import distributed.nanny; " + _SET + "import logistic; ", "cpus"),
        ("2", "import distributed.nanny; " + _SET + "import logistic; ", "2"),
    ],
)
def test_omp_num_threads_is_read_at_import(at_start, code, threads):
    import subprocess
    import sys

    if "distributed" in code:
        pytest.importorskip("distributed")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if at_start is not None:
        env["OMP_NUM_THREADS"] = at_start
    code = (
        "import os; " + code + "from logistic._thread_budget import fit_threads, "
        "available_cpus; print(fit_threads(), min(available_cpus(), 2))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    got, cpus = out.stdout.split()
    if threads == "2" and int(cpus) < 2:
        pytest.skip("one CPU: a cap of 2 cannot show")
    expected = cpus if threads == "cpus" else threads
    assert min(int(got), 2) == int(expected)


def test_n_jobs_follows_joblib(no_env):
    assert _thread_budget.threads_for(None) is None
    assert _thread_budget.threads_for(3) == 3
    assert _thread_budget.threads_for(2) == 2
    assert _thread_budget.threads_for(16) == 4  # at most the CPUs
    assert _thread_budget.threads_for(-1) == 4
    assert _thread_budget.threads_for(-2) == 3
    assert _thread_budget.threads_for(-100) == 1


def test_a_budget_holds_in_its_thread_only(no_env):
    seen = {}
    with _thread_budget.thread_budget(1):
        assert _thread_budget.fit_threads() == 1
        t = threading.Thread(target=lambda: seen.update(other=_thread_budget.fit_threads()))
        t.start()
        t.join()
        with _thread_budget.thread_budget(None):  # no budget: the one outside holds
            assert _thread_budget.fit_threads() == 1
    assert seen["other"] == 4
    assert _thread_budget.fit_threads() == 4


@pytest.mark.parametrize("bad", [0, 1.5, True, "2"])
def test_bad_n_jobs_is_named(bad):
    with pytest.raises(InvalidParameterError, match=r"'n_jobs' parameter .* non-zero int"):
        LogisticRegression(n_jobs=bad).fit([[0.0], [1.0], [2.0]], [0, 1, 1])


@pytest.mark.parametrize("bad", [0, True])
def test_bad_n_jobs_of_the_cv_is_named(bad):
    """LogisticRegressionCV took any integer: n_jobs=0 reached joblib, whose
    ``ValueError: n_jobs == 0 in Parallel has no meaning`` named neither the
    estimator nor what it accepts (after every fold was set up), and True
    ran one thread. It is checked as LogisticRegression's, up front."""
    from logistic import LogisticRegressionCV

    X = [[float(i)] for i in range(20)]
    y = [0, 1] * 10
    with pytest.raises(
        InvalidParameterError,
        match=r"'n_jobs' parameter of LogisticRegressionCV .* non-zero int",
    ):
        LogisticRegressionCV(n_jobs=bad).fit(X, y)


def test_n_jobs_sets_the_threads_and_never_the_result(monkeypatch, pools, no_env):
    """n_jobs=2 asks for a pool of two threads; n_jobs=1 for none (and holds
    BLAS to one thread while it fits); the coefficients are the same bits."""
    monkeypatch.setattr(_thread_budget, "ENV_CAP", None)
    X, y = _data()
    kw = dict(penalty="l2", C=1.0, solver="newton")
    two = LogisticRegression(n_jobs=2, **kw).fit(X, y)
    assert pools and set(pools) == {2}
    pools.clear()

    blas = []

    def seen_blas(_entry):
        from threadpoolctl import threadpool_info

        libs = [i for i in threadpool_info() if i["user_api"] == "blas"]
        blas.append(max(i["num_threads"] for i in libs))

    one = LogisticRegression(n_jobs=1, **kw).fit(X, y, callback=seen_blas)
    assert pools == []
    assert blas and set(blas) == {1}
    np.testing.assert_array_equal(one.coef_, two.coef_)
    np.testing.assert_array_equal(one.intercept_, two.intercept_)
    assert _thread_budget._BUDGET.get() is None  # left as it was


def test_omp_num_threads_caps_the_default(monkeypatch, pools, no_env):
    """What joblib's process workers see: ``OMP_NUM_THREADS=1``, no pool."""
    monkeypatch.setattr(_thread_budget, "ENV_CAP", 1)
    X, y = _data()
    LogisticRegression(penalty="l2", C=1.0, solver="newton").fit(X, y)
    assert pools == []


def test_partial_fit_runs_in_the_budget(monkeypatch, no_env):
    seen = []
    real = in_memory.InMemory.__init__

    def spy(self, *a, **k):
        real(self, *a, **k)
        seen.append(self.n_threads)

    monkeypatch.setattr(in_memory.InMemory, "__init__", spy)
    X, y = _data(n=2_000, p=5)
    model = LogisticRegression(penalty="l2", alpha=1e-3, solver="sgd", n_jobs=1)
    model.partial_fit(X, y, classes=[0.0, 1.0])
    assert seen and set(seen) == {1}


def test_n_jobs_is_a_parameter_like_the_others(tmp_path):
    from sklearn.base import clone

    from logistic import load, save

    X, y = _data(n=500, p=3)
    model = LogisticRegression(n_jobs=-1).fit(X, y)
    assert clone(model).get_params()["n_jobs"] == -1
    save(model, tmp_path / "m.json")
    assert load(tmp_path / "m.json").get_params()["n_jobs"] == -1


def test_inference_with_data_runs_in_the_budget(monkeypatch, no_env):
    """``inference(X, y)`` passes over the data again: with the estimator's
    ``n_jobs`` (it took every CPU)."""
    seen = []
    real = in_memory.InMemory.__init__

    def spy(self, *a, **k):
        real(self, *a, **k)
        seen.append(self.n_threads)

    X, y = _data(n=2_000, p=5)
    model = LogisticRegression(n_jobs=1).fit(X, y)
    monkeypatch.setattr(in_memory.InMemory, "__init__", spy)
    model.inference(X, y, cov_type="HC1")
    assert seen and set(seen) == {1}


def test_out_of_core_passes_run_in_the_budget(monkeypatch, no_env, tmp_path):
    """The row cache's passes take the estimator's ``n_jobs`` threads."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from logistic.backends import chunked

    X, y = _data(n=4_000, p=4)
    table = {f"x{j}": X[:, j] for j in range(4)}
    pq.write_table(pa.table({**table, "label": y}), tmp_path / "d.parquet")
    asked = []
    real = chunked.ordered_map

    def spy(fn, items, n_threads, *args, **kwargs):
        asked.append(n_threads)
        return real(fn, items, n_threads, *args, **kwargs)

    monkeypatch.setattr(chunked, "ordered_map", spy)
    fits = {}
    for n_jobs in (1, 2):
        asked.clear()
        model = LogisticRegression(penalty="l2", C=1.0, solver="newton", n_jobs=n_jobs)
        fits[n_jobs] = model.fit(str(tmp_path / "d.parquet"), "label")
        assert asked and set(asked) == {n_jobs}
    np.testing.assert_array_equal(fits[1].coef_, fits[2].coef_)
