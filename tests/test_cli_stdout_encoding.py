"""A standard output whose encoding lacks a character of a table (ASCII in
a C locale without UTF-8, cp1252 for a Windows redirection) gets it escaped,
``\\xe2``, as Python writes stderr: the command succeeds. The ``--json``
document is ASCII whatever the names hold, and reads back to them.

What this guards against: ``PYTHONIOENCODING=ascii logistic fit d.csv
-t y`` with a column ``âge`` wrote its model, then failed printing the
results table with exit 65 ("'ascii' codec can't encode character") as if
the data were bad; ``summary`` of that model did the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest


def _cli(directory, args, encoding):
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1", "PYTHONIOENCODING": encoding}
    done = subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *args],
        cwd=directory, capture_output=True, env=env, timeout=180,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_a_table_term_the_encoding_lacks_is_escaped(tmp_path, encoding):
    rng = np.random.default_rng(0)
    age = rng.normal(size=200)
    frame = pd.DataFrame({"âge数": age, "y": (rng.random(200) < 1 / (1 + np.exp(-age))).astype(int)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, out, err = _cli(tmp_path, ["fit", "d.csv", "-t", "y", "-o", "m.json"], encoding)
    assert code == 0, err
    assert (tmp_path / "m.json").exists()
    assert "\\u6570" in out.decode(encoding)  # 数, in neither encoding
    code, out, err = _cli(tmp_path, ["summary", "m.json"], encoding)
    assert code == 0, err
    assert "\\u6570" in out.decode(encoding)
    code, out, err = _cli(tmp_path, ["summary", "m.json", "--json"], encoding)
    assert code == 0, err
    terms = [row["term"] for row in json.loads(out.decode("ascii"))["coefficients"]]
    assert terms == ["Intercept", "âge数"]
