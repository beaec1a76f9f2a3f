"""``fit data.csv --stream``: a column that the plan's first block holds as
numbers with words in it is judged on the whole file, as in memory
(docs/cli.md, "Column kinds": the rule is applied to the whole training
file).

* Mostly numbers in the whole file: the in-memory error, counting every
  word of the file (the head's count was given as the file's).
* Mostly words in the whole file: a text column, refused as streamed fits
  refuse text columns (exit 2), not a numeric column with a stray word.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli

N = 60_000  # the plan's first block (1 MB) holds about half the rows


def _write(path, words: list[tuple[int, int, str]]) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, N))
    y = (rng.uniform(size=N) < 1 / (1 + np.exp(-a))).astype(int)
    column = np.array([f"{v:.15f}" for v in b], dtype=object)
    for start, stop, word in words:
        column[start:stop] = word
    lines = (f"{x:.15f},{v},{t}\n" for x, v, t in zip(a, column, y, strict=True))
    path.write_text("a,b,y\n" + "".join(lines))


def _fit(capsys, data, *extra):
    out = data.with_suffix(".json")
    return run_cli(capsys, ["fit", data, "-t", "y", "-o", out, "--force", *extra])


@pytest.mark.parametrize("extra", [(), ("--features", "a,b")])
def test_mostly_numbers_count_every_word_of_the_file(tmp_path, capsys, extra):
    data = tmp_path / "d.csv"
    # 5,001 words in the first block, 20,000 after it: 25,001 of 60,000 rows
    _write(data, [(20_000, 25_001, "word"), (40_000, N, "x")])
    want = (
        f"column 'b' in {data} is numeric but has non-numeric value 'word' at "
        "line 20002 (25001 such value(s))"
    )
    code, _, memory = _fit(capsys, data, *extra)
    assert code == 65 and want in memory, memory
    code, _, streamed = _fit(capsys, data, "--stream", "--no-cache", *extra)
    assert code == 65 and want in streamed, streamed


@pytest.mark.parametrize("extra", [(), ("--features", "a,b")])
def test_mostly_words_are_a_text_column(tmp_path, capsys, extra):
    data = tmp_path / "d.csv"
    _write(data, [(20_000, N, "word")])  # 40,000 words of 60,000
    code, _, err = _fit(capsys, data, "--stream", "--no-cache", *extra)
    assert code == 2, err
    assert err == (
        f"error: streaming needs numeric feature columns, but {data} has text "
        "column(s) ['b'] (one-hot encoding needs every level before the first "
        "pass); leave them out with --drop b, encode them as numbers, or fit in "
        "memory (without --stream)\n"
    )
