"""``logistic report`` on data holding one class names the target column, the
class and the rows, why (the curves need both) and ``evaluate`` as the way on.

Before: "allpos.csv: the report needs both classes in the target column".
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli

pytest.importorskip("matplotlib")


def test_one_class_names_the_column_and_the_class(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = (rng.random(200) < 0.35).astype(int)
    rows = [f"{a},{b:.4f}\n" for a, b in zip(y, x, strict=True)]
    (tmp_path / "all.csv").write_text("outcome,x\n" + "".join(rows))
    (tmp_path / "pos.csv").write_text(
        "outcome,x\n" + "".join(r for r in rows if r.startswith("1,"))
    )
    model = tmp_path / "m.json"
    assert run_cli(capsys, ["fit", tmp_path / "all.csv", "-t", "outcome", "-o", model, "-q"])[0] == 0
    code, _, err = run_cli(
        capsys, ["report", model, tmp_path / "pos.csv", "-o", tmp_path / "r.html"]
    )
    assert code == 65
    n = int(y.sum())
    assert f"target column 'outcome' holds only class 1 on its {n} rows" in err
    assert "need both classes" in err and "logistic evaluate MODEL DATA" in err
    assert not (tmp_path / "r.html").exists()
