"""``training.environment``: a model file records what wrote its fit (the
versions of logistic, Python, numpy and scipy, the machine, the CPU count the
row blocks follow and the kernel), checked at load like every other field,
optional (older files load as before) and printed by ``logistic summary``.

Reference values come from the standard library and the packages themselves
(``platform``, ``os.cpu_count``, ``importlib.metadata``), not from the code
under test.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import platform
from importlib import metadata

import numpy as np
import pytest

import logistic
from conftest import run_cli
from logistic import LogisticRegression, ModelFormatError
from logistic.io import _canonical


@pytest.fixture(scope="module")
def fitted() -> LogisticRegression:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    return LogisticRegression().fit(X, y)


def _rewrite(path, edit) -> None:
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc, indent=2))


def test_a_saved_fit_records_its_environment(fitted, tmp_path):
    # scipy's version is recorded where the process has loaded it; a small
    # dense fit does not, so this test, run first or alone, loads it itself
    importlib.import_module("scipy")
    path = tmp_path / "m.json"
    logistic.save(fitted, path)
    env = json.loads(path.read_text())["training"]["environment"]
    assert env["logistic"] == logistic.__version__
    assert env["python"] == platform.python_version()
    assert env["numpy"] == metadata.version("numpy")
    assert env["scipy"] == metadata.version("scipy")
    assert env["machine"] == platform.machine()
    assert env["cpu_count"] == os.cpu_count()
    assert env["kernel"] in {"avx512", "avx2+fma", "x86-64", "blas", "numpy"}
    assert logistic.load(path).__dict__  # it loads


def test_the_reference_kernel_is_named(fitted, tmp_path):
    from logistic._compiled import set_compiled

    old = set_compiled(False)
    try:
        logistic.save(fitted, tmp_path / "m.json")
    finally:
        set_compiled(old)
    env = json.loads((tmp_path / "m.json").read_text())["training"]["environment"]
    assert env["kernel"] == "numpy"


def test_an_older_file_loads_and_is_written_back_without_one(fitted, tmp_path):
    path, again = tmp_path / "old.json", tmp_path / "again.json"
    logistic.save(fitted, path)
    _rewrite(path, lambda doc: doc["training"].pop("environment"))
    model = logistic.load(path)
    np.testing.assert_array_equal(model.coef_, fitted.coef_)
    logistic.save(model, again)  # not this process's fit: nothing invented
    assert "environment" not in json.loads(again.read_text())["training"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (None, ["3.11"]),
        ("python", "3.11\x1b[2J"),
        ("numpy", "x" * 101),
        ("machine", ""),
        ("cpu_count", 0),
        ("cpu_count", True),
        ("cpu_count", "16"),
        ("kernel", 2),
        ("extra", {"nested": 1}),
    ],
)
def test_an_edited_record_is_refused_naming_it(fitted, tmp_path, field, value):
    path = tmp_path / "m.json"
    logistic.save(fitted, path)

    def edit(doc):
        if field is None:
            doc["training"]["environment"] = value
        else:
            doc["training"]["environment"][field] = value

    _rewrite(path, edit)
    with pytest.raises(ModelFormatError, match=r"training\.environment"):
        logistic.load(path)


def test_summary_prints_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    y = (x + rng.normal(size=60) > 0).astype(int)
    (tmp_path / "d.csv").write_text(
        "x,y\n" + "".join(f"{float(a)!r},{b}\n" for a, b in zip(x, y, strict=True))
    )
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0, err
    line = next(t for t in out.splitlines() if t.startswith("environment"))
    assert f"Python {platform.python_version()}" in line
    assert f"numpy {metadata.version('numpy')}" in line
    assert f"machine {platform.machine()}, {os.cpu_count()} CPUs" in line
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--json"])
    env = json.loads(out)["training"]["environment"]
    assert env["scipy"] == metadata.version("scipy")
    _rewrite(tmp_path / "m.json", lambda doc: doc["training"].pop("environment"))
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0, err
    assert "environment" not in out


def test_a_package_the_fit_did_not_load_is_printed_as_such(fitted, tmp_path, capsys):
    # null is what a fresh process that fitted small dense data without
    # importing scipy records (docs/reliability.md); "scipy unknown" read as if
    # scipy, a required dependency, were missing
    path = tmp_path / "m.json"
    logistic.save(fitted, path)
    _rewrite(path, lambda doc: doc["training"]["environment"].update(scipy=None))
    code, out, err = run_cli(capsys, ["summary", str(path)])
    assert code == 0, err
    line = next(t for t in out.splitlines() if t.startswith("environment"))
    assert "scipy not loaded;" in line and "unknown" not in line
