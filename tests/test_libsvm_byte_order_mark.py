"""A LibSVM file that starts with a UTF-8 byte-order mark (as Windows tools
write UTF-8 text) is read as the same file without it, as a CSV file is, and
recognised as LibSVM by its content under any name; its first line was
refused ("line 1 is not LibSVM 'label index:value ...': '\\ufeff+1 1:...'"),
and a ``.txt`` file was taken for CSV. The reference fit is statsmodels'
Logit of the same rows.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli
from logistic.formats import sniff_format

X = np.array([0.5, -1.2, 0.3, 2.2, -0.7, 1.1, -2.0, 0.9, 0.1, -0.4, 1.7, -1.5])
Y = np.array([1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0])
TEXT = "".join(f"{'+1' if y else '-1'} 1:{x}\n" for x, y in zip(X, Y, strict=True))


@pytest.mark.parametrize("name", ["d.svm", "d.txt"])
def test_byte_order_mark_is_skipped(workdir, capsys, name):
    sm = pytest.importorskip("statsmodels.api")
    (workdir / name).write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    assert sniff_format(workdir / name) == ("libsvm", None)
    code, out, err = run_cli(capsys, ["fit", name, "--json", "-o", "m.json"])
    assert code == 0, err
    fitted = json.loads(out)
    reference = sm.Logit(Y, sm.add_constant(X)).fit(disp=0).params
    np.testing.assert_allclose([fitted["intercept"], *fitted["coef"]], reference, rtol=1e-8)
    assert fitted["rows_used"] == len(Y)
