"""Findings of a new user (a statistics student), each checked against a
reference outside the code under test: the command line's own behaviour on
the same file, statsmodels' maximum-likelihood fit, or the documented text."""

from __future__ import annotations

import io
import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression
from logistic._exceptions import ConvergenceWarning, DataValidationError

UCLA = data_path("ucla-admissions", "binary.csv")


def _ucla_with(tmp_path, column: str, row: int, value: str, sep: str = ","):
    """The UCLA file with one value replaced (row: 0-based data row), as text."""
    lines = UCLA.read_text().splitlines()
    header = lines[0].split(",")
    k = header.index(column)
    fields = lines[row + 1].split(",")
    fields[k] = value
    lines[row + 1] = ",".join(fields)
    path = tmp_path / "typo.csv"
    path.write_text("\n".join(line.replace(",", sep) for line in lines) + "\n")
    return path


# -- 1. a mostly-numeric text column in a DataFrame --------------------------------


def test_frame_numeric_column_with_typo_is_refused_as_the_cli_refuses(tmp_path, capsys):
    path = _ucla_with(tmp_path, "gpa", 7, "3.O8")
    # The reference: the CLI refuses the same file, naming the column and value.
    code, _, err = run_cli(
        capsys, ["fit", path, "--target", "admit", "-o", tmp_path / "m.json"]
    )
    assert code != 0
    assert "'gpa'" in err and "non-numeric value '3.O8'" in err and "line 9" in err
    d = pd.read_csv(path)
    assert not pd.api.types.is_numeric_dtype(d["gpa"])  # pandas read it as text
    d.index = [f"r{i}" for i in range(len(d))]
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(d[["gre", "gpa", "rank"]], d["admit"])
    message = str(info.value)
    assert "'gpa'" in message and "non-numeric value '3.O8'" in message
    assert "row 7" in message and "'r7'" in message  # position and index label


def test_frame_numeric_column_with_typo_among_floats_names_the_value():
    d = pd.read_csv(UCLA)
    gpa = d["gpa"].astype(object)
    gpa.iloc[3] = "3.O8"  # floats and one string: an object column
    d["gpa"] = gpa
    with pytest.raises(DataValidationError, match=r"'gpa'.*'3\.O8' at row 3"):
        LogisticRegression().fit(d[["gre", "gpa", "rank"]], d["admit"])


def test_frame_decimal_comma_column_is_refused_as_the_cli_refuses(tmp_path, capsys):
    lines = UCLA.read_text().splitlines()
    text = "\n".join(line.replace(",", ";").replace(".", ",") for line in lines)
    path = tmp_path / "semi.csv"
    path.write_text(text + "\n")
    code, _, err = run_cli(
        capsys, ["fit", path, "--target", "admit", "-o", tmp_path / "m.json"]
    )
    assert code != 0 and "decimal comma" in err and "gpa" in err
    d = pd.read_csv(path, sep=";")  # pandas' default decimal point: gpa as text
    assert not pd.api.types.is_numeric_dtype(d["gpa"])
    with pytest.raises(
        DataValidationError,
        match=r"'gpa' holds numbers written with a decimal comma.*decimal=','",
    ):
        LogisticRegression().fit(d[["gre", "gpa", "rank"]], d["admit"])
    fitted = LogisticRegression().fit(
        pd.read_csv(path, sep=";", decimal=",")[["gre", "gpa", "rank"]], d["admit"]
    )
    assert fitted.coef_.shape == (1, 3)


def test_frame_text_column_of_mostly_words_is_still_one_hot(tmp_path, capsys):
    # rank as letters with two numbers: fewer than half are numbers, so the CLI
    # one-hot encodes it (four levels, three columns); the DataFrame path too.
    d = pd.read_csv(UCLA)
    d["rank"] = d["rank"].map({1: "a", 2: "b", 3: "c", 4: "d"}).astype(object)
    d.loc[[0, 2], "rank"] = "5"  # admit 0 and 1: no separation
    path = tmp_path / "words.csv"
    d.to_csv(path, index=False)
    code, _, _ = run_cli(
        capsys, ["fit", path, "--target", "admit", "-o", tmp_path / "m.json"]
    )
    assert code == 0

    cli_names = json.loads((tmp_path / "m.json").read_text())["encoding"][
        "feature_names"
    ]
    fitted = LogisticRegression().fit(
        pd.read_csv(path)[["gre", "gpa", "rank"]], d["admit"]
    )
    assert list(fitted.feature_names_in_) == cli_names


def test_frame_numeric_in_fit_text_at_predict_names_the_value():
    d = pd.read_csv(UCLA)
    fitted = LogisticRegression().fit(
        d[["gre", "gpa", "rank"]].assign(rank=d["rank"].astype(str)), d["admit"]
    )
    new = d[["gre", "gpa", "rank"]].head(5).astype({"gpa": object, "rank": str})
    new.loc[2, "gpa"] = "3.O8"
    with pytest.raises(
        DataValidationError,
        match=r"'gpa' was numeric in fit but now holds text \('3\.O8' at row 2",
    ):
        fitted.predict(new)


# -- 2. inference from a stochastic (SGD) fit ---------------------------------------


def _ucla_dummies():
    d = pd.read_csv(UCLA)
    X = pd.DataFrame(
        {
            "gre": d["gre"].astype(float),
            "gpa": d["gpa"],
            "rank2": (d["rank"] == 2).astype(float),
            "rank3": (d["rank"] == 3).astype(float),
            "rank4": (d["rank"] == 4).astype(float),
        }
    )
    return X, d["admit"].to_numpy()


def _statsmodels_mle(X, y):
    sm = pytest.importorskip("statsmodels.api")
    return sm.Logit(y, sm.add_constant(X)).fit(disp=0)


def test_sgd_summary_says_estimates_are_approximate():
    X, y = _ucla_dummies()
    reference = _statsmodels_mle(X, y)  # the MLE: [const, gre, gpa, rank2..4]
    model = LogisticRegression(solver="sgd", random_state=0).fit(X, y)
    fitted = np.r_[model.intercept_, model.coef_.ravel()]
    # SGD's default tol (1e-3) stops visibly away from the MLE: this is what
    # the warning is about.
    assert np.max(np.abs(fitted / reference.params.to_numpy() - 1)) > 1e-2
    with pytest.warns(
        ConvergenceWarning, match=r"solver='sgd' is stochastic.*tol=0\.001.*approximate"
    ):
        summary = model.summary()
    assert ("Estimates", "approximate (sgd)") in summary.header_left
    text = summary.as_text()
    assert re.search(r"Estimates:\s+approximate \(sgd\)", text)
    assert "Note: solver='sgd' is stochastic" in text


def test_sgd_inference_warns_once_without_a_summary():
    """p-values read from ``model.inference()`` carry the same warning as the
    summary, and a summary built from them does not repeat it."""
    X, y = _ucla_dummies()
    model = LogisticRegression(solver="sgd", random_state=0).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.inference()
    stochastic = [w for w in caught if "is stochastic" in str(w.message)]
    assert len(stochastic) == 1
    assert issubclass(stochastic[0].category, ConvergenceWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = res.summary().as_text()
    assert not [w for w in caught if "is stochastic" in str(w.message)]
    assert "Note: solver='sgd' is stochastic" in text


def test_default_solver_summary_has_no_approximation_line():
    X, y = _ucla_dummies()
    reference = _statsmodels_mle(X, y)
    model = LogisticRegression().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        summary = model.summary()
    np.testing.assert_allclose(
        [row[1] for row in summary.rows], reference.params.to_numpy(), rtol=1e-6
    )
    assert all(k != "Estimates" for k, _ in summary.header_left)
    assert "stochastic" not in summary.as_text()


# -- 3. unknown category of a formula's C() term ------------------------------------

#: The CLI's message for a text column with a category not seen at fit time
#: (the reference: the plain text-column path of the same command).
_UNSEEN = (
    r"column 'rank' in \S+ has categories not seen at fit time: \[(?P<new>.+)\] "
    r"\(first at line 3\); known: \[(?P<known>.+)\]; give those rows empty "
    r"predictions with --unknown-levels na"
)


def test_formula_unknown_category_names_column_line_and_levels(workdir, capsys):
    d = pd.read_csv(UCLA)
    letters = d.assign(rank=d["rank"].map({1: "a", 2: "b", 3: "c", 4: "d"}))
    letters.to_csv("letters.csv", index=False)
    assert (
        run_cli(capsys, ["fit", "letters.csv", "-t", "admit", "-o", "t.json"])[0] == 0
    )
    (workdir / "re.csv").write_text("gre,gpa,rank\n500,3.0,b\n500,3.0,e\n")
    code, _, text_err = run_cli(capsys, ["predict", "t.json", "re.csv", "-o", "-"])
    reference = re.search(_UNSEEN, text_err)
    assert code != 0 and reference is not None
    assert reference["known"] == "'a', 'b', 'c', 'd'"

    formula = "admit ~ gre + gpa + C(rank)"
    assert run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "f.json"])[0] == 0
    (workdir / "r5.csv").write_text("gre,gpa,rank\n500,3.0,2\n500,3.0,5\n")
    code, _, err = run_cli(capsys, ["predict", "f.json", "r5.csv", "-o", "-"])
    found = re.search(_UNSEEN, err)
    assert code != 0 and found is not None, err
    assert found["new"] == "5" and found["known"] == "1, 2, 3, 4"


# -- 4. the one-class error shows the label as written ------------------------------


@pytest.mark.parametrize(
    ("y", "shown"),
    [
        (np.ones(4), "1.0"),
        (np.ones(4, dtype=np.int64), "1"),
        (np.array(["yes"] * 4), "'yes'"),
    ],
)
def test_one_class_error_shows_the_label_as_written(y, shown):
    # Python's repr of the value (what the user typed), as scikit-learn's
    # message words it: "... contains only one class: 1.0".
    X = np.arange(4.0)[:, None]
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(X, y)
    assert str(info.value).endswith(f"contains only one class: {shown}")
    assert "np." not in str(info.value)


# -- 5. R's factor() and the reference level of C() ---------------------------------


@pytest.mark.parametrize("spelling", ["factor(rank)", "as.factor(rank)"])
def test_r_factor_is_refused_suggesting_c(workdir, capsys, spelling):
    formula = f"admit ~ gre + {spelling}"
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])
    assert code != 0
    assert f"'{spelling}' is R's spelling" in err and "written C(rank) here" in err


def test_c_with_treatment_reference_matches_statsmodels(workdir, capsys):
    smf = pytest.importorskip("statsmodels.formula.api")
    formula = "admit ~ gre + gpa + C(rank, Treatment(4))"
    # statsmodels (patsy) reads the same formula: rank 4 is the reference.
    reference = smf.logit(formula, pd.read_csv(UCLA)).fit(disp=0)
    assert run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])[0] == 0
    model = json.loads((workdir / "m.json").read_text())
    factor = model["encoding"]["factors"]["C(rank, Treatment(4))"]
    assert factor["levels"] == [4, 1, 2, 3]  # the first level is the reference
    # patsy puts the categorical columns first; the names are the same
    assert sorted(model["encoding"]["feature_names"]) == sorted(
        reference.params.index[1:]
    )
    (workdir / "new.csv").write_text("gre,gpa,rank\n500,3.0,2\n640,3.5,4\n")
    code, out, _ = run_cli(capsys, ["predict", "m.json", "new.csv", "-o", "-"])
    assert code == 0
    proba = pd.read_csv(io.StringIO(out))["proba"].to_numpy()
    expected = reference.predict(pd.read_csv(workdir / "new.csv")).to_numpy()
    np.testing.assert_allclose(proba, expected, rtol=1e-6)


def test_c_with_unknown_reference_level_is_refused(workdir, capsys):
    formula = "admit ~ gre + C(rank, Treatment(reference=9))"
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])
    assert code != 0 and "9" in err and "levels" in err
