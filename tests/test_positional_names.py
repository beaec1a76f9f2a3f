"""Features without names are ``x1, x2, …`` (1-based, as statsmodels' and R's
tables name them) in binary and multinomial results alike.

Multinomial inference on a plain array named them ``x0, x1, …``: a Wald
test of ``"x1 = 0"`` then meant the second column there and the first in a
binary model of the same array.
"""

from __future__ import annotations

import numpy as np

from logistic import LogisticRegression


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int) + (rng.random(300) < 0.3)
    return X, y


def test_multinomial_names_match_binary_names():
    X, y = _data()
    multi = LogisticRegression().fit(X, y).inference()
    binary = LogisticRegression().fit(X, (y > 0).astype(int)).inference()
    assert multi.term_names == ["x1", "x2", "x3", "Intercept"]
    assert set(binary.term_names) == set(multi.term_names)


def test_multinomial_summary_names_the_first_column_x1():
    X, y = _data()
    text = str(LogisticRegression().fit(X, y).summary())
    rows = [line.split()[0] for line in text.splitlines() if line.strip()]
    assert "x0" not in rows
    assert {"x1", "x2", "x3"} <= set(rows)


def test_a_multinomial_file_with_zero_based_names_still_loads(tmp_path):
    # files of multinomial models from earlier versions named unnamed
    # features x0, x1, … in their covariance's names (re-signed as such a
    # version wrote them)
    import hashlib
    import json

    import logistic
    from logistic.io import _canonical

    X, y = _data()
    path = logistic.save(LogisticRegression().fit(X, y), tmp_path / "m.json")
    doc = json.loads(path.read_text())
    names = doc["covariance"]["names"]
    assert names[:4] == ["1:x1", "1:x2", "1:x3", "1:Intercept"]
    old = []
    for name in names:
        eq, term = name.split(":")
        old.append(f"{eq}:x{int(term[1:]) - 1}" if term.startswith("x") else name)
    doc["covariance"]["names"] = old
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    loaded = logistic.load(path)
    assert loaded.inference().term_names == ["x1", "x2", "x3", "Intercept"]
