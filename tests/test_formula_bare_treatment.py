"""``C(x, Treatment)``: statsmodels users write treatment coding so, with no
reference level (patsy reads it as ``C(x)``). It was refused with
"treatment coding is the only one supported (no Sum, Helmert or Poly
contrast ...)", which says that what was written is unsupported while
naming it as the supported one. The refusal now says that ``Treatment``
without a level is ``C(column)`` itself; ``Sum`` keeps its words.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize("term", ["C(rank, Treatment)", "C(rank, Treatment())"])
def test_bare_treatment_names_c_of_the_column(tmp_path, capsys, term):
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "--formula", f"admit ~ gre + {term}", "-o", tmp_path / "m.json"]
    )
    assert code == 2, err
    assert "Treatment without a level is C(column), the first level the reference" in err
    assert "treatment coding is the only one supported" not in err


def test_sum_still_names_what_is_supported(tmp_path, capsys):
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "--formula", "admit ~ C(rank, Sum)", "-o", tmp_path / "m.json"]
    )
    assert code == 2, err
    assert "treatment coding is the only one supported (no Sum" in err
