"""Hostile inputs to the CLI: every one ends with a documented exit code and a
one-line message naming the file or option; none hangs, prints a traceback,
exits 1 or leaves an output file behind.

RELIABILITY rows C01, C21, C23 and issue 10 (items 3, 8, 9). Cases that could
block (a FIFO given as a data file) or that need a real pipe run the CLI in a
subprocess with a timeout; the rest run in-process.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import TINY_CSV, run_cli

FIT = ["fit", "data.csv", "-t", "y", "-o", "out.json"]
EX = {"usage": 2, "data": 65, "noinput": 66, "pipe": 141}


def _files(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


def _check(code: int, err: str, expected_code: int, message: str) -> None:
    """Exact code and message; one line, never a traceback or exit 1."""
    assert code != 1 and "Traceback" not in err, err
    assert (code, err) == (expected_code, f"error: {message}\n")


def _cli(
    args: list[str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess:
    """The real entry point in a subprocess; a hang fails the test, not the run."""
    return subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
    )


def _truncated_gzip(path: Path, rows: int = 50_000) -> None:
    """A gzip CSV cut in half: its first 64 KiB decompress, the rest does not."""
    rng = random.Random(0)
    text = "x,y\n" + "".join(
        f"{rng.random()},{rng.randint(0, 1)}\n" for _ in range(rows)
    )
    packed = gzip.compress(text.encode())
    path.write_bytes(packed[: len(packed) // 2])


# -- FIFOs are read once; devices are refused before a byte is read --------------------
FIFO_MESSAGE = (
    "input file {name} is a FIFO (named pipe), not a regular file; save the data to "
    "a file first"
)
WAITING = "waiting for data on data.csv (a FIFO that no program writes yet)"


def _wait_for_line(stream, expected: str, timeout: float = 60) -> str:
    """The first line of ``stream`` (a pipe), within ``timeout`` seconds."""
    import select

    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, f"no line within {timeout} s (expected {expected!r})"
    return stream.readline().decode()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize(
    "argv",
    [
        ["fit", "data.csv", "-t", "y", "-o", "out.json"],
        ["predict", "model.json", "data.csv", "-o", "pred.csv"],
        ["evaluate", "model.json", "data.csv", "--json"],
    ],
    ids=["fit", "predict", "evaluate"],
)
def test_fifo_without_a_writer_is_announced_then_read(tmp_path, argv):
    """A FIFO that nothing writes yet is waited on, and stderr says so at once
    (never a silent hang); once a program writes the data, the command reads
    it, once, and succeeds as with a file."""
    (tmp_path / "d.csv").write_text(TINY_CSV)
    assert (
        _cli(["fit", "d.csv", "-t", "y", "-o", "model.json"], tmp_path).returncode == 0
    )
    os.mkfifo(tmp_path / "data.csv")
    proc = subprocess.Popen(
        [sys.executable, "-m", "logistic.cli.app", *argv],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
    )
    try:
        assert _wait_for_line(proc.stderr, WAITING) == WAITING + "\n"
        with open(tmp_path / "data.csv", "w") as writer:
            writer.write(TINY_CSV)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
    if argv[0] == "evaluate":
        assert json.loads(out)["n_samples"] == 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_cannot_be_streamed(tmp_path):
    """--stream reads the data several times: a FIFO is refused up front (exit 2),
    without opening it (nothing waits)."""
    os.mkfifo(tmp_path / "data.csv")
    done = _cli(["fit", "data.csv", "-t", "y", "-o", "out.json", "--stream"], tmp_path)
    _check(
        done.returncode,
        done.stderr.decode(),
        EX["usage"],
        "--stream reads the data several times, but data.csv can be read only once; "
        "save it to a file first",
    )
    assert _files(tmp_path) == {"data.csv"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_among_parquet_files_refused_by_name(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = tmp_path / "parts"
    parts.mkdir()
    pq.write_table(
        pa.table({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1]}), parts / "a.parquet"
    )
    os.mkfifo(parts / "b.parquet")
    done = _cli(["fit", "parts", "-t", "y", "--stream", "-o", "out.json"], tmp_path)
    message = FIFO_MESSAGE.format(name=Path("parts", "b.parquet"))
    _check(done.returncode, done.stderr.decode(), 66, message)
    assert not (tmp_path / "out.json").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("stream", [False, True], ids=["in memory", "--stream"])
def test_symlink_to_dev_zero_refused_before_reading(workdir, capsys, stream):
    os.symlink("/dev/zero", workdir / "data.csv")
    code, out, err = run_cli(capsys, [*FIT, *(["--stream"] if stream else [])])
    _check(
        code,
        err,
        66,
        "input file data.csv is a character device, not a regular file; save the "
        "data to a file first",
    )
    assert out == "" and _files(workdir) == {"data.csv"}


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_device_as_model_file_advises_saving_the_model(workdir, capsys):
    code, out, err = run_cli(capsys, ["summary", "/dev/null"])
    _check(
        code,
        err,
        66,
        "model file /dev/null is a character device, not a regular file; save the "
        "model to a file first",
    )


# -- content that is not what it claims ------------------------------------------------
CONTENT_CASES = [
    ("empty file", b"", [], "data.csv is empty (no header, no data rows)"),
    ("header only", b"x,y\n", [], "data.csv has a header but no data rows"),
    (
        "header only, streamed",
        b"x,y\n",
        ["--stream"],
        "data.csv: the dataset has no rows",
    ),
    (
        "binary garbage",
        bytes(random.Random(0).randrange(256) for _ in range(4096)) + b"\x00",
        [],
        "data.csv is binary (it holds NUL bytes), not CSV text; the tool reads "
        "CSV/TSV, Parquet and LibSVM files",
    ),
    (
        "binary garbage, streamed",
        b"\x00\x01garbage" * 100,
        ["--stream"],
        "data.csv is binary (it holds NUL bytes), not CSV text; the tool reads "
        "CSV/TSV, Parquet and LibSVM files",
    ),
    (
        "huge line",
        b"x,y\n1,0\n" + b"a" * (20 << 20) + b",1\n2,0\n",
        [],
        "data.csv: cannot read CSV: line 3 is longer than 4194304 bytes, the most one "
        "line may hold; is the file CSV text with line breaks?",
    ),
    (
        "huge header line",
        b"x" * (20 << 20) + b",y\n1,0\n",
        [],
        "data.csv: cannot read CSV: line 1 is longer than 4194304 bytes, the most one "
        "line may hold; is the file CSV text with line breaks?",
    ),
    (
        "huge line, streamed",
        b"x,y\n1,0\n" + b"a" * (20 << 20) + b",1\n",
        ["--stream"],
        "cannot read data.csv: line 3 is longer than 8388608 bytes, the most one "
        "line may hold; is the file CSV text with line breaks?",
    ),
]


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [c[1:] for c in CONTENT_CASES],
    ids=[c[0] for c in CONTENT_CASES],
)
def test_hostile_content(workdir, capsys, content, extra, message):
    (workdir / "data.csv").write_bytes(content)
    code, out, err = run_cli(capsys, [*FIT, *extra])
    _check(code, err, 65, message)
    assert out == "" and _files(workdir) == {"data.csv"}


@pytest.mark.parametrize("stream", [False, True], ids=["in memory", "--stream"])
def test_truncated_gzip_is_a_data_error_naming_the_file(workdir, capsys, stream):
    _truncated_gzip(workdir / "data.csv.gz")
    argv = ["fit", "data.csv.gz", "-t", "y", "-o", "out.json"]
    code, out, err = run_cli(capsys, [*argv, *(["--stream"] if stream else [])])
    _check(
        code,
        err,
        65,
        "data.csv.gz: cannot decompress (gzip): Truncated compressed stream",
    )
    assert out == "" and _files(workdir) == {"data.csv.gz"}


# -- LibSVM ------------------------------------------------------------------------------
LIBSVM_CASES = [
    (
        "inf value",
        b"1 1:0.5 2:1\n0 1:2 2:inf\n",
        "column 'x2' in data.svm has an infinite value (inf) at line 2; only finite "
        "numbers are allowed (a number beyond float64's ±1.8e308, such as 1e999, "
        "reads as infinite)",
    ),
    (
        "nan label",
        b"# comment\n1 1:0.5\nnan 1:2\n",
        "missing values in data.svm: column 'label' (1 row(s), first at line 3); "
        "fill them in or remove those lines (--missing drop does not apply to "
        "LibSVM files)",
    ),
    (
        "index 3e9",
        b"1 1:0.5\n0 3000000000:1\n",
        "data.svm: feature index 3000000000 at line 2 is too large (more than the "
        "largest index supported, 2147483647); LibSVM indices number the features "
        "1..n_features",
    ),
    (
        "inf index",
        b"1 1:0.5\n0 inf:1\n",
        "data.svm: line 2 is not LibSVM 'label index:value ...': '0 inf:1'",
    ),
    (
        "not UTF-8",
        b"1 1:0.5\n0 2:1 # caf\xe9\n",
        "data.svm: line 2 is not UTF-8 text (byte 19 of the file); LibSVM files are "
        "plain text",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"),
    [c[1:] for c in LIBSVM_CASES],
    ids=[c[0] for c in LIBSVM_CASES],
)
def test_libsvm_errors_name_the_line(workdir, capsys, content, message):
    (workdir / "data.svm").write_bytes(content)
    code, out, err = run_cli(capsys, ["fit", "data.svm", "-o", "out.json"])
    _check(code, err, 65, message)
    assert out == "" and _files(workdir) == {"data.svm"}


def test_libsvm_index_too_wide_for_memory(workdir, capsys, monkeypatch):
    from logistic import _memory

    monkeypatch.setattr(_memory, "process_memory", lambda: 2**30)
    (workdir / "data.svm").write_bytes(b"1 1:0.5\n0 2000000:1\n")
    code, _, err = run_cli(capsys, ["fit", "data.svm", "-o", "out.json"])
    _check(
        code,
        err,
        65,
        "data.svm: feature index 2000000 at line 2 is too large (a model with that "
        "many features needs about 2 GiB, more than this machine's 1 GiB of memory); "
        "LibSVM indices number the features 1..n_features",
    )


def test_libsvm_larger_than_its_memory_share_refused_before_reading(
    workdir, capsys, monkeypatch
):
    from logistic import _memory

    monkeypatch.setattr(_memory, "process_memory", lambda: 800)  # limit: 100 bytes
    (workdir / "data.svm").write_bytes(b"1 1:0.5\n" * 20)
    code, _, err = run_cli(capsys, ["fit", "data.svm", "-o", "out.json"])
    _check(
        code,
        err,
        65,
        "data.svm: LibSVM files are read whole into memory, and this one is larger "
        "than 100 bytes, 1/8 of physical memory; convert it to Parquet (numeric "
        "columns) and fit with --stream",
    )
    (workdir / "data.svm.gz").write_bytes(gzip.compress(b"1 1:0.5\n" * 20))
    code, _, err = run_cli(capsys, ["fit", "data.svm.gz", "-o", "out.json"])
    _check(
        code,
        err,
        65,
        "data.svm.gz: LibSVM files are read whole into memory, and this one is larger "
        "than 100 bytes when decompressed, 1/8 of physical memory; convert it to "
        "Parquet (numeric columns) and fit with --stream",
    )
    assert _files(workdir) == {"data.svm", "data.svm.gz"}


# -- options -------------------------------------------------------------------------------
OPTION_CASES = [
    (
        "output is the checkpoint",
        ["--checkpoint", "out.json"],
        2,
        "--checkpoint out.json and --output out.json are the same file (the "
        "checkpoint is written over out.json at every iteration); give --checkpoint "
        "a path of its own",
    ),
    (
        "output is the previous checkpoint",
        ["--checkpoint", "ck", "-o", "ck.prev"],
        2,
        "--output ck.prev is the checkpoint's previous copy ck.prev (the checkpoint is "
        "written over ck.prev at every iteration); give --checkpoint a path of its own",
    ),
    (
        "checkpoint is the data",
        ["--checkpoint", "data.csv"],
        2,
        "--checkpoint data.csv and the input file data.csv are the same file (the "
        "checkpoint is written over data.csv at every iteration); give --checkpoint a "
        "path of its own",
    ),
    (
        "checkpoint in a missing directory",
        ["--checkpoint", "nodir/c.ckpt"],
        73,
        "cannot create checkpoint nodir/c.ckpt: directory nodir does not exist",
    ),
    (
        "--sep of two characters",
        ["--sep", ";;"],
        2,
        "Invalid value for '--sep': must be one character other than a quote or a "
        "line break (a tab: --sep tab), got ';;' (see 'logistic fit --help')",
    ),
    (
        "--sep a quote",
        ["--sep", '"'],
        2,
        "Invalid value for '--sep': must be one character other than a quote or a "
        "line break (a tab: --sep tab), got '\"' (see 'logistic fit --help')",
    ),
    (
        "--chunk-rows 0 in memory",
        ["--chunk-rows", "0"],
        2,
        "--chunk-rows must be at least 1, got 0",
    ),
    ("--workers 0", ["--workers", "0"], 2, "--workers must be at least 1, got 0"),
    (
        "negative --weights",
        ["--weights", "w"],
        65,
        "--weights column 'w' in data.csv has a negative value (-1) at line 3 (1 "
        "such value(s)); weights must be >= 0",
    ),
]


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [c[1:] for c in OPTION_CASES],
    ids=[c[0] for c in OPTION_CASES],
)
def test_option_errors_refused_up_front(workdir, capsys, extra, code, message):
    (workdir / "data.csv").write_text("x,y,w\n1,0,1\n2,1,-1\n3,0,1\n4,1,1\n")
    # a case naming its own output replaces FIT's (two -o are refused first)
    fit = FIT[:-2] if "-o" in extra else FIT
    got, out, err = run_cli(capsys, [*fit, *extra])
    _check(got, err, code, message)
    assert out == "" and _files(workdir) == {"data.csv"}


def test_bad_scheduler_address_is_a_usage_error(workdir, capsys):
    pytest.importorskip("distributed")
    (workdir / "data.csv").write_text(TINY_CSV)
    code, _, err = run_cli(capsys, [*FIT, "--scheduler", "bogus"])
    _check(
        code,
        err,
        2,
        "--scheduler must be a Dask scheduler address such as tcp://host:8786, got "
        "'bogus' (missing port number in address 'bogus')",
    )
    assert _files(workdir) == {"data.csv"}


@pytest.mark.parametrize("address", ["tcp://nonsense:99999", "tls://[::1]:0"])
def test_scheduler_port_out_of_range_is_a_usage_error(workdir, capsys, address):
    # refused at once: connecting to such a port only times out after 30 s
    pytest.importorskip("distributed")
    (workdir / "data.csv").write_text(TINY_CSV)
    code, _, err = run_cli(capsys, [*FIT, "--scheduler", address])
    port = address.rsplit(":", 1)[1]
    _check(
        code,
        err,
        2,
        "--scheduler must be a Dask scheduler address such as tcp://host:8786, got "
        f"{address!r} (port {port} is not from 1 to 65535)",
    )
    assert _files(workdir) == {"data.csv"}


def test_sep_tab_spelled_out(workdir, capsys):
    (workdir / "data.tsv").write_text(TINY_CSV.replace(",", "\t"))
    for spelling in ("tab", "\\t"):
        code, _, err = run_cli(
            capsys,
            [
                "fit",
                "data.tsv",
                "-t",
                "y",
                "--sep",
                spelling,
                "-o",
                "m.json",
                "--force",
            ],
        )
        assert code == 0, err


def test_chunk_rows_without_streaming_is_noted(workdir, capsys):
    (workdir / "data.csv").write_text(TINY_CSV)
    code, _, err = run_cli(capsys, [*FIT, "--chunk-rows", "10"])
    assert code == 0
    assert (
        "--chunk-rows is used only when streaming; this fit reads the data into "
        "memory (add --stream to stream it)\n"
    ) in err


def test_library_messages_use_option_spelling(workdir, capsys):
    (workdir / "data.csv").write_text(TINY_CSV)
    code, out, err = run_cli(
        capsys,
        [*FIT, "--solver", "lbfgs", "--max-iter", "1", "--tol", "1e-12", "--json"],
    )
    assert code == 0, err
    warnings = " ".join(json.loads(out)["warnings"])
    assert "--max-iter 1" in warnings and "--tol 1e-12" in warnings
    assert "max_iter" not in warnings and "tol=" not in warnings + err
    code, _, err = run_cli(capsys, [*FIT, "--force", "--alpha", "1"])
    assert code == 2  # a strength without a penalty is a usage error
    assert err == (
        "error: --alpha 1 sets a penalty strength, but no --penalty was given and "
        "the default is no penalty (maximum likelihood); add --penalty l2 (or l1, "
        "or elasticnet with --l1-ratio) to penalize, or leave out --alpha for "
        "maximum likelihood\n"
    )


def test_cli_spelling_table():
    from logistic.cli._spelling import cli_spelling

    cases = {
        "Add a penalty (penalty='l2' with alpha > 0 or C) or use penalty='firth'.": (
            "Add a penalty (--penalty l2 with --alpha > 0 or --C) or use --penalty firth."
        ),
        "LogisticRegression(penalty='firth') needs firth; got solver='lbfgs'.": (
            "--penalty firth needs firth; got --solver lbfgs."
        ),
        "Negative values in sample_weight are not allowed": (
            "Negative values in --weights are not allowed"
        ),
        "column 'tol' is fine; --max-iter must be": "column 'tol' is fine; --max-iter must be",
        "increase max_iter, loosen tol": "increase --max-iter, loosen --tol",
        # a Dask fault's remedies: the CLI's option, and none only Python has
        "Start workers (or raise cluster_timeout for a cluster that scales up "
        "slowly); a fit given checkpoint=PATH (CLI: --checkpoint PATH) resumes": (
            "Start workers; a fit given --checkpoint PATH resumes"
        ),
        # feature names are never options
        "z = +0.2*tol -1*max_iter separates; column(s) ['tol']": (
            "z = +0.2*tol -1*max_iter separates; column(s) ['tol']"
        ),
    }
    for message, expected in cases.items():
        assert cli_spelling(message) == expected


# -- predict: --excel-safe, closed pipe ----------------------------------------------------
@pytest.mark.parametrize(
    "kind", ["string", "large_string", "dictionary", "large dictionary", "string_view"]
)
def test_excel_safe_covers_every_text_type(workdir, capsys, kind):
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    types = {
        "string": pa.string(),
        "large_string": pa.large_string(),
        "dictionary": pa.dictionary(pa.int32(), pa.string()),
        "large dictionary": pa.dictionary(pa.int8(), pa.large_string()),
        "string_view": pa.string_view(),
    }
    ids = ['=HYPERLINK("http://x","y")', "@A1", "+1", "-2", "\tt", "ok", None]
    table = pa.table(
        {
            "id": pa.array(ids, pa.string()).cast(types[kind]),
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            "n": [-1, 2, -3, 4, 5, 6, 7],
            "y": [0, 1, 0, 1, 1, 0, 1],
        }
    )
    pq.write_table(table, workdir / "data.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "data.parquet", "-t", "y", "--features", "x", "-o", "m.json"]
    )
    assert code == 0, err
    argv = ["predict", "m.json", "data.parquet", "--keep", "id,n", "--excel-safe"]
    for out in ("p.parquet", "p.csv"):
        code, _, err = run_cli(capsys, [*argv, "-o", out])
        assert code == 0, err
        got = (pq.read_table if out.endswith("parquet") else pacsv.read_csv)(
            workdir / out
        )
        # a ' before = @ + - TAB, except before a plain number (+1, -2: a
        # spreadsheet reads it as a number, never as a formula)
        assert got.column("id").to_pylist()[:6] == [
            '\'=HYPERLINK("http://x","y")', "'@A1", "+1", "-2", "'\tt", "ok"
        ]
        assert got.column("n").to_pylist() == [-1, 2, -3, 4, 5, 6, 7]


def test_excel_safe_prefixes_the_header_cells_of_kept_columns(workdir, capsys):
    # the values under a kept column named "=cmd|' /C calc'!A0" were prefixed,
    # its header cell, a cell a spreadsheet runs too, was written raw
    names = ["=cmd|' /C calc'!A0", "+x", "-y", "@z", "-3", "id"]
    header = ",".join(f'"{n}"' for n in names)
    (workdir / "d.csv").write_text(
        f"{header},x,y\n"
        + "".join(f"=a{i},{i},{i},{i},{i},{i},{i},{i % 2}\n" for i in range(6))
    )
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "--features", "x",
                                    "--penalty", "l2", "-o", "m.json"])  # fmt: skip
    assert code == 0, err
    for name in names:
        code, out, err = run_cli(
            capsys, ["predict", "m.json", "d.csv", "--keep", name, "--excel-safe"]
        )
        assert code == 0, err
        first = out.splitlines()[0]
        expected = name if name in ("-3", "id") else "'" + name
        assert first.startswith(f'"{expected}",'), first
    # two kept columns that the prefix would give one name: refused
    (workdir / "e.csv").write_text('"=a","\'=a",x,y\n1,2,0,0\n1,2,1,1\n1,2,0,1\n')
    argv = ["predict", "m.json", "e.csv", "--keep", "=a,'=a", "--excel-safe"]
    code, _, err = run_cli(capsys, argv)
    assert code == 2 and "both are written as \"'=a\"" in err, err


def test_file_names_in_success_messages_are_escaped(workdir, capsys):
    # "model written to o\x1b[1m.json" went to the terminal as typed: the
    # escape acted on it (error messages already took control characters out)
    (workdir / "d.csv").write_text(TINY_CSV)
    model, preds = "o\x1b[1m.json", "p\x1b[31m.csv"
    runs = [
        ["fit", "d.csv", "-t", "y", "-o", model, "-q"],
        ["predict", model, "d.csv", "-o", preds],
        ["summary", model],
    ]
    said = ""
    for argv in runs:
        code, out, err = run_cli(capsys, argv)
        assert code == 0, err
        assert "\x1b" not in out + err
        said += out + err
    assert "model written to o\\x1b[1m.json\n" in said
    assert "predictions written to p\\x1b[31m.csv\n" in said
    assert "model file o\\x1b[1m.json (format " in said
    assert (workdir / model).exists() and (workdir / preds).exists()


def test_predict_into_a_closed_pipe_exits_quietly(tmp_path):
    rows = "x,y\n" + "".join(f"{i % 7},{i % 2}\n" for i in range(50_000))
    (tmp_path / "d.csv").write_text(rows)
    assert _cli(["fit", "d.csv", "-t", "y", "-o", "m.json"], tmp_path).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "logistic.cli.app", "predict", "m.json", "d.csv"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert first.startswith(b'"proba"')
    assert (code, err) == (EX["pipe"], "")


def test_a_very_wide_model_prints_a_summarized_table(workdir, capsys):
    """5,000 features: the terminal gets 60 coefficient rows and a count of the
    rest, not 5,000 lines; the model file and summary --json keep every one."""
    lines = [f"{i % 2} {i + 1}:1 5000:{0.5 * (i + 1)}" for i in range(6)]
    (workdir / "wide.svm").write_text("\n".join(lines) + "\n")
    code, out, _ = run_cli(capsys, ["fit", "wide.svm", "-o", "m.json", "--penalty", "l2", "--alpha", "0.1"])
    assert code == 0
    assert "4941 more coefficients not shown (5001 in all" in out
    assert len(out.splitlines()) < 80
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == 0
    assert len(json.loads(out)["coefficients"]) == 5001


def _wide(n, p):
    """Standard normal X (n × p) and logistic noise, seeded."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, p)), rng.logistic(size=n)


def _wide_csv(path, X, target, y):
    """X's columns x0, x1, ... and the target column, as CSV."""
    header = ",".join([f"x{j}" for j in range(X.shape[1])] + [target])
    rows = [",".join([*(f"{v:.6f}" for v in X[i]), str(y[i])]) for i in range(len(y))]
    path.write_text("\n".join([header, *rows]) + "\n")


def test_an_unpenalized_wide_model_prints_a_summarized_table_too(workdir, capsys):
    """80 features, unpenalized (the inference summary with std. errors, kept
    for up to 500 parameters): 60 coefficient rows and a count, as docs/cli.md
    says; all 81 rows were printed. ``summary --json`` keeps every one."""
    X, noise = _wide(2000, 80)
    _wide_csv(workdir / "d.csv", X, "y", (X[:, 0] + noise > 0).astype(int))
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    for text in (out, run_cli(capsys, ["summary", "m.json"])[1]):
        assert "std err" in text or "std_error" in text  # with standard errors
        assert "... 21 more coefficients not shown (81 in all;" in text
        assert sum(line.startswith("x") for line in text.splitlines()) == 59
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--json"])
    assert len(json.loads(out)["coefficients"]) == 81


def test_an_unpenalized_k_class_model_prints_60_rows_an_equation(workdir, capsys):
    """3 classes, 70 features: each equation's table shows 60 rows and a count
    (all 142 rows were printed)."""
    X, noise = _wide(3000, 70)
    _wide_csv(workdir / "d.csv", X, "k", np.digitize(X[:, 0] + noise, [-1.0, 1.0]))
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "k", "-o", "m.json"])
    assert code == 0, err
    for text in (out, run_cli(capsys, ["summary", "m.json"])[1]):
        assert "std err" in text
        line = "... 11 more coefficients of this equation not shown (71 in all;"
        assert text.count(line) == 2
        assert sum(row.startswith("x") for row in text.splitlines()) == 2 * 59
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--json"])
    assert len(json.loads(out)["coefficients"]) == 2 * 71


@pytest.mark.parametrize("spelling", [["-o", "newdir/"], ["--output=newdir/"]])
def test_an_output_typed_as_a_missing_folder_is_refused(workdir, capsys, spelling):
    # "-o newdir/" wrote a model file named "newdir" (typer's Path drops the "/")
    (workdir / "data.csv").write_text(TINY_CSV)
    code, _, err = run_cli(capsys, ["fit", "data.csv", "-t", "y", *spelling])
    _check(
        code,
        err,
        73,
        "cannot create newdir/: it ends in '/', naming a folder that does not exist; "
        "name the file to write",
    )
    assert _files(workdir) == {"data.csv"}
