"""Sampling weights on the command line and in model files.

The command line's covariance is checked against the library's sampling
inference (itself checked against statsmodels and a numpy sandwich in
tests/test_weights_sampling.py); the model file's new fields against files
written without them (older files) and against wrong values.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression
from logistic import io as lio
from logistic._exceptions import ModelFormatError
from logistic.cli.app import main


def _data(seed: int = 5, n: int = 200):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    z = -0.2 + X @ np.array([0.9, -0.6])
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    w = np.round(rng.uniform(0.5, 3.0, n), 3)
    w[:10] = 0.0
    return X, y, w


def _rewrite(path: Path, edit) -> Path:
    """Edit a model file's JSON and recompute its checksum (a valid file)."""
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture(scope="module")
def csv(tmp_path_factory) -> Path:
    X, y, w = _data()
    path = tmp_path_factory.mktemp("pw") / "pw.csv"
    rows = ["a,b,w,y"] + [
        f"{float(a)!r},{float(b)!r},{float(c)!r},{int(t)}"
        for (a, b), c, t in zip(X, w, y, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_cli_writes_the_sampling_sandwich(csv, tmp_path, capsys):
    out = tmp_path / "m.json"
    args = ["fit", str(csv), "--target", "y", "--weights", "w", "-o", str(out)]
    assert main([*args, "--weights-kind", "sampling", "--quiet"]) == 0
    doc = json.loads(out.read_text())
    assert doc["training"]["sample_weight_kind"] == "sampling"
    assert doc["training"]["cov_type"] == "HC0"
    assert "fit_statistics" not in doc["training"]  # not the model-based one
    X, y, w = _data()
    model = LogisticRegression().fit(X, y, sample_weight=w)
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    cov = np.asarray(doc["covariance"]["matrix"])
    np.testing.assert_allclose(cov, res.covariance(), rtol=1e-6)
    assert doc["training"]["statistics"]["nobs"] == np.count_nonzero(w > 0)
    capsys.readouterr()
    assert main(["summary", str(out)]) == 0
    assert "sampling weights: covariance HC0" in capsys.readouterr().out


def test_cli_refuses_sampling_without_weights(csv, tmp_path):
    out = str(tmp_path / "m.json")
    base = ["fit", str(csv), "--target", "y", "-o", out, "--quiet"]
    assert main([*base, "--weights-kind", "sampling"]) == 2
    assert main([*base, "--weights", "w", "--weights-kind", "survey"]) == 2


def test_cli_warns_on_non_integer_frequency_weights(csv, tmp_path, capsys):
    out = str(tmp_path / "m.json")
    assert main(["fit", str(csv), "--target", "y", "--weights", "w", "-o", out]) == 0
    assert "--weights-kind sampling" in capsys.readouterr().err


def _saved(tmp_path: Path) -> Path:
    X, y, w = _data()
    model = LogisticRegression().fit(X, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return logistic.save(model, tmp_path / "f.json")


def test_file_keeps_row_counts(tmp_path):
    path = _saved(tmp_path)
    labels = json.loads(path.read_text())["training"]["fit_statistics"]["labels"]
    _, _, w = _data()
    assert labels["rows"] == np.count_nonzero(w > 0)
    assert labels["fractional"] == np.count_nonzero((w > 0) & (w != np.round(w)))
    loaded = logistic.load(path)
    assert loaded.fit_statistics_.labels.rows == labels["rows"]
    with pytest.warns(UserWarning, match="non-integer sample weights"):
        loaded.summary()


def test_older_file_without_the_fields_loads(tmp_path):
    def drop(doc):
        labels = doc["training"]["fit_statistics"]["labels"]
        del labels["rows"], labels["fractional"]

    path = _rewrite(_saved(tmp_path), drop)
    loaded = logistic.load(path)
    assert math.isnan(loaded.fit_statistics_.labels.rows)
    res = loaded.inference()  # frequency weights, as before
    _, _, w = _data()
    assert res.nobs == pytest.approx(w.sum())
    again = logistic.load(logistic.save(loaded, tmp_path / "again.json"))
    assert again.fit_statistics_ is not None


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["training"]["fit_statistics"]["labels"].update(rows=-1),
        lambda d: d["training"]["fit_statistics"]["labels"].update(rows=2.5),
        lambda d: d["training"]["fit_statistics"]["labels"].update(rows=True),
        lambda d: d["training"]["fit_statistics"]["labels"].pop("fractional"),
        lambda d: d["training"]["fit_statistics"]["labels"].update(fractional=10**6),
        lambda d: d["training"].update(sample_weight_kind="survey"),
        lambda d: d["training"].update(cov_type="HC9"),
    ],
)
def test_wrong_fields_refused(tmp_path, edit):
    path = _rewrite(_saved(tmp_path), edit)
    with pytest.raises(ModelFormatError):
        logistic.load(path)


def test_cli_margins_keep_the_files_weight_kind(csv, tmp_path, capsys):
    out = tmp_path / "m.json"
    fit = ["fit", str(csv), "--target", "y", "--weights", "w", "-o", str(out)]
    assert main([*fit, "--weights-kind", "sampling", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["margins", str(out), str(csv), "--json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["cov_type"] == "HC0"
    X, y, w = _data()
    model = LogisticRegression().fit(X, y, sample_weight=w)
    ref = model.inference(X, y, w, sample_weight_kind="sampling").get_margeff()
    se = [row["std_error"] for row in doc["effects"]]
    np.testing.assert_allclose(se, np.asarray(ref.margeff_se), rtol=1e-6)


def test_cli_report_names_the_sampling_covariance_of_its_table(csv, tmp_path):
    """The report's Summary table of a --weights-kind sampling file shows the
    stored HC0 sandwich's standard errors, and the page never said so (no
    word of sampling weights or of a robust covariance above the table, where
    ``logistic summary`` prints one): a reader took them for model-based ones.
    The header now carries summary's line. Reference for the HC0 standard
    error: statsmodels ``GLM(var_weights=w).fit(cov_type="HC0")`` on the rows
    of positive weight (docs/inference.md)."""
    import html
    import re

    sm = pytest.importorskip("statsmodels.api")
    model_path, page = tmp_path / "m.json", tmp_path / "r.html"
    args = ["fit", str(csv), "--target", "y", "--weights", "w", "-o", str(model_path)]
    assert main([*args, "--weights-kind", "sampling", "--quiet"]) == 0
    assert main(["report", str(model_path), str(csv), "-o", str(page), "-q"]) == 0
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.read_text())))
    assert "covariance : sampling weights: covariance HC0 (robust)" in text
    X, y, w = _data()
    keep = w > 0
    ref = sm.GLM(
        y[keep],
        sm.add_constant(X[keep]),
        family=sm.families.Binomial(),
        var_weights=w[keep],
    ).fit(cov_type="HC0")
    shown = re.search(r"Summary term .*? Intercept (\S+) (\S+)", text)
    assert shown, text[:2000]
    assert float(shown.group(2)) == pytest.approx(ref.bse[0], rel=1e-5)
