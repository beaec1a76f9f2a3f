"""Readers and encodings (logistic.tabular): formats, labels, missing values, formulas.

RELIABILITY rows C01-C12, C14, C22 (library side).
"""

from __future__ import annotations

import bz2
import gzip

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import data_path, load_libsvm
from logistic import DataValidationError, InvalidParameterError
from logistic.tabular import apply_design, fit_design, read_data, sniff_format

CSV = "x,cat,y\n1.5,a,yes\n2.0,b,no\n-1.0,c,yes\n0.5,a,no\n3.0,b,yes\n"


def _write(tmp_path, name, text, opener=open):
    p = tmp_path / name
    with opener(p, "wt") as fh:
        fh.write(text)
    return p


# -- formats -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "opener", "sep"),
    [
        ("d.csv", CSV, open, ","),
        ("d.txt", CSV.replace(",", ";"), open, ";"),
        ("d.tsv", CSV.replace(",", "\t"), open, "\t"),
        ("d.dat", CSV.replace(",", "|"), open, "|"),
        ("d.csv.gz", CSV, gzip.open, ","),
        ("d.bz2", CSV.replace(",", ";"), bz2.open, ";"),
    ],
)
def test_csv_variants_read_the_same(tmp_path, name, text, opener, sep):
    raw = read_data(_write(tmp_path, name, text, opener))
    assert raw.format == "csv" and raw.delimiter == sep
    assert raw.table.column_names == ["x", "cat", "y"]
    assert raw.table.column("x").to_pylist() == [1.5, 2.0, -1.0, 0.5, 3.0]


def test_bom_is_skipped(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + CSV.encode())
    assert read_data(p).table.column_names[0] == "x"


def test_parquet_and_format_sniffing(tmp_path):
    table = pa.table({"x": [1.0, 2.0], "y": [0, 1]})
    pq.write_table(table, tmp_path / "t.data")  # no extension: magic bytes decide
    assert sniff_format(str(tmp_path / "t.data")) == ("parquet", None)
    assert read_data(tmp_path / "t.data").table.equals(table)


def test_libsvm_matches_reference_reader():
    # reference: tests/conftest.load_libsvm (independent plain-Python reader)
    path = data_path("a9a", "a9a.t.gz")
    raw = read_data(path)
    X_ref, y_ref = load_libsvm(path, n_features=123)
    assert raw.format == "libsvm" and not raw.zero_based
    assert raw.X.shape == (16281, 123)
    assert (raw.X != X_ref).nnz == 0
    assert np.array_equal(raw.labels > 0, y_ref == 1)


def test_libsvm_zero_based_comments_qid_and_bad_line(tmp_path):
    p = _write(tmp_path, "z.svm", "1 qid:3 0:1.5 2:2 # note\n-1 1:1\n")
    raw = read_data(p)
    assert raw.zero_based and raw.X.toarray().tolist() == [[1.5, 0, 2], [0, 1, 0]]
    bad = _write(tmp_path, "b.svm", "1 1:1\n0 2:x\n")
    with pytest.raises(DataValidationError, match="line 2 is not LibSVM"):
        read_data(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"PAR1 not really parquet", "cannot read Parquet: .*magic bytes"),
        (b"a,b\n1,2\n3\n", "cannot read CSV: line 3: expected 2 fields, saw 1"),
        (b"a,b\n1,2\n3,4,5\n", "cannot read CSV: line 3: expected 2 fields, saw 3"),
        (b"a,a\n1,2\n", "duplicate column name"),
        (
            b"a,b\n\xff\xfe,1\n",
            r"line 2 is not UTF-8 text \(byte 0xff at offset 4\).*--encoding cp1252",
        ),
    ],
)
def test_unreadable_content(tmp_path, content, message):
    p = tmp_path / ("f.parquet" if content.startswith(b"PAR1") else "f.csv")
    p.write_bytes(content)
    with pytest.raises(DataValidationError, match=message):
        raw = read_data(p)
        fit_design(raw, target="b")


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_data(tmp_path / "nope.csv")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        read_data(tmp_path)


# -- labels (C10) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "positive"),
    [
        (["0", "1", "1", "0"], "1"),
        (["-1", "1", "1", "-1"], "1"),
        (["-1", "+1", "+1", "-1"], "+1"),
        (["false", "true", "true", "false"], "true"),
        (["No", "Yes", "Yes", "No"], "Yes"),
        (["no", "yes", "yes", "no"], "yes"),
    ],
)
def test_recognised_label_pairs(tmp_path, values, positive):
    text = "x,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))
    d = fit_design(read_data(_write(tmp_path, "l.csv", text)), target="y")
    got = str(d.encoding["label"]["positive"]).lower().removesuffix(".0")
    assert got in (positive.lower(), positive.lstrip("+").lower())
    assert d.y.tolist() == [0.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize(
    ("values", "positive", "message"),
    [
        (["a", "b", "a"], None, "which is the positive class\\? pass --positive"),
        (["a", "b", "a"], "c", "--positive 'c' is not a value"),
        (["yes", "Yes", "no"], "yes", "--positive applies to a target of two"),
        (["1", "1", "1"], None, "single class: 1 \\(n=3\\)"),
    ],
)
def test_label_errors(tmp_path, values, positive, message):
    text = "x,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))
    with pytest.raises(DataValidationError, match=message):
        fit_design(
            read_data(_write(tmp_path, "l.csv", text)), target="y", positive=positive
        )


def test_positive_value_chooses_class(tmp_path):
    text = "x,y\n1,cat\n2,dog\n3,cat\n"
    d = fit_design(
        read_data(_write(tmp_path, "l.csv", text)), target="y", positive="cat"
    )
    assert d.y.tolist() == [1.0, 0.0, 1.0]
    assert d.encoding["label"] == {"column": "y", "negative": "dog", "positive": "cat"}


# -- automatic encoding ---------------------------------------------------------------
def test_one_hot_with_reference_level_and_reapply(tmp_path):
    raw = read_data(_write(tmp_path, "d.csv", CSV))
    d = fit_design(raw, target="y")
    assert d.feature_names == ["x", "cat[T.b]", "cat[T.c]"]
    assert d.encoding["columns"][1] == {
        "name": "cat",
        "kind": "categorical",
        "levels": ["a", "b", "c"],
        "reference": "a",
    }
    assert d.X[:, 1:].tolist() == [[0, 0], [1, 0], [0, 1], [0, 0], [1, 0]]
    # predict-time data: columns reordered, a level missing, an extra column
    new = read_data(_write(tmp_path, "n.csv", "id,cat,x\n7,b,1.0\n8,b,2.0\n"))
    d2 = apply_design(new, d.encoding)
    assert d2.X.tolist() == [[1.0, 1, 0], [2.0, 1, 0]]
    assert any("ignored column" in n and "not used by the model" in n for n in d2.notes)


def test_unseen_category_and_missing_column(tmp_path):
    d = fit_design(read_data(_write(tmp_path, "d.csv", CSV)), target="y")
    new = read_data(_write(tmp_path, "n.csv", "x,cat\n1,a\n2,zzz\n"))
    with pytest.raises(
        DataValidationError,
        match=r"categories not seen at fit time: \['zzz'\] \(first at line 3\)",
    ):
        apply_design(new, d.encoding)
    new = read_data(_write(tmp_path, "m.csv", "x\n1\n"))
    with pytest.raises(DataValidationError, match="model input column 'cat' not found"):
        apply_design(new, d.encoding)


def test_features_drop_and_identifier_guard(tmp_path):
    raw = read_data(_write(tmp_path, "d.csv", CSV))
    assert fit_design(raw, target="y", features=["x"]).feature_names == ["x"]
    assert fit_design(raw, target="y", drop=["cat"]).feature_names == ["x"]
    with pytest.raises(DataValidationError, match="0 feature columns"):
        fit_design(raw, target="y", drop=["x", "cat"])
    with pytest.raises(DataValidationError, match="feature column 'nope' not found"):
        fit_design(raw, target="y", features=["nope"])


# -- missing values and garbage (C07, C08, C11) ----------------------------------
def test_missing_values_error_and_drop(tmp_path):
    text = "x,z,y\n1,NA,0\n,2,1\n3,3,0\n4,,1\n5,5,0\n6,6,1\n"
    raw = read_data(_write(tmp_path, "m.csv", text))
    with pytest.raises(
        DataValidationError,
        match=r"column 'x' \(1 row\(s\), first at line 3\); column 'z' "
        r"\(2 row\(s\), first at line 2, line 5\).*--missing drop",
    ):
        fit_design(raw, target="y")
    d = fit_design(raw, target="y", missing="drop")
    assert d.rows_read == 6 and d.rows_dropped == 3 and d.X.shape == (3, 2)
    assert d.notes == ["dropped 3 row(s) with missing values (line 2, line 3, line 5)"]


def test_garbage_in_numeric_column_found_deep_in_file(tmp_path):
    rows = [f"{i},{i % 2}" for i in range(70000)]
    rows[65000] = "abc,1"
    p = _write(tmp_path, "g.csv", "x,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(
        DataValidationError,
        match=r"column 'x' .* non-numeric value 'abc' at line 65002",
    ):
        fit_design(read_data(p), target="y")


def test_infinite_value_is_an_error(tmp_path):
    p = _write(tmp_path, "i.csv", "x,y\n1,0\ninf,1\n")
    with pytest.raises(DataValidationError, match=r"infinite value \(inf\) at line 3"):
        fit_design(read_data(p), target="y")


def test_wrong_delimiter_hint(tmp_path):
    p = _write(tmp_path, "s.csv", CSV.replace(",", ";"))
    with pytest.raises(
        DataValidationError, match="read as one column .*: pass --sep ';' "
    ):
        fit_design(read_data(p, sep=","), target="y")


# -- formulas --------------------------------------------------------------------------
def test_formula_round_trip_with_state(tmp_path):
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    d = fit_design(raw, target=None, formula="admit ~ center(gre) + gpa + C(rank)")
    assert d.feature_names == [
        "center(gre)",
        "gpa",
        "C(rank)[T.2]",
        "C(rank)[T.3]",
        "C(rank)[T.4]",
    ]
    assert abs(d.X[:, 0].mean()) < 1e-9
    # a subset at predict time keeps the training mean and all rank levels
    sub = pa.Table.from_batches(raw.table.slice(0, 3).to_batches())
    raw.table = sub
    d2 = apply_design(raw, d.encoding)
    assert np.allclose(d2.X, d.X[:3])


def test_formula_errors(tmp_path):
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    with pytest.raises(InvalidParameterError, match="has no '~'"):
        fit_design(raw, target=None, formula="gre + gpa")
    with pytest.raises(InvalidParameterError, match="differs from the formula"):
        fit_design(raw, target="gre", formula="admit ~ gpa")
    d = fit_design(raw, target=None, formula="admit ~ gre + C(rank)")
    new = read_data(_write(tmp_path, "n.csv", "gre,rank\n500,1\n600,7\n"))
    with pytest.raises(DataValidationError, match="categories not seen at fit time"):
        apply_design(new, d.encoding)


def test_formula_excludes_features_option():
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    with pytest.raises(InvalidParameterError, match="do not apply with --formula"):
        fit_design(raw, target=None, formula="admit ~ gre", features=["gpa"])


def test_parquet_column_types(tmp_path):
    from decimal import Decimal

    table = pa.table(
        {
            "n": pa.array([1, None, 3, 4], type=pa.int64()),
            "d": pa.array(
                [Decimal("1.5"), Decimal("2.5"), Decimal("0.5"), Decimal("1")]
            ),
            "c": pa.array(["a", "b", "a", "b"]).dictionary_encode(),
            "y": [0, 1, 0, 1],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    raw = read_data(tmp_path / "t.parquet")
    with pytest.raises(
        DataValidationError, match=r"column 'n' \(1 row\(s\), first at row 2\)"
    ):
        fit_design(raw, target="y")
    d = fit_design(raw, target="y", missing="drop")
    assert d.feature_names == ["n", "d", "c[T.b]"]
    assert d.X.tolist() == [[1, 1.5, 0], [3, 0.5, 0], [4, 1.0, 1]]
    pq.write_table(
        pa.table({"t": pa.array([1, 2], type=pa.timestamp("s")), "y": [0, 1]}),
        tmp_path / "ts.parquet",
    )
    with pytest.raises(DataValidationError, match="column 't' .* has type timestamp"):
        fit_design(read_data(tmp_path / "ts.parquet"), target="y")


def test_many_ignored_columns_give_a_short_note(tmp_path):
    train = read_data(_write(tmp_path, "t.csv", "x,y\n1,0\n2,1\n3,0\n4,1\n"))
    d = fit_design(train, target="y")
    extra = [f"extra_column_{j}" for j in range(200)]
    header = ",".join(["x", *extra])
    row = ",".join(["1.5", *["0"] * 200])
    new = read_data(_write(tmp_path, "n.csv", f"{header}\n{row}\n"))
    notes = apply_design(new, d.encoding).notes
    assert notes == [
        "ignored 200 columns: 'extra_column_0', 'extra_column_1', 'extra_column_2', "
        "'extra_column_3', 'extra_column_4', … and 195 more: not used by the model"
    ]


def test_missing_pyarrow_or_formulaic_names_the_extra(tmp_path, monkeypatch):
    """read_data without pyarrow raised "No module named 'pyarrow'" and a
    formula without formulaic "No module named 'formulaic'"; each names the
    extra to install."""
    import re
    import sys

    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    raw = read_data(path)
    extra = re.escape(
        "needs the 'cli' extra, not installed: pip install 'logistic[cli]'"
    )
    monkeypatch.setitem(sys.modules, "formulaic", None)
    with pytest.raises(
        ImportError, match=rf"^a formula {extra}.*pip install formulaic"
    ):
        fit_design(raw, target=None, formula="y ~ x")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(
        ImportError, match=rf"^reading a data file .*{extra}.*pip install pyarrow"
    ):
        read_data(path)
