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


def test_rows_of_positive_weight_are_counted(tmp_path, capsys):
    # 26 'yes' rows of weight 1 and 34 'no' rows of weight 0: the message
    # counted all 60 (review)
    rng = np.random.default_rng(0)
    rows = [f"{'yes' if i < 26 else 'no'},{rng.normal():.4f},{1.0 if i < 26 else 0.0}\n"
            for i in range(60)]  # fmt: skip
    (tmp_path / "pos.csv").write_text("y,x,w\n" + "".join(rows))
    (tmp_path / "all.csv").write_text(
        "y,x,w\n"
        + "".join(f"{'yes' if rng.random() < 0.5 else 'no'},{rng.normal():.4f},1\n"
                  for _ in range(200))  # fmt: skip
    )
    model = tmp_path / "m.json"
    args = ["fit", tmp_path / "all.csv", "-t", "y", "--weights", "w", "-o", model, "-q"]
    assert run_cli(capsys, args)[0] == 0
    code, _, err = run_cli(
        capsys, ["report", model, tmp_path / "pos.csv", "-o", tmp_path / "r.html"]
    )
    assert code == 65
    assert "holds only class 'yes' on its 26 rows of positive weight" in err


IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species\n"


@pytest.mark.parametrize("weighted", [False, True])
def test_a_k_class_report_of_one_class_is_refused_likewise(tmp_path, capsys, weighted):
    """docs/cli.md (Reports): data holding one class only (of positive
    weight) are refused, exit 65, naming the target column and its class:
    with more than two classes too, where no curve of one class against the
    rest can be drawn (the report was written without its ROC figure)."""
    from conftest import data_path

    lines = open(data_path("iris", "iris.csv")).read().splitlines()[1:]
    rows = [f"{line},{1 if line.endswith('virginica') or not weighted else 0}\n"
            for line in lines]  # fmt: skip
    (tmp_path / "all.csv").write_text(IRIS_HEADER.rstrip() + ",w\n" + "".join(
        f"{line},1\n" for line in lines))  # fmt: skip
    kept = rows if weighted else [r for r in rows if "virginica" in r]
    (tmp_path / "one.csv").write_text(IRIS_HEADER.rstrip() + ",w\n" + "".join(kept))
    model = tmp_path / "m.json"
    args = ["fit", tmp_path / "all.csv", "--formula", "species ~ sepal_length",
            "-o", model, "-q"] + (["--weights", "w"] if weighted else [])  # fmt: skip
    assert run_cli(capsys, args)[0] == 0
    code, _, err = run_cli(
        capsys, ["report", model, tmp_path / "one.csv", "-o", tmp_path / "r.html", "-q"]
    )
    assert code == 65, err
    tail = " of positive weight" if weighted else ""
    assert f"target column 'species' holds only class 'virginica' on its 50 rows{tail}" in err
    assert "logistic evaluate MODEL DATA" in err
    assert not (tmp_path / "r.html").exists()
