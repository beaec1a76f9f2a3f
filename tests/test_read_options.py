"""``read_data``'s reading options (issue 12): ``encoding``, ``decimal``,
``on_progress``, standard input and pipes; the screening of identifiers and
free text; one-line messages (:mod:`logistic._messages`).

Expected values are written out by hand from the bytes each test builds
(offsets, lines, counts), not computed by the code under test.
"""

from __future__ import annotations

import gzip
import io
import os
import threading

import numpy as np
import pytest

from logistic import DataValidationError
from logistic._exceptions import InvalidParameterError
from logistic._messages import cap_line, name_list
from logistic.tabular import fit_design, read_data
from logistic.tabular._encoding import check_encoding, find_decode_error
from logistic.tabular._screen import identifier_name


# -- encodings ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "canonical"),
    [(None, "utf-8"), ("UTF8", "utf-8"), ("latin1", "iso8859-1"), ("CP1252", "cp1252")],
)
def test_encoding_names_are_normalized(given, canonical):
    assert check_encoding(given) == canonical


@pytest.mark.parametrize("bad", ["klingon", "rot13", "base64", ""])
def test_unknown_or_non_text_codecs_are_refused(bad):
    with pytest.raises(InvalidParameterError, match=r"^--encoding .*latin-1$"):
        check_encoding(bad)


def test_a_bad_byte_past_the_first_megabyte_is_located(tmp_path):
    """Offsets and lines count across the 1 MiB chunks of the search, and a
    valid two-byte character split by a chunk boundary is not an error."""
    head = b"name,y\n"
    filler = b"\xc3\xa9t\xc3\xa9,1\n" * 200_000  # "été,1": 8 bytes, 200,000 lines
    bad = b"caf\xe9,0\n"
    (tmp_path / "f.csv").write_bytes(head + filler + bad)
    offset = len(head) + len(filler) + 3
    assert find_decode_error(str(tmp_path / "f.csv"), None, "utf-8") == (
        200_002,
        offset,
        0xE9,
    )
    with pytest.raises(DataValidationError) as err:
        read_data(tmp_path / "f.csv")
    assert str(err.value) == (
        f"{tmp_path / 'f.csv'}: line 200002 is not UTF-8 text (byte 0xe9 at offset "
        f"{offset:,}); files saved by Excel or on Windows are often cp1252: pass "
        "--encoding cp1252 (or --encoding latin-1)"
    )


def test_compressed_offsets_count_the_decompressed_text(tmp_path):
    (tmp_path / "f.csv.gz").write_bytes(gzip.compress(b"x,y\nna\xefve,1\n"))
    with pytest.raises(DataValidationError, match=r"line 2 .* offset 6 of the "):
        read_data(tmp_path / "f.csv.gz")
    raw = read_data(tmp_path / "f.csv.gz", encoding="latin-1")
    assert raw.table.column("x").to_pylist() == ["naïve"]


def test_cp1252_file_with_crlf_and_a_bom_rule(tmp_path):
    text = "Température;état\r\n12;été\r\n13;hiver\r\n"
    (tmp_path / "w.csv").write_bytes(text.encode("cp1252"))
    raw = read_data(tmp_path / "w.csv", encoding="cp1252")
    assert raw.table.column_names == ["Température", "état"]
    assert raw.table.column("état").to_pylist() == ["été", "hiver"]
    # a UTF-8 byte-order mark says UTF-8, whatever encoding was given
    (tmp_path / "b.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    raw = read_data(tmp_path / "b.csv", encoding="cp1252")
    assert raw.table.column_names == ["Température", "état"]


def test_utf16_is_read_when_named_and_refused_otherwise(tmp_path):
    (tmp_path / "u.csv").write_bytes("x\ty\n1,5\t0\n".encode("utf-16"))
    with pytest.raises(DataValidationError, match="pass --encoding utf-16"):
        read_data(tmp_path / "u.csv")
    raw = read_data(tmp_path / "u.csv", encoding="utf-16", decimal=",")
    assert raw.table.column("x").to_pylist() == [1.5]


def test_undefined_cp1252_byte_names_line_and_byte(tmp_path):
    (tmp_path / "f.csv").write_bytes(b"x;y\r\n1;0\r\n\x81;1\r\n")
    with pytest.raises(DataValidationError) as err:
        read_data(tmp_path / "f.csv", encoding="cp1252")
    assert str(err.value).endswith(
        "f.csv: line 3 cannot be decoded as cp1252 (byte 0x81 at offset 10); pass "
        "the file's encoding, e.g. --encoding utf-8 or --encoding latin-1"
    )


# -- decimal commas -----------------------------------------------------------------
def test_decimal_comma_is_read_as_numbers(tmp_path):
    (tmp_path / "d.csv").write_text("a;b;y\n13,2;1.234,5;0\n-0,5;2,0e3;1\n")
    raw = read_data(tmp_path / "d.csv", decimal=",")
    assert raw.table.column("a").to_pylist() == [13.2, -0.5]
    # pyarrow reads no thousands separator: "1.234,5" stays text, and is refused
    with pytest.raises(DataValidationError, match=r"column 'b' hold.*--decimal ,"):
        fit_design(raw, target="y")


@pytest.mark.parametrize(
    ("content", "refused"),
    [
        ("a;y\n13,2;0\n14;1\n", True),  # integers and decimal commas: numbers
        ("a;y\n1,2,3;0\nx;1\n", False),  # not numbers: categories
        ('a,y\n"13,2",0\n"14,5",1\n', True),  # comma delimiter: quoted, refused
        ("a;y\nred;0\n13,2;1\nblue;0\n", False),  # mostly words: categories
    ],
)
def test_when_a_column_counts_as_decimal_comma_numbers(tmp_path, content, refused):
    (tmp_path / "d.csv").write_text(content)
    raw = read_data(tmp_path / "d.csv")
    if refused:
        with pytest.raises(DataValidationError, match="pass --decimal , to read"):
            fit_design(raw, target="y")
    else:
        design = fit_design(raw, target="y")
        assert design.encoding["columns"][0]["kind"] == "categorical"


def test_quoted_decimal_commas_in_a_comma_file_are_refused_before_screening(tmp_path):
    """Google Sheets in a European locale: ',' delimiter, quoted "14,23". Many
    distinct texts would otherwise be left out as free text or one-hot encoded."""
    rows = ["a,b,y"] + [f'"{i},{i % 7}","{i % 3},5",{i % 2}' for i in range(40)]
    (tmp_path / "gs.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataValidationError) as info:
        fit_design(read_data(tmp_path / "gs.csv"), target="y")
    assert str(info.value) == (
        f"{tmp_path / 'gs.csv'}: 2 columns: 'a', 'b' hold numbers written with a "
        "decimal comma (e.g. '0,0' at line 2), which would be encoded as categories; "
        "pass --decimal , to read them as numbers (if the commas separate "
        "thousands, remove them instead)"
    )
    raw = read_data(tmp_path / "gs.csv", decimal=",")
    assert raw.table.column("b").to_pylist()[:2] == [0.5, 1.5]


def test_decimal_comma_option_on_a_decimal_point_file_names_the_option(tmp_path):
    rows = ["a,b,y"] + [f"{i}.25,{i},{i % 2}" for i in range(40)]
    (tmp_path / "pt.csv").write_text("\n".join(rows) + "\n")
    raw = read_data(tmp_path / "pt.csv", decimal=",")
    with pytest.raises(DataValidationError) as info:
        fit_design(raw, target="y")
    assert str(info.value) == (
        f"{tmp_path / 'pt.csv'}: column 'a' holds numbers written with a decimal "
        "point (e.g. '0.25' at line 2), which --decimal , does not read as numbers; "
        "leave out --decimal , for this file"
    )


def test_decimal_and_encoding_apply_to_csv_only(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1.0], "y": [0]}), tmp_path / "d.parquet")
    with pytest.raises(DataValidationError, match="--decimal applies to CSV text; .* is parquet"):
        read_data(tmp_path / "d.parquet", decimal=",")
    # --sep was ignored for Parquet while --encoding and --decimal were refused
    with pytest.raises(DataValidationError, match="^--sep applies to CSV text; .* is parquet: leave it out$"):
        read_data(tmp_path / "d.parquet", sep=";")
    with pytest.raises(InvalidParameterError, match="--decimal must be . or ,"):
        read_data(tmp_path / "d.parquet", decimal=";")


# -- progress -----------------------------------------------------------------------
def test_progress_hook_reports_rows_and_bytes(tmp_path, monkeypatch):
    import logistic.tabular._raw as raw_module

    monkeypatch.setattr(raw_module, "PROGRESS_SECONDS", 0.0)
    n = 300_000
    body = "".join(f"{i},{i % 2}\n" for i in range(n))
    path = tmp_path / "p.csv"
    path.write_text("x,y\n" + body)
    calls: list[tuple[int, int, int | None]] = []
    raw = read_data(path, on_progress=lambda *a: calls.append(a))
    size = path.stat().st_size
    assert raw.n_rows == n
    assert len(calls) >= 2  # the file is read in blocks, then the final call
    assert calls[-1] == (n, size, size)
    rows = [c[0] for c in calls]
    assert rows == sorted(rows) and all(c[2] == size for c in calls)
    assert all(0 <= c[1] <= size for c in calls)


def test_progress_of_a_compressed_file_counts_its_bytes(tmp_path, monkeypatch):
    import logistic.tabular._raw as raw_module

    monkeypatch.setattr(raw_module, "PROGRESS_SECONDS", 0.0)
    path = tmp_path / "p.csv.gz"
    path.write_bytes(gzip.compress(b"x,y\n" + b"1,0\n2,1\n" * 1000))
    calls: list[tuple] = []
    read_data(path, on_progress=lambda *a: calls.append(a))
    size = path.stat().st_size
    assert calls[-1] == (2000, size, size)


# -- standard input and FIFOs -------------------------------------------------------
def test_standard_input_is_read_once_as_csv(monkeypatch):
    data = b"x,y\n1,0\n2,1\n"
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)

    class Stdin:
        buffer = None

        def fileno(self) -> int:
            return read

        def isatty(self) -> bool:
            return False

    monkeypatch.setattr("sys.stdin", Stdin())
    try:
        raw = read_data("-")
    finally:
        os.close(read)
    import hashlib

    assert (raw.path, raw.format, raw.n_rows) == ("standard input", "csv", 2)
    assert raw.sha256 == hashlib.sha256(data).hexdigest()


def _piped_stdin(monkeypatch, data: bytes) -> int:
    """Standard input replaced by a pipe holding ``data``; the read end."""
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)

    class Stdin:
        def fileno(self) -> int:
            return read

        def isatty(self) -> bool:
            return False

    monkeypatch.setattr("sys.stdin", Stdin())
    return read


def test_piped_libsvm_needs_format_and_parquet_is_recognised(monkeypatch, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    svm = b"1 1:0.5 3:2\n0 2:1\n"
    fd = _piped_stdin(monkeypatch, svm)
    raw = read_data("-")  # CSV unless told: one column named "1 1:0.5 3:2"
    os.close(fd)
    assert (raw.format, raw.table.column_names) == ("csv", ["1 1:0.5 3:2"])
    fd = _piped_stdin(monkeypatch, svm)
    raw = read_data("-", fmt="libsvm")
    os.close(fd)
    assert (raw.format, raw.X.shape, raw.path) == ("libsvm", (2, 3), "standard input")
    pq.write_table(pa.table({"x": [1.0, 2.0], "y": [0, 1]}), tmp_path / "t.parquet")
    fd = _piped_stdin(monkeypatch, (tmp_path / "t.parquet").read_bytes())
    raw = read_data("-")
    os.close(fd)
    assert (raw.format, raw.n_rows) == ("parquet", 2)


def test_a_terminal_on_standard_input_is_refused(monkeypatch):
    from logistic._files import NotARegularFileError

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    with pytest.raises(NotARegularFileError, match="standard input is a terminal"):
        read_data("-")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_waited_on_announced_and_read(tmp_path):
    fifo = tmp_path / "data.tsv"
    os.mkfifo(fifo)
    told: list[str] = []

    def writer() -> None:
        while not told:  # write only once the reader said it waits
            threading.Event().wait(0.05)
        with open(fifo, "wb") as fh:
            fh.write(b"a\tb\n1\t2\n")

    thread = threading.Thread(target=writer)
    thread.start()
    raw = read_data(fifo, on_wait=told.append)
    thread.join(10)
    assert told == [f"waiting for data on {fifo} (a FIFO that no program writes yet)"]
    # the FIFO's name says tab-separated, as a file's would
    assert (raw.path, raw.delimiter, raw.table.column_names) == (
        str(fifo),
        "\t",
        ["a", "b"],
    )


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_devices_are_still_refused():
    from logistic._files import NotARegularFileError

    with pytest.raises(NotARegularFileError, match="character device"):
        read_data("/dev/null")


# -- identifiers and free text --------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["id", "ID", "Id", "PassengerId", "userID", "customer_id", "order-key", "index"]
    + ["Unnamed: 0", "row_number"],
)
def test_identifier_names(name):
    assert identifier_name(name)


@pytest.mark.parametrize(
    "name", ["paid", "valid", "liquid", "PAID", "idle", "identity", "width", "x"]
)
def test_names_that_are_not_identifiers(name):
    assert not identifier_name(name)


def _table_file(tmp_path, columns: dict[str, list]) -> object:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), tmp_path / "t.parquet")
    return read_data(tmp_path / "t.parquet")


def test_free_text_needs_more_than_twenty_levels_and_half_the_rows(tmp_path):
    n = 42
    y = [i % 2 for i in range(n)]
    raw = _table_file(
        tmp_path,
        {
            "words21": [f"w{i % 21}" for i in range(n)],  # 21 levels in 42 rows
            "words22": [f"w{i % 22}" for i in range(n)],  # 22 levels: > half, > 20
            "x": np.arange(n, dtype=float),
            "y": y,
        },
    )
    design = fit_design(raw, target="y")
    assert [c["name"] for c in design.encoding["columns"]] == ["words21", "x"]
    assert design.notes == [
        "left out 1 column that looks like an identifier or free text ('words22' has "
        "22 different texts in 42 rows); keep it as a feature with --include words22"
    ]


def test_an_identifier_must_differ_on_every_row(tmp_path):
    raw = _table_file(
        tmp_path,
        {
            "id": [1, 2, 3, 3],  # repeated: a grouping variable, kept
            "rowid": [10, 11, 12, 13],
            "x": [0.5, 1.5, 0.2, 2.0],
            "reynolds_number": [1.5e4 + 0.5, 2.25e4, 3.1e3, 9.9e4],  # a measurement
            "y": [0, 1, 0, 1],
        },
    )
    design = fit_design(raw, target="y")
    assert design.feature_names == ["id", "x", "reynolds_number"]
    assert design.notes[0].startswith("left out 1 column that looks like an ")
    assert "'rowid' is named like an identifier" in design.notes[0]


def test_many_left_out_columns_make_one_short_note(tmp_path):
    n = 30
    columns: dict[str, list] = {
        f"text{j}": [f"t{j}-{i}" for i in range(n)] for j in range(50)
    }
    columns["x"] = list(np.linspace(0, 1, n))
    columns["y"] = [i % 2 for i in range(n)]
    design = fit_design(_table_file(tmp_path, columns), target="y")
    assert design.feature_names == ["x"]
    (note,) = design.notes
    assert note.startswith("left out 50 columns that look like identifiers or free")
    assert note.endswith(
        ", … and 47 more); keep them as features with --include "
        "text0,text1,text2,text3,text4,..."
    )
    assert len(note) < 400


# -- messages -----------------------------------------------------------------------
def test_name_list_summarizes():
    assert name_list([f"c{i}" for i in range(1276)], "columns", shown=3) == (
        "1,276 columns: 'c0', 'c1', 'c2', … and 1,273 more"
    )
    assert name_list(["a", "b"]) == "2 columns: 'a', 'b'"
    assert name_list(["x" * 100]) == "column '" + "x" * 58 + "…"


def test_cap_line_keeps_lines_readable():
    assert cap_line("a\nb") == "a b"
    long = "x " * 2_500_000
    capped = cap_line(long)
    assert len(capped) <= 2000
    assert capped.endswith(f"… ({5_000_000 - 1960:,} more characters)")


def test_cap_line_keeps_what_follows_a_very_long_name():
    """A column named with 10,000 characters filled the 2,000 characters of
    the line: "missing values in f.csv: column 'bbbb… … (8,177 more
    characters)", without the rows, the count or the remedy."""
    name = "b" * 10_000
    text = (
        f"missing values in f.csv: column {name!r} (62 row(s), first at line 3); "
        "drop those rows with --missing drop or fill them in"
    )
    capped = cap_line(text)
    assert len(capped) < 400
    assert capped.startswith("missing values in f.csv: column 'bbb")
    assert f"'{'b' * 119}…[9,852 characters]…{'b' * 29}' (62 row(s)" in capped
    assert capped.endswith("drop those rows with --missing drop or fill them in")
    assert cap_line("y" * 5_000_000) == f"{'y' * 120}…[4,999,850 characters]…{'y' * 30}"
    short = "a few words " * 100  # long, without long words: as before
    assert cap_line(short) == short


def test_cli_errors_and_warnings_are_capped(capsys):
    from logistic.cli._codes import CLIError
    from logistic.cli._common import error_message, note, warn

    assert len(error_message(CLIError("y" * 10**6))) <= 2000
    warn("z" * 10**6)
    # the inference note that reached 25-45 MB: every term of a null space
    note("no standard errors: the columns " + str([f"c{j}" for j in range(10**5)]))
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and len(err) < 4100


@pytest.mark.parametrize("stream", [False, True])
def test_sep_for_a_parquet_file_is_refused_by_the_command_line(tmp_path, capsys, stream):
    # in memory and streamed alike: the option was silently ignored (exit 0)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from conftest import run_cli

    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    pq.write_table(pa.table({"x": x, "y": (x > 0).astype(int) ^ (rng.random(60) < 0.3)}), tmp_path / "d.parquet")
    argv = ["fit", str(tmp_path / "d.parquet"), "-t", "y", "-o", str(tmp_path / "m.json"), "--sep", ";"]
    code, out, err = run_cli(capsys, argv + (["--stream"] if stream else []))
    assert (code, out) == (65, "")
    assert err == f"error: --sep applies to CSV text; {tmp_path / 'd.parquet'} is parquet: leave it out\n"
    assert not (tmp_path / "m.json").exists()


def test_cli_message_naming_a_very_long_column_keeps_its_remedy(workdir, capsys):
    from conftest import run_cli

    name = "b" * 10_000
    (workdir / "f.csv").write_text(f"y,x,{name}\n1,0.5,u\n0,0.1,\n1,0.3,v\n0,0.2,u\n")
    code, _, err = run_cli(capsys, ["fit", "f.csv", "-t", "y", "-o", "m.json"])
    assert code == 65
    assert "(1 row(s), first at line 3); drop those rows with --missing drop" in err
