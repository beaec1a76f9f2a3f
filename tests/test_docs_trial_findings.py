"""Regressions from a trial that ran every example of README.md and docs/*.md
as a new user would: each test is one finding, with the behaviour the docs
promise (docs/cli.md: "Infinite values and non-numbers in a numeric column are
errors naming the line"; exit 65 for bad data)."""

from __future__ import annotations

import hashlib
import json
import re
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import data_path, run_cli
from logistic.io import _canonical

UCLA = data_path("ucla-admissions", "binary.csv")
INF_ROWS = "x,y\n1,0\n2,1\n3,0\n4,1\n5,{}\n"


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400"])
@pytest.mark.parametrize(
    "how",
    [
        ["-t", "y"],
        ["-t", "y", "--penalty", "l2"],
        ["--formula", "y ~ x"],
        ["-t", "y", "--stream"],
    ],
)
def test_an_infinite_target_value_is_refused_naming_its_line(
    workdir, capsys, value, how
):
    # the value at line 6 read as a third class, a fit, then a save refusing
    # "model file inf.json: field 'encoding.label.levels' ... got None"
    (workdir / "inf.csv").write_text(INF_ROWS.format(value))
    code, out, err = run_cli(capsys, ["fit", "inf.csv", *how, "-o", "inf.json"])
    assert (code, out) == (65, "") and not (workdir / "inf.json").exists()
    assert "column 'y' in inf.csv has a" in err and "value" in err
    assert "at line 6" in err and "model file" not in err


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        ([], "column 'y' in inf.parquet has an infinite value (inf) at row 5"),
        (["--stream"], "column 'y' in inf.parquet has an infinite value (inf) at row 5"),
    ],
)
def test_an_infinite_target_value_in_parquet_is_refused(
    workdir, capsys, stream, message
):
    table = pa.table({"x": [1.0, 2, 3, 4, 5], "y": [0, 1, 0, 1, np.inf]})
    pq.write_table(table, workdir / "inf.parquet")
    code, out, err = run_cli(
        capsys, ["fit", "inf.parquet", "-t", "y", *stream, "-o", "inf.json"]
    )
    assert (code, out) == (65, "") and message in err


def test_an_infinite_value_in_an_evaluated_target_names_its_line(workdir, capsys):
    (workdir / "ok.csv").write_text(INF_ROWS.format("0"))
    assert run_cli(capsys, ["fit", "ok.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    (workdir / "inf.csv").write_text(INF_ROWS.format("inf"))
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "inf.csv"])
    assert (code, out) == (65, "")
    assert "column 'y' in inf.csv has an infinite value (inf) at line 6" in err


def test_a_cached_entry_with_an_infinite_label_is_scanned_again(workdir, capsys):
    # a row cache entry whose labels.npy lists inf (as one written before the
    # scan refused such labels) is treated as damaged: the source is scanned
    # again, and the fit finds its two classes, not three
    from logistic.backends import _cache

    (workdir / "s.csv").write_text(INF_ROWS.format("1"))
    opts = ["-t", "y", "--stream", "--cache-dir", "c", "-q"]
    assert run_cli(capsys, ["fit", "s.csv", *opts, "-o", "a.json"])[0] == 0
    [labels] = list((workdir / "c").rglob("labels.npy"))
    np.save(labels, np.array([0.0, 1.0, np.inf]))
    with pytest.raises(ValueError, match="not a list of labels"):
        _cache._load_labels(labels.parent, None)
    code, _, err = run_cli(capsys, ["fit", "s.csv", *opts, "-o", "b.json"])
    assert code == 0 and "positive class 1, negative 0" in err
    model = json.loads((workdir / "b.json").read_text())["model"]
    assert model["classes"]["values"] == [0.0, 1.0]


@pytest.fixture
def rank_model(workdir, capsys):
    formula = "admit ~ gre + gpa + C(rank)"
    args = ["fit", str(UCLA), "--formula", formula, "-o", "m.json", "-q"]
    assert run_cli(capsys, args)[0] == 0
    return workdir / "m.json"


def _margins_json(capsys, model, *extra):
    code, out, err = run_cli(capsys, ["margins", model, str(UCLA), "--json", *extra])
    assert (code, err) == (0, ""), err
    return json.loads(out)


@pytest.mark.parametrize("spelling", ["rank=2", "C(rank)=2", "rank=2.0"])
def test_margins_at_value_sets_a_factor_by_its_level(rank_model, capsys, spelling):
    # docs/marginal-effects.md: "a categorical term is set by its level, as
    # Stata's at(rank=2)"; the command line refused rank=2 (exit 2) where the
    # library took it. Reference: statsmodels' Logit on the same dummy columns,
    # get_margeff(atexog={3: 1, 4: 0, 5: 0}) (indices of exog with the
    # constant first): gpa 0.17651238, standard error 0.07145958
    got = _margins_json(capsys, rank_model, "--at-value", spelling)
    assert got["at_values"] == {
        "C(rank)[T.2]": 1.0, "C(rank)[T.3]": 0.0, "C(rank)[T.4]": 0.0
    }
    gpa = next(e for e in got["effects"] if e["term"] == "gpa")
    assert gpa["effect"] == pytest.approx(0.17651238, rel=1e-6)
    assert gpa["std_error"] == pytest.approx(0.07145958, rel=1e-6)
    assert got == _margins_json(capsys, rank_model, "--at-value", "C(rank)[T.2]=1")


@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("rnk=2", "a categorical term is set by its level, e.g. rank=2"),
        ("rank=7", "--at-value sets rank to '7', which is not one of its levels (1 (the"),
    ],
)
def test_margins_at_value_mistakes_name_the_spelling_that_works(
    rank_model, capsys, spelling, message
):
    code, out, err = run_cli(
        capsys, ["margins", rank_model, str(UCLA), "--at-value", spelling]
    )
    assert (code, out) == (2, "") and message in err


@pytest.mark.parametrize("command", ["margins", "summary"])
def test_training_data_without_the_target_says_what_the_command_needs(
    rank_model, workdir, capsys, command
):
    # margins and summary MODEL DATA read the training rows; the message was
    # evaluate's ("evaluating needs the true outcomes ...")
    pd.read_csv(UCLA).drop(columns="admit").to_csv(workdir / "nt.csv", index=False)
    code, out, err = run_cli(capsys, [command, rank_model, "nt.csv"])
    assert (code, out) == (65, "") and "evaluating" not in err
    assert "target column 'admit' (from the model file) not found in nt.csv" in err
    assert "reads the rows the model was fitted on" in err


def _saved_with_hc1(path, training):
    import logistic
    from logistic import LogisticRegression

    data = pd.read_csv(UCLA)
    X, y = data[["gre", "gpa", "rank"]].astype(float), data["admit"]
    model = LogisticRegression().fit(X, y)
    res = model.inference(X, y, cov_type="HC1")
    logistic.save(
        model,
        path,
        covariance=res.cov_params(),
        covariance_names=res.term_names,
        training=training,
    )


def test_summary_says_which_covariance_a_model_file_stores(workdir, capsys):
    # docs/predictions-and-influence.md: save(covariance=...) stores another
    # (e.g. robust) covariance; summary printed its standard errors unlabelled
    _saved_with_hc1(workdir / "hc1.json", {"cov_type": "HC1"})
    code, out, _ = run_cli(capsys, ["summary", "hc1.json"])
    assert code == 0
    assert "standard errors: covariance HC1, as stored in the model file" in out
    # the CLI's own files record the model-based covariance: no such line
    args = ["fit", str(UCLA), "-t", "admit", "-o", "plain.json", "-q"]
    assert run_cli(capsys, args)[0] == 0
    code, out, _ = run_cli(capsys, ["summary", "plain.json"])
    assert code == 0 and "standard errors:" not in out


def test_summary_of_a_model_saved_with_a_given_covariance_names_why(workdir):
    import logistic
    from logistic import InvalidParameterError

    _saved_with_hc1(workdir / "hc1.json", None)
    with pytest.raises(InvalidParameterError) as info:
        logistic.load(workdir / "hc1.json").summary()
    assert "passed to save(covariance=...)" in str(info.value)
    assert "pass X and y" in str(info.value)


def test_collinearity_with_several_relations_asks_to_drop_one_of_each():
    # two independent exact relations among four columns: dropping "one of
    # them" (the old advice) leaves the other; the information is X'X of
    # x3 = x1 + x2 and x4 = x1 - x2 with x1, x2 independent
    from logistic.inference._covariance import CollinearityError, invert_information

    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal((2, 50))
    X = np.column_stack([x1, x2, x1 + x2, x1 - x2])
    with pytest.raises(CollinearityError, match="Drop a different column from each of the 2"):
        invert_information(X.T @ X, ["x1", "x2", "x3", "x4"])
    X = np.column_stack([x1, x2, x1 + x2])
    with pytest.raises(CollinearityError, match=r"Drop one of them\.$"):
        invert_information(X.T @ X, ["x1", "x2", "x3"])


def test_a9a_gets_rs_aliased_rows_and_a_separated_fit_without_them_says_why(
    workdir, capsys, monkeypatch
):
    # docs/cli.md's a9a example: one-hot groups beside an intercept and a
    # quasi-complete separation. The fit found 15 of the 16 aliased columns
    # and printed no standard errors, advising "Drop one of them"; it now
    # prints R's table with 16 NA rows (tests/test_aliased.py checks them
    # against the design's rank), also from the information alone (the design
    # pass patched out: each pivot's limit scales with its cancellation).
    # Where the information misses some (simulated: its last two found kept),
    # the message names the separation and asks to drop one column of each
    # relation
    from logistic.inference import _aliased

    a9a = str(data_path("a9a", "a9a.gz"))
    code, out, err = run_cli(capsys, ["fit", a9a, "-o", "a9a.json"])
    assert code == 0 and "no standard errors" not in err
    assert "Coefficients: (16 not defined because of singularities" in out
    monkeypatch.setattr(_aliased, "structural_aliasing", lambda stats, *_: stats)
    monkeypatch.setattr(
        "logistic.inference._fit.structural_aliasing", lambda stats, *_: stats
    )
    code, out, err = run_cli(capsys, ["fit", a9a, "-o", "b.json", "--force"])
    assert code == 0 and "no standard errors" not in err
    assert "Coefficients: (16 not defined because of singularities" in out
    real = _aliased.aliased_columns

    def missing_two(*args, **kwargs):
        mask = real(*args, **kwargs).copy()
        mask[np.flatnonzero(mask)[-2:]] = False
        return mask

    monkeypatch.setattr(_aliased, "aliased_columns", missing_two)
    code, _, err = run_cli(capsys, ["fit", a9a, "-o", "c.json"])
    assert code == 0 and "no standard errors" in err
    assert re.search(r"Drop a different column from each of the \d+ relations\.", err)
    assert "The fit is separated (quasi-complete)" in err
    assert "--penalty firth gives finite estimates" in err
    assert "Drop one of them" not in err


def test_libsvm_labels_are_written_as_whole_numbers_everywhere(workdir, capsys):
    # docs/cli.md: "every command writes a whole-number level 1.0 as 1"; fit's
    # note and evaluate's confusion matrix wrote LibSVM's -1/+1 as -1.0 and 1.0
    # while predict wrote -1 and 1
    rows = ["1 1:0.5 2:1", "-1 1:0.2 2:0.1", "1 1:0.3", "-1 1:0.1 2:0.2"] * 3
    rows += ["-1 1:0.6 2:0.9", "1 2:0.05"]
    (workdir / "s.svm").write_text("\n".join(rows) + "\n")
    code, _, err = run_cli(capsys, ["fit", "s.svm", "-o", "m.json"])
    assert code == 0 and "target 'label': positive class 1, negative -1\n" in err
    code, out, _ = run_cli(capsys, ["evaluate", "m.json", "s.svm"])
    assert code == 0 and "predicted -1" in out and "actual 1 " in out
    matrix = [ln for ln in out.splitlines() if "actual" in ln or "predicted -" in ln]
    assert len(matrix) == 3 and "actual -1 " in matrix[1]
    assert not any("1.0" in ln for ln in matrix)
    code, out, _ = run_cli(capsys, ["predict", "m.json", "s.svm", "-o", "-"])
    assert code == 0 and {line.split(",")[1] for line in out.splitlines()[1:]} == {
        "-1", "1"
    }


def test_rerunning_a_finished_checkpointed_fit_does_not_claim_an_interruption(
    workdir, capsys
):
    # docs/cli.md "Checkpoints": the second run of a finished fit said it
    # resumed "before and after the interruption", though none happened
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 3))
    y = (X[:, 0] + rng.standard_normal(3000) > 0).astype(int)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": y})
    frame.to_parquet(workdir / "big.parquet")
    args = ["fit", "big.parquet", "-t", "y", "--stream", "--checkpoint", "big.ckpt"]
    first = run_cli(capsys, [*args, "-o", "a.json"])
    second = run_cli(capsys, [*args, "-o", "b.json"])
    assert first[0] == second[0] == 0 and "resum" not in first[2]
    assert "interruption" not in second[2]
    assert "or a finished one, whose checkpoint stays: delete it" in second[2]
    coef = [json.loads((workdir / f).read_text())["model"]["coef"] for f in ("a.json", "b.json")]
    assert coef[0] == coef[1]


def _quasi_separated(n=200, seed=0):
    # x3 = 1 only on rows with y = 1: quasi-complete separation along x3
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 1]))).astype(int)
    d = (rng.random(n) < 0.1).astype(float)
    y[d == 1] = 1
    return np.column_stack([X, d]), y


def test_a_binary_model_file_keeps_the_fits_separation(workdir, capsys):
    # the binary model file dropped separation_: summary of the file showed
    # "Converged: True" and an LR test where the fit had said the MLE does
    # not exist (K-class files kept it)
    import logistic
    from logistic import LogisticRegression, PerfectSeparationWarning

    X, y = _quasi_separated()
    with pytest.warns(PerfectSeparationWarning):
        model = LogisticRegression().fit(X, y)
    assert model.separation_ == "quasi-complete"
    logistic.save(model, workdir / "sep.json")
    loaded = logistic.load(workdir / "sep.json")
    assert loaded.separation_ == "quasi-complete"
    with pytest.warns(PerfectSeparationWarning):
        assert loaded.inference().separation == "quasi-complete"
    doc = json.loads((workdir / "sep.json").read_text())
    del doc["model"]["separation"]  # a file written before the field
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    (workdir / "old.json").write_text(json.dumps(doc))
    assert not hasattr(logistic.load(workdir / "old.json"), "separation_")
    plain = LogisticRegression().fit(X[:, :2], y)  # checked, not separated: null
    assert plain.separation_ is None
    logistic.save(plain, workdir / "plain.json")
    doc = json.loads((workdir / "plain.json").read_text())
    assert doc["model"]["separation"] is None
    assert logistic.load(workdir / "plain.json").separation_ is None
    frame = pd.DataFrame(X, columns=["x1", "x2", "x3"]).assign(y=y)
    frame.to_csv(workdir / "sep.csv", index=False)
    assert run_cli(capsys, ["fit", "sep.csv", "-t", "y", "-o", "cli.json"])[0] == 0
    with pytest.warns(PerfectSeparationWarning):
        summary = str(logistic.load(workdir / "cli.json").summary())
    assert "no finite MLE (separation)" in summary and "LR chi2(3):" in summary
    assert "n/a (separation)" not in summary  # evaluated where the fit stopped
    assert "evaluated where the fit stopped" in summary


def test_fitting_logits_warn_only_for_a_real_nan():
    # logistic._logits.logits takes X @ w with numpy's "invalid" warning
    # silenced and takes it again, warning, only where z holds a NaN: a
    # finite product stays silent and exact; a float32 product whose terms
    # overflow and cancel (inf - inf) still warns, as numpy does
    import warnings as w_

    from logistic._logits import logits

    X = np.array([[1.0, 2.0], [3.0e38, 3.0e38]], dtype=np.float32)
    w = np.array([0.5, -0.25])
    with w_.catch_warnings():
        w_.simplefilter("error")
        z = logits(X[:1], w, 0.0, None)
    assert z.dtype == np.float32 and z[0] == np.float32(0.0)
    w = np.array([2.0, -2.0])
    with pytest.warns(RuntimeWarning):  # 6e38 overflows to inf, inf - inf
        z = logits(X, w, 0.0, None)
    assert np.isnan(z[1]) and z[0] == np.float32(-2.0)


def test_fits_that_are_not_separated_take_no_design_pass(monkeypatch):
    # the design's Gram pass (structural_aliasing) is for separated fits only:
    # a fit with an exact alias and a near dependency (residual ratio ~1e-6,
    # kept by R as by the information's rule) is not separated, and its
    # coefficients stay the information's answer
    from logistic import LogisticRegression
    from logistic.inference import _aliased

    calls = []
    real = _aliased.positive_rows_gram
    monkeypatch.setattr(
        _aliased, "positive_rows_gram", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    # as if every reduction stayed singular: only separation then decides
    monkeypatch.setattr(_aliased, "_reduced_singular", lambda info, mask, limit: True)
    rng = np.random.default_rng(3)
    x1, x2 = rng.standard_normal((2, 300))
    X = np.column_stack([x1, x2, x1 + x2, x1 + 1e-6 * rng.standard_normal(300)])
    y = (rng.random(300) < 1 / (1 + np.exp(-x2))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
    assert model.separation_ is None and calls == []
    # the fit's own record: the exact alias only (the near dependency is kept)
    recorded = np.isnan(model.fit_statistics_.reduced_theta)
    assert recorded.tolist() == [False, False, True, False, False]
    X2, y2 = _quasi_separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LogisticRegression().fit(np.column_stack([X2, X2[:, 2]]), y2)
    assert calls  # control: a separated fit with an alias takes the pass


@pytest.mark.parametrize("header", ["[1],y", "[-1;1] scaled,y", "{x},y"])
def test_a_csv_whose_header_starts_like_json_is_read(workdir, capsys, header):
    # refuse_json named these "a JSON document"
    rows = "".join(f"{i % 7},{i % 2}\n" for i in range(30))
    (workdir / "h.csv").write_text(header + "\n" + rows)
    code, _, err = run_cli(capsys, ["fit", "h.csv", "-t", "y", "-o", "h.json", "-q"])
    assert code == 0 and "JSON" not in err


def test_a_checkpoint_config_of_unexpected_values_falls_back_to_the_plain_difference(
    tmp_path,
):
    from logistic._checkpoint import Checkpointer
    from logistic._fit_steps import describe_problem

    config = {"l1": 0.0, "l2": 0.5, "solver": "newton", "tol": 1e-4}
    cp = Checkpointer(tmp_path / "c.ckpt", fingerprint="f", config=config,
                      describe=describe_problem)  # fmt: skip
    assert cp._described({**config, "l2": "half"}) == ""
    assert "now: penalty='l2' with alpha=0.5" in cp._described({**config, "l2": 0.0})
