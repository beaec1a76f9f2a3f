"""Every field of a checkpoint is checked against its allowed values at load
(a checkpoint is read as written by an attacker: its checksum proves nothing).

A string from the file is never shown or used unchecked: the state's ``stop``
(the status a resumed fit would end with and warn with) must be "" or one of
the statuses the solver's steps write; the payload's keys, data fingerprint,
problem configuration, format version, iteration count and history entries
have their schema too. A refusal is an :class:`~logistic.IntegrityError`
naming the file, the field, what it holds and what is expected
(``logistic._checkpoint``, ``logistic.solvers._iterative``).
"""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from conftest import resign_checkpoint as _rewrite
from logistic import IntegrityError, LogisticRegression
from test_checkpoint_forged import (
    Crash,
    _dense,
    _hex,
    _model,
    _set_state,
    _sparse,
    _stopped,
)

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")

#: The status Newton's step writes when its line search fails (newton.py).
LINE_SEARCH = "line search could not decrease the objective (precision limit)"
#: A string no solver writes: a shell command and a terminal escape.
FORGED = "rm -rf / \x1b[31mEVIL\n fake line"


@pytest.mark.parametrize(
    "solver",
    ["newton", "newton-cg", "newton-cd", "gd", "fista", "sgd", "newton-cd-columns"],
)
def test_a_forged_stop_status_is_refused(tmp_path, solver):
    """Before: the resumed fit stopped at once and warned "did not converge:
    rm -rf / <ESC>[31mEVIL ..." with the file's string as its status."""
    X, y = _sparse() if solver == "newton-cd-columns" else _dense()
    path = tmp_path / "c.json"
    _stopped(_model(solver, random_state=0), X, y, path, 2)
    _rewrite(path, _set_state("stop", FORGED))
    with pytest.raises(IntegrityError) as info:
        _model(solver, random_state=0).fit(X, y, checkpoint=path)
    text = str(info.value)
    assert f"{path}: state field 'stop'" in text
    assert "'rm -rf / \\x1b[31mEVIL\\n fake line'" in text  # shown escaped
    assert "\x1b" not in text and "\n" not in text
    assert "expected ''" in text


def test_a_stop_status_of_another_solver_is_refused(tmp_path):
    """Coordinate descent's status is not one Newton's step writes."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path, 2)
    cd_status = "no descent direction (KKT residual at its precision floor)"
    _rewrite(path, _set_state("stop", cd_status))
    with pytest.raises(IntegrityError, match=r"state field 'stop'.*expected ''"):
        _model("newton").fit(X, y, checkpoint=path)


def test_a_genuine_stop_status_resumes_to_the_same_end(tmp_path, monkeypatch):
    """A Newton line search that fails at iteration 3 leaves its status in the
    checkpoint of iteration 3; resumed, the fit ends there with that status
    and the same coefficients as the run that wrote it."""
    import logistic.solvers.newton as newton_module

    real = newton_module.backtrack
    calls = []

    def failing_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            return False, None
        return real(*args, **kwargs)

    X, y = _dense()
    path = tmp_path / "c.json"
    monkeypatch.setattr(newton_module, "backtrack", failing_third)
    with pytest.warns(match=LINE_SEARCH.replace("(", r"\(").replace(")", r"\)")):
        ended = _model("newton").fit(X, y, checkpoint=path)
    monkeypatch.setattr(newton_module, "backtrack", real)
    assert ended.fit_status_ == LINE_SEARCH
    resumed = _model("newton").fit(X, y, checkpoint=path)
    assert resumed.fit_status_ == LINE_SEARCH
    np.testing.assert_array_equal(resumed.coef_, ended.coef_)
    assert resumed.n_iter_[0] == ended.n_iter_[0] == 3


def _set_payload(name, value):
    return lambda payload: payload.__setitem__(name, value)


def _del_payload(name):
    return lambda payload: payload.pop(name)


def _history_entry(i, key, value):
    return lambda payload: payload["history"][i].__setitem__(key, value)


@pytest.mark.parametrize(
    "change, match",
    [
        (_history_entry(1, "objective", FORGED), r"history\[1\] field 'objective'"),
        (_history_entry(1, "iter", 7), r"history\[1\] field 'iter'.*expected 1"),
        (_history_entry(0, "n_passes", True), r"history\[0\] field 'n_passes'"),
        (_history_entry(0, "n_passes", _hex(2.0)), r"history\[0\] field 'n_passes'"),
        (
            _history_entry(1, "accepted", 1),
            r"history\[1\] field 'accepted': unknown field, expected one of",
        ),
        (_history_entry(1, "x" * 100, 1), r"history\[1\] field 'xxx.*unknown field"),
        (lambda p: p["history"].pop(), r"'history' holds 2 entries, expected 3"),
        (
            lambda p: p["history"].append(dict(p["history"][-1], iter=3)),
            r"'history' holds 4 entries, expected 3",
        ),
        (_set_payload("fingerprint", FORGED), r"'fingerprint' is str 'rm -rf"),
        (_set_payload("fingerprint", 5), r"'fingerprint' is int 5"),
        (_set_payload("config", [1]), r"'config' is list \[1\]"),
        (
            lambda p: p["config"].__setitem__("solver", [FORGED]),
            r"config field 'solver'",
        ),
        (_set_payload("format_version", FORGED), r"'format_version' is str 'rm -rf / \\x1b"),
        # one spelling of the version: not the text, float or boolean of 1
        (_set_payload("format_version", "1"), r"'format_version' is str '1', expected the integer 1"),
        (_set_payload("format_version", 1.0), r"'format_version' is float 1\.0, expected the integer 1"),
        (_set_payload("format_version", True), r"'format_version' is bool True, expected the integer 1"),
        (_set_payload("extra", 1), r"unknown field\(s\) \['extra'\]"),
        (_del_payload("config"), r"missing field\(s\) \['config'\]"),
        (_set_payload("n_iter", "2"), r"'n_iter' is str '2'"),
    ],
    ids=[
        "history-string",
        "history-iter",
        "history-bool",
        "history-int-as-float",
        "history-unknown-key",
        "history-long-key",
        "history-short",
        "history-long",
        "fingerprint-text",
        "fingerprint-int",
        "config-list",
        "config-value",
        "format-text",
        "format-string-1",
        "format-float-1",
        "format-true",
        "extra-key",
        "missing-key",
        "n_iter-text",
    ],
)
def test_every_payload_field_is_checked(tmp_path, change, match):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    _rewrite(path, change)
    with pytest.raises(IntegrityError, match=match) as info:
        _model("newton").fit(X, y, checkpoint=path)
    text = str(info.value)
    assert str(path) in text
    assert "\x1b" not in text and "\n" not in text


def test_a_fifo_checkpoint_is_refused_not_waited_on(tmp_path):
    """Reading a FIFO would block until a writer comes: refused at once."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    X, y = _dense()
    path = tmp_path / "c.json"
    os.mkfifo(path)
    outcome: list[BaseException | None] = []

    def fit():
        try:
            _model("newton").fit(X, y, checkpoint=path)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            outcome.append(exc)

    thread = threading.Thread(target=fit, daemon=True)
    thread.start()
    thread.join(20)
    if thread.is_alive():  # unblock the reader so the thread ends
        with open(path, "wb"):
            pass
        thread.join(5)
        pytest.fail("resuming from a FIFO blocked")
    assert isinstance(outcome[0], IntegrityError), outcome
    assert "not a regular file" in str(outcome[0]) or "FIFO" in str(outcome[0])


def test_a_genuine_checkpoint_still_resumes_bitwise(tmp_path):
    X, y = _dense()
    full = _model("newton").fit(X, y)
    path = tmp_path / "c.json"
    with pytest.raises(Crash):
        _stopped_keep_prev(path, X, y)
    resumed = _model("newton").fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    assert resumed.n_iter_[0] == full.n_iter_[0]
    keys = ("iter", "objective", "grad_max_norm", "step")
    assert [[e[k] for k in keys] for e in resumed.history_] == [
        [e[k] for k in keys] for e in full.history_
    ]


def _stopped_keep_prev(path, X, y):
    def stop(entry):
        if entry["iter"] == 3:
            raise Crash

    LogisticRegression(solver="newton", penalty="l2", alpha=1e-3, tol=1e-10).fit(
        X, y, checkpoint=path, callback=stop
    )


@pytest.mark.parametrize(
    "change, match",
    [
        (
            lambda p: [e.__setitem__("n_passes", 10**30) for e in p["history"]],
            r"history\[0\] field 'n_passes'.* int 1000000000000000000000000000000",
        ),
        (_history_entry(2, "n_passes", 2**53), r"history\[2\] field 'n_passes'"),
        (_history_entry(2, "n_passes", 0), r"history\[2\] field 'n_passes' is int 0"),
        (lambda p: p["history"][1].pop("n_passes"), r"history\[1\] has no field"),
    ],
    ids=["passes-1e30", "passes-2**53", "passes-decreasing", "passes-missing"],
)
def test_the_pass_count_is_bounded_and_never_decreases(tmp_path, change, match):
    """Before: a forged count of 10**30 resumed into a model whose n_passes_
    was 1e30, and a count below the entry before's was accepted."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    _rewrite(path, change)
    with pytest.raises(IntegrityError, match=match) as info:
        _model("newton").fit(X, y, checkpoint=path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "text",
    ["[" * 200_000, "[" * 200_000 + "]" * 200_000, '{"payload": 1' + "0" * 5000 + "}"],
    ids=["unclosed-nesting", "deep-nesting", "huge-integer"],
)
def test_json_the_reader_cannot_parse_is_refused(tmp_path, text):
    """Before: nesting deeper than Python's recursion limit raised a raw
    RecursionError out of Checkpointer.load."""
    X, y = _dense()
    path = tmp_path / "c.json"
    path.write_text(text)
    with pytest.raises(IntegrityError, match="not valid JSON") as info:
        _model("newton").fit(X, y, checkpoint=path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("fingerprint", ["DEADBEEF", "ab-cd", "", 12])
def test_a_fingerprint_resume_would_refuse_is_an_error_at_the_first_save(
    tmp_path, monkeypatch, fingerprint
):
    """Before: a backend fingerprint that is not a lower-case hex digest was
    written, and then every resume refused the checkpoint it wrote."""
    import logistic._fit_steps as fit_steps
    from logistic._checkpoint import Checkpointer

    def forged(path, **kw):
        return Checkpointer(path, **{**kw, "fingerprint": fingerprint})

    monkeypatch.setattr(fit_steps, "Checkpointer", forged)
    X, y = _dense()
    path = tmp_path / "c.json"
    with pytest.raises(ValueError, match="backend's data fingerprint is") as info:
        _model("newton").fit(X, y, checkpoint=path)
    assert not isinstance(info.value, IntegrityError)
    assert repr(fingerprint) in str(info.value)
    assert not path.exists()


def test_a_refused_checkpoint_is_named_once(tmp_path):
    """Before: 'no valid checkpoint: <path>: checkpoint <path>: ...'."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    _rewrite(path, _set_payload("n_iter", "2"))
    with pytest.raises(IntegrityError) as info:
        _model("newton").fit(X, y, checkpoint=path)
    assert str(info.value).count(str(path)) == 1


@pytest.mark.parametrize("solver", ["newton", "firth", "sgd", "newton-cd-columns"])
def test_an_unknown_state_field_is_refused(tmp_path, solver):
    """Before: a key no solver writes was ignored (RELIABILITY P05, strict)."""
    X, y = _sparse() if solver == "newton-cd-columns" else _dense()
    kw = {"penalty": "l2", "alpha": 1e-3}
    if solver == "firth":
        kw = {"penalty": "firth"}
    elif solver == "newton-cd-columns":
        kw = {"penalty": "l1", "C": 1.0}

    def model():
        return LogisticRegression(solver=solver, tol=1e-10, random_state=0, **kw)

    path = tmp_path / "c.json"
    _stopped(model(), X, y, path, 2)
    _rewrite(path, _set_state("backdoor", 1))
    match = r"unknown state field\(s\) \[str 'backdoor'"
    with pytest.raises(IntegrityError, match=match):
        model().fit(X, y, checkpoint=path)


def test_a_checkpoint_from_before_pass_counts_says_so_and_how_to_start_afresh(tmp_path):
    """A checkpoint written by commit b58c9b24 (its history entries have no
    'n_passes'; format_version 1 as now) was refused naming only the missing
    field: nothing said that an older logistic wrote it, nor how to fit
    afresh."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)

    def drop_passes(payload):
        for entry in payload["history"]:
            entry.pop("n_passes")

    _rewrite(path, drop_passes)
    with pytest.raises(IntegrityError) as info:
        _model("newton").fit(X, y, checkpoint=path)
    text = str(info.value)
    assert "has no field 'n_passes'" in text
    assert "before it recorded" in text
    assert text.endswith("delete it and its .prev copy to fit afresh")
