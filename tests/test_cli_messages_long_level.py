"""A category level of any length (a 100 KiB cell) must not blow up the
tables: ``fit`` and ``summary`` cut term names to MAX_NAME_WIDTH characters
with ``...``, so stdout stays small (before: every row of the coefficient
table was padded to the longest name, 20x the level's size), while the model
file keeps the full level. ``fit`` warns about a level over 1 KiB."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from conftest import run_cli
from logistic.inference._coef_table import MAX_NAME_WIDTH, shown_name

LEVEL = "z" * 100_000 + "END"


@pytest.fixture
def long_level_csv(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "long.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "blob", "y"])
        for i in range(200):
            x1, x2 = rng.normal(size=2)
            y = int(rng.random() < 1 / (1 + np.exp(-(x1 - x2))))
            blob = LEVEL if i % 2 else "s"
            w.writerow([f"{x1:.6f}", f"{x2:.6f}", blob, y])
    return path


def test_shown_name_cuts_the_middle():
    assert shown_name("x1") == "x1"
    assert shown_name("a" * MAX_NAME_WIDTH) == "a" * MAX_NAME_WIDTH
    cut = shown_name("blob[T." + LEVEL + "]")
    assert len(cut) == MAX_NAME_WIDTH
    assert cut.startswith("blob[T.zzz") and cut.endswith("zzEND]") and "..." in cut


def test_fit_and_summary_tables_stay_small(long_level_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    code, out, err = run_cli(
        capsys, ["fit", long_level_csv, "-t", "y", "-o", model, "--force"]
    )
    assert code == 0
    assert len(out) < 10_000, len(out)  # before: > 2 MB
    assert "blob[T.zzz" in out and "zzEND]" in out
    assert "100,003 characters long" in err and "--drop blob" in err
    assert len(err) < 10_000
    doc = json.loads(model.read_text())
    levels = next(c for c in doc["encoding"]["columns"] if c["name"] == "blob")
    assert LEVEL in levels["levels"]  # the file keeps the full level
    for args in ([], ["--odds-ratios"]):
        code, out, err = run_cli(capsys, ["summary", model, *args])
        assert code == 0
        assert len(out) + len(err) < 10_000, len(out)


def test_penalized_fit_plain_table_stays_small(long_level_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    code, out, _ = run_cli(
        capsys,
        ["fit", long_level_csv, "-t", "y", "-o", model, "--penalty", "l2"],
    )
    assert code == 0
    assert len(out) < 10_000, len(out)
    code, out, _ = run_cli(capsys, ["summary", model])
    assert code == 0 and len(out) < 10_000


def test_the_separation_warning_cuts_a_long_name():
    """The PerfectSeparationWarning named a 100 000-character column in full
    (a 100 429-character message); names in it are cut to 60 characters as
    in every other message (logistic._messages)."""
    import warnings

    import pandas as pd

    from logistic import LogisticRegression, PerfectSeparationWarning

    rng = np.random.default_rng(0)
    x = rng.normal(size=100)
    X = pd.DataFrame({LEVEL: x, "b": rng.normal(size=100)})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        LogisticRegression(penalty=None).fit(X, (x > 0).astype(int))
    [message] = [str(w.message) for w in rec if w.category is PerfectSeparationWarning]
    assert len(message) < 1000
    assert "+1*" + "z" * 59 + "…" in message and "*b" in message
