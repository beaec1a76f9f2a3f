"""R's row-number column ``rownames`` (Rdatasets' CSV files) is left out of the
automatically chosen features with a note, as other identifiers are
(:mod:`logistic._screen_rules`); ``--include``/``--features`` keep it.

Reference: the fit with ``--drop rownames`` (the column removed by hand),
whose coefficients are R's ``glm(switch ~ arsenic + distance + education +
association, binomial, Wells)``: -0.1567, 0.4670, -0.008961, 0.04245, -0.1243.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic
from conftest import data_path, run_cli

WELLS = data_path("wells-arsenic", "Wells.csv")


def _fit(capsys, *extra):
    code, out, err = run_cli(
        capsys, ["fit", WELLS, "--target", "switch", "-o", "m.json", "--force", *extra]
    )
    assert code == 0, err
    return logistic.load("m.json"), " ".join(err.split())


def test_rownames_is_left_out_with_a_note(capsys, workdir):
    model, err = _fit(capsys)
    assert "'rownames' is named like an identifier" in err
    assert "--include rownames" in err
    assert "rownames" not in list(model.feature_names_in_)
    dropped, _ = _fit(capsys, "--drop", "rownames")
    np.testing.assert_array_equal(model.coef_, dropped.coef_)
    np.testing.assert_allclose(
        model.coef_[0], [0.4670, -0.008961, 0.04245, -0.1243], rtol=2e-3
    )
    assert model.intercept_[0] == pytest.approx(-0.1567, rel=2e-3)


@pytest.mark.parametrize(
    "how", [["--include", "rownames"], ["--features", "rownames,arsenic"]]
)
def test_named_rownames_is_kept(capsys, workdir, how):
    model, err = _fit(capsys, *how)
    assert "rownames" in list(model.feature_names_in_)
    assert "left out" not in err


def test_dataframe_fit_leaves_rownames_out_too():
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(WELLS)
    with pytest.warns(logistic.DataConversionWarning, match="rownames"):
        m = logistic.LogisticRegression().fit(df.drop(columns="switch"), df["switch"])
    assert "rownames" not in list(m.feature_names_in_)
