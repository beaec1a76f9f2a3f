"""A date, time or timestamp column named in a ``--formula`` is refused.

Such a column has no number to use and no text level a model file can store:
inside ``C()`` its levels were stored as ``null`` and the fit stopped on its
own rows with "categories not seen at fit time ... known: [None, None, ...]";
used as a number the refusal named ``--drop``, which a formula does not take
(a usage error). Both are now the one refusal of a column of that type, with
the formula's remedy, exit 65, and no model file.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

CSV = (
    "d,t,x,y\n"
    "2020-01-01,12:00:00,0.5,0\n"
    "2020-01-02,12:01:00,1.5,1\n"
    "2020-01-03,12:02:00,-0.5,0\n"
    "2020-01-01,12:00:00,2.5,1\n"
    "2020-01-02,12:01:00,0.1,1\n"
    "2020-01-03,12:02:00,-1.0,0\n"
)


@pytest.mark.parametrize(
    ("formula", "column", "arrow_type"),
    [
        ("y ~ x + C(d)", "d", "date32[day]"),
        ("y ~ x + C(t)", "t", "time32[s]"),
        ("y ~ x + d", "d", "date32[day]"),
        ("y ~ x + C(d):x", "d", "date32[day]"),
    ],
)
def test_a_csv_date_or_time_column_in_a_formula(
    workdir, capsys, formula, column, arrow_type
):
    (workdir / "d.csv").write_text(CSV)
    code, out, err = run_cli(
        capsys, ["fit", "d.csv", "--formula", formula, "-o", "m.json"]
    )
    assert (code, out) == (65, "")
    assert err == (
        f"error: column {column!r} in d.csv has type {arrow_type}, which cannot be "
        "a feature; remove it from --formula or convert it to a number or a "
        "string\n"
    )
    assert not (workdir / "m.json").exists()


def test_a_parquet_timestamp_inside_c(workdir, capsys):
    stamps = pa.array([0, 86400, 172800, 0, 86400, 172800], pa.timestamp("s"))
    table = pa.table(
        {"when": stamps, "x": [0.5, 1.5, -0.5, 2.5, 0.1, -1.0], "y": [0, 1, 0, 1, 1, 0]}
    )
    pq.write_table(table, workdir / "d.parquet")
    code, out, err = run_cli(
        capsys, ["fit", "d.parquet", "--formula", "y ~ x + C(when)", "-o", "m.json"]
    )
    assert (code, out) == (65, "")
    stored = pq.read_schema(workdir / "d.parquet").field("when").type
    assert err.startswith(
        f"error: column 'when' in d.parquet has type {stored}, which cannot be "
        "a feature; remove it from --formula"
    ), err
    assert "not seen at fit time" not in err


def test_without_a_formula_the_remedy_is_drop(workdir, capsys):
    (workdir / "d.csv").write_text(CSV)
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert (code, out) == (65, "")
    assert err.startswith(
        "error: column 'd' in d.csv has type date32[day], which cannot be a "
        "feature; drop it with --drop"
    ), err
