"""A forged random generator state in an ``sgd`` checkpoint (checksum
recomputed, as anyone can) is refused naming the field, never handed to
numpy to crash the process.

Reproduction (a security reviewer's): ``logistic fit binary.csv --target
admit --solver sgd --checkpoint ck.json``, then ``payload.state.rng`` set
to the JSON state of an MT19937 generator with ``"pos": 1000000`` (or of a
Philox one with ``"buffer_pos": -1000000``) and the same command again:
the process died of a segmentation fault (exit -11), since numpy's state
setter takes any integer there and the next draw reads that far from its
624-word (Philox: 4-word) buffer. Run in a child process, so that a crash
fails the test instead of ending the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from conftest import resign_checkpoint

_FIT = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np
    from logistic import IntegrityError, LogisticRegression
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    y = (X[:, 0] + rng.standard_normal(300) > 0).astype(float)
    model = LogisticRegression(solver="sgd", max_iter=int(sys.argv[2]), random_state=0)
    try:
        model.fit(X, y, checkpoint=sys.argv[1])
    except IntegrityError as exc:
        print("IntegrityError:", exc)
    else:
        print("fitted")
    """
)


def _fit(path, max_iter):
    return subprocess.run(
        [sys.executable, "-c", _FIT, str(path), str(max_iter)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _first_fit(path) -> None:
    """``_FIT`` with ``max_iter`` 2, in this process: the fit that writes the
    checkpoint reads no forged state (only the resumed fit, which does, can
    crash and needs a child process)."""
    from logistic import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    y = (X[:, 0] + rng.standard_normal(300) > 0).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LogisticRegression(solver="sgd", max_iter=2, random_state=0).fit(
            X, y, checkpoint=path
        )


def _mt19937(pos):
    state = np.random.MT19937(0).state
    return {"bit_generator": "MT19937", "state": {"key": state["state"]["key"].tolist(), "pos": pos}}


def _philox(buffer_pos):
    state = np.random.Philox(0).state
    return {
        "bit_generator": "Philox",
        "state": {k: v.tolist() for k, v in state["state"].items()},
        "buffer": state["buffer"].tolist(),
        "buffer_pos": buffer_pos,
        "has_uint32": 0,
        "uinteger": 0,
    }


@pytest.mark.parametrize(
    "state",
    [_mt19937(1_000_000), _mt19937(-1_000_000), _mt19937(625), _philox(-1_000_000), _philox(5)],
    ids=["mt-far", "mt-negative", "mt-past-end", "philox-negative", "philox-past-end"],
)
def test_a_buffer_position_outside_the_buffer_is_refused(tmp_path, state):
    path = tmp_path / "c.json"
    _first_fit(path)
    resign_checkpoint(path, lambda payload: payload["state"].update(rng=json.dumps(state)))
    path.with_name("c.json.prev").unlink(missing_ok=True)
    done = _fit(path, 4)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-500:]}"
    assert "IntegrityError:" in done.stdout and "state field 'rng'" in done.stdout



@pytest.mark.parametrize("state", [_mt19937(0), _mt19937(624), _philox(0), _philox(4)])
def test_positions_within_the_buffer_resume(tmp_path, state):
    path = tmp_path / "c.json"
    _first_fit(path)
    resign_checkpoint(path, lambda payload: payload["state"].update(rng=json.dumps(state)))
    done = _fit(path, 4)
    assert done.returncode == 0 and "fitted" in done.stdout, done.stdout + done.stderr


class _Crash(Exception):
    """Stands in for a killed process."""


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.random.RandomState(3),
        lambda: np.random.Generator(np.random.Philox(3)),
        lambda: np.random.Generator(np.random.SFC64(3)),
        lambda: np.random.Generator(np.random.MT19937(3)),
    ],
    ids=["RandomState", "Philox", "SFC64", "MT19937"],
)
def test_a_generator_of_arrays_checkpoints_and_resumes_bitwise(tmp_path, make):
    # these generators' states hold numpy arrays, which json.dumps refused:
    # a checkpointed fit given random_state=np.random.RandomState(3) raised
    # TypeError: Object of type ndarray is not JSON serializable
    from logistic import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    y = (X[:, 0] + rng.standard_normal(300) > 0).astype(float)

    def model():
        return LogisticRegression(solver="sgd", max_iter=8, tol=1e-12, random_state=make())

    def stop(entry):
        if entry["iter"] == 4:
            raise _Crash

    path = tmp_path / "c.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sgd's approximate stop
        with pytest.raises(_Crash):
            model().fit(X, y, checkpoint=path, callback=stop)
        seen: list[int] = []
        resumed = model().fit(X, y, checkpoint=path, callback=lambda e: seen.append(e["iter"]))
        whole = model().fit(X, y)
    assert seen and min(seen) >= 4  # resumed, not started again
    assert resumed.n_iter_[0] == whole.n_iter_[0] == 8
    np.testing.assert_array_equal(resumed.coef_, whole.coef_)
