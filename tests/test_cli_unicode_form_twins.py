"""Levels (or a target's classes) that differ only in their Unicode form read
the same on screen: ``é`` written as one character (U+00E9, NFC) and as
``e`` + a combining accent (U+0301, NFD, as macOS writes file names and some
exports write text), ``ｙｅｓ`` in full-width letters (an East Asian input
method) beside ``yes``, ``ab`` with a zero-width space inside. They are two
levels each with a coefficient, as text compared exactly is, and as the docs
say of case and spaces; the fit warned of ``Yes``/``yes`` but was silent on
these, the one kind a user cannot see: the table showed two identical
names, ``g[T.é]`` against the reference ``'é'``. Now the fit warns, naming
them with their code points escaped where they would read the same.

Which texts are one under Unicode normalization comes from Python's
``unicodedata`` (UAX #15 NFKC), independent of the code under test.
"""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

NFC, NFD = "caf\u00e9", "cafe\u0301"


def test_the_forms_are_one_text_under_unicode_normalization():
    assert NFC != NFD and unicodedata.normalize("NFC", NFD) == NFC
    assert unicodedata.normalize("NFKC", "ｙｅｓ") == "yes"


def _fit(tmp_path, capsys, values, **extra):
    rng = np.random.default_rng(3)
    n = len(values)
    x = rng.normal(size=n).round(4)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x))).astype(int)
    frame = pd.DataFrame({"x": x, "g": values, "y": y, **extra})
    frame.to_csv(tmp_path / "d.csv", index=False)
    target = "t" if extra else "y"
    args = ["fit", tmp_path / "d.csv", "-t", target, "-o", tmp_path / "m.json"]
    code, text, err = run_cli(capsys, [*args, "--json", "--penalty", "l2"])
    assert code == 0, err
    model = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    return json.loads(text)["warnings"], model


@pytest.mark.parametrize(
    ("twins", "shown"),
    [
        ((NFC, NFD), "'cafe\\u0301', 'caf\u00e9'"),
        (("yes", "ｙｅｓ"), "'yes', 'ｙｅｓ'"),
        (("ab", "a\u200bb"), "'ab', 'a\\u200bb'"),
    ],
)
def test_levels_that_differ_in_unicode_form_are_named(tmp_path, capsys, twins, shown):
    values = [twins[0], twins[1], "other"] * 70
    warnings, model = _fit(tmp_path, capsys, values)
    # two levels, as the file holds them, stored exactly (sorted: the first
    # is the reference)
    levels = sorted([*twins, "other"])
    assert model["model"]["feature_names"][1:] == [f"g[T.{t}]" for t in levels[1:]]
    expected = (
        f"column 'g': the levels {shown} differ only in case, spaces or Unicode "
        "form (an accent composed or decomposed, full-width or zero-width "
        "characters), so each is a level of its own (a coefficient each); if they "
        "are one value, correct those values in the file"
    )
    assert expected in warnings


def test_target_classes_that_differ_in_unicode_form_are_named(tmp_path, capsys):
    labels = [NFC, NFD, "thé"] * 70
    warnings, _ = _fit(tmp_path, capsys, ["a", "b"] * 105, t=labels)
    expected = (
        "target 't': 'cafe\\u0301' (70), 'caf\u00e9' (70) differ only in case, "
        "spaces or Unicode form (an accent composed or decomposed, full-width or "
        "zero-width characters), so each is a class of its own (3 classes, a "
        "multinomial model); if they are one answer, correct those values in the "
        "file"
    )
    assert expected in warnings


def test_distinct_non_ascii_levels_get_no_such_warning(tmp_path, capsys):
    warnings, _ = _fit(tmp_path, capsys, ["一级", "二级", "é", "è"] * 50)
    assert not [w for w in warnings if "differ only" in w]


def test_two_target_classes_that_differ_in_unicode_form_are_told_apart(
    tmp_path, capsys
):
    # Two classes, so no twin warning (the fit asks which is positive): the
    # question and the label line named them 'café' and 'café', which no one
    # can tell apart or answer.
    frame = pd.DataFrame({"x": np.arange(40.0), "y": [NFC, NFD] * 20})
    frame.to_csv(tmp_path / "d.csv", index=False)
    args = ["fit", tmp_path / "d.csv", "-t", "y", "-o", tmp_path / "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert "values 'cafe\\u0301' (n=20), 'caf\u00e9' (n=20); which is the" in err
    code, _, err = run_cli(capsys, [*args, "--positive", NFD])
    assert code == 0, err
    assert "positive class 'cafe\\u0301', negative 'caf\u00e9'" in err
