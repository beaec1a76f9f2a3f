"""The three readers of a data file (in memory, ``--stream``, Dask) refuse a
value or a target in the same words.

They differed: an infinite value was "an infinite value at line 6 (inf, or a
number beyond ...)" in memory and "a non-finite value (inf) at line 6" on
``--stream`` and Dask; ``--positive`` among three labels and ``--reference``
naming no label listed the labels with their rows in memory and without on
the scans; a Dask fit of a Parquet directory named a missing value's row
0-based over the whole collection ("row 2500 (0-based, global; ...)"), where
``--stream`` names the file and its 1-based row; ``--class-weight`` listed a
K-class target's levels with the reference first, not sorted; and a missing
label beside a ``--reference`` for two classes was one refusal on the scans,
both in memory.

Every expected line is written from what the test itself put in the file:
data row ``i`` (0-based) is line ``i + 2`` of a CSV file with one header
line and row ``i + 1`` of a Parquet file; each label's rows are counted with
:class:`collections.Counter` over the labels written.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TAIL = (
    "only finite numbers are allowed (a number beyond float64's ±1.8e308, such as "
    "1e999, reads as infinite)"
)
READINGS = [
    pytest.param("memory", id="memory"),
    pytest.param("stream", id="stream"),
    pytest.param("dask", id="dask", marks=pytest.mark.dask),
]


@pytest.fixture(params=READINGS)
def reading(request) -> list[str]:
    """The options of one reader: none (in memory), ``--stream`` (no row
    cache), or the session's shared Dask cluster (conftest's
    ``dask_scheduler``: its workers' standard error checked)."""
    if request.param == "memory":
        return []
    if request.param == "stream":
        return ["--stream", "--no-cache"]
    pytest.importorskip("distributed")
    return ["--scheduler", request.getfixturevalue("dask_scheduler")]


def _fit(capsys, data, *options):
    argv = ["fit", data, "-t", "y", "-o", "m.json", *options]
    code, out, err = run_cli(capsys, argv)
    assert out == "" and len(err.splitlines()) == 1, err
    return code, err.strip()


def _columns(n: int = 40) -> dict[str, list]:
    x = np.round(np.linspace(-2.0, 2.0, n), 3)
    return {"x": x.tolist(), "y": [i % 2 for i in range(n)]}


def _write(path, columns: dict[str, list], texts: dict | None = None) -> None:
    """``columns`` as CSV (a cell replaced by its text in ``texts``, keyed by
    column and 0-based row) or Parquet."""
    texts = texts or {}
    if path.suffix == ".parquet":
        pq.write_table(pa.table(columns), path)
        return
    names = list(columns)
    lines = [",".join(names)]
    for i in range(len(columns[names[0]])):
        cells = [texts.get((c, i), "" if columns[c][i] is None else str(columns[c][i]))
                 for c in names]  # fmt: skip
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("text", "shown"), [("inf", "inf"), ("-inf", "-inf"), ("1e999", "inf")]
)
def test_an_infinite_csv_value_is_named_alike(workdir, capsys, reading, text, shown):
    columns = _columns()
    _write(workdir / "d.csv", columns, {("x", 13): text})
    code, said = _fit(capsys, "d.csv", *reading)
    assert code == 65
    assert (
        said
        == f"error: column 'x' in d.csv has an infinite value ({shown}) at line 15; {TAIL}"
    )


def test_an_infinite_parquet_value_is_named_alike(workdir, capsys, reading):
    columns = _columns()
    columns["x"][13] = -np.inf
    _write(workdir / "d.parquet", columns)
    code, said = _fit(capsys, "d.parquet", *reading)
    assert code == 65
    assert (
        said
        == f"error: column 'x' in d.parquet has an infinite value (-inf) at row 14; {TAIL}"
    )


def _three(workdir, suffix: str) -> Counter:
    """A target of three labels in an unsorted file order; their counts."""
    columns = _columns(30)
    columns["y"] = [["w", "u", "v", "w"][i % 4] for i in range(30)]
    _write(workdir / f"k.{suffix}", columns)
    return Counter(columns["y"])


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_positive_among_three_labels_counts_each_alike(
    workdir, capsys, reading, suffix
):
    n = _three(workdir, suffix)
    code, said = _fit(capsys, f"k.{suffix}", "--positive", "u", *reading)
    assert code == 65
    assert said == (
        f"error: --positive applies to a target of two classes; the target column 'y' "
        f"in k.{suffix} has 3 ('u' (n={n['u']}), 'v' (n={n['v']}), 'w' (n={n['w']})): "
        "for two classes, correct or drop the rows of the other values (a value in a "
        "few rows is often a typo or a stray label); for a multi-class model of them "
        "all, leave --positive out (--reference chooses its reference class)"
    )


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_a_reference_naming_no_label_counts_each_alike(
    workdir, capsys, reading, suffix
):
    n = _three(workdir, suffix)
    code, said = _fit(capsys, f"k.{suffix}", "--reference", "z", *reading)
    assert code == 65
    assert said == (
        f"error: --reference 'z' is not a value of the target column 'y' in k.{suffix}; "
        f"values: 'u' (n={n['u']}), 'v' (n={n['v']}), 'w' (n={n['w']})"
    )


def test_class_weight_lists_the_levels_sorted_as_reference_does(workdir, capsys):
    # with --reference w the levels' code order is w, u, v; the refusal lists
    # them sorted, as classes_ and --reference's own refusal do
    n = _three(workdir, "csv")
    code, said = _fit(capsys, "k.csv", "--reference", "w", "--class-weight", "q=2")
    assert code == 2
    assert said == (
        "error: --class-weight q=2: 'q' is not a level of target 'y' (3 levels: "
        "'u', 'v', 'w')"
    )
    code, said = _fit(capsys, "k.csv", "--reference", "q")
    assert said.endswith(
        f"values: 'u' (n={n['u']}), 'v' (n={n['v']}), 'w' (n={n['w']})"
    )


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_a_missing_label_and_a_reference_for_two_classes_are_both_named(
    workdir, capsys, reading, suffix
):
    # in memory both faults in one run; the scans named the missing label
    # alone. The target's own refusal is the same words in every reader; the
    # missing values' part differs only where documented (docs/cli.md): a
    # fit in memory counts the rows and offers --missing drop, a scan stops
    # at the first and offers the fit in memory.
    columns = _columns(20)
    columns["y"] = [["a", "b"][i % 2] for i in range(20)]
    columns["y"][6] = None  # line 8, row 7
    _write(workdir / f"m.{suffix}", columns)
    n = Counter(v for v in columns["y"] if v is not None)
    code, said = _fit(capsys, f"m.{suffix}", "--reference", "1", *reading)
    assert code == 65
    at = "line 8" if suffix == "csv" else "row 7"
    if reading:
        head = (
            f"error: missing values in m.{suffix}: column 'y' (first at {at}); fill "
            "them in, or drop those rows (`logistic fit --missing drop` does, for a "
            "fit in memory)"
        )
    else:
        head = (
            f"error: missing values in m.{suffix}: column 'y' (1 row(s), first at "
            f"{at}); drop those rows with --missing drop or fill them in"
        )
    assert said == head + (
        "; also: --reference applies to a target of more than two classes; the "
        f"target column 'y' in m.{suffix} has 'a' (n={n['a']}), 'b' (n={n['b']}): use "
        "--positive"
    )


@pytest.mark.parametrize("where", ["csv", "directory"])
def test_a_missing_value_is_named_by_its_files_line_or_row(
    workdir, capsys, reading, where
):
    # the docs' convention: a CSV file's line (header line 1), a Parquet
    # file's 1-based row within that file
    if where == "directory" and not reading:
        pytest.skip("a directory of Parquet files is read with --stream or on Dask")
    columns = _columns(40)
    columns["x"][33] = None
    if where == "csv":
        _write(workdir / "d.csv", columns)
        data, file, at = "d.csv", "d.csv", "line 35"
    else:
        (workdir / "parts").mkdir()
        table = pa.table(columns)
        pq.write_table(table.slice(0, 25), workdir / "parts" / "a.parquet")
        pq.write_table(table.slice(25), workdir / "parts" / "b.parquet")
        data, file, at = "parts", "parts/b.parquet", "row 9"  # 33 - 25 + 1
    code, said = _fit(capsys, data, *reading)
    assert code == 65
    assert said.startswith(f"error: missing values in {file}: column 'x' (")
    assert f"first at {at})" in said and "0-based" not in said


def _mixed(workdir, words: list[str]) -> Counter:
    """b.csv: a target of ``words`` in turn over 40 rows; their counts."""
    columns = _columns(40)
    columns["y"] = [words[i % len(words)] for i in range(40)]
    _write(workdir / "b.csv", columns)
    return Counter(columns["y"])


def test_a_target_of_true_and_1_is_counted_alike(workdir, capsys, reading):
    """A CSV target mixing ``true`` and ``1``: the scans' refusal recounted
    it as text (four labels, '0', '1', 'false', 'true') where memory reads
    two booleans, pyarrow's reading of 1/0 beside true/false: true counts
    the 1s, false the 0s."""
    n = _mixed(workdir, ["1", "0", "true", "false"])
    code, said = _fit(capsys, "b.csv", "--positive", "z", *reading)
    assert code == 65
    assert said == (
        "error: --positive 'z' is not a value of the target column 'y' in b.csv; "
        f"values: false (n={n['0'] + n['false']}), true (n={n['1'] + n['true']})"
    )


def test_a_target_of_true_1_and_2_is_text_alike(workdir, capsys, reading):
    """A 2 beside them makes the column text in every reading: five labels
    as written."""
    n = _mixed(workdir, ["1", "0", "true", "false", "2"])
    code, said = _fit(capsys, "b.csv", "--reference", "z", *reading)
    assert code == 65
    assert said == (
        "error: --reference 'z' is not a value of the target column 'y' in b.csv; "
        f"values: '0' (n={n['0']}), '1' (n={n['1']}), '2' (n={n['2']}), 'false' "
        f"(n={n['false']}), 'true' (n={n['true']})"
    )


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_no_target_lists_the_columns_alike(workdir, capsys, reading, suffix):
    """Without --target, ``--stream`` and Dask said "no target column: pass
    --target COLUMN" without the file's columns, which memory lists (with
    --formula, which they refuse)."""
    columns = {"x": [0.5, 1.0, 2.0, 3.0], "w": [1.0] * 4, "y": [0, 1, 0, 1]}
    _write(workdir / f"n.{suffix}", columns)
    code, out, err = run_cli(capsys, ["fit", f"n.{suffix}", "-o", "m.json", *reading])
    either = " (or --formula)" if not reading else ""
    assert (code, out) == (2, "")
    assert err == (
        f"error: no target column: pass --target COLUMN{either}; the file has 3 "
        "columns: 'x', 'w', 'y'\n"
    )


def test_no_target_in_a_directory_lists_its_first_files_columns(workdir, capsys):
    (workdir / "parts").mkdir()
    for k in range(2):
        pq.write_table(
            pa.table({"a": [0.5, 1.0], "y": [0, 1]}), workdir / "parts" / f"{k}.parquet"
        )
    code, _, err = run_cli(capsys, ["fit", "parts", "-o", "m.json", "--stream"])
    assert (code, err) == (
        2,
        "error: no target column: pass --target COLUMN; its first file has 2 "
        "columns: 'a', 'y'\n",
    )
