"""Text tables align their columns by the terminal columns a name takes, not
by its number of characters: a term ``等级[T.一级]`` is 8 characters and 12
columns wide on a terminal (UAX #11: CJK ideographs are East Asian Wide,
two columns each), ``e`` + U+0301 is 2 characters and one column (a
combining accent takes none). The tables padded names with ``str.format``,
by characters: every row of a CJK, emoji or decomposed-accent name pushed
its numbers right of the column above them (summary, odds ratios, marginal
effects, the K-class summary, the command line's ``summary`` and ``test
--terms`` tables).

The widths are measured with rich's ``cell_len`` (rich is the command
line's own terminal library, an implementation of the same widths
independent of the one under test).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression

cell_len = pytest.importorskip("rich.cells").cell_len

WIDE = "等级"  # 2 characters, 4 columns
EMOJI = "score 🎓"  # 7 characters, 8 columns
ACCENT = "cafe\u0301"  # 5 characters, 4 columns
NAMES = [WIDE, EMOJI, ACCENT, "gre"]


def _data(k: int = 2):
    rng = np.random.default_rng(1)
    X = pd.DataFrame({n: rng.normal(size=400) for n in NAMES})
    z = X[WIDE] - X[EMOJI] + 0.5 * X[ACCENT] + rng.logistic(size=400)
    y = (z > 0).astype(int) if k == 2 else np.digitize(z, [-1.0, 1.0])
    return X, y


def _number_ends(text: str, names: list[str]) -> dict[str, int]:
    """For each line that starts with one of ``names``: the terminal column
    where the first cell after the name ends."""
    ends = {}
    for line in text.splitlines():
        for name in names:
            rest = line[len(name) :]
            if line.startswith(name) and rest[:1] == " " and rest.strip():
                token = rest.split()[0]
                stop = len(name) + rest.index(token) + len(token)
                ends[line] = cell_len(line[:stop])
    return ends


def _assert_aligned(text: str, names: list[str], rows: int) -> None:
    ends = _number_ends(text, names)
    assert len(ends) == rows, text
    assert len(set(ends.values())) == 1, text


def test_the_widths_the_tables_count():
    from logistic._messages import pad_text, text_width

    assert [text_width(n) for n in NAMES] == [cell_len(n) for n in NAMES] == [4, 8, 4, 3]
    assert cell_len(pad_text(WIDE, 10)) == 10
    assert pad_text(WIDE, 6, ">") == "  " + WIDE


def test_binary_tables_align_wide_names():
    X, y = _data()
    res = LogisticRegression().fit(X, y).inference(X, y)
    rows = ["Intercept", *NAMES]
    _assert_aligned(res.summary().as_text(), rows, 5)
    _assert_aligned(res.odds_ratios().as_text(), rows, 5)
    _assert_aligned(res.get_margeff().summary(), NAMES, 4)


def test_k_class_summary_aligns_wide_names():
    X, y = _data(3)
    res = LogisticRegression().fit(X, y).inference(X, y)
    _assert_aligned(res.summary().as_text(), ["Intercept", *NAMES], 10)


@pytest.fixture
def model_file(tmp_path):
    pytest.importorskip("typer")
    from logistic.cli.app import main

    X, y = _data()
    frame = X.assign(y=y)
    data = tmp_path / "宽 名.csv"
    frame.to_csv(data, index=False)
    model = tmp_path / "m.json"
    assert main(["fit", str(data), "--target", "y", "-o", str(model), "-q"]) == 0
    return model


def test_cli_summary_and_test_tables_align_wide_names(model_file, capsys):
    from logistic.cli.app import main

    capsys.readouterr()
    assert main(["summary", str(model_file)]) == 0
    _assert_aligned(capsys.readouterr().out, ["Intercept", *NAMES], 5)
    assert main(["test", str(model_file), "--terms"]) == 0
    _assert_aligned(capsys.readouterr().out, ["Intercept", *NAMES], 5)
    # the names themselves are kept exactly
    assert main(["summary", str(model_file), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["coefficients"]
    assert [r["term"] for r in rows] == ["Intercept", *NAMES]
