"""A Stata or SPSS data file given as DATA is named, with the way to convert it.

An analyst moving from Stata has ``.dta`` files. Given one, ``logistic fit``
said only that the file "is binary (it holds NUL bytes)"; it now says that it
is a Stata data file and how to export it. The files are written by pandas'
own Stata writer (``DataFrame.to_stata``), in the default format 114 (the
old binary header: format number, byte order, file type 1, a zero byte) and
in format 118 (which starts ``<stata_dta>``), the references for what Stata
writes; SPSS's ``.sav`` starts ``$FL2`` (its system-file layout).
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize("version", [114, 118])
@pytest.mark.parametrize("command", ["fit", "predict"])
def test_a_stata_file_is_named(workdir, capsys, version, command):
    pd.read_csv(UCLA).to_stata(workdir / "d.dta", write_index=False, version=version)
    if command == "fit":
        argv = ["fit", "d.dta", "-t", "admit", "-o", "m.json"]
    else:
        assert run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json", "-q"])[0] == 0
        argv = ["predict", "m.json", "d.dta", "-o", "-"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65, err
    assert "d.dta is a Stata data file (.dta" in err, err
    assert "pandas.read_stata('d.dta')" in err, err


def test_an_spss_file_is_named(workdir, capsys):
    (workdir / "d.sav").write_bytes(b"$FL2@(#) IBM SPSS STATISTICS" + bytes(200))
    code, _, err = run_cli(capsys, ["fit", "d.sav", "-t", "admit", "-o", "m.json"])
    assert code == 65, err
    assert "d.sav is an SPSS data file (.sav)" in err and "pandas.read_spss" in err
