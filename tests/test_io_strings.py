"""Strings of a model file are checked before they are shown or used.

A model file is read as written by an attacker (the checksum can be
recomputed): ``model.fitted.solver`` must name a registered solver (it is
printed by ``logistic summary`` and in reports), ``model.fitted.fit_status``
and the ``library_version`` / ``created`` header fields must be short
printable text (no terminal escape, no line break), and history entries are
keyed by short lower-case names. A refusal is a :class:`ModelFormatError`
naming the file and the field, with the value shown escaped.
"""

from __future__ import annotations

import json

import pytest

import logistic
from logistic import LogisticRegression, ModelFormatError, VersionMismatchWarning
from logistic import io as lio

#: A terminal escape (clears the screen) and a forged second line.
FORGED = "newton\x1b[2J\nWARNING: model verified by the vendor"


@pytest.fixture
def model_path(tmp_path):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    return logistic.save(LogisticRegression().fit(X, y), tmp_path / "m.json")


def _rewrite(path, edit):
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = __import__("hashlib").sha256(
        lio._canonical(doc)
    ).hexdigest()
    path.write_text(json.dumps(doc))


def _fitted(key, value):
    return lambda d: d["model"]["fitted"].__setitem__(key, value)


@pytest.mark.parametrize(
    "edit, field",
    [
        (_fitted("solver", FORGED), "model.fitted.solver"),
        (_fitted("solver", "pwn"), "model.fitted.solver"),
        (_fitted("fit_status", FORGED), "model.fitted.fit_status"),
        (_fitted("fit_status", "x" * 2000), "model.fitted.fit_status"),
        (lambda d: d.__setitem__("library_version", FORGED), "library_version"),
        (lambda d: d.__setitem__("created", FORGED), "created"),
        (
            lambda d: d["model"]["history"][0].__setitem__(FORGED, 1.0),
            r"model.history[0]",
        ),
        (
            lambda d: d["training"].__setitem__("warnings", ["ok", FORGED]),
            "training.warnings[1]",
        ),
    ],
    ids=["solver-text", "solver-unknown", "status-text", "status-long",
         "library-version", "created", "history-key", "training-warning"],  # fmt: skip
)
def test_a_forged_string_is_refused(model_path, edit, field):
    _rewrite(model_path, edit)
    with pytest.raises(ModelFormatError) as info:
        lio.load(model_path)
    text = str(info.value)
    assert str(model_path) in text and field in text
    assert "\x1b" not in text and "\n" not in text


def test_genuine_strings_load(model_path):
    """The solver, the status (with its non-ASCII '×') and the header as
    written load unchanged; an older library version is only warned about."""
    status = (
        "no decrease of the gradient norm in 25 iterations and it is within "
        "1000× its rounding noise (2.8e-16): floating-point precision reached"
    )
    _rewrite(model_path, _fitted("fit_status", status))
    _rewrite(model_path, _fitted("solver", "newton-cd-columns"))
    _rewrite(model_path, lambda d: d.__setitem__("library_version", "0.9.1.dev3+g1a"))
    with pytest.warns(VersionMismatchWarning, match="0.9.1.dev3"):
        m = lio.load(model_path)
    assert m.fit_status_ == status and m.solver_ == "newton-cd-columns"


def test_save_refuses_a_warning_load_would_refuse(tmp_path):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ModelFormatError, match=r"training\.warnings\[0\]"):
        logistic.save(model, tmp_path / "m.json", training={"warnings": [FORGED]})
    assert not (tmp_path / "m.json").exists()


def test_the_cli_stores_each_warning_as_one_printable_line():
    import warnings

    from logistic.cli._common import collect_warnings

    with collect_warnings() as messages:
        warnings.warn("first line\nsecond\x1b[2J", UserWarning, stacklevel=1)
    assert messages == ["UserWarning: first line\\nsecond\\x1b[2J"]
