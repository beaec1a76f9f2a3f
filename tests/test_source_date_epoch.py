"""``SOURCE_DATE_EPOCH`` (reproducible-builds.org: integer seconds since
1970-01-01 UTC) fixes a model file's ``created``, so that two saves of one
fitted model are the same bytes; a malformed value is refused, naming the
variable and the value, before anything is written or fitted.

Reference times: GNU coreutils, ``date -u -d @1700000000 --iso-8601=seconds``
prints ``2023-11-14T22:13:20+00:00``; ``date -u -d @0`` the epoch.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import logistic
from conftest import run_cli
from logistic import InvalidParameterError, LogisticRegression


@pytest.fixture(scope="module")
def model() -> LogisticRegression:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    return LogisticRegression().fit(X, y)


@pytest.mark.parametrize(
    ("value", "created"),
    [("1700000000", "2023-11-14T22:13:20+00:00"), ("0", "1970-01-01T00:00:00+00:00")],
)
def test_two_saves_are_the_same_bytes(model, tmp_path, monkeypatch, value, created):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    logistic.save(model, a)
    logistic.save(model, b)
    assert a.read_bytes() == b.read_bytes()
    assert json.loads(a.read_text())["created"] == created
    logistic.load(a)  # the checksum covers it


@pytest.mark.parametrize("value", ["12x", "-1", "1.5", " 17", "253402300800", "١٢"])
def test_malformed_value_is_refused_naming_it(model, tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "m.json"
    with pytest.raises(InvalidParameterError, match="SOURCE_DATE_EPOCH") as err:
        logistic.save(model, out)
    assert repr(value) in str(err.value)
    assert not out.exists()


def test_empty_is_unset(model, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    logistic.save(model, tmp_path / "m.json")
    created = json.loads((tmp_path / "m.json").read_text())["created"]
    assert not created.startswith("1970")


def test_command_line_refuses_it_before_the_fit(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 2
    assert "SOURCE_DATE_EPOCH" in err and "'tomorrow'" in err
    assert "Log-likelihood" not in out  # refused before the fit
    assert not (tmp_path / "m.json").exists()
