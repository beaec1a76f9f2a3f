"""CLI messages a new user met: a checkpoint mismatch shows numbers (not the
checkpoint's hex encoding), a constant column is reported aliased (NA),
flags show no ``<bool>`` value in --help, and a column named twice in
--features/--drop is refused."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from conftest import run_cli


@pytest.fixture
def base_csv(tmp_path):
    rng = np.random.default_rng(2)
    path = tmp_path / "base.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "k", "y"])
        for _ in range(200):
            x1, x2 = rng.normal(size=2)
            y = int(rng.random() < 1 / (1 + np.exp(-(x1 - x2))))
            w.writerow([f"{x1:.6f}", f"{x2:.6f}", 5, y])
    return path


def test_checkpoint_mismatch_shows_numbers(base_csv, tmp_path, capsys):
    ck = tmp_path / "ck"
    first = ["fit", base_csv, "-t", "y", "--drop", "k", "--checkpoint", ck]
    code, _, _ = run_cli(capsys, [*first, "-o", tmp_path / "a.json", "-q"])
    assert code == 0
    code, _, err = run_cli(
        capsys,
        [*first, "--penalty", "l2", "--alpha", "0.005", "-o", tmp_path / "b.json"],
    )
    assert code != 0
    assert "(the checkpoint: --penalty none; now: --penalty l2 with --alpha 0.005)" in err
    assert "float" not in err and "0x" not in err


def test_constant_column_is_reported_aliased_as_r_glm_does(base_csv, tmp_path, capsys):
    """A constant beside the intercept: R's glm prints NA for it and says
    "(1 not defined because of singularities)"; the fit still succeeds."""
    code, out, err = run_cli(
        capsys, ["fit", base_csv, "-t", "y", "-o", tmp_path / "m.json"]
    )
    assert code == 0, err
    text = out + err
    assert re.search(r"^k +NA +NA", text, re.M), text
    assert "1 not defined because of singularities: k" in text
    assert "fit without intercept" not in text


@pytest.mark.parametrize(
    "command, flags",
    [
        ("fit", ["--force", "--json", "--quiet", "--no-cache", "--stream"]),
        ("summary", ["--json", "--odds-ratios"]),
        ("predict", ["--excel-safe", "--force"]),
        ("margins", ["--dummy"]),
        ("export", ["--double"]),
    ],
)
def test_flags_show_no_value_in_help(capsys, monkeypatch, command, flags):
    monkeypatch.setenv("COLUMNS", "120")
    code, out, _ = run_cli(capsys, [command, "--help"])
    assert code == 0
    for flag in flags:
        line = next(ln for ln in out.splitlines() if re.search(rf"{flag}\b", ln))
        assert "<bool>" not in line, line


@pytest.mark.parametrize(
    "args, option",
    [
        (["--features", "x1,x1"], "--features"),
        (["--features", "x1", "--features", "x2,x1"], "--features"),
        (["--drop", "k", "--drop", "k"], "--drop"),
    ],
)
def test_column_named_twice_is_refused(base_csv, tmp_path, capsys, args, option):
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", base_csv, "-t", "y", *args, "-o", out])
    assert code == 2
    name = "k" if option == "--drop" else "x1"
    assert f"{option} names the column {name!r} more than once" in err
    assert not out.exists()


def test_kept_column_named_twice_is_refused(base_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    code, _, _ = run_cli(
        capsys, ["fit", base_csv, "-t", "y", "--drop", "k", "-o", model]
    )
    assert code == 0
    out = tmp_path / "p.csv"
    code, _, err = run_cli(
        capsys, ["predict", model, base_csv, "--keep", "x1,x1", "-o", out]
    )
    assert code == 2
    assert "--keep names the column 'x1' more than once" in err
    assert not out.exists()


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_features_naming_the_target_say_it_is_left_out(base_csv, tmp_path, capsys, stream):
    """``--features y,x1`` with ``-t y``: the target is no feature; the fit
    goes on without it and says so (it was left out silently)."""
    code, out, err = run_cli(
        capsys,
        ["fit", base_csv, "-t", "y", "--features", "y,x1", *stream,
         "-o", tmp_path / "m.json"],
    )
    assert code == 0, err
    assert "feature column 'y' is the target column: left out of the features" in err
    assert re.search(r"^x1 ", out, re.M) and not re.search(r"^y ", out, re.M)


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_drop_of_a_column_outside_the_features_is_noted(base_csv, tmp_path, capsys, stream):
    """``--features x1 --drop x2``: x2 was never a feature; the fit goes on and
    says the --drop did nothing (it was silent)."""
    code, out, err = run_cli(
        capsys,
        ["fit", base_csv, "-t", "y", "--features", "x1", "--drop", "x2", *stream,
         "-o", tmp_path / "m.json"],
    )
    assert code == 0, err
    assert "--drop column 'x2' is not a feature column: nothing to drop" in err
    assert re.search(r"^x1 ", out, re.M) and not re.search(r"^x2 ", out, re.M)


def test_refused_checkpoint_is_not_announced_as_resumed(base_csv, tmp_path, capsys):
    """A checkpoint of other settings is refused with the error alone; one
    that matches is reported after the fit accepted it. The fit used to
    print "resuming from checkpoint" first, then refuse it."""
    ck = tmp_path / "ck"
    first = ["fit", base_csv, "-t", "y", "--drop", "k", "--checkpoint", ck]
    code, _, _ = run_cli(capsys, [*first, "-o", tmp_path / "a.json", "-q"])
    assert code == 0
    other = [*first, "--penalty", "l2", "--alpha", "0.005", "-o", tmp_path / "b.json"]
    code, _, err = run_cli(capsys, other)
    assert code == 65
    assert err.startswith("error: checkpoint ") and "resum" not in err.split("\n")[0]
    assert "resuming" not in err and "resumed" not in err
    code, _, err = run_cli(capsys, [*first, "-o", tmp_path / "c.json"])
    assert code == 0, err
    assert f"resumed from checkpoint {ck}\n" in err


def test_a_resume_from_the_previous_copy_says_how_to_fit_afresh(base_csv, tmp_path, capsys):
    # deleting the checkpoint still resumed (from PATH.prev), saying only
    # "resumed from checkpoint PATH.prev"; the docs said "delete it to fit afresh"
    ck = tmp_path / "ck.json"
    first = ["fit", base_csv, "-t", "y", "--drop", "k", "--checkpoint", ck]
    code, _, err = run_cli(capsys, [*first, "-o", tmp_path / "a.json", "-q"])
    assert code == 0, err
    assert (tmp_path / "ck.json.prev").exists()
    ck.unlink()
    code, _, err = run_cli(capsys, [*first, "-o", tmp_path / "b.json"])
    assert code == 0, err
    assert (
        f"resumed from checkpoint {ck}.prev, the previous copy ({ck} is missing); "
        f"delete both {ck} and {ck}.prev to fit afresh"
    ) in " ".join(err.split())
    (tmp_path / "ck.json").unlink()
    (tmp_path / "ck.json.prev").unlink()
    code, _, err = run_cli(capsys, [*first, "-o", tmp_path / "c.json"])
    assert code == 0 and "resumed" not in err
