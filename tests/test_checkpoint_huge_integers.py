"""Huge integers in a checkpoint (its checksum recomputed) are an
:class:`~logistic.IntegrityError` naming the field, and a valid
``.prev`` is resumed instead, as for any unreadable checkpoint.

Reproduction (a security tester's): ``logistic fit ucla_admissions.csv
--formula "admit ~ gre + gpa + C(rank)" --checkpoint ck/ck.json -o ck/m.json``,
then ``payload.state.theta.shape = [2**64]`` (or ``grad``'s, ``hessian``'s)
with the checksum recomputed, and the same command with ``--force``:
``internal error: OverflowError: Python int too large to convert to C long``,
exit 1, although ``ck.json.prev`` was valid (``np.prod(shape,
dtype=np.int64)``; ``[2**32, 2**32]`` with no values wrapped to 0 and
passed the length check). ``state.stall_since_best = 10**400`` was accepted
and resumed, and a history ``objective`` of ``10**400`` made the resumed
fit fail with ``OverflowError``.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import data_path, resign_checkpoint, run_cli
from logistic import IntegrityError, LogisticRegression
from logistic._checkpoint_codec import decode, encode

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")

UCLA = data_path("ucla-admissions", "binary.csv")


class Crash(Exception):
    """Stands in for a killed process."""


def _data(n=600, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ np.linspace(-0.8, 0.8, p))))).astype(
        float
    )
    return X, y


def _model(solver="newton"):
    max_iter = 3000 if solver == "gd" else 100
    return LogisticRegression(
        penalty="l2", alpha=1e-3, tol=1e-10, solver=solver, max_iter=max_iter
    )


def _stopped(solver, X, y, path, keep_prev=False):
    """A fit stopped at iteration 3: its checkpoint (and ``.prev`` when
    ``keep_prev``, else none)."""

    def stop(entry):
        if entry["iter"] == 3:
            raise Crash

    with pytest.raises(Crash):
        _model(solver).fit(X, y, checkpoint=path, callback=stop)
    if not keep_prev:
        path.with_name(path.name + ".prev").unlink(missing_ok=True)




def _shape(field, shape, values=None):
    def change(payload):
        payload["state"][field]["shape"] = shape
        if values is not None:
            payload["state"][field]["array"] = values

    return change


SHAPES = [
    ("theta", [2**64], None),
    ("grad", [2**64], None),
    ("hessian", [2**64], None),
    ("theta", [-(2**64)], None),
    ("theta", [2**32, 2**32], []),  # wrapped to 0 in int64
    ("theta", [0, 2**62], []),  # 0 values, a shape numpy cannot make
    ("theta", [1] * 100, ["0x1p+0"]),  # more dimensions than numpy's
]


@pytest.mark.parametrize(
    "field, shape, values",
    SHAPES,
    ids=["theta", "grad", "hessian", "negative", "wraps-to-0", "empty-too-big", "100-dims"],
)
def test_a_shape_beyond_int64_is_refused_naming_the_field(tmp_path, field, shape, values):
    X, y = _data()
    path = tmp_path / "c.json"
    _stopped("newton", X, y, path)
    resign_checkpoint(path, _shape(field, shape, values))
    with pytest.raises(IntegrityError, match=rf"c\.json: state field '{field}'.*shape"):
        _model().fit(X, y, checkpoint=path)


@pytest.mark.parametrize("value", [10**400, 2**70, -(2**64)])
def test_a_stall_counter_beyond_int64_is_refused(tmp_path, value):
    X, y = _data()
    path = tmp_path / "c.json"
    _stopped("gd", X, y, path)
    resign_checkpoint(path, lambda payload: payload["state"].update(stall_since_best=value))
    with pytest.raises(
        IntegrityError, match=r"c\.json: state field 'stall_since_best'.*2\*\*63"
    ):
        _model("gd").fit(X, y, checkpoint=path)


def test_a_history_number_beyond_int64_is_refused(tmp_path):
    X, y = _data()
    path = tmp_path / "c.json"
    _stopped("newton", X, y, path)
    resign_checkpoint(path, lambda payload: payload["history"][1].update(objective=10**400))
    with pytest.raises(IntegrityError, match=r"history\[1\] field 'objective'"):
        _model().fit(X, y, checkpoint=path)


def test_a_huge_iteration_count_is_refused_in_a_short_message(tmp_path):
    X, y = _data()
    path = tmp_path / "c.json"
    _stopped("newton", X, y, path)
    resign_checkpoint(path, lambda payload: payload.update(n_iter=10**400))
    with pytest.raises(IntegrityError, match=r"'n_iter' is int 10+\.\.\., expected") as info:
        _model().fit(X, y, checkpoint=path)
    assert len(str(info.value)) < 300


def test_a_huge_shape_falls_back_to_the_previous_checkpoint(tmp_path):
    X, y = _data()
    full = _model().fit(X, y)
    path = tmp_path / "c.json"
    _stopped("newton", X, y, path, keep_prev=True)
    resign_checkpoint(path, _shape("theta", [2**64]))
    with pytest.warns(UserWarning, match="state field 'theta'.*resuming from the previous"):
        resumed = _model().fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)


@pytest.mark.parametrize("field", ["theta", "grad", "hessian"])
def test_the_cli_resumes_from_prev_past_a_huge_shape(tmp_path, capsys, monkeypatch, field):
    monkeypatch.chdir(tmp_path)
    args = ["fit", UCLA, "--formula", "admit ~ gre + gpa + C(rank)",
            "--checkpoint", "ck/ck.json", "-o", "ck/m.json"]  # fmt: skip
    (tmp_path / "ck").mkdir()
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    assert (tmp_path / "ck" / "ck.json.prev").exists()
    resign_checkpoint(tmp_path / "ck" / "ck.json", _shape(field, [2**64]))
    code, _, err = run_cli(capsys, [*args, "--force"])
    assert code == 0, err
    assert "internal error" not in err
    assert f"state field '{field}'" in err and "ck.json.prev" in err
    # both copies unreadable: an integrity error (exit 65) naming the field
    resign_checkpoint(tmp_path / "ck" / "ck.json", _shape(field, [2**64]))
    shutil.copy(tmp_path / "ck" / "ck.json", tmp_path / "ck" / "ck.json.prev")
    code, _, err = run_cli(capsys, [*args, "--force"])
    assert code == 65, err
    assert f"state field '{field}'" in err


def test_decode_and_encode_keep_to_int64():
    assert decode(2**63 - 1, "k") == 2**63 - 1
    with pytest.raises(IntegrityError, match="k: received int"):
        decode(2**63, "k")
    with pytest.raises(ValueError, match="beyond int64"):
        encode(2**63)
    empty = decode({"array": [], "shape": [0, 3]}, "k")
    assert empty.shape == (0, 3)


@pytest.mark.parametrize("where", ["state", "history", "config"])
def test_a_hex_float_beyond_float64_is_refused_naming_the_field(tmp_path, where):
    # float.fromhex('0x1p99999') raises OverflowError (Python's documented
    # behaviour for a hex value too large for a float), not ValueError
    X, y = _data()
    path = tmp_path / "c.json"
    _stopped("gd", X, y, path)
    huge = {"float": "0x1p99999"}

    def change(payload):
        if where == "state":
            payload["state"]["theta"]["array"][0] = "0x1p99999"
        elif where == "history":
            payload["history"][1]["objective"] = huge
        else:
            payload["config"]["tol"] = huge

    resign_checkpoint(path, change)
    if where == "config":  # decodes only where shown: a configuration mismatch
        with pytest.raises(IntegrityError, match=r"0x1p99999"):
            _model("gd").fit(X, y, checkpoint=path)
    else:
        with pytest.raises(IntegrityError, match=r"c\.json.*expected a float written by float\.hex"):
            _model("gd").fit(X, y, checkpoint=path)
