"""``--reference LEVEL`` on ``--stream`` and Dask: the scan encodes the labels
with that level first (``logistic.tabular._labels.reference_rule``), so the
fit is the in-memory one, in the same single scan. It was refused ("a
streamed fit takes the first level in sorted order"), and ignored without a
word on a target of two values, which memory refuses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli
from logistic.backends._dask_scan import scan_facts
from logistic.tabular._labels import reference_rule

LEVELS = ["a", "b", "c"]


def _data(workdir):
    rng = np.random.default_rng(5)
    n = 300
    X = rng.normal(size=(n, 2))
    eta = np.c_[np.zeros(n), 0.3 + X @ [1.0, -0.5], -0.2 + X @ [-0.7, 0.8]]
    p = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    y = np.array([LEVELS[rng.choice(3, p=row)] for row in p])
    rows = "".join(f"{a:.6f},{b:.6f},{c}\n" for (a, b), c in zip(X, y, strict=True))
    (workdir / "k.csv").write_text("x1,x2,y\n" + rows)
    return np.round(X, 6), y


def _statsmodels_reference_b(X, y):
    """statsmodels' MNLogit with b the base outcome (code 0; a 1, c 2): its
    params, one column per other level, as rows [a, c] of (intercept, x1, x2)."""
    sm = pytest.importorskip("statsmodels.api")
    codes = np.select([y == "b", y == "a"], [0, 1], 2)
    fit = sm.MNLogit(codes, sm.add_constant(X)).fit(disp=0, method="newton")
    return np.asarray(fit.params).T


def _fitted(workdir, name):
    doc = json.loads((workdir / name).read_text())
    assert doc["encoding"]["label"] == {"column": "y", "levels": ["b", "a", "c"]}
    model = doc["model"]
    return np.c_[model["intercept"], model["coef"]]


@pytest.mark.parametrize("reading", [[], ["--stream"], ["--stream", "--no-cache"]])
def test_a_reference_level_fits_statsmodels_mnlogit(workdir, capsys, reading):
    X, y = _data(workdir)
    argv = ["fit", "k.csv", "-t", "y", "--reference", "b", "-o", "m.json", *reading]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    got = _fitted(workdir, "m.json")
    np.testing.assert_array_equal(got[0], 0.0)  # the reference level's row
    np.testing.assert_allclose(got[1:], _statsmodels_reference_b(X, y), rtol=1e-6)


@pytest.mark.dask
def test_a_reference_level_on_dask(workdir, capsys):
    pytest.importorskip("distributed")
    X, y = _data(workdir)
    argv = ["fit", "k.csv", "-t", "y", "--reference", "b", "--workers", "1"]
    code, out, err = run_cli(capsys, [*argv, "-o", "m.json"])
    assert code == 0, err
    got = _fitted(workdir, "m.json")
    np.testing.assert_allclose(got[1:], _statsmodels_reference_b(X, y), rtol=1e-6)


@pytest.mark.parametrize(
    ("extra", "code", "said"),
    [
        (["--reference", "z"], 65, "--reference 'z' is not a value of the target "
         "column 'y' in k.csv; values: 'a' (n={a}), 'b' (n={b}), 'c' (n={c})"),  # fmt: skip
        (["--reference", "b", "--positive", "a"], 65,
         "--positive applies to a target of two classes"),  # fmt: skip
    ],
)
def test_a_streamed_reference_is_refused_as_in_memory(workdir, capsys, extra, code, said):
    _, y = _data(workdir)
    rows = {level: int(np.sum(y == level)) for level in "abc"}  # as written
    argv = ["fit", "k.csv", "-t", "y", "--stream", *extra, "-o", "m.json"]
    got, out, err = run_cli(capsys, argv)
    assert got == code and said.format(**rows) in err, err
    assert not (workdir / "m.json").exists()


def test_a_reference_for_two_classes_is_refused_on_stream_as_in_memory(workdir, capsys):
    rows = "".join(f"{i / 10:.1f},{i % 2}\n" for i in range(40))
    (workdir / "b.csv").write_text("x,y\n" + rows)
    said = (
        "--reference applies to a target of more than two classes; the target "
        "column 'y' in b.csv has 0"
    )
    for reading in ([], ["--stream"]):
        argv = ["fit", "b.csv", "-t", "y", "--reference", "0", "-o", "m.json"]
        code, out, err = run_cli(capsys, [*argv, *reading])
        assert code == 65 and said in err and "use --positive" in err, (reading, err)
    assert not (workdir / "m.json").exists()


def test_dask_fingerprints_tell_reference_orders_apart():
    """Two reference levels are two fits: a checkpoint of one must not resume
    the other (the digest named only ``classes_[1]``, the same for [b, a, c]
    and [c, a, b])."""
    stats = [{"p": 1, "n": 3, "labels": LEVELS, "digest": "d"}]
    prints = {
        level: scan_facts(stats, None, reference_rule("y", "k.csv", level), True)
        for level in LEVELS
    }
    assert [list(f.classes) for f in prints.values()] == [
        ["a", "b", "c"], ["b", "a", "c"], ["c", "a", "b"]
    ]  # fmt: skip
    assert len({f.fingerprint for f in prints.values()}) == 3
