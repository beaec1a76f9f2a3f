"""Findings of a new user's first hour with the command line, each fixed:

- After ``fit DATA --stream`` the summary's note said "Separation was not
  checked ... Refit with --penalty firth", and the Python library said
  ``penalty='firth'`` after a Dask fit, but Firth's fit is refused for
  streamed and Dask data (exit 2): advice the user cannot follow. The note
  now says that Firth's fit needs the rows in memory, and names the penalty
  a streamed or Dask fit does take (l2: shrunk estimates, no standard
  errors). ``margins`` of that fit (its separation "suspected") said "Use
  --penalty firth" too; it now gives the same remedy.
- ``fit --C 0.1`` without ``--penalty`` said "--penalty none has no
  strength", naming an option the user never typed (the default). It now
  says that the default is no penalty and how to give one.
- ``predict --workers 2`` got click's "(Possible options: --force)": only
  ``fit`` runs on Dask. The message now says so, and names what ``predict``
  (and ``evaluate``) have for a large file: ``--stream`` and ``--chunk-rows``.
- ``logistic.cli.app.main(["summary", Path("m.json")])`` from Python was
  "internal error: TypeError": paths are now taken as the command line's
  text, and any other non-text argument is a TypeError naming its position.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


def _note(out: str) -> str:
    return next(line for line in out.splitlines() if "Separation was not checked" in line)


def test_the_streamed_fits_note_gives_advice_a_streamed_fit_can_follow(workdir, capsys):
    code, out, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--stream", "-o", "s.json"])
    assert code == 0, err
    note = _note(out)
    # Firth's fit is offered with the condition the command line sets on it ...
    assert "--penalty firth" in note and "not with --stream" in note, note
    assert "penalty='" not in note, note  # in the CLI's words
    # ... and the penalty a streamed fit takes is named
    assert "--penalty l2" in note, note
    code, out2, err = run_cli(capsys, ["summary", "s.json"])
    assert code == 0, err
    assert _note(out2) == note


def test_the_notes_remedies_are_accepted_as_worded(workdir, capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--penalty", "firth", "-o", "f.json", "-q"])
    assert code == 0, err
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "-t", "admit", "--stream", "--penalty", "l2", "-o", "l2.json", "-q", "--json"]
    )
    assert code == 0, err
    # the streamed L2 fit is scikit-learn's C=1 fit (Newton-Cholesky, tight tol)
    from sklearn.linear_model import LogisticRegression as SkLR

    df = pd.read_csv(UCLA)
    X, y = df[["gre", "gpa", "rank"]].to_numpy(float), df["admit"].to_numpy()
    sk = SkLR(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    from logistic import load

    mine = load(workdir / "l2.json")
    np.testing.assert_allclose(mine.coef_.ravel(), sk.coef_.ravel(), rtol=1e-4)
    np.testing.assert_allclose(mine.intercept_, sk.intercept_, rtol=1e-4)


def test_the_librarys_note_after_a_dask_fit_names_what_dask_accepts():
    da = pytest.importorskip("dask.array")
    import dask

    from logistic import LogisticRegression

    df = pd.read_csv(UCLA)
    X, y = df[["gre", "gpa", "rank"]].to_numpy(float), df["admit"].to_numpy(float)
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(Xd, yd)
        notes = list(model.summary().notes)
        # the remedy the note names for such data is accepted by them
        LogisticRegression(penalty="l2").fit(Xd, yd)
    note = next(n for n in notes if "Separation was not checked" in n)
    assert "penalty='firth'" in note and "not for streamed, Dask or GPU data" in note
    assert "penalty='l2'" in note


def test_a_k_class_streamed_note_names_a_penalty_it_takes(workdir, capsys):
    argv = ["fit", UCLA, "-t", "rank", "--stream", "-o", "k.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "k.json"])
    assert code == 0, err
    note = _note(out)
    assert "--penalty l2" in note and "firth" not in note, note
    code, _, err = run_cli(capsys, [*argv[:-3], "--penalty", "l2", "-o", "k2.json", "-q"])
    assert code == 0, err


@pytest.mark.parametrize("option", [["--C", "0.1"], ["--alpha", "0.1"]])
def test_a_strength_without_a_penalty_names_the_default(workdir, capsys, option):
    code, out, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", *option, "-o", "m.json"])
    assert (code, out) == (2, "")
    assert "--penalty none" not in err, err  # the user typed no --penalty
    assert f"{option[0]} {option[1]}" in err
    assert "no --penalty was given" in err and "the default is no penalty" in err
    assert "--penalty l2" in err
    assert not (workdir / "m.json").exists()
    # as written, the advice runs
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", *option, "--penalty", "l2", "-o", "m.json", "-q"])
    assert code == 0, err


def test_a_mixing_without_a_penalty_names_the_default(workdir, capsys):
    argv = ["fit", UCLA, "-t", "admit", "--l1-ratio", "0.5", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 2
    assert "--penalty none" not in err, err
    assert "(no --penalty was given; the default is no penalty)" in err, err


def test_alpha_zero_and_cv_without_a_penalty_are_still_accepted(workdir, capsys):
    # --alpha 0 is no penalty; --cv fits L2 by default and refuses --C itself
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--alpha", "0", "-o", "a.json", "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--cv", "3", "--C", "0.1", "-o", "c.json"])
    assert code == 2
    assert "--cv chooses the penalty strength" in err, err


def test_a_typed_penalty_none_with_a_strength_keeps_its_words(workdir, capsys):
    argv = ["fit", UCLA, "-t", "admit", "--penalty", "none", "--C", "0.1", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 2
    assert "--penalty none has no strength, but --C 0.1 was set" in err


@pytest.mark.parametrize("command", ["predict", "evaluate"])
@pytest.mark.parametrize("option", ["--workers", "--scheduler"])
def test_dask_options_of_a_command_without_them_are_explained(workdir, capsys, command, option):
    value = "2" if option == "--workers" else "tcp://host:8786"
    code, out, err = run_cli(capsys, [command, "m.json", UCLA, option, value])
    assert (code, out) == (2, "")
    assert "Possible options" not in err, err
    assert f"No such option: {option} (only fit runs on Dask" in err, err
    assert f"{command} reads a large file in chunks with --stream and --chunk-rows" in err, err


def test_dask_options_of_summary_say_only_fit_runs_on_dask(workdir, capsys):
    code, _, err = run_cli(capsys, ["summary", "m.json", "--workers", "2"])
    assert code == 2
    assert "No such option: --workers (only fit runs on Dask" in err, err
    assert "--stream" not in err, err  # summary has no --stream


def test_a_suspected_separation_of_a_streamed_fit_names_a_remedy_it_takes(workdir, capsys):
    # x > 0 exactly when y = 1 (complete separation): a streamed fit cannot
    # run the separation check, so the fitted logits raise the suspicion
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    pd.DataFrame({"x": x, "y": (x > 0).astype(int)}).to_csv("sep.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "sep.csv", "-t", "y", "--stream", "-o", "s.json"])
    assert code == 0, err
    # the fit's warning too
    warned = next(line for line in err.splitlines() if "PerfectSeparationWarning" in line)
    assert "not with --stream" in warned and "--penalty l2" in warned, warned
    note = next(line for line in out.splitlines() if "Separation (suspected)" in line)
    assert "--penalty firth" in note and "not with --stream" in note, note
    assert "--penalty l2" in note, note
    # both are accepted, and give finite estimates
    for argv in (["--penalty", "firth"], ["--stream", "--penalty", "l2"]):
        code, _, err = run_cli(capsys, ["fit", "sep.csv", "-t", "y", *argv, "-o", "r.json", "--force", "-q"])
        assert code == 0, err


def _streamed_separated_fit(capsys) -> None:
    # x > 0 exactly when y = 1 (complete separation), fit with --stream: the
    # separation check does not run, the fitted logits make it "suspected"
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    pd.DataFrame({"x": x, "y": (x > 0).astype(int)}).to_csv("sep.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "sep.csv", "-t", "y", "--stream", "-o", "s.json", "-q"])
    assert code == 0, err


@pytest.mark.parametrize("extra", [[], ["--method", "pr", "--at-value", "x=-1,1"]])
def test_margins_of_a_streamed_separated_fit_name_a_remedy_it_takes(workdir, capsys, extra):
    _streamed_separated_fit(capsys)
    code, out, err = run_cli(capsys, ["margins", "s.json", "sep.csv", *extra])
    assert code == 0, err
    warned = next(line for line in err.splitlines() if "PerfectSeparationWarning" in line)
    note = next(line for line in out.splitlines() if "Separation suspected" in line)
    for said in (warned, note):
        assert "not with --stream" in said and "--penalty l2" in said, said
        assert "Use --penalty firth" not in said, said


def test_python_margins_notes_of_a_suspected_separation_name_where_firth_runs():
    from logistic.inference._separation_notes import (
        PENALTY,
        separated_margins_note,
        separated_margins_warning,
    )

    for predictive in (False, True):
        for said in (
            separated_margins_note("suspected", predictive=predictive),
            separated_margins_warning("suspected", predictive=predictive),
        ):
            assert "with the rows in memory (not for streamed" in said, said
            assert "penalty='l2'" in said, said
        # a checked separation's rows were in memory: Firth's fit runs there
        assert separated_margins_note("complete", predictive=predictive).endswith(
            "Use penalty='firth'."
        )
    # K classes have no Firth penalty: the penalty remedy is kept
    assert separated_margins_note("suspected", PENALTY).endswith("Use a penalty.")


def test_main_takes_path_arguments(workdir, capsys):
    # main([...]) from Python with pathlib paths, as subprocess.run takes them
    from pathlib import Path

    from logistic.cli.app import main

    code = main(["fit", Path(UCLA), "-t", "admit", "-o", Path("m.json"), "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    code = main(["summary", Path("m.json"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    fitted = json.loads(out)
    # R: glm(admit ~ gre + gpa + rank, binomial, data = binary.csv) (UCLA IDRE)
    coef = {row["term"]: row["estimate"] for row in fitted["coefficients"]}
    assert coef["gpa"] == pytest.approx(0.777014, abs=5e-6)
    assert coef["rank"] == pytest.approx(-0.560031, abs=5e-6)


def test_main_refuses_an_argument_that_is_neither_text_nor_a_path():
    from logistic.cli.app import main

    with pytest.raises(TypeError, match=r"argv\[3\] has type int \(3\); .*str or os\.PathLike"):
        main(["fit", "d.csv", "--cv", 3])
