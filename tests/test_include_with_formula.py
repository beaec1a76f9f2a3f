"""``--include`` beside ``--formula`` or ``--features`` is a usage error.

``--include`` keeps columns that the automatic choice of features leaves out
(identifiers, free text); with ``--formula`` or ``--features`` the columns
named there are used as given and nothing is screened, so it was ignored
without a word: ``fit d.csv --formula 'y ~ a' --include b`` wrote a model
without ``b`` (and took ``--include nope``, no such column, as well). As
``--l1-ratio`` with another penalty (docs/cli.md), an option that would be
ignored is now refused (exit 2), saying where to name the column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic._exceptions import InvalidParameterError


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(4)
    n = 80
    frame = pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n), "y": rng.integers(0, 2, n)}
    )
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "d.csv"


@pytest.mark.parametrize(
    ("columns", "where"),
    [
        (["--formula", "y ~ a"], "with --formula, whose columns are used as given"),
        (["--target", "y", "--features", "a"], "with --features, whose columns"),
        (["--target", "y", "--features", "a", "--stream"], "with --features, whose"),
    ],
)
def test_include_that_would_be_ignored_is_refused(data, tmp_path, capsys, columns, where):
    model = tmp_path / "m.json"
    code, _, err = run_cli(
        capsys, ["fit", data, *columns, "--include", "b", "-o", model]
    )
    assert code == 2, err
    assert f"--include b does not apply {where}" in err, err
    assert not model.exists()


def test_include_with_automatic_features_still_applies(data, tmp_path, capsys):
    code, _, err = run_cli(
        capsys, ["fit", data, "--target", "y", "--include", "b", "-o", tmp_path / "m.json"]
    )
    assert code == 0, err


def test_fit_design_refuses_include_with_a_formula(data):
    from logistic.tabular import fit_design, read_data

    with pytest.raises(InvalidParameterError, match="--include b does not apply"):
        fit_design(read_data(str(data)), target=None, formula="y ~ a", include=["b"])
