"""A verdict of X's structure check is used only by the call that made it
(``logistic._sparse_structure.hand_off_scope``).

``check_fit_data`` records the sparse X it checked so that the backend the
same call builds need not read X's indices again. A verdict left behind by a
call that then refused the data (inference on a model of another width) or
built no backend of X (cross-validation fits on row subsets) was taken by
the thread's next ``InMemory`` of that X, even after X's indices were edited
in place: a segmentation fault in the compiled kernels (the first test, run
in a child process so that a crash fails the test, not pytest).

The other tests count the full scans of X's indices (``scans``): one per
call that builds a backend of X, and one for any later backend of X.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticRegression, path
from logistic import _sparse_structure as structure
from logistic._validation import check_fit_data
from logistic.backends import InMemory, as_backend
from logistic.inference import fit_inference
from logistic.model_selection import LogisticRegressionCV


def _data(n=600, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.3, format="csr", random_state=seed + 1)
    X.data = rng.standard_normal(X.nnz) + 1
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.normal(size=p))))).astype(float)
    return X, y


@pytest.fixture
def scans(monkeypatch):
    """The matrices whose indices the full check read, in order."""
    calls = []
    full = structure._checked_structure
    monkeypatch.setattr(
        structure, "_checked_structure", lambda X: (calls.append(X), full(X))[1]
    )
    return calls


def _slot_is_empty():
    return getattr(structure._HAND_OFF, "entry", None) is None


_REFUSED_INFERENCE_THEN_EDITED = """
import numpy as np, scipy.sparse as sp
from logistic import DataValidationError, LogisticRegression
from logistic.backends import InMemory
from logistic.inference import fit_inference

rng = np.random.default_rng(0)
n, p = 2000, 20
X = sp.random(n, p, density=0.3, random_state=1, format="csr")
y = (rng.random(n) < 0.5).astype(int)
model = LogisticRegression().fit(X[:, :19], y)
try:
    fit_inference(model, X, y)  # X has 20 features: refused after X was checked
except DataValidationError as e:
    assert "20 features" in str(e), e
else:
    raise AssertionError("inference on 20 features was accepted")
X.indices[5] = 10**8  # edited in place after the refused call
try:
    LogisticRegression(solver=SOLVER).fit(InMemory(X, y.astype(float)), None)
except DataValidationError as e:
    assert "X.indices[5] = 100000000" in str(e), e
    print("refused")
"""


@pytest.mark.parametrize("solver", ["auto", "lbfgs"])
def test_a_refused_inference_leaves_no_verdict_for_a_later_backend(solver):
    """The reviewer's reproducer. Before: rc 139 (segmentation fault)."""
    script = _REFUSED_INFERENCE_THEN_EDITED.replace("SOLVER", repr(solver))
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == "refused"


def test_inference_refused_for_its_classes_leaves_no_verdict(scans):
    X, y = _data()
    model = LogisticRegression(penalty=None).fit(X, y)
    with pytest.raises(DataValidationError, match="labels"):
        fit_inference(model, X, np.where(y == 1, 2.0, 0.0))  # classes [0, 2]
    assert _slot_is_empty()
    scans.clear()
    InMemory(X, y)
    assert len(scans) == 1


def test_inference_reads_the_indices_once_and_leaves_no_verdict(scans):
    X, y = _data()
    model = LogisticRegression(penalty=None).fit(X, y)
    scans.clear()
    fit_inference(model, X, y)
    assert len(scans) == 1  # prepare's check; its objective's backend took it
    assert _slot_is_empty()
    InMemory(X, y)
    assert len(scans) == 2


@pytest.mark.filterwarnings("ignore:LogisticRegressionCV")
def test_cross_validation_leaves_no_verdict(scans):
    """Its folds build backends of row subsets, never of X itself."""
    X, y = _data()
    LogisticRegressionCV(Cs=2, cv=2).fit(X, y)
    assert _slot_is_empty()
    scans.clear()
    InMemory(X, y)
    assert scans == [X]


def test_a_path_reads_the_indices_once_and_leaves_no_verdict(scans):
    X, y = _data()
    path(X, y, n_alphas=3)
    assert scans == [X]
    assert _slot_is_empty()
    InMemory(X, y)
    assert len(scans) == 2


def test_as_backend_reads_the_indices_once_and_leaves_no_verdict(scans):
    X, y = _data()
    backend = as_backend(X, y)
    assert backend.X is X
    assert scans == [X]
    assert _slot_is_empty()


def test_check_fit_data_outside_a_scope_hands_nothing_off(scans):
    """A caller that opens no scope (its own checks may follow) gets no
    hand-off: a later backend of X checks X."""
    X, y = _data()
    check_fit_data(X, y)
    assert _slot_is_empty()
    X.indices[4] = 10**6
    with pytest.raises(DataValidationError, match=r"X\.indices\[4\] = 1000000"):
        InMemory(X, y)


def test_the_scope_empties_the_slot_however_it_is_left():
    X, y = _data()
    with pytest.raises(RuntimeError), structure.hand_off_scope():
        check_fit_data(X, y)
        assert not _slot_is_empty()
        raise RuntimeError("a later check of the caller")
    assert _slot_is_empty()
    with structure.hand_off_scope():
        with structure.hand_off_scope():
            check_fit_data(X, y)
        assert _slot_is_empty()  # the inner call's verdict ended with it
        structure.hand_off(X)
        assert not _slot_is_empty()  # the outer block still hands off
    assert _slot_is_empty()
    structure.hand_off(X)
    assert _slot_is_empty()
