"""How inference results print (a statistician's trial: the numbers were
right, their printout was not).

* ``print(res.odds_ratios())`` is a table (term, ratio, std err, z, P>|z|,
  interval bounds with the level in the title and headers), the layout of
  the summary's coefficient table, for two classes and for the relative-risk
  ratios of K classes; its attributes are unchanged.
* The blocks of K-class marginal effects are titled by the target's name and
  the class label (``race = 3``), in Python and in ``logistic margins``.
* ``lr_test`` of fits whose names do not nest says what it checked (term
  names) instead of claiming the fits are not nested.

References: statsmodels ``Logit`` and ``MNLogit`` on the same rows (UCLA
admissions; the low-birth-weight data's ``race`` 1/2/3 on age, lwt, smoke).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path, run_cli
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
LBW_X = ["age", "lwt", "smoke"]


@pytest.fixture(scope="module")
def ucla():
    X, y, names = logistic.datasets.load_ucla_admissions()
    return pd.DataFrame(X, columns=names), np.asarray(y, dtype=float)


@pytest.fixture(scope="module")
def lbw():
    d = pd.read_csv(LBW)
    return d[LBW_X].astype(float), d["race"].to_numpy()


def _table_rows(text: str) -> dict[str, list[str]]:
    """The rows between the column header's rule and the closing rule: name
    → its other cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if set(line) == {"-"}) + 1
    stop = next(i for i in range(start, len(lines)) if set(lines[i]) == {"="})
    return {line.split()[0]: line.split()[1:] for line in lines[start:stop]}


def _shown(value: float) -> str:
    """A number as the coefficient table prints it (4 significant digits)."""
    return f"{value:#.4g}"


# -- 1. odds ratios ------------------------------------------------------------


def test_printed_odds_ratios_are_a_table_of_terms_ratios_and_bounds(ucla):
    X, y = ucla
    cols = ["gre", "gpa", "rank2"]
    res = LogisticRegression(penalty=None).fit(X[cols], y).inference()
    table = res.odds_ratios(alpha=0.1)
    text = str(table)
    assert repr(table) == text
    assert "array(" not in text
    title, header = text.splitlines()[0], text.splitlines()[2]
    assert "Odds ratios" in title and "90% Wald intervals" in title
    assert header.split() == ["odds", "ratio", "std", "err", "z", "P>|z|",
                              "[0.05", "0.95]"]  # fmt: skip
    rows = _table_rows(text)
    assert list(rows) == ["Intercept", *cols]
    # the cells are the attributes' values, as the summary prints numbers
    for i, name in enumerate(table.term_names):
        ratio, se, _, _, low, high = rows[name][:6]
        assert ratio == _shown(table.odds_ratio[i])
        assert se == _shown(table.bse[i])
        assert (low, high) == tuple(_shown(v) for v in table.conf_int[i])
    # and the attributes are statsmodels' exp(params), exp(conf_int)
    ref = sm.Logit(y, sm.add_constant(X[cols].to_numpy())).fit(disp=0)
    shown = np.array([[float(rows[n][k]) for k in (0, 4, 5)] for n in rows])
    expected = np.column_stack([np.exp(ref.params), np.exp(ref.conf_int(0.1))])
    np.testing.assert_allclose(shown, expected, rtol=6e-4)
    # attribute access is unchanged
    assert isinstance(table.odds_ratio, np.ndarray) and table.conf_int.shape == (4, 2)
    assert table.alpha == 0.1 and table.method == "wald"


def test_printed_profile_odds_ratios_name_the_interval_and_mark_aliased_rows(ucla):
    X, y = ucla
    res = LogisticRegression(penalty=None).fit(X[["gre", "gpa"]], y).inference(
        X[["gre", "gpa"]], y
    )
    text = str(res.odds_ratios(method="profile"))
    assert "95% profile-likelihood intervals" in text.splitlines()[0]
    assert "profile [0.025" in text.splitlines()[2]
    both = X[["gre", "gpa"]].assign(twice=2 * X["gpa"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aliased = LogisticRegression(penalty=None).fit(both, y).inference(both, y)
        rows = _table_rows(str(aliased.odds_ratios()))
    assert rows["twice"] == ["NA"] * 6
    assert "NA" not in rows["gre"]


def test_printed_relative_risk_ratios_of_k_classes(lbw):
    X, y = lbw
    res = LogisticRegression(penalty=None).fit(X, y).inference()
    table = res.odds_ratios()
    text = repr(table)
    assert "array(" not in text
    title = text.splitlines()[0]
    assert "Relative-risk ratios" in title and "against 1" in title
    assert "95% Wald intervals" in title
    assert text.splitlines()[2].split()[:1] == ["RRR"]
    rows = _table_rows(text)
    assert list(rows) == table.term_names
    # each equation's intercept first, as statsmodels' MNLogit params of an
    # add_constant design, the summary's blocks and the two-class table
    assert [n for n in rows if n.startswith("3:")] == [
        "3:Intercept", "3:age", "3:lwt", "3:smoke"
    ]  # fmt: skip
    blocks = res.summary(odds_ratios=True).blocks
    named = zip("23", blocks, strict=True)
    assert list(rows) == [f"{c}:{r[0]}" for c, (_, b) in named for r in b]
    shown = [r[1] for _, b in blocks for r in b]
    np.testing.assert_array_equal(shown, table.odds_ratio)
    ref = sm.MNLogit(y - 1, sm.add_constant(X.to_numpy())).fit(disp=0, method="newton")
    ci = ref.conf_int()  # (equation, [const, x...], 2)
    for e, cls in enumerate(("2", "3")):
        for j, term in enumerate(["Intercept", *LBW_X]):
            ratio, _, _, _, low, high = map(float, rows[f"{cls}:{term}"][:6])
            np.testing.assert_allclose(ratio, np.exp(ref.params[j, e]), rtol=6e-4)
            np.testing.assert_allclose([low, high], np.exp(ci[e, j]), rtol=6e-4)


# -- 2. K-class marginal effects ---------------------------------------------


def _blocks(text: str) -> dict[str, dict[str, list[str]]]:
    """Title → rows of each class block of a K-class margins printout."""
    lines = text.splitlines()
    out = {}
    for i, line in enumerate(lines[:-1]):
        if set(line) == {"="} and i + 2 < len(lines) and "dy/dx" in lines[i + 2]:
            rows = {}
            for row in lines[i + 4 :]:
                if set(row) == {"="}:
                    break
                rows[row.split()[0]] = row.split()[1:]
            out[lines[i + 1]] = rows
    return out


def test_k_class_margins_blocks_are_titled_by_target_and_class_label(lbw):
    X, y = lbw
    res = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    res.target_name = "race"  # what the command line sets
    me = res.get_margeff()
    blocks = _blocks(str(me))
    assert list(blocks) == ["race = 1", "race = 2", "race = 3"]
    # each block holds its class's effects (statsmodels' column k)
    ref = sm.MNLogit(y - 1, sm.add_constant(X.to_numpy())).fit(disp=0, method="newton")
    ref_me = ref.get_margeff()
    for k, title in enumerate(blocks):
        effects = [float(blocks[title][name][0]) for name in LBW_X]
        np.testing.assert_allclose(effects, me.margeff[:, k], rtol=1e-5)
        np.testing.assert_allclose(effects, ref_me.margeff[:, k], rtol=1e-5)
    # without a target name: the label itself after "y"
    res.target_name = None
    assert list(_blocks(str(res.get_margeff()))) == ["y = 1", "y = 2", "y = 3"]


def test_cli_k_class_margins_blocks_name_the_target_column(workdir, capsys):
    code, _, err = run_cli(
        capsys,
        ["fit", LBW, "--target", "race", "--features", ",".join(LBW_X),
         "--reference", "2", "-o", "lbw.json"],
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run_cli(capsys, ["margins", "lbw.json", LBW])
    assert code == 0, err
    blocks = _blocks(out)
    assert list(blocks) == ["race = 2", "race = 1", "race = 3"]  # reference first
    code, doc, err = run_cli(capsys, ["margins", "lbw.json", LBW, "--json"])
    assert code == 0, err
    rows = json.loads(doc)["effects"]
    for title, block in blocks.items():
        label = title.split(" = ")[1]
        effects = {r["term"]: r["effect"] for r in rows if r["class"] == label}
        assert [float(block[t][0]) for t in LBW_X] == pytest.approx(
            [effects[t] for t in LBW_X], rel=1e-5
        )


# -- 3. lr_test's nesting warning ----------------------------------------------


def test_lr_test_warning_says_names_were_checked_not_that_fits_do_not_nest(ucla):
    X, y = ucla
    big = LogisticRegression(penalty=None).fit(X[["gre", "gpa"]], y).inference()
    # a linear combination of the bigger fit's columns: nested, other name
    combo = pd.DataFrame({"score": X["gre"] / 100 + X["gpa"]})
    small = LogisticRegression(penalty=None).fit(combo, y).inference()
    with pytest.warns(UserWarning) as record:
        out = big.lr_test(small)
    messages = [str(w.message) for w in record if "lr_test" in str(w.message)]
    assert len(messages) == 1
    message = messages[0]
    assert "not nested" not in message
    assert "could not confirm" in message and "term names" in message
    assert "['score'] are terms of the smaller fit only" in message
    # the statistic is right: statsmodels' fits of the same columns
    full = sm.Logit(y, sm.add_constant(X[["gre", "gpa"]].to_numpy())).fit(disp=0)
    part = sm.Logit(y, sm.add_constant(combo.to_numpy())).fit(disp=0)
    assert out.df == 1
    np.testing.assert_allclose(out.statistic, 2 * (full.llf - part.llf), rtol=1e-6)
    assert out.statistic == pytest.approx(2 * (big.llf - small.llf), rel=1e-12)
