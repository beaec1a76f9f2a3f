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
