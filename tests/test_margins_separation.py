"""Marginal effects of a fit of separated data say that they mean nothing.

Heinze & Schemper's endometrial data (tests/test_firth.py) are quasi-completely
separated by NV. The discrete change of NV has probabilities that no longer
move at the fit's point, so its delta-method standard error comes out small
(0.05, z = 13) where Firth's fit gives 0.45 ± 0.20 for the same change: without a
note, the table
looked confident. The derivative of NV (no ``dummy``) has a huge standard
error instead: the note says both can happen.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression
from logistic._exceptions import PerfectSeparationWarning
from test_firth import endometrial

NOTE_START = "Separation (quasi-complete): the MLE does not exist, so these marginal"


def _margins(model, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        res = model.inference(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        me = res.get_margeff(**kw)
    return me, [str(w.message) for w in caught if w.category is PerfectSeparationWarning]


def test_effects_of_separated_fit_carry_a_note_and_a_warning():
    X, y = endometrial()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = LogisticRegression(penalty=None).fit(X, y)
    me, said = _margins(model, X, y, dummy=True)
    assert me.separation == "quasi-complete"
    # the confident-looking effect the note is about
    assert me.margeff["NV"] > 0.6 and me.margeff_se["NV"] < 0.1
    assert len(me.notes) == 1 and me.notes[0].startswith(NOTE_START)
    assert "far too small. Use penalty='firth'." in me.notes[0]
    assert me.summary().endswith("Note: " + me.notes[0])
    assert said == [
        "the training data are separated (quasi-complete): "
        + me.notes[0].split(": ", 1)[1]
    ]
    # the derivative of the same column: a huge standard error, same note
    me, said = _margins(model, X, y)
    assert me.margeff_se["NV"] > 100 and me.notes and len(said) == 1


def test_effects_of_a_firth_fit_or_unseparated_data_have_no_note():
    X, y = endometrial()
    firth = LogisticRegression(penalty="firth").fit(X, y)
    me, said = _margins(firth, X, y, dummy=True)
    assert (me.separation, me.notes, said) == (None, [], [])
    assert "Note:" not in me.summary()
    plain = LogisticRegression(penalty=None).fit(X[["PI", "EH"]], y)
    me, said = _margins(plain, X[["PI", "EH"]], y)
    assert (me.separation, me.notes, said) == (None, [], [])


def test_k_class_effects_of_separated_fit_name_a_penalty():
    df = pd.read_csv(data_path("iris", "iris.csv"))
    y = df.pop("species")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None, max_iter=1000).fit(df, y)
    assert model.separation_ == "quasi-complete"
    me, said = _margins(model, df, y)
    assert me.notes and me.notes[0].endswith("far too small. Use a penalty.")
    assert me.summary().endswith("Note: " + me.notes[0]) and len(said) == 1


@pytest.fixture
def separated_model(workdir, capsys):
    X, y = endometrial()
    X.assign(HG=y).to_csv(workdir / "endo.csv", index=False)
    code, _, _ = run_cli(capsys, ["fit", "endo.csv", "-t", "HG", "-o", "e.json"])
    assert code == 0
    return workdir


def test_cli_margins_of_separated_fit(separated_model, capsys):
    code, out, err = run_cli(capsys, ["margins", "e.json", "endo.csv", "--dummy"])
    assert code == 0
    note = out.rstrip("\n").splitlines()[-1]
    assert note.startswith("Note: " + NOTE_START)
    assert note.endswith("far too small. Use --penalty firth.")
    # one separation warning: the effects', not the coefficients' ("huge")
    lines = [line for line in err.splitlines() if "Separation" in line]
    assert lines == [
        "warning: PerfectSeparationWarning: the training data are separated "
        "(quasi-complete): " + note.split(": ", 2)[2]
    ]
    code, out, _ = run_cli(capsys, ["margins", "e.json", "endo.csv", "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["notes"] == [note[len("Note: ") :]]


def test_cli_margins_json_of_unseparated_fit_has_no_notes(workdir, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    pd.DataFrame({"x": x, "y": y}).to_csv(workdir / "d.csv", index=False)
    assert run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])[0] == 0
    code, out, err = run_cli(capsys, ["margins", "m.json", "d.csv", "--json"])
    assert code == 0 and json.loads(out)["notes"] == [] and "Separation" not in err


def test_a_suspected_separation_is_said_conditionally():
    # "suspected" is fitted logits beyond ±30, not the LP's finding
    from logistic.inference._separation_notes import (
        separated_margins_note,
        separated_margins_warning,
    )

    note = separated_margins_note("suspected")
    assert note.startswith(
        "Separation suspected (fitted logits beyond ±30): if the MLE does not exist, "
        "these marginal effects"
    )
    assert separated_margins_warning("suspected").startswith(
        "the training data look separated (fitted logits beyond ±30): if the MLE"
    )
    assert "the MLE does not exist, so" in separated_margins_note("complete")
