"""``margins -o FILE --excel-safe``: a feature named like a spreadsheet
formula is written with a leading ``'`` in the CSV (as ``predict
--excel-safe`` writes a risky kept column's name); without the option the
name is written as it is, and the option without a CSV output is refused.
The CSV is read back with Python's ``csv`` module."""

from __future__ import annotations

import csv

from conftest import run_cli


def _fit(workdir, capsys):
    lines = ["=HYPERLINK(1),-x,y", *(f"{a},{a % 3},{b}" for a, b in
             zip([1, 2, 3, 4, 5, 2, 3, 1, 4, 5], [0, 1, 0, 1, 1, 0, 1, 0, 0, 1],
                 strict=True))]  # fmt: skip
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    assert run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0


def _terms(path):
    with open(path, newline="") as fh:
        return [row["term"] for row in csv.DictReader(fh)]


def test_risky_feature_names_prefixed(workdir, capsys):
    _fit(workdir, capsys)
    argv = ["margins", "m.json", "d.csv", "-o", "plain.csv", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    assert _terms("plain.csv") == ["=HYPERLINK(1)", "-x"]
    argv = ["margins", "m.json", "d.csv", "-o", "safe.csv", "--excel-safe", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert _terms("safe.csv") == ["'=HYPERLINK(1)", "'-x"]


def test_excel_safe_needs_a_csv_output(workdir, capsys):
    _fit(workdir, capsys)
    for extra in ([], ["-o", "m.out", "--json"]):
        argv = ["margins", "m.json", "d.csv", "--excel-safe", *extra]
        code, _, err = run_cli(capsys, argv)
        assert code == 2 and "--excel-safe changes the CSV file of -o FILE" in err


def test_parquet_named_output_refused(workdir, capsys):
    """``-o x.parquet`` wrote CSV text under a Parquet name; margins writes
    CSV or JSON only, so such a name is refused and nothing is written."""
    _fit(workdir, capsys)
    code, _, err = run_cli(capsys, ["margins", "m.json", "d.csv", "-o", "x.parquet"])
    assert code == 2 and "not Parquet" in err, err
    assert not (workdir / "x.parquet").exists()
