"""Which kernel a block gets: blocks under ``_kernels.COMPILED_MIN_VALUES``
values run the numpy reference without loading the compiled module (which
imports scipy.linalg, ≈ 0.3 s); larger blocks run the compiled kernel."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import needs_compiled_kernel
from logistic import _kernels as K


def _block(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 0.4).astype(np.float64)
    return X, y, rng.standard_normal(p) * 0.3


def test_small_block_is_the_numpy_reference_bit_for_bit():
    X, y, w = _block(K.COMPILED_MIN_VALUES // 4 - 1, 4)
    assert K.compiled_for(X) is None
    got = K.value_grad(X, y, w, 0.2)
    ref = K.value_grad_numpy(X, y, w, 0.2)
    assert got[0] == ref[0] and got[2:] == ref[2:]
    assert np.array_equal(got[1], ref[1])


@needs_compiled_kernel
def test_block_at_the_threshold_takes_the_compiled_kernel():
    assert K.compiled_kernel() is not None, "logistic._fused was not built"
    X, y, w = _block(K.COMPILED_MIN_VALUES // 4, 4)
    assert K.compiled_for(X) is K.compiled_kernel()
    got, ref = K.value_grad(X, y, w, 0.2), K.value_grad_numpy(X, y, w, 0.2)
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n, loaded", [(400, False), (1000, True)])
def test_fit_loads_the_compiled_module_only_for_larger_data(n, loaded):
    code = (
        "import sys, numpy as np\n"
        "from logistic import LogisticRegression\n"
        "from logistic._kernels import compiled_kernel\n"
        f"rng = np.random.default_rng(0); X = rng.standard_normal(({n}, 3))\n"
        "y = (X @ [1.0, -1.0, 0.5] + rng.standard_normal(len(X)) > 0).astype(int)\n"
        "LogisticRegression().fit(X, y).summary()\n"
        "print('logistic._fused' in sys.modules, compiled_kernel() is not None)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "LOGISTIC_KERNEL"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    built = out[1] == "True"  # asked after the fit: this loads it
    if loaded and not built:
        pytest.skip("logistic._fused is not built")
    assert out[0] == str(loaded)
