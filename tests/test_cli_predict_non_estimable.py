"""``logistic predict`` without ``--interval`` warns of rows that need an
aliased coefficient, as ``--interval`` does and as R's ``predict.glm``
("prediction from rank-deficient fit", R >= 4.3 ``rankdeficient="warnif"``).

An actuary's case: a rating factor level whose training rows all have
weight 0 (no exposure) is aliased (R's NA); a policy of that level was
scored at the base level's rate with nothing said. Which rows need the
aliased coefficient is known from the data alone: those of that level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from logistic.cli.app import main


def _files(tmp_path):
    rng = np.random.default_rng(1)
    n = 600
    region = rng.choice(["a", "b", "c"], size=n)
    x = rng.normal(size=n)
    off = np.log(rng.uniform(0.1, 1.0, size=n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(x + off)))).astype(int)
    w = np.where(region == "c", 0, rng.integers(1, 4, size=n))
    train = pd.DataFrame({"y": y, "region": region, "x": x, "off": off, "w": w})
    train.to_csv(tmp_path / "train.csv", index=False)
    new = pd.DataFrame(
        {"region": ["a", "c", "b", "c"], "x": [0.1, 0.2, 0.3, 0.4], "off": -0.5}
    )
    new.to_csv(tmp_path / "new.csv", index=False)
    new[new.region != "c"].to_csv(tmp_path / "seen.csv", index=False)
    model = tmp_path / "m.json"
    args = ["fit", str(tmp_path / "train.csv"), "-o", str(model), "-q"]
    assert main([*args, "--formula", "y ~ C(region) + x", "--weights", "w",
                 "--offset", "off"]) == 0  # fmt: skip
    return model


def test_plain_predict_names_the_rows_of_the_empty_level(tmp_path, capsys):
    model = _files(tmp_path)
    capsys.readouterr()
    out = tmp_path / "p.csv"
    assert main(["predict", str(model), str(tmp_path / "new.csv"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "NonEstimableWarning: 2 of 4 rows scored (line 3, line 5)" in err
    assert "C(region)[T.c]" in err
    assert len(pd.read_csv(out)) == 4  # the predictions are still written


def test_rows_of_levels_seen_are_not_warned_of(tmp_path, capsys):
    model = _files(tmp_path)
    capsys.readouterr()
    out = tmp_path / "p.csv"
    assert (
        main(["predict", str(model), str(tmp_path / "seen.csv"), "-o", str(out)]) == 0
    )
    assert "NonEstimable" not in capsys.readouterr().err
