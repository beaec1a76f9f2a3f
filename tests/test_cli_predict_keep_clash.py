"""``predict --keep`` of a column named like an output column is refused.

A kept column named ``label``, ``proba`` or ``logit`` was replaced by the
prediction's column of that name in the output (CSV and Parquet), exit 0:
the user's column was lost, silently.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize("kept", ["label", "proba", "logit", "gre,proba"])
def test_a_kept_column_named_like_an_output_column_is_refused(tmp_path, capsys, kept):
    model = tmp_path / "m.json"
    assert run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", model])[0] == 0
    (tmp_path / "d.csv").write_text("gre,gpa,rank,label,proba,logit\n500,3.1,2,a,b,c\n")
    out = tmp_path / "p.csv"
    code, stdout, err = run_cli(capsys, ["predict", model, tmp_path / "d.csv", "--keep", kept, "-o", out])
    assert (code, stdout) == (2, "")
    clash = kept.split(",")[-1]
    assert f"error: --keep {clash!r}: predict writes a column of that name" in err
    assert "(its columns: proba, label, logit)" in err
    assert not out.exists()


def test_other_kept_columns_are_written_beside_the_predictions(tmp_path, capsys):
    model = tmp_path / "m.json"
    assert run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", model])[0] == 0
    (tmp_path / "d.csv").write_text("gre,gpa,rank,id\n500,3.1,2,007\n")
    code, stdout, err = run_cli(capsys, ["predict", model, tmp_path / "d.csv", "--keep", "id", "-o", "-"])
    assert code == 0, err
    assert stdout.splitlines()[0] == '"id","proba","label","logit"'
    assert stdout.splitlines()[1].startswith('"007",')
