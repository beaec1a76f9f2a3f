"""``logistic test``: Wald tests and linear combinations of a model file's
coefficients (Stata's ``test``, ``testparm``, ``lincom``).

References: the UCLA IDRE page "Logit regression | R data analysis examples"
(https://stats.oarc.ucla.edu/r/dae/logit-regression/) prints, for
``glm(admit ~ gre + gpa + rank)`` with ``rank`` a factor, the joint Wald test of
the rank terms, ``X2 = 20.9, df = 3, P(> X2) = 0.00011``, and of
``rank2 = rank3``, ``X2 = 5.5, df = 1, P(> X2) = 0.019``; the full-precision
values, the per-term tests and the linear combinations are statsmodels'
(``Logit.wald_test``, ``wald_test_terms``, ``t_test``) on the same data, and
for three classes statsmodels' ``MNLogit`` estimates and covariance.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, fit_ucla_model, run_cli

sm = pytest.importorskip("statsmodels.formula.api")


@pytest.fixture(scope="module")
def ucla_statsmodels():
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    return sm.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0)


def _ucla(workdir, capsys):
    """The UCLA model file, fit's own output discarded."""
    model = fit_ucla_model(workdir)
    capsys.readouterr()
    return model


def _json(capsys, *args):
    code, out, err = run_cli(capsys, ["test", *args, "--json"])
    assert code == 0, err
    return json.loads(out)


def test_joint_test_of_a_term_matches_published_and_statsmodels(
    workdir, capsys, ucla_statsmodels
):
    model = _ucla(workdir, capsys)
    doc = _json(capsys, model, "C(rank)")
    assert doc["df"] == 3
    assert round(doc["statistic"], 1) == 20.9 and round(doc["pvalue"], 5) == 0.00011
    want = ucla_statsmodels.wald_test(
        "C(rank)[T.2] = 0, C(rank)[T.3] = 0, C(rank)[T.4] = 0", scalar=True
    )
    assert doc["statistic"] == pytest.approx(float(want.statistic), rel=1e-6)
    assert doc["pvalue"] == pytest.approx(float(want.pvalue), rel=1e-5)
    assert doc["restrictions"] == [
        "C(rank)[T.2] = 0", "C(rank)[T.3] = 0", "C(rank)[T.4] = 0"
    ]
    assert doc["covariance"] == "nonrobust"
    # text output: the restrictions and the statistic
    code, out, _ = run_cli(capsys, ["test", model, "C(rank)"])
    assert code == 0
    assert " (3) C(rank)[T.4] = 0" in out and "chi2(3) = 20.8953" in out


def test_restriction_and_joint_hypotheses(workdir, capsys, ucla_statsmodels):
    model = _ucla(workdir, capsys)
    doc = _json(capsys, model, "C(rank)[T.2] = C(rank)[T.3]")
    assert round(doc["statistic"], 1) == 5.5 and round(doc["pvalue"], 3) == 0.019
    assert doc["restrictions"] == ["C(rank)[T.2] - C(rank)[T.3] = 0"]
    # two hypotheses, one joint test (Stata's test (a) (b))
    doc = _json(capsys, model, "C(rank)", "2*gre + gpa = 1")
    want = ucla_statsmodels.wald_test(
        "C(rank)[T.2] = 0, C(rank)[T.3] = 0, C(rank)[T.4] = 0, 2*gre + gpa = 1",
        scalar=True,
    )
    assert doc["df"] == 4
    assert doc["statistic"] == pytest.approx(float(want.statistic), rel=1e-6)
    assert doc["restrictions"][-1] == "2*gre + gpa = 1"


def test_each_term(workdir, capsys, ucla_statsmodels):
    model = _ucla(workdir, capsys)
    doc = _json(capsys, model, "--terms")
    want = ucla_statsmodels.wald_test_terms(scalar=True).table
    got = {t["term"]: t for t in doc["terms"]}
    assert set(got) == set(want.index)
    for term in want.index:
        assert got[term]["df"] == int(want.loc[term, "df_constraint"])
        assert got[term]["statistic"] == pytest.approx(
            float(want.loc[term, "statistic"]), rel=1e-6
        )


@pytest.mark.parametrize("odds", [False, True])
def test_lincom(workdir, capsys, ucla_statsmodels, odds):
    model = _ucla(workdir, capsys)
    args = [model, "--lincom", "C(rank)[T.2] - C(rank)[T.3]", "gpa = 1", "--level", "0.9"]
    doc = _json(capsys, *args, *(["--odds-ratios"] if odds else []))
    want = ucla_statsmodels.t_test("C(rank)[T.2] - C(rank)[T.3] = 0, gpa = 1")
    low, high = want.conf_int(alpha=0.1).T
    rows = doc["combinations"]
    assert [r["combination"] for r in rows] == ["C(rank)[T.2] - C(rank)[T.3]", "gpa = 1"]
    effect = np.ravel(want.effect)
    if odds:
        got = [r["odds_ratio"] for r in rows]
        np.testing.assert_allclose(got, np.exp(effect), rtol=1e-6)
        np.testing.assert_allclose([r["ci_low"] for r in rows], np.exp(low), rtol=1e-6)
    else:
        np.testing.assert_allclose([r["estimate"] for r in rows], effect, rtol=1e-6)
        np.testing.assert_allclose(
            [r["std_error"] for r in rows], np.ravel(want.sd), rtol=1e-6
        )
        np.testing.assert_allclose([r["ci_high"] for r in rows], high, rtol=1e-6)
    np.testing.assert_allclose(
        [r["p_value"] for r in rows], np.ravel(want.pvalue), rtol=1e-5
    )


def test_three_classes_against_mnlogit(workdir, capsys):
    frame = pd.read_csv(data_path("iris", "iris.csv"))
    argv = ["fit", data_path("iris", "iris.csv"), "--formula",
            "species ~ sepal_width", "-o", "k.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    doc = _json(capsys, "k.json", "sepal_width")
    codes = pd.Categorical(frame["species"]).codes
    ref = sm.mnlogit("y ~ sepal_width", frame.assign(y=codes)).fit(disp=0, maxiter=200)
    names = ref.cov_params().index
    pick = [i for i, name in enumerate(names) if name[1] == "sepal_width"]
    b = np.ravel(ref.params.loc["sepal_width"])
    V = ref.cov_params().to_numpy()[np.ix_(pick, pick)]
    assert doc["df"] == 2
    assert doc["statistic"] == pytest.approx(float(b @ np.linalg.solve(V, b)), rel=1e-5)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], "nothing to test"),
        (["--terms", "gre"], "--terms tests every term"),
        (["gre", "--odds-ratios"], "goes with --lincom"),
        (["  "], "HYPOTHESIS is empty"),
        (["foo = 1"], "unknown term 'foo'"),
        (["--lincom", "gre", "--level", "2"], "--level must be in (0, 1)"),
    ],
)
def test_usage_errors(workdir, capsys, argv, words):
    model = _ucla(workdir, capsys)
    code, _, err = run_cli(capsys, ["test", model, *argv])
    assert code == 2 and words in err, err


def test_a_data_file_given_as_a_hypothesis_points_to_data(workdir, capsys):
    """summary and margins take DATA after MODEL; test takes --data FILE: the
    training file given there is not read as a term ('unknown term')."""
    model = _ucla(workdir, capsys)
    pd.read_csv(data_path("ucla-admissions", "binary.csv")).to_csv("u.csv")
    for argv in (["u.csv"], ["--terms", "u.csv"]):
        code, _, err = run_cli(capsys, ["test", model, *argv])
        assert code == 2, err
        assert "HYPOTHESIS 'u.csv' is a file: give the training data as --data u.csv" in err


def test_models_without_tests_are_refused(workdir, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    argv = ["fit", data, "--formula", "admit ~ gre + gpa", "--penalty", "l2",
            "-o", "p.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    code, _, err = run_cli(capsys, ["test", "p.json", "gre"])
    assert code == 2 and "penalized" in err
    # separated: no maximum-likelihood estimate, no Wald test
    pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [0, 0, 0, 1, 1, 1]}).to_csv(
        "s.csv", index=False
    )
    assert run_cli(capsys, ["fit", "s.csv", "-t", "y", "-o", "s.json", "-q"])[0] == 0
    code, _, err = run_cli(capsys, ["test", "s.json", "x"])
    assert code == 65 and "separated" in err, err
    code, _, err = run_cli(capsys, ["test", "missing.json", "x"])
    assert code == 66


def test_with_the_training_rows(workdir, capsys, ucla_statsmodels):
    """--data: robust Wald tests (statsmodels' HC1 covariance) and the
    likelihood-ratio test of each term (statsmodels refits without it)."""
    model = _ucla(workdir, capsys)
    data = data_path("ucla-admissions", "binary.csv")
    doc = _json(capsys, model, "C(rank)", "--data", data, "--cov-type", "HC1")
    frame = pd.read_csv(data)
    # statsmodels' Logit "HC1" applies no n/(n-k) factor (docs/inference.md):
    # its HC0 statistic times (n-k)/n is sandwich's HC1 one, n = 400, k = 6
    robust = sm.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0, cov_type="HC0")
    want = robust.wald_test("C(rank)[T.2] = 0, C(rank)[T.3] = 0, C(rank)[T.4] = 0",
                            scalar=True)  # fmt: skip
    assert doc["covariance"] == "HC1" and doc["data"] == str(data)
    hc1 = float(want.statistic) * (400 - 6) / 400
    assert doc["statistic"] == pytest.approx(hc1, rel=1e-6)
    doc = _json(capsys, model, "--terms", "--lr", "--data", data)
    assert doc["test"] == "lr_terms"
    got = {t["term"]: t for t in doc["terms"]}
    for term, formula in (("gre", "admit ~ gpa + C(rank)"),
                          ("C(rank)", "admit ~ gre + gpa")):  # fmt: skip
        reduced = sm.logit(formula, frame).fit(disp=0)
        lr = 2 * (ucla_statsmodels.llf - reduced.llf)
        assert got[term]["statistic"] == pytest.approx(lr, rel=1e-8)
    assert got["C(rank)"]["df"] == 3


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--terms", "--lr"], "--lr needs the training rows"),
        (["gre", "--lr"], "it goes with --terms"),
        (["gre", "--cov-type", "HC1"], "--cov-type needs the training rows"),
        (["gre", "--cluster", "rank"], "--cluster needs the training rows"),
        (["gre", "--sep", ";"], "--sep needs the training rows"),
    ],
)
def test_data_options_need_data(workdir, capsys, argv, words):
    model = _ucla(workdir, capsys)
    code, _, err = run_cli(capsys, ["test", model, *argv])
    assert code == 2 and words in err, err


def test_lr_terms_of_three_classes_in_all_equations(workdir, capsys):
    """Each term dropped from both equations: df 2 a column (the statistics
    against statsmodels' MNLogit: tests/test_multinomial_lr_terms.py)."""
    data = data_path("iris", "iris.csv")
    argv = ["fit", data, "--formula", "species ~ sepal_width", "-o", "k.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["test", "k.json", "--terms", "--lr", "--data", data])
    assert code == 0, err
    assert "Likelihood-ratio tests of each term" in out
    assert [line.split()[:2] for line in out.splitlines()[2:]] == [
        ["sepal_width", "2"],
        ["Intercept", "2"],
    ]


def test_a_hypothesis_warns_only_of_its_own_restrictions(workdir, capsys):
    """A cluster covariance of 4 groups (UCLA's rank) has rank 3: the
    joint test of the three C(rank) columns loses a degree of freedom and
    warns, but a test of gre alone must not print that warning (it came
    from the per-term tests run only to read a term's columns)."""
    model = _ucla(workdir, capsys)
    data = data_path("ucla-admissions", "binary.csv")
    argv = ["test", model, "gre", "--data", data, "--cov-type", "cluster",
            "--cluster", "rank"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert code == 0 and "chi2(1)" in out, err
    assert "3 constraints, rank is 2" not in err, err
    code, out, err = run_cli(capsys, [*argv[:2], "C(rank)", *argv[3:]])
    assert code == 0 and "chi2(2)" in out, err
    assert "3 constraints, rank is 2" in err, err


def test_sampling_weights_without_data_use_the_stored_hc0(workdir, capsys):
    """docs/cli.md: without --data the covariance is the one the file
    stores, HC0 for --weights-kind sampling (as summary MODEL shows it).
    Reference: statsmodels GLM(Binomial, var_weights=w).fit(cov_type="HC0"),
    whose sandwich is the sampling-weights HC0."""
    sm_api = pytest.importorskip("statsmodels.api")
    frame = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    frame["w"] = np.arange(len(frame)) % 3 + 1.0
    frame.to_csv("bw.csv", index=False)
    formula = "low ~ age + lwt + smoke"
    argv = ["fit", "bw.csv", "--formula", formula, "--weights", "w",
            "--weights-kind", "sampling", "-o", "sw.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    glm = sm.glm(formula, frame, family=sm_api.families.Binomial(),
                 var_weights=frame["w"]).fit(cov_type="HC0")  # fmt: skip
    doc = _json(capsys, "sw.json", "smoke", "age = lwt")
    want = glm.wald_test("smoke = 0, age = lwt", scalar=True)
    assert doc["covariance"] == "HC0, sampling weights" and doc["data"] is None
    assert doc["statistic"] == pytest.approx(float(want.statistic), rel=1e-6)
    doc = _json(capsys, "sw.json", "--lincom", "age - lwt")
    one = glm.t_test("age - lwt = 0")
    row = doc["combinations"][0]
    assert row["estimate"] == pytest.approx(float(np.ravel(one.effect)[0]), rel=1e-6)
    assert row["std_error"] == pytest.approx(float(np.ravel(one.sd)[0]), rel=1e-6)
    doc = _json(capsys, "sw.json", "--terms")
    terms = glm.wald_test_terms(scalar=True).table["statistic"]
    for t in doc["terms"]:
        assert t["statistic"] == pytest.approx(float(terms[t["term"]]), rel=1e-6)


def test_lr_refusals_in_cli_words(workdir, capsys):
    """--terms --lr of a sampling-weights fit and of a fit with an aliased
    column: refused naming the command line's options, not Python's calls
    (wald_test, conf_int(method='wald'), 'profile likelihoods')."""
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    frame["w"] = np.arange(len(frame)) % 3 + 1.0
    frame["gre2"] = 2 * frame["gre"]  # aliased with gre
    frame.to_csv("u.csv", index=False)
    fits = {"sw.json": ["--features", "gre,gpa", "--weights", "w",
                        "--weights-kind", "sampling"],
            "al.json": ["--features", "gre,gre2,gpa"]}  # fmt: skip
    for out, extra in fits.items():
        argv = ["fit", "u.csv", "-t", "admit", *extra, "-o", out, "-q"]
        assert run_cli(capsys, argv)[0] == 0
    code, _, err = run_cli(capsys, ["test", "sw.json", "--terms", "--lr", "--data", "u.csv"])
    assert code == 2 and "--weights-kind sampling" in err and "wald_test" not in err
    code, _, err = run_cli(capsys, ["test", "al.json", "--terms", "--lr", "--data", "u.csv"])
    assert code == 2 and "gre2" in err and "without --lr" in err, err


def test_sampling_weights_use_the_stored_sandwich(workdir, capsys):
    """A fit with --weights-kind sampling stores the HC0 sandwich; ``test``
    tested on it (it refused, asking for the training data it never reads).
    Reference: statsmodels' GLM(Binomial, var_weights=w).fit(cov_type="HC0")
    on the same rows gives wald_test = 11.957664796484988 (df 3, p
    0.007529598999620105) and, for gre + gpa, the sum of its params with the
    std. error from its cov_params()."""
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    frame.assign(w=1 + frame.index % 3).to_csv("w.csv", index=False)
    argv = ["fit", "w.csv", "--formula", "admit ~ gre + gpa + C(rank)", "--weights",
            "w", "--weights-kind", "sampling", "-o", "w.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    doc = _json(capsys, "w.json", "C(rank)")
    assert doc["covariance"] == "HC0, sampling weights"
    assert doc["df"] == 3
    assert doc["statistic"] == pytest.approx(11.957664796484988, rel=1e-6)
    assert doc["pvalue"] == pytest.approx(0.007529598999620105, rel=1e-5)
    smapi = pytest.importorskip("statsmodels.api")
    ref = sm.glm(
        "admit ~ gre + gpa + C(rank)", frame, family=smapi.families.Binomial(),
        var_weights=1 + frame.index % 3,
    ).fit(cov_type="HC0")  # fmt: skip
    (row,) = _json(capsys, "w.json", "gre + gpa", "--lincom")["combinations"]
    V = ref.cov_params().loc[["gre", "gpa"], ["gre", "gpa"]].to_numpy()
    assert row["estimate"] == pytest.approx(ref.params["gre"] + ref.params["gpa"])
    assert row["std_error"] == pytest.approx(float(np.sqrt(V.sum())), rel=1e-5)


def test_a_covariance_without_fit_statistics_is_tested(
    workdir, capsys, ucla_statsmodels
):
    """A model file whose covariance comes without the fit statistics (what
    ``logistic fit`` writes above 500 parameters, where it stores the
    covariance of up to 2048 but the statistics of at most 500; here, at a
    small size, ``save(covariance=...)``): ``test`` refused, naming
    ``save(covariance=...)`` and asking for X and y it never reads. Reference:
    statsmodels' Logit on UCLA (the module's fixture)."""
    from logistic import LogisticRegression, save

    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = pd.get_dummies(frame["rank"], prefix="rank", drop_first=True, dtype=float)
    X = pd.concat([frame[["gre", "gpa"]], X], axis=1)
    model = LogisticRegression().fit(X, frame["admit"])
    cov = model.inference(X, frame["admit"]).cov_params().to_numpy()
    save(model, "c.json", covariance=cov)
    doc = _json(capsys, "c.json", "rank_2 = rank_3")
    want = ucla_statsmodels.wald_test("C(rank)[T.2] = C(rank)[T.3]", scalar=True)
    assert doc["covariance"] == "nonrobust" and doc["df"] == 1
    assert doc["statistic"] == pytest.approx(float(want.statistic), rel=1e-5)
    terms = {t["term"]: t for t in _json(capsys, "c.json", "--terms")["terms"]}
    z = ucla_statsmodels.params["gpa"] / ucla_statsmodels.bse["gpa"]
    assert terms["gpa"]["statistic"] == pytest.approx(float(z) ** 2, rel=1e-5)


def test_long_names_are_cut_in_the_text_as_summary_cuts_them(workdir, capsys):
    """A column named with 10,000 characters: ``summary`` cuts it in its
    table, but ``test`` printed its restriction lines and its --terms table
    10,000 characters wide (each term row padded to it). The text now cuts
    names as the tables do (``shown_name``); --json keeps them whole."""
    name = "a" * 10_000
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    pd.DataFrame({"y": y, name: x, "z": rng.normal(size=200)}).to_csv(
        "d.csv", index=False
    )
    assert run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])[0] == 0
    for argv in ([name], ["--terms"], [f"{name} = z"]):
        code, out, err = run_cli(capsys, ["test", "m.json", *argv])
        assert code == 0, err
        assert max(len(line) for line in out.splitlines()) < 200, argv
    doc = _json(capsys, "m.json", name)
    assert doc["restrictions"] == [f"{name} = 0"]


def test_a_joint_test_warns_of_its_own_rank_once(workdir, capsys):
    """Two hypotheses tested jointly under a cluster covariance of 4 groups
    (rank 3; the data of the test above): the joint test of 4 restrictions
    has rank 2 and warns so, once. Each HYPOTHESIS was also tested alone to
    read its rows, and the first one's own rank warning ('3 constraints,
    rank is 2', a test not shown) was printed above the joint one's."""
    model = _ucla(workdir, capsys)
    data = data_path("ucla-admissions", "binary.csv")
    argv = ["test", model, "gre = 0, gpa = 0, C(rank)[T.2] = 0",
            "C(rank)[T.3] = 0", "--data", data, "--cov-type", "cluster",
            "--cluster", "rank"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert code == 0 and "chi2(2)" in out, err
    assert "4 constraints, rank is 2" in err, err
    assert err.count("does not have full rank") == 1, err


def test_lincom_of_a_terms_name_is_refused_naming_its_columns(workdir, capsys):
    """A term's name stands for all of its columns at 0 in a joint test
    (docs/cli.md); --lincom estimates one combination each, and 'C(rank)'
    was refused as an 'unknown term' although the same words without
    --lincom test it. A one-column term ('gre') is its coefficient."""
    model = _ucla(workdir, capsys)
    code, _, err = run_cli(capsys, ["test", model, "--lincom", "C(rank)"])
    assert code == 2, err
    assert "a term of 3 columns (C(rank)[T.2], C(rank)[T.3], C(rank)[T.4])" in err
    assert "unknown term" not in err and "without --lincom" in err, err
    assert _json(capsys, model, "--lincom", "gre")["combinations"][0]["estimate"]


def test_lr_with_a_robust_covariance_is_refused(workdir, capsys):
    """--terms --lr --cov-type HC1 ran the likelihood-ratio tests, which no
    covariance enters, and printed Python's caveat about them ('... after
    cov_type=HC1 ...: use wald_test'); the command line now refuses the
    pair (exit 2) before reading the data, as Stata's lrtest refuses after
    a robust vce, and points to --terms without --lr."""
    model = _ucla(workdir, capsys)
    data = data_path("ucla-admissions", "binary.csv")
    for extra in (["--cov-type", "HC1"], ["--cov-type", "cluster", "--cluster", "rank"]):
        argv = ["test", model, "--terms", "--lr", "--data", data, *extra]
        code, out, err = run_cli(capsys, argv)
        assert code == 2 and not out, err
        assert f"--lr with --cov-type {extra[1]}" in err, err
        assert "--terms without --lr" in err and "wald_test" not in err, err
    argv = ["test", model, "--terms", "--lr", "--data", data, "--cov-type", "nonrobust"]
    assert run_cli(capsys, argv)[0] == 0
