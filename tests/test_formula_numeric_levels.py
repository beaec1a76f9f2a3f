"""C(column) of a column of numbers: a scored file's text that reads as a
number is that level.

``C(rank)`` of a column read as numbers stores the levels 1, 2, 3, 4. A file
to score whose ``rank`` holds one value that is not a number is read as text;
its ``"2"`` then matched no level, so ``--unknown-levels na`` left every row
of it unscored, the valid ones included. Now only the stray value's row is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


def _fit(tmp_path, capsys):
    model = tmp_path / "m.json"
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "--formula", "admit ~ gre + gpa + C(rank)", "-o", model]
    )
    assert code == 0, err
    return model


def _logits_by_hand(rows):
    """The fitted model's logits of ``rows`` (gre, gpa, rank), from
    statsmodels' fit of the same formula on the same file."""
    import statsmodels.formula.api as smf

    fitted = smf.logit("admit ~ gre + gpa + C(rank)", pd.read_csv(UCLA)).fit(disp=0)
    frame = pd.DataFrame(rows, columns=["gre", "gpa", "rank"])
    return np.asarray(fitted.predict(frame, which="linear"))


def test_a_stray_value_leaves_only_its_own_row_unscored(tmp_path, capsys):
    model = _fit(tmp_path, capsys)
    new = tmp_path / "new.csv"
    new.write_text("gre,gpa,rank\n500,3.5,2\n600,3.0,x\n550,3.2,02\n700,3.9,4.0\n")
    code, out, err = run_cli(
        capsys, ["predict", model, new, "--unknown-levels", "na", "-o", "-"]
    )
    assert code == 0, err
    assert "1 of 4 rows not scored: 1 with categories not seen at fit time" in err
    lines = out.splitlines()
    assert lines[2] == ",,"
    logits = [float(lines[i].split(",")[2]) for i in (1, 3, 4)]
    expected = _logits_by_hand([(500, 3.5, 2), (550, 3.2, 2), (700, 3.9, 4)])
    np.testing.assert_allclose(logits, expected, rtol=1e-6)


def test_an_unseen_number_is_still_named(tmp_path, capsys):
    model = _fit(tmp_path, capsys)
    new = tmp_path / "new.csv"
    new.write_text("gre,gpa,rank\n500,3.5,2\n600,3.0,x\n550,3.2,7\n")
    code, out, err = run_cli(
        capsys, ["predict", model, new, "--unknown-levels", "na", "-o", "-"]
    )
    assert code == 0, err
    assert "2 of 3 rows not scored: 2 with categories not seen at fit time" in err
    assert out.splitlines()[2:] == [",,", ",,"]


def test_by_default_the_stray_value_is_named_as_an_unseen_level(tmp_path, capsys):
    # a column read only inside C() holds levels at predict as at fit: 'x' is
    # a category the fit did not see, not garbage in a column of numbers
    model = _fit(tmp_path, capsys)
    new = tmp_path / "new.csv"
    new.write_text("gre,gpa,rank\n500,3.5,2\n600,3.0,x\n700,3.9,4.0\n")
    code, out, err = run_cli(capsys, ["predict", model, new])
    assert (code, out) == (65, "")
    assert err == (
        f"error: column 'rank' in {new} has categories not seen at fit time: "
        "['x'] (first at line 3); known: [1, 2, 3, 4]; give those rows empty "
        "predictions with --unknown-levels na\n"
    )


def test_only_text_the_number_rule_reads_becomes_a_level():
    """Text becomes a number level only where ``_number_text.NUMBER`` (the
    rule every reader applies) reads a number: ``inf``, ``nan``, ``1_0`` and
    another script's digits, which Python's ``float`` also takes, stay text
    and so are unseen categories."""
    from logistic.tabular._factor_values import factor_values

    read = ["2", "02", " 4.0 ", "-1e0", "x", "inf", "nan", "1_0", "\u0663", None, 3]
    assert factor_values(read, [1, 2, 3, 4]) == [
        2.0, 2.0, 4.0, -1.0, "x", "inf", "nan", "1_0", "\u0663", None, 3,
    ]  # fmt: skip
    assert factor_values(["2", "x"], ["1", "2"]) == ["2", "x"]  # text levels: as read
