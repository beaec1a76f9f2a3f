"""Commands a message suggests can be pasted into a shell as they are: a
column name the shell would split is quoted (``--include 'Unnamed: 0'``), a
comma inside a name is escaped as the column-list options read it, and a
formula term with a space is in backquotes. A text column of more levels than
one-hot encoding takes says so, that ``--include`` does not lift it, and how
to keep it (a formula's ``C()``).

Before: ``keep it as a feature with --include Unnamed: 0`` (the shell passes
``Unnamed:`` and ``0``), and "has 2995 distinct values; it looks like an
identifier: leave it out with --drop zip" with no word on the limit.
"""

from __future__ import annotations

import shlex

import numpy as np
import pytest

from conftest import run_cli
from logistic._messages import option_value
from logistic.cli._common import parse_list
from logistic.tabular._encode import MAX_LEVELS


def test_option_value_round_trips_through_the_shell():
    # the options' own parser reads the pasted word back (review: a test
    # helper of its own did not strip as the options do)
    for names in (["Unnamed: 0"], ["a", "b"], ["a,b", "c d"], ["it's"]):
        (word,) = shlex.split(option_value(names))  # one shell word
        assert parse_list([word]) == names


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        # a header name with spaces around it cannot be given to --include
        # (the list options strip names): the note says to remove them
        ("y, x, code", "{y}, {x:.4f}, C{code}x",
         "after removing the whitespace around the names in the header line"),
        ("Unnamed: 0,y,x", "{i},{y},{x:.4f}",
         "keep it as a feature with --include 'Unnamed: 0'"),
    ],
)  # fmt: skip
def test_identifier_note(tmp_path, capsys, header, row, expected):
    rng = np.random.default_rng(0)
    rows = "".join(
        row.format(i=i, y=int(rng.random() < 0.4), x=rng.normal(), code=1000 + 7 * i)
        + "\n"
        for i in range(60)
    )
    data = tmp_path / "d.csv"
    data.write_text(header + "\n" + rows)
    code, out, err = run_cli(capsys, ["fit", data, "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 0, err
    assert expected in out + err


def test_too_many_levels_says_the_limit_and_the_formula(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 3 * MAX_LEVELS
    data = tmp_path / "d.csv"
    data.write_text(
        "y,x,zip code\n"
        + "".join(f"{int(rng.random() < 0.4)},{rng.normal():.3f},Z{i}\n" for i in range(n))
    )
    code, _, err = run_cli(
        capsys,
        ["fit", data, "-t", "y", "--include", "zip code", "-o", tmp_path / "m.json"],
    )
    assert code == 65
    assert f"has {n:,} distinct values, more than the {MAX_LEVELS:,} levels" in err
    assert "--include does not lift this" in err
    assert "--drop 'zip code'" in err
    assert "--formula '... + C(`zip code`)'" in err
