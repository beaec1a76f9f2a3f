"""``predict`` reads kept identifiers and the model's categorical columns as
text, so values keep their bytes and levels compare as the strings seen at fit.

References come from outside the code under test: the identifiers are the
bytes written to the file (read back with Python's ``csv``), and a batch's
probabilities are those of the same rows scored inside the mixed training
file, where every level is read as text anyway.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from conftest import run_cli


def _training(path, levels, n=200, seed=3):
    rng = np.random.default_rng(seed)
    lines = ["x1,x2,cat,y"]
    for i in range(n):
        x1, x2 = rng.normal(size=2)
        cat = levels[i % len(levels)]
        z = x1 - 0.5 * x2 + (0.8 if cat == levels[0] else -0.4)
        y = int(rng.random() < 1 / (1 + np.exp(-z)))
        lines.append(f"{x1:.4f},{x2:.4f},{cat},{y}")
    path.write_text("\n".join(lines) + "\n")
    return lines


def _rows(out):
    return list(csv.DictReader(io.StringIO(out)))


def test_keep_copies_identifiers_unchanged(workdir, capsys):
    _training(workdir / "fit.csv", ["a", "b", "c"])
    assert run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    ids = ["00123", "00077", "12345678901234567890", "9007199254740993", "-0", "1e3"]
    body = "".join(f"{i},0.1,0.2,a\n" for i in ids)
    (workdir / "new.csv").write_text("id,x1,x2,cat\n" + body)
    code, out, err = run_cli(capsys, ["predict", "m.json", "new.csv", "--keep", "id"])
    assert code == 0, err
    assert [r["id"] for r in _rows(out)] == ids
    assert "ignored" not in err  # the kept column is not reported as unused
    code, out, _ = run_cli(
        capsys, ["predict", "m.json", "new.csv", "--keep", "id", "-o", "p.parquet"]
    )
    import pyarrow.parquet as pq

    assert pq.read_table(workdir / "p.parquet").column("id").to_pylist() == ids


def test_keep_of_a_model_column_keeps_its_number(workdir, capsys):
    _training(workdir / "fit.csv", ["a", "b", "c"])
    run_cli(capsys, ["fit", "fit.csv", "-t", "y", "-o", "m.json", "-q"])
    code, out, err = run_cli(capsys, ["predict", "m.json", "fit.csv", "--keep", "x1"])
    assert code == 0, err
    expected = [r["x1"] for r in csv.DictReader(open(workdir / "fit.csv"))]
    assert [float(r["x1"]) for r in _rows(out)] == [float(v) for v in expected]


@pytest.mark.parametrize("levels", [["007", "x", "y"], ["True", "False", "Maybe"]])
@pytest.mark.parametrize("formula", [False, True])
def test_batch_of_number_like_levels_scores_as_in_the_mixed_file(
    workdir, capsys, levels, formula
):
    lines = _training(workdir / "fit.csv", levels)
    model = ["--formula", "y ~ x1 + x2 + C(cat)"] if formula else ["-t", "y"]
    code, _, err = run_cli(capsys, ["fit", "fit.csv", *model, "-o", "m.json", "-q"])
    assert code == 0, err
    code, mixed, err = run_cli(capsys, ["predict", "m.json", "fit.csv"])
    assert code == 0, err
    first = [i for i, line in enumerate(lines[1:]) if line.split(",")[2] == levels[0]]
    (workdir / "batch.csv").write_text(
        "\n".join([lines[0]] + [lines[1 + i] for i in first[:3]]) + "\n"
    )
    for extra in ([], ["--unknown-levels", "na"]):
        code, out, err = run_cli(capsys, ["predict", "m.json", "batch.csv", *extra])
        assert code == 0, err
        got = [float(r["proba"]) for r in _rows(out)]
        want = [float(_rows(mixed)[i]["proba"]) for i in first[:3]]
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert "not scored" not in err and "dropped" not in err


@pytest.mark.parametrize("formula", [False, True])
def test_missing_values_and_unseen_levels_are_named_in_one_run(
    workdir, capsys, formula
):
    # a trial user fixed the missing value, reran, and only then met the
    # unseen category: one refusal names both
    _training(workdir / "fit.csv", ["a", "b", "c"])
    fit = ["--formula", "y ~ x1 + x2 + C(cat)"] if formula else ["-t", "y"]
    assert run_cli(capsys, ["fit", "fit.csv", *fit, "-o", "m.json", "-q"])[0] == 0
    (workdir / "new.csv").write_text("x1,x2,cat\n0.1,0.2,zzz\n,0.3,a\n0.5,0.1,b\n")
    code, out, err = run_cli(capsys, ["predict", "m.json", "new.csv", "-o", "p.csv"])
    assert (code, out) == (65, "")
    assert err == (
        "error: missing values in new.csv: column 'x1' (1 row(s), first at line 3); "
        "drop those rows with --missing drop or fill them in; also: column 'cat' in "
        "new.csv has categories not seen at fit time: ['zzz'] (first at line 2); "
        "known: ['a', 'b', 'c']; give those rows empty predictions with "
        "--unknown-levels na\n"
    )
    assert not (workdir / "p.csv").exists()
    argv = ["predict", "m.json", "new.csv", "-o", "p.csv", "--unknown-levels", "na"]
    code, _, err = run_cli(capsys, argv)  # the categories allowed: one problem
    assert code == 65 and "also" not in err
