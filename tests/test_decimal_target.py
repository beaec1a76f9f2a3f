"""A decimal target column (Parquet ``decimal128``: 0.00 and 1.00, as a
database export or Spark writes a flag) holds the numbers 0 and 1.

The readers took it as text: in memory ``logistic fit d.parquet --target y``
refused "values '0.00' (n=…), '1.00' (n=…); which is the positive class? pass
--positive VALUE" (a ``decimal(p, 0)`` column fitted, but with the text
labels ``'0'`` and ``'1'``), and with ``--stream`` it stopped with "internal
error: TypeError: Object of type Decimal is not JSON serializable". Now a
decimal target is read as float64, as decimal features are, and 0/1 is the
recognised pair. Reference: statsmodels' ``Logit`` on the same rows.
"""

from __future__ import annotations

import decimal
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

sm = pytest.importorskip("statsmodels.api")


@pytest.mark.parametrize("scale", [0, 2])
@pytest.mark.parametrize("stream", [False, True])
def test_a_decimal_target_is_numbers(workdir, capsys, scale, stream):
    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    step = decimal.Decimal(1).scaleb(-scale)
    target = pa.array(
        [decimal.Decimal(int(v)).quantize(step) for v in y],
        type=pa.decimal128(6, scale),
    )
    pq.write_table(pa.table({"x": x, "y": target}), workdir / "d.parquet")
    args = ["fit", "d.parquet", "--target", "y", "-o", "m.json"]
    code, _, err = run_cli(capsys, [*args, *(["--stream"] if stream else [])])
    assert code == 0, err
    assert "target 'y': positive class 1, negative 0" in err
    label = json.loads((workdir / "m.json").read_text())["encoding"]["label"]
    assert (label["negative"], label["positive"]) == (0, 1)
    from logistic import load

    model = load(workdir / "m.json")
    expected = sm.Logit(y, np.column_stack([np.ones_like(x), x])).fit(disp=0).params
    np.testing.assert_allclose(
        [model.intercept_[0], model.coef_[0, 0]], expected, rtol=1e-5
    )
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "d.parquet"])
    assert code == 0, err
