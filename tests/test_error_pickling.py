"""The library's errors cross process boundaries whole.

joblib, Dask and ``multiprocessing`` pickle an error raised in a worker and
unpickle it in the caller. ``BaseException`` pickles ``args`` and calls
``cls(*args)`` again, which fails for an error whose ``__init__`` takes more
than its message (joblib then reports ``BrokenProcessPool: A result has
failed to un-serialize`` instead of the error) and words a message that
``__init__`` composes twice. :class:`logistic._exceptions.LogisticError`
rebuilds its errors without calling ``__init__``.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import CheckpointInUseError, NumericalError
from logistic.backends._dask_tasks import MissingLabelError, PartitionRowError
from logistic.backends._sources import NotANumberError
from logistic.inference import CollinearityError, NotTrainingDataError
from logistic.tabular._design import UnseenLevelsError

ERRORS = [
    NotTrainingDataError("not the training data", "its gradient", one_class=1),
    NotTrainingDataError("not the training data", "no class", absent_classes=("a",)),
    CollinearityError("singular", ["x1", "x2"], reason="constant"),
    UnseenLevelsError("column 'c' has categories not seen at fit time: 'q'"),
    PartitionRowError("a missing label", 3, "drop the row", "y"),
    MissingLabelError("a missing label", 3, "drop the row", "y"),
    NotANumberError("not a number", Path("data.csv"), "x", "abc"),
    CheckpointInUseError("held", path="ck", lock_path="ck.lock", pid=7),
    NumericalError("overflow", iteration=3, solver="newton", row=5),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_an_error_pickles_and_copies_whole(error):
    for back in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(back) is type(error)
        assert str(back) == str(error)  # the message as raised, worded once
        assert back.args == error.args
        assert vars(back) == vars(error)


def test_a_worker_s_not_training_data_error_reaches_the_caller():
    joblib = pytest.importorskip("joblib")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] + rng.normal(size=50) > 0).astype(int)
    model = LogisticRegression().fit(X, y)

    def bootstrap(seed):  # a resample is not the training data
        rows = np.random.default_rng(seed).integers(0, 50, 50)
        return model.inference(X[rows], y[rows]).bse

    with pytest.raises(NotTrainingDataError) as info:
        joblib.Parallel(n_jobs=2)(joblib.delayed(bootstrap)(i) for i in range(2))
    assert info.value.detail


def _predict_unfitted(rows):
    import sklearn.exceptions  # noqa: F401  (a worker that has scikit-learn loaded)

    return LogisticRegression().predict(np.zeros((rows, 2)))


def test_a_not_fitted_error_pickles_as_scikit_learn_s():
    """With scikit-learn loaded, NotFittedError is also scikit-learn's (a class
    made at run time, which pickle cannot find by its name): it crosses a
    ``multiprocessing`` pool, which pickles with plain pickle (not joblib's
    cloudpickle), as that error, not a PicklingError."""
    from concurrent.futures import ProcessPoolExecutor

    sk_exceptions = pytest.importorskip("sklearn.exceptions")
    with pytest.raises(sk_exceptions.NotFittedError) as raised:
        LogisticRegression().predict(np.zeros((2, 2)))
    back = pickle.loads(pickle.dumps(raised.value))
    assert isinstance(back, sk_exceptions.NotFittedError)
    assert type(back) is type(raised.value) and back.args == raised.value.args
    with ProcessPoolExecutor(1) as pool:
        with pytest.raises(sk_exceptions.NotFittedError, match="not fitted yet"):
            pool.submit(_predict_unfitted, 3).result()
