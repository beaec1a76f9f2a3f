"""Names, labels, levels and terms of a model file hold no control characters.

A model file is read as written by an attacker (its checksum can be
recomputed): a feature name holding ``ESC [ 2 J`` would clear the terminal of
whoever runs ``logistic summary`` on it, a line break would forge a line of
its output. Every string a command shows or matches input against is checked
at load (``io.check_text_fields``): a :class:`ModelFormatError` naming the
file, the field and the character, shown escaped. ``save`` runs the same
check, so a model whose names hold such characters is refused before a file
is written, and ``logistic fit`` refuses such a column before fitting.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import LogisticRegression, ModelFormatError
from logistic import io as lio

#: Clears the screen, turns the text red, and forges a second line.
ESCAPE = "gpa\x1b[2J\x1b[31m\nWARNING: model verified"


def _rewrite(path, edit):
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


def _set(*keys):
    """An edit putting ``text`` at ``doc[keys[0]][keys[1]]...``."""

    def edit_with(text):
        def edit(doc):
            target = doc
            for k in keys[:-1]:
                target = target[k]
            target[keys[-1]] = text

        return edit

    return edit_with


def _rename_factor(doc, text):
    """The formula's factor 'gpa' renamed (its key in ``encoding.factors``)."""
    factors = doc["encoding"]["factors"]
    factors[text] = factors.pop("gpa")


FIELDS = {
    "model.feature_names[1]": _set("model", "feature_names", 1),
    "encoding.feature_names[1]": _set("encoding", "feature_names", 1),
    "encoding.variables[1]": _set("encoding", "variables", 1),
    "encoding.label.column": _set("encoding", "label", "column"),
    "covariance.names[2]": _set("covariance", "names", 2),
    "training.data.name": _set("training", "data", "name"),
    "encoding.factors": lambda text: lambda doc: _rename_factor(doc, text),
}


@pytest.fixture
def ucla_model(tmp_path):
    """The UCLA model with R's formula ``admit ~ gre + gpa + C(rank)``."""
    return fit_ucla_model(tmp_path)


@pytest.mark.parametrize(
    "char",
    [
        "\x1b",  # ESC: starts a terminal escape sequence
        "\n",  # forges a line
        "\r",  # returns to the line's start, overwriting it
        "\x9b",  # C1 CSI: an escape sequence in one character
        "\x7f",  # DEL
        "\u202e",  # right-to-left override: reorders what follows
        "\u2028",  # line separator
    ],
    ids=["esc", "lf", "cr", "csi", "del", "rlo", "line-separator"],
)
def test_a_control_character_in_a_feature_name_is_refused(ucla_model, char):
    _rewrite(ucla_model, FIELDS["model.feature_names[1]"]("gre" + char + "x"))
    with pytest.raises(ModelFormatError) as info:
        lio.load(ucla_model)
    text = str(info.value)
    assert str(ucla_model) in text and "'model.feature_names[1]'" in text
    assert f"control character {char!r}" in text
    assert char not in text  # shown escaped


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_every_shown_field_is_checked(ucla_model, field):
    _rewrite(ucla_model, FIELDS[field](ESCAPE))
    with pytest.raises(ModelFormatError) as info:
        lio.load(ucla_model)
    text = str(info.value)
    assert f"'{field}'" in text and "control character '\\x1b'" in text
    assert "\x1b" not in text and "\n" not in text


def test_a_class_label_is_checked(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    y = np.where(X[:, 0] + rng.standard_normal(60) > 0, "no", "yes")
    path = logistic.save(LogisticRegression().fit(X, y), tmp_path / "m.json")
    _rewrite(path, _set("model", "classes", "values", 1)("yes\x1b]0;owned\x07"))
    with pytest.raises(ModelFormatError, match=r"'model\.classes\.values\[1\]'"):
        lio.load(path)


def test_summary_and_predict_refuse_a_forged_file(ucla_model, capsys):
    _rewrite(ucla_model, FIELDS["model.feature_names[1]"](ESCAPE))
    _rewrite(ucla_model, FIELDS["encoding.feature_names[1]"](ESCAPE))
    data = data_path("ucla-admissions", "binary.csv")
    for args in (["summary", ucla_model], ["predict", ucla_model, data]):
        code, out, err = run_cli(capsys, args)
        assert code == 65
        assert "\x1b" not in out + err and "WARNING: model verified" not in out
        assert "'model.feature_names[1]'" in err


def test_save_refuses_a_name_load_would_refuse(ucla_model, tmp_path):
    """``save`` checks before writing, with the message load gives."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.standard_normal((80, 2)), columns=["gre", ESCAPE])
    y = (frame["gre"] + rng.standard_normal(80) > 0).astype(int)
    model = LogisticRegression().fit(frame, y)
    target = tmp_path / "named.json"
    with pytest.raises(ModelFormatError) as saving:
        logistic.save(model, target)
    assert not target.exists()
    _rewrite(ucla_model, FIELDS["model.feature_names[1]"](ESCAPE))
    with pytest.raises(ModelFormatError) as loading:
        lio.load(ucla_model)
    assert str(saving.value).replace(str(target), "F") == str(loading.value).replace(
        str(ucla_model), "F"
    )


def test_fit_refuses_a_column_name_before_fitting(workdir, capsys):
    (workdir / "esc.csv").write_text(
        'admit,"gre\x1b[2J",gpa\n0,1,2\n1,2,3\n0,3,1\n1,0,2\n0,2,2\n1,1,1\n'
    )
    code, out, err = run_cli(capsys, ["fit", "esc.csv", "--target", "admit"])
    assert code == 65
    assert "\x1b" not in out + err and "control character '\\x1b'" in err
    # named before any fit: the data file, the column, what to do; no model written
    assert "esc.csv: column name 'gre\\x1b[2J'" in err and "rename the column" in err
    assert not (workdir / "model.json").exists()


def test_genuine_names_and_a_tab_delimiter_load(workdir, capsys):
    """Characters that control nothing stay accepted (a no-break space, a
    zero-width space, non-ASCII letters), and a tab-separated file's
    delimiter, stored in the free-form ``training.data``, is no name."""
    names = ["gre\u00a0score", "gpa\u200b", "région"]
    rows = ["\t".join(["admit", *names])]
    rng = np.random.default_rng(2)
    for i in range(40):
        rows.append("\t".join([str(i % 2), *(f"{v:.3f}" for v in rng.random(3))]))
    (workdir / "t.tsv").write_text("\n".join(rows) + "\n")
    code, _, err = run_cli(
        capsys, ["fit", "t.tsv", "--target", "admit", "--sep", "\t", "-o", "m.json"]
    )
    assert code == 0, err
    model = lio.load(workdir / "m.json")
    assert list(model.feature_names_in_) == names
    assert (
        json.loads((workdir / "m.json").read_text())["training"]["data"]["delimiter"]
        == "\t"
    )
