"""The in-memory, ``--stream`` and Dask (``--workers``) readings of a CSV
target refuse and accept the same labels, in the same words.

* A 0.5 among 0/1 labels, inside Dask's dtype sample: Dask said
  "d.csv: y holds non-integral numbers (0, 0.5, 1)" (no column, no rows, no
  line), ``--stream`` gave the line without the rows, memory the rows without
  the line. Each now says the column, the rows of each value and the line.
* Two values of which one is not whole (0 and 0.5): in memory and on
  ``--stream`` two labels (two values are two labels, whichever numbers:
  ``logistic._labels.check_found_labels``); Dask refused the 0.5 where its
  sample held only 0s ("holds integer labels and '0.5'"). It now reads the
  target again as floats and fits the same model.
* An infinite label: Dask named neither column nor line; it now gives
  ``--stream``'s words (column, value, line).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli, run_cli_process

TAIL = (
    ": a continuous target, not classes; proportions of grouped trials are fitted "
    "from their counts: --target SUCCESSES --trials TRIALS, or the formula "
    "'cbind(successes, failures) ~ ...'"
)


def _write(path, x, labels):
    rows = (f"{a:.6f},{b}\n" for a, b in zip(x, labels, strict=True))
    path.write_text("x,y\n" + "".join(rows))


def _half_in_the_first_rows(workdir):
    """d.csv: 200 labels 0/1 with a 0.5 in row 3; the refusal expected."""
    rng = np.random.default_rng(3)
    labels = [str(v) for v in (rng.random(200) < 0.5).astype(int)]
    labels[3] = "0.5"  # row 3: line 5 (the header is line 1)
    _write(workdir / "d.csv", rng.normal(size=200), labels)
    n = Counter(labels)  # the rows of each value, counted here
    expected = (
        "error: target column 'y' in d.csv holds non-integral numbers "
        f"(0 (n={n['0']}), 0.5 (n=1), 1 (n={n['1']}); 0.5 first at line 5){TAIL}"
    )
    return expected


ARGV = ["fit", "d.csv", "-t", "y", "-o", "m.json"]


@pytest.mark.parametrize("reading", [[], ["--stream"], ["--positive", "1"]])
def test_a_half_among_0_1_is_refused_alike_here(workdir, capsys, reading):
    # --positive 1: in memory said "--positive applies to a target of two
    # classes", where the scans refuse a continuous target first
    expected = _half_in_the_first_rows(workdir)
    code, out, err = run_cli(capsys, [*ARGV, *reading])
    assert (code, err.strip()) == (65, expected)
    assert not (workdir / "m.json").exists()


@pytest.mark.dask
def test_a_half_among_0_1_is_refused_alike_on_dask(workdir):
    pytest.importorskip("distributed")
    expected = _half_in_the_first_rows(workdir)
    code, out, err = run_cli_process(workdir, [*ARGV, "--workers", "1"])
    assert (code, err.strip()) == (65, expected)
    assert not (workdir / "m.json").exists()


@pytest.mark.parametrize("reading", [[], ["--stream"]])
def test_a_half_among_0_1_in_parquet_is_refused_alike(workdir, capsys, reading):
    """Parquet: ``--stream`` gave the values without their rows (Dask neither
    the column nor the row); each gives the rows and the 1-based row now."""
    pd = pytest.importorskip("pandas")
    labels = [0.0, 1.0] * 50
    labels[3] = 0.5  # row 4, 1-based
    frame = pd.DataFrame({"x": np.linspace(-1, 1, 100), "y": labels})
    frame.to_parquet(workdir / "d.parquet")
    expected = (
        "error: target column 'y' in d.parquet holds non-integral numbers "
        f"(0 (n=50), 0.5 (n=1), 1 (n=49); 0.5 first at row 4){TAIL}"
    )
    argv = ["fit", "d.parquet", "-t", "y", "-o", "m.json", *reading]
    code, out, err = run_cli(capsys, argv)
    assert (code, err.strip()) == (65, expected)


def test_a_half_in_a_later_parquet_file_is_placed_in_that_file(workdir, capsys):
    """A directory's rows are counted per file: the first non-integral label
    is at row 3 of the second file (row 8 of the directory), so the message
    names that file (it said "row 3" alone, a row of the first file), and
    each value's rows are those of every file, as for one file."""
    pd = pytest.importorskip("pandas")
    (workdir / "dir").mkdir()
    for k, labels in enumerate(([0.0, 1.0, 2.0, 1.0, 0.0], [1.0, 2.0, 1.5, 0.0])):
        frame = pd.DataFrame({"x": np.arange(len(labels), dtype=float), "y": labels})
        frame.to_parquet(workdir / "dir" / f"part-{k}.parquet", index=False)
    # where pandas, reading the second file, finds 1.5: its 0-based index 2
    second = pd.read_parquet(workdir / "dir" / "part-1.parquet")
    row = int(np.flatnonzero(second["y"].to_numpy() == 1.5)[0]) + 1
    argv = ["fit", "dir", "-t", "y", "-o", "m.json", "--stream"]
    code, out, err = run_cli(capsys, argv)
    place = f"1.5 first at row {row} of {Path('dir') / 'part-1.parquet'})"
    assert code == 65 and place in err, err
    # each value's rows over every file, as pandas counts them (the scan
    # stopped at the second file and gave its values alone, without rows)
    both = pd.read_parquet(workdir / "dir")["y"].value_counts().sort_index()
    shown = ", ".join(f"{v:g} (n={n})" for v, n in both.items())
    assert f"holds non-integral numbers ({shown}; " in err, err


@pytest.mark.dask
def test_zero_and_a_half_past_dasks_sample_are_two_labels(workdir, capsys):
    pytest.importorskip("distributed")
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(4)
    x = rng.normal(size=32_000)
    positive = (x + rng.logistic(size=x.size) > 0) & (np.arange(x.size) >= 24_000)
    # 24 000 zeros first (~300 KB: past Dask's 256 KB dtype sample), then 0/0.5
    _write(workdir / "d.csv", x, np.where(positive, "0.5", "0"))
    # reference: statsmodels' Logit of (y == 0.5) on the same rows
    ref = sm.Logit(positive.astype(float), sm.add_constant(np.round(x, 6))).fit(disp=0)
    argv = ["fit", "d.csv", "-t", "y", "--positive", "0.5", "--json"]
    fits = []
    for reading, out_file in (([], "m.json"), (["--workers", "1"], "w.json")):
        if reading:
            code, out, err = run_cli_process(workdir, [*argv, *reading, "-o", out_file])
        else:
            code, out, err = run_cli(capsys, [*argv, "-o", out_file])
        assert code == 0, (reading, err)
        doc = json.loads((workdir / out_file).read_text())
        assert doc["encoding"]["label"] == {"column": "y", "negative": 0.0, "positive": 0.5}
        fits.append([doc["model"]["intercept"], *doc["model"]["coef"]])
    for got in fits:
        np.testing.assert_allclose(np.ravel(got), ref.params, rtol=1e-6)


@pytest.mark.dask
def test_an_infinite_label_in_dasks_sample_is_named_by_line(workdir, capsys):
    """Dask said "d.csv: y holds a non-finite label (inf)": no column, no
    line. Its scan now finds the row, named as ``--stream`` names it."""
    pytest.importorskip("distributed")
    labels = ["0", "1"] * 50
    labels[3] = "inf"  # row 3: line 5
    _write(workdir / "d.csv", np.linspace(-1, 1, 100), labels)
    said = (
        "error: column 'y' in d.csv has an infinite value (inf) at line 5; only "
        "finite numbers are allowed (a number beyond float64's ±1.8e308, such as "
        "1e999, reads as infinite)"
    )
    code, out, err = run_cli(capsys, [*ARGV, "--stream"])
    assert (code, err.strip()) == (65, said)
    code, out, err = run_cli_process(workdir, [*ARGV, "--workers", "1"])
    assert (code, err.strip()) == (65, said)
