"""Every field of every solver's checkpointed state is checked at load.

A checkpoint is read as written by an attacker. Each field of each solver's
state (and the stall counters, Firth's ``factor_lower``, SGD's ``rng``,
L-BFGS's ``theta_original``) set to a value of the wrong kind -- a string, a
negative integer, null, a list -- must be refused with an
:class:`~logistic.IntegrityError` naming the checkpoint and the field, never
a raw ``TypeError``/``ValueError``/``KeyError`` from building the state nor
a fit that runs on (``logistic.solvers._iterative._checked_field``).
"""

from __future__ import annotations

import copy
import functools
import json
import tempfile
from pathlib import Path

import pytest

from conftest import resign_checkpoint as _rewrite
from logistic import IntegrityError, LogisticRegression
from test_checkpoint_forged import _dense, _sparse, _stopped

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")

SOLVERS = (
    "newton",
    "gd",
    "newton-cg",
    "newton-cd",
    "newton-cd-columns",
    "fista",
    "firth",
    "sgd",
    "lbfgs",
)
BAD = ("x", -3, None, [1, 2])
#: Fields a genuine checkpoint may hold as null.
NULLABLE = {"hessian", "stale_hessian", "g_b", "columns", "first", "best_theta"}


def _model(solver):
    kw = {"penalty": "l2", "alpha": 1e-3}
    if solver == "firth":
        kw = {"penalty": "firth"}
    elif solver in ("fista", "newton-cd", "newton-cd-columns"):
        kw = {"penalty": "l1", "C": 1.0}
    elif solver == "sgd":
        # SGD's steps never reach tol=1e-10; a few epochs past the
        # checkpoint's iteration 1 show the resume runs on.
        kw["max_iter"] = 10
    return LogisticRegression(solver=solver, tol=1e-10, random_state=0, **kw)


def _data(solver):
    return _sparse() if solver == "newton-cd-columns" else _dense()


@functools.cache
def _payload(solver):
    """The payload of a genuine checkpoint of ``solver`` (iteration 1)."""
    path = Path(tempfile.mkdtemp()) / "c.json"
    _stopped(_model(solver), *_data(solver), path, stop_at=2)
    return json.loads(path.read_text())["payload"]


def _cases():
    for solver in SOLVERS:
        for field in sorted(_payload(solver)["state"]):
            for bad in BAD:
                if bad is None and field in NULLABLE:
                    continue
                yield pytest.param(solver, field, bad, id=f"{solver}-{field}-{bad!r}")


@pytest.mark.parametrize("solver, field, bad", list(_cases()))
def test_a_state_field_of_the_wrong_kind_is_refused(tmp_path, solver, field, bad):
    payload = copy.deepcopy(_payload(solver))
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"payload": payload, "sha256": ""}))
    _rewrite(path, lambda p: p["state"].__setitem__(field, bad))
    with pytest.raises(IntegrityError) as info:
        _model(solver).fit(*_data(solver), checkpoint=path)
    text = str(info.value)
    assert str(path) in text
    assert repr(field) in text


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_genuine_checkpoint_resumes(tmp_path, solver):
    """The checks refuse none of the fields a solver writes."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"payload": _payload(solver), "sha256": ""}))
    _rewrite(path, lambda p: None)
    model = _model(solver).fit(*_data(solver), checkpoint=path)
    assert model.n_iter_[0] >= 1
