"""A column named inside ``C()`` is categorical whatever its values look like.

A code column with values ``1``, ``2``, ``x`` (mostly numbers) is refused
without a formula (numbers with garbage), but ``C(code)`` makes it a factor;
the reference is the same data with the codes spelled as letters, which is
text everywhere. A backquoted name that is not a Python name (``my col``)
works inside ``C()`` as formulaic allows; a Python keyword is refused in one
line naming the column.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from conftest import run_cli

CODES = {"a": "1", "b": "2", "c": "x"}


def _write(path, column="code", spell=None, n=200, seed=4):
    rng = np.random.default_rng(seed)
    lines = [f'x1,"{column}",y']
    for i in range(n):
        x1 = rng.normal()
        level = "abc"[i % 3]
        y = int(rng.random() < 1 / (1 + np.exp(-(x1 + (level == "a")))))
        lines.append(f"{x1:.4f},{(spell or {}).get(level, level)},{y}")
    path.write_text("\n".join(lines) + "\n")
    return lines


def _proba(capsys, model, data):
    code, out, err = run_cli(capsys, ["predict", model, data])
    assert code == 0, err
    return np.array([float(r["proba"]) for r in csv.DictReader(io.StringIO(out))])


def test_c_of_a_mostly_numeric_code_column(workdir, capsys):
    lines = _write(workdir / "codes.csv", spell=CODES)
    _write(workdir / "letters.csv")
    code, _, err = run_cli(capsys, ["fit", "codes.csv", "-t", "y", "-o", "n.json"])
    assert code == 65 and "non-numeric value 'x'" in err  # the documented rule
    for data, model in (("codes.csv", "c.json"), ("letters.csv", "l.json")):
        formula = "y ~ x1 + C(code)"
        code, _, err = run_cli(
            capsys, ["fit", data, "--formula", formula, "-o", model, "-q"]
        )
        assert code == 0, err
    want = _proba(capsys, "l.json", "letters.csv")
    np.testing.assert_allclose(_proba(capsys, "c.json", "codes.csv"), want, rtol=1e-9)
    ones = [i for i, line in enumerate(lines[1:]) if line.split(",")[1] == "1"]
    (workdir / "ones.csv").write_text(
        "\n".join([lines[0]] + [lines[1 + i] for i in ones]) + "\n"
    )
    np.testing.assert_allclose(
        _proba(capsys, "c.json", "ones.csv"), want[ones], rtol=1e-9
    )


def test_backquoted_column_name_inside_c(workdir, capsys):
    _write(workdir / "spaced.csv", column="my col")
    _write(workdir / "plain.csv")
    code, _, err = run_cli(
        capsys,
        ["fit", "spaced.csv", "--formula", "y ~ x1 + C(`my col`)", "-o", "s.json"],
    )
    assert code == 0, err
    import json

    names = json.loads((workdir / "s.json").read_text())["encoding"]["feature_names"]
    assert names == ["x1", "C(`my col`)[T.b]", "C(`my col`)[T.c]"]
    run_cli(
        capsys, ["fit", "plain.csv", "--formula", "y ~ x1 + C(code)", "-o", "p.json"]
    )
    np.testing.assert_allclose(
        _proba(capsys, "s.json", "spaced.csv"),
        _proba(capsys, "p.json", "plain.csv"),
        rtol=1e-9,
    )


def test_python_keyword_inside_c_is_refused_naming_the_column(workdir, capsys):
    _write(workdir / "kw.csv", column="for")
    code, _, err = run_cli(
        capsys, ["fit", "kw.csv", "--formula", "y ~ x1 + C(`for`)", "-o", "k.json"]
    )
    assert code == 2
    assert "column 'for' is a Python keyword" in err and "invalid syntax" not in err


def test_offset_in_a_formula_is_refused_pointing_to_the_offset_option(workdir, capsys):
    """R's ``y ~ x + offset(z)``: formulas here hold terms only; the refusal
    names the option that takes an offset (a statistician's trial)."""
    _write(workdir / "o.csv")
    code, _, err = run_cli(
        capsys, ["fit", "o.csv", "--formula", "y ~ code + offset(x1)", "-o", "o.json"]
    )
    assert code != 0 and not (workdir / "o.json").exists()
    assert "calls offset()" in err and "--offset COLUMN" in err


def test_strata_in_a_formula_says_conditional_logistic_is_not_offered(workdir, capsys):
    """R's ``clogit(y ~ x + strata(set))``: the refusal says conditional
    logistic regression is not offered, what ``C(set)`` would fit instead and
    where to fit matched sets, rather than only listing the functions."""
    _write(workdir / "s.csv")
    code, _, err = run_cli(
        capsys, ["fit", "s.csv", "--formula", "y ~ x1 + strata(code)", "-o", "s.json"]
    )
    assert code == 2 and not (workdir / "s.json").exists()
    assert "calls strata()" in err and "conditional logistic regression" in err
    assert "C(code)" in err and "ConditionalLogit" in err and err.count("\n") == 1


def test_stratum_intercepts_double_the_log_odds_ratio_of_matched_pairs():
    """The claim that message makes: on 1:1 matched pairs, one intercept per
    pair (unconditional maximum likelihood) gives twice the conditional
    estimate (the incidental-parameters bias, Andersen 1970), here twice statsmodels'
    ConditionalLogit on the same pairs."""
    from statsmodels.discrete.conditional_models import ConditionalLogit

    from logistic import LogisticRegression

    rng = np.random.default_rng(0)
    pairs = 200
    x = rng.normal(size=(pairs, 2)) + rng.normal(size=(pairs, 1))
    case = (rng.random(pairs) < 1 / (1 + np.exp(-0.7 * (x[:, 1] - x[:, 0])))) * 1
    y = np.zeros((pairs, 2), dtype=int)
    y[np.arange(pairs), case] = 1
    stratum = np.repeat(np.arange(pairs), 2)
    conditional = ConditionalLogit(y.ravel(), x.reshape(-1, 1), groups=stratum)
    beta = conditional.fit(method="newton", tol=1e-12, disp=0).params[0]
    dummies = (stratum[:, None] == np.arange(1, pairs)).astype(float)
    fixed = LogisticRegression(max_iter=200).fit(
        np.column_stack([x.ravel(), dummies]), y.ravel()
    )
    np.testing.assert_allclose(fixed.coef_[0, 0], 2 * beta, rtol=1e-6)


def test_patsy_q_is_refused_pointing_to_backquotes(workdir, capsys):
    """patsy's ``Q('my x')`` for a name with a space: refused, naming the
    spelling formulas here take (backquotes), which then fits."""
    frame = pd.DataFrame({"my x": [0.1, 1.2, 2.3, 3.1, 0.4, 2.2], "y": [0, 1, 0, 1, 0, 1]})
    frame.to_csv(workdir / "q.csv", index=False)
    code, out, err = run_cli(
        capsys, ["fit", "q.csv", "--formula", "y ~ Q('my x')", "-o", "q.json"]
    )
    assert (code, out) == (2, "") and not (workdir / "q.json").exists()
    assert err.rstrip().endswith(
        "calls Q(), which formulas may not use; allowed: C(column), I(...), center(...), "
        "scale(...), exp, exp2, log, log10, log2, np.abs, np.exp, np.exp2, np.expm1, "
        "np.log, np.log10, np.log1p, np.log2, np.sqrt, np.square; a column whose name "
        "is not a Python name is written in backquotes: `my x`"
    ), err
    argv = ["fit", "q.csv", "--formula", "y ~ `my x`", "-o", "q.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0


def test_i_of_a_text_column_is_refused_before_any_file(workdir, capsys):
    """``I(code)`` of a text column was encoded as the column's levels, then
    the model file's own check refused the name ('I(code)' reads as a
    number): exit 65 blaming the model file being written, and no model. It
    is refused at the formula, naming the spellings that work."""
    _write(workdir / "letters.csv")
    formula = "y ~ code:x1 + I(code)"
    code, _, err = run_cli(capsys, ["fit", "letters.csv", "--formula", formula, "-o", "m.json"])
    assert code == 65
    assert err.strip() == (
        "error: formula term 'I(code)' is categorical (column 'code' holds levels, "
        "not numbers); write code or C(code) for its levels"
    )
    assert not (workdir / "m.json").exists()
    good = "y ~ code:x1 + code"
    code, _, err = run_cli(capsys, ["fit", "letters.csv", "--formula", good, "-o", "m.json", "-q"])
    assert code == 0, err
