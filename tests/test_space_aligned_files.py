"""A file whose columns are aligned by runs of spaces read with ``--sep ' '``:
a single space makes empty fields between the values, so the reader's
ragged-row or duplicate-name error is about a symptom. Each reader (in
memory, ``--stream``) says that the fields are separated by runs of spaces,
which no ``--sep`` reads, as the sniffer does without ``--sep``."""

from __future__ import annotations

import pytest

from conftest import run_cli
from logistic.cli._codes import EX_DATAERR

RUNS = "its fields are separated by runs of spaces, which no --sep reads"

#: header and rows aligned alike (same empty fields: a duplicate '' name), and
#: a single-spaced header over aligned rows (a ragged row)
FILES = {
    "aligned": "x1  x2  y\n1.0  2.0  0\n2.5  1.0  1\n3.0  4.5  0\n",
    "ragged": "x1 x2 y\n1.0  2.0  0\n2.5 1.0 1\n3.0 4.5 0\n",
}


@pytest.mark.parametrize("stream", [False, True], ids=["memory", "stream"])
@pytest.mark.parametrize("kind", sorted(FILES))
def test_space_aligned_file_with_sep_space_names_the_runs(
    tmp_path, capsys, kind, stream
):
    data = tmp_path / "aligned.txt"
    data.write_text(FILES[kind])
    args = ["fit", data, "--target", "y", "--sep", " ", "-o", tmp_path / "m.json"]
    code, _, err = run_cli(capsys, [*args, *(["--stream"] if stream else [])])
    assert code == EX_DATAERR, err
    assert RUNS in err
    assert "pass --sep if that is wrong" not in err  # no contradicting hint


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # one empty name at the end of every line: a trailing delimiter
        ("x1 x2 y \n1 2 0 \n2 1 1 \n3 4 0 \n", "empty header name"),
        # one empty field at the end of one row: a ragged row
        ("x1 x2 y\n1 2 0 \n2 1 1\n3 4 0\n", "line 2: expected 3 fields, saw 4"),
    ],
    ids=["every line", "one row"],
)
def test_a_trailing_space_is_no_run_of_spaces(tmp_path, capsys, content, message):
    data = tmp_path / "trailing.txt"
    data.write_text(content)
    code, _, err = run_cli(
        capsys, ["fit", data, "--target", "y", "--sep", " ", "-o", tmp_path / "m.json"]
    )
    assert code == EX_DATAERR, err
    assert message in err and RUNS not in err


def test_the_library_reader_names_the_delimiter_not_the_option(tmp_path):
    from logistic.formats import find_ragged_line

    data = tmp_path / "aligned.txt"
    data.write_text(FILES["ragged"])
    text = find_ragged_line(str(data), None, " ", option="delimiter")
    assert text.endswith(
        "its fields are separated by runs of spaces, which no delimiter reads; "
        "rewrite the file with one delimiter (a comma) between fields"
    )
