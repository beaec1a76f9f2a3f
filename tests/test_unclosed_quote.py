"""A CSV file that ends inside a quoted value (a stray ``"`` opening a value
that nothing closes) is refused naming the line the value opens on, by the
in-memory reader and the streamed one. pyarrow raises nothing for it: the
streamed reader took the rest of the file as that one value (a fit on the
101 rows before it, of 600,000), the in-memory reader's parallel parse dropped
the rows from the quote to the end of its 4 MiB block (a fit on 429,789 rows),
both without a word.

The reference is pandas' C parser, which refuses such text ("EOF inside
string starting at row N"); files whose quotes all close (line breaks inside
quoted values, a literal ``"`` inside an unquoted value) are read whole.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import DataValidationError
from logistic.backends import Chunked
from logistic.formats import unclosed_quote_line
from logistic.tabular import read_data

ROWS = 600_000


def _rows(n: int) -> list[str]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=n).round(4)
    y = rng.integers(0, 2, size=n)
    return [f"{a},{b},note{i}" for i, (a, b) in enumerate(zip(x, y, strict=True))]


@pytest.fixture(scope="module")
def stray(tmp_path_factory):
    """600,000 rows (about 14 MB, several of the reader's blocks), row 100's
    note opening a quote on line 102 that nothing closes."""
    rows = _rows(ROWS)
    rows[100] = rows[100].replace("note", '"note')
    path = tmp_path_factory.mktemp("stray") / "stray.csv"
    path.write_text("x,y,note\n" + "\n".join(rows) + "\n")
    with pytest.raises(pd.errors.ParserError, match="EOF inside string"):
        pd.read_csv(path, engine="c")
    return path


MESSAGE = (
    "the quoted value opened on line 102 is never closed (a stray \"?): the rest "
    'of the file would be read as that one value and its rows lost; close the '
    'quote, or write a " inside a quoted value as ""'
)


@pytest.mark.parametrize("stream", [False, True], ids=["memory", "stream"])
def test_cli_refuses_the_open_quote(stray, capsys, monkeypatch, stream):
    monkeypatch.chdir(stray.parent)
    args = ["fit", "stray.csv", "-t", "y", "--drop", "note", "-o", "m.json"]
    code, _, err = run_cli(capsys, [*args, *(["--stream", "--no-cache"] if stream else [])])
    assert (code, err) == (65, f"error: stray.csv: {MESSAGE}\n")
    assert not (stray.parent / "m.json").exists()


def test_python_readers_refuse_the_open_quote(stray):
    with pytest.raises(DataValidationError) as read:
        read_data(stray)
    with pytest.raises(DataValidationError) as streamed:
        Chunked.from_csv(stray, target="y", features=["x"])
    assert str(read.value) == str(streamed.value) == f"{stray}: {MESSAGE}"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('h,g\n1,"a\n2,b\n', 2),  # the value runs to the end
        ('h,g\n1,"a\nb""c\n', 2),  # '""' inside the open value is a quote
        ('h,g\n1,a""b\n2,"c\n', 3),  # literal quotes first, then an open one
        ('\ufeff"h",g\n1,"x\n', 2),  # after a byte-order mark and a quoted name
    ],
)
def test_open_quote_found_as_pandas_finds_it(tmp_path, text, line):
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    with pytest.raises(pd.errors.ParserError, match="EOF inside string"):
        pd.read_csv(io.StringIO(text.lstrip("\ufeff")), engine="c")
    assert unclosed_quote_line(str(tmp_path / "d.csv"), None, ",") == line


@pytest.mark.parametrize(
    "text",
    [
        'x,y,note\n1,0,"two\nlines"\n2,1,"say ""hi"""\n3,0,a\n4,1,b\n',
        'x,y,note\n1,0,TV 55" LED\n2,1,a\n3,0,b\n4,1,c\n',  # a literal quote
        'x;y;note\n1;0;"a;b"\n2;1;x,"y\n3;0;c\n4;1;d\n',  # '"' after ',' is text
    ],
    ids=["quoted line break", "literal quote", "semicolons"],
)
@pytest.mark.parametrize("stream", [False, True], ids=["memory", "stream"])
def test_closed_quotes_read_whole(workdir, capsys, text, stream):
    (workdir / "d.csv").write_text(text)
    assert len(pd.read_csv(io.StringIO(text), sep=None, engine="python")) == 4
    args = ["fit", "d.csv", "-t", "y", "--drop", "note", "--json", "-o", "m.json"]
    code, out, err = run_cli(capsys, [*args, *(["--stream", "--no-cache"] if stream else [])])
    assert code == 0, err
    assert '"rows_used": 4' in out


def test_dask_refuses_the_open_quote(tmp_path):
    # pandas' C parser, which Dask's tasks run, says "EOF inside string starting
    # at row 101" of a partition, or fails Dask's sample of the file
    pytest.importorskip("distributed")
    from conftest import run_cli_process

    rows = _rows(2_000)
    rows[100] = rows[100].replace("note", '"note')
    (tmp_path / "d.csv").write_text("x,y,note\n" + "\n".join(rows) + "\n")
    args = ["fit", "d.csv", "-t", "y", "--drop", "note", "--workers", "1", "-q"]
    assert run_cli_process(tmp_path, [*args, "-o", "m.json"]) == (
        65,
        "",
        f"error: d.csv: {MESSAGE}\n",
    )


def test_no_quoting_asked_for_is_not_checked(stray):
    # csv_options without quoting: a '"' is text, so no value is left open
    source = Chunked.from_csv(
        stray, target="y", features=["x"], csv_options={"quote_char": False}, cache=False
    )
    assert source.n_features == 1


def test_checked_once_and_not_from_a_valid_row_cache(tmp_path, monkeypatch):
    # the check reads the whole file again (decompressing a .gz one): once per
    # fit, by the first read of the rows, and not by a fit whose rows come
    # from a valid row cache, which reads none of the file's bytes
    import logistic.backends._csv_source as sources

    path = tmp_path / "d.csv"
    path.write_text("x,y,note\n" + "\n".join(_rows(200)) + "\n")
    calls = []
    check = sources.unclosed_quote
    monkeypatch.setattr(
        sources, "unclosed_quote", lambda *a: calls.append(a) or check(*a)
    )
    opts = {"target": "y", "features": ["x"], "cache_dir": tmp_path / "cache"}
    first = Chunked.from_csv(path, **opts)
    sum(len(b.y) for b in first.blocks())  # a pass after the scan
    assert len(calls) == 1
    cached = Chunked.from_csv(path, **opts)
    assert cached.n_samples == 200
    assert len(calls) == 1


def _odd_quotes(path, n: int) -> str:
    # n quoted values (a comma inside) and one literal '"': an odd count, so
    # followed quote by quote; every quote closes, so no line is named
    rows = [f'{i},{i % 2},"a, {i}"' for i in range(n)]
    path.write_text('x,y,note\n' + "\n".join(rows) + '\n0,1,TV 55" LED\n')
    return str(path)


def test_following_the_quotes_is_linear(tmp_path):
    # each opening quote counted the line breaks before it from its chunk's
    # start: a 150 MB file of quoted values and one literal '"' took 318 s
    import time

    paths = [_odd_quotes(tmp_path / "s.csv", 4_000),
             _odd_quotes(tmp_path / "l.csv", 32_000)]  # one 1 MiB chunk  # fmt: skip
    times: list[list[float]] = [[], []]
    # interleaved, in the process's CPU time: other work on the machine
    # (a wall-clock ratio of 26 under a load of 10) stretches neither size
    for _ in range(5):
        for i, path in enumerate(paths):
            start = time.process_time()
            assert unclosed_quote_line(path, None, ",") is None
            times[i].append(time.process_time() - start)
    small, large = min(times[0]), min(times[1])
    assert large / small < 24, f"8x the quotes took {large / small:.0f}x the time"
