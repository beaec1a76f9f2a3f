"""``fit --class-weight`` on a two-class target keyed by the target's own labels
(``Churned=2,Stayed=1``), as for K classes, besides the codes ``0=..,1=..``;
keys that could mean either are read by what the whole set of keys can be,
kept as codes for a target of 0/1 and refused, naming both readings,
otherwise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


def _churn(path) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 500
    x = rng.normal(size=n)
    y = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-x)), "Churned", "Stayed")
    frame = pd.DataFrame({"x": x, "churn": y})
    frame.to_csv(path, index=False)
    return frame


def _numeric(path, labels: tuple[int, int]) -> None:
    rng = np.random.default_rng(1)
    n = 300
    x = rng.normal(size=n)
    y = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-x)), labels[1], labels[0])
    pd.DataFrame({"x": x, "y": y}).to_csv(path, index=False)


def _params(path) -> np.ndarray:
    model = json.loads(path.read_text())["model"]
    return np.array([model["intercept"], *model["coef"]], dtype=float)


def _fit(capsys, workdir, argv, out):
    code, _, err = run_cli(capsys, ["fit", *argv, "-o", out, "-q"])
    assert code == 0, err
    return _params(workdir / out)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_labels_of_a_text_target_equal_codes_and_scikit_learn(workdir, capsys):
    frame = _churn(workdir / "c.csv")
    base = ["c.csv", "-t", "churn", "--positive", "Churned", "--class-weight"]
    by_label = _fit(capsys, workdir, [*base, "Churned=2,Stayed=1"], "a.json")
    by_code = _fit(capsys, workdir, [*base, "1=2,0=1"], "b.json")
    np.testing.assert_array_equal(by_label, by_code)
    # the outside reference: scikit-learn keyed by the labels themselves
    from sklearn.linear_model import LogisticRegression as SkLR

    sk = SkLR(C=np.inf, class_weight={"Churned": 2, "Stayed": 1}, tol=1e-12)
    sk.fit(frame[["x"]].to_numpy(), frame["churn"].to_numpy())
    assert list(sk.classes_) == ["Churned", "Stayed"]  # sklearn's positive: Stayed
    reference = -np.array([sk.intercept_[0], *sk.coef_[0]])  # Churned positive
    np.testing.assert_allclose(by_label, reference, atol=1e-6)
    # unweighted differs: the weights took effect
    plain = _fit(capsys, workdir, ["c.csv", "-t", "churn", "--positive", "Churned"],
                 "p.json")  # fmt: skip
    assert np.max(np.abs(plain - by_label)) > 1e-3


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_labels_with_penalty_equal_scikit_learn(workdir, capsys):
    frame = _churn(workdir / "c.csv")
    argv = ["c.csv", "-t", "churn", "--positive", "Churned", "--penalty", "l2",
            "--C", "0.5", "--class-weight", "Stayed=1,Churned=3"]  # fmt: skip
    ours = _fit(capsys, workdir, argv, "a.json")
    from sklearn.linear_model import LogisticRegression as SkLR

    sk = SkLR(C=0.5, class_weight={"Churned": 3, "Stayed": 1}, tol=1e-12)
    sk.fit(frame[["x"]].to_numpy(), frame["churn"].to_numpy())
    np.testing.assert_allclose(
        ours, -np.array([sk.intercept_[0], *sk.coef_[0]]), atol=1e-6
    )


def test_a_key_naming_no_class_shows_which_label_each_code_is(workdir, capsys):
    _churn(workdir / "c.csv")
    argv = ["fit", "c.csv", "-t", "churn", "--positive", "Churned",
            "--class-weight", "Churn=2", "-o", "m.json"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "") and not (workdir / "m.json").exists()
    assert err.startswith("error: --class-weight Churn=2: a two-class target")
    assert "0=W0,1=W1, or its labels, Stayed=W0,Churned=W1" in err
    assert "0 = the negative class 'Stayed', 1 = the positive class 'Churned'" in err
    assert "not 'Churn'" in err


def test_labels_and_codes_mixed_or_one_class_twice_are_refused(workdir, capsys):
    _churn(workdir / "c.csv")
    base = ["fit", "c.csv", "-t", "churn", "--positive", "Churned", "-o", "m.json"]
    code, _, err = run_cli(capsys, [*base, "--class-weight", "0=1,Churned=2"])
    assert code == 2 and "by their labels, Stayed=W0,Churned=W1, or by" in err
    assert "not '0' as a code beside labels" in err
    code, _, err = run_cli(capsys, [*base, "--class-weight", "1=1,1.0=2"])
    assert code == 2 and "1=1 and 1.0=2 name the same class (code 1)" in err
    assert not (workdir / "m.json").exists()


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_target_of_0_1_keeps_the_codes_even_with_positive_0(workdir, capsys):
    # labels and codes coincide for 0/1; with --positive 0 they differ, and the
    # keys stay the codes (their meaning before labels were accepted)
    _numeric(workdir / "t.csv", (0, 1))
    frame = pd.read_csv(workdir / "t.csv")
    flipped = ["t.csv", "-t", "y", "--positive", "0", "--class-weight"]
    ours = _fit(capsys, workdir, [*flipped, "1=3"], "a.json")  # code 1: label 0
    from sklearn.linear_model import LogisticRegression as SkLR

    sk = SkLR(C=np.inf, class_weight={0: 3, 1: 1}, tol=1e-12)
    sk.fit(frame[["x"]].to_numpy(), frame["y"].to_numpy())
    np.testing.assert_allclose(
        ours, -np.array([sk.intercept_[0], *sk.coef_[0]]), atol=1e-6
    )
    plain = ["t.csv", "-t", "y", "--class-weight"]
    np.testing.assert_array_equal(
        _fit(capsys, workdir, [*plain, "1=3"], "b.json"),
        _fit(capsys, workdir, [*plain, "1=3,0=1"], "c.json"),
    )


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_target_of_1_2_reads_the_keys_as_a_whole(workdir, capsys):
    _numeric(workdir / "t.csv", (1, 2))
    frame = pd.read_csv(workdir / "t.csv")
    base = ["t.csv", "-t", "y", "--positive", "2", "--class-weight"]
    by_label = _fit(capsys, workdir, [*base, "1=1,2=3"], "a.json")  # 2: a label
    by_code = _fit(capsys, workdir, [*base, "0=1,1=3"], "b.json")  # 0: a code
    only_2 = _fit(capsys, workdir, [*base, "2=3"], "c.json")
    np.testing.assert_array_equal(by_label, by_code)
    np.testing.assert_array_equal(by_label, only_2)
    from sklearn.linear_model import LogisticRegression as SkLR

    sk = SkLR(C=np.inf, class_weight={1: 1, 2: 3}, tol=1e-12)
    sk.fit(frame[["x"]].to_numpy(), frame["y"].to_numpy())
    np.testing.assert_allclose(
        by_label, np.array([sk.intercept_[0], *sk.coef_[0]]), atol=1e-6
    )
    # the key 1 alone: the label 1 (negative) or the code 1 (positive, 2)
    argv = ["fit", *base, "1=3", "-o", "d.json"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "") and not (workdir / "d.json").exists()
    assert err.startswith("error: --class-weight 1=3: '1' is ambiguous for target 'y'")
    assert "as a label it is the negative class 1, as a class code the positive " \
        "class 2" in err  # fmt: skip
    assert "by their labels, 1=W0,2=W1 (both of them), or by their codes" in err
    # --positive 1: the key 1 is label 1 and code 1 alike, the positive class
    flipped = ["t.csv", "-t", "y", "--positive", "1", "--class-weight"]
    np.testing.assert_array_equal(
        _fit(capsys, workdir, [*flipped, "1=3"], "e.json"),
        _fit(capsys, workdir, [*flipped, "1=3,2=1"], "f.json"),
    )
