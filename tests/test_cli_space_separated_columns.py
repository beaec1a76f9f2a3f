"""Columns listed with spaces, as a Stata varlist, are answered with the
comma-separated list.

``logistic fit d.csv -t admit --features "gre gpa rank"`` (Stata writes
``logit admit gre gpa rank``) said that column 'gre gpa rank' is not in the
file; the message now says that these are three columns and writes the list
the options take (comma-separated, docs/cli.md), which is checked to fit the
same model as statsmodels' ``Logit`` on those columns.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize("option", ["--features", "--drop"])
def test_space_separated_list_names_the_comma_list(workdir, capsys, option):
    argv = ["fit", UCLA, "-t", "admit", option, "gre gpa", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code != 0
    assert "'gre gpa' is 2 columns separated by spaces" in err, err
    assert "separates them with commas: gre,gpa)" in err, err


def test_the_comma_list_fits_those_columns(workdir, capsys):
    sm = pytest.importorskip("statsmodels.api")
    argv = ["fit", UCLA, "-t", "admit", "--features", "gre,gpa", "-o", "m.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    coef = json.loads((workdir / "m.json").read_text())["model"]["coef"]
    frame = pd.read_csv(UCLA)
    ref = sm.Logit(frame["admit"], sm.add_constant(frame[["gre", "gpa"]])).fit(disp=0)
    np.testing.assert_allclose(coef, ref.params.iloc[1:], rtol=1e-6)
