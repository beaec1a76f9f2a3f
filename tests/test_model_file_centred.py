"""A saved Firth fit (FLIC, FLAC) with a column far from 0 keeps its
inference: ``training.fit_statistics.centred`` (format 1.6, ``io._centred``).

At ``x1 - 3e9`` the covariance in the user's coordinates is not positive
definite in float64 (its condition is about ``(mean/spread)²``): a loaded
FLAC model's ``inference(X, y, ...)`` raised a ``CollinearityError``, and a
loaded Firth or FLIC model had no fit statistics at all.

References (from outside the code under test), each fitted on the columns
centred by numpy and mapped back by hand with the Jacobian of
``b = b_c - centre·w``:
* Firth: the root of the modified score by scipy
  (``test_firth_centred._modified_score_root``) and the inverse information
  there in numpy;
* FLIC: Firth's slopes from that root and the intercept refitted by
  statsmodels' ``GLM`` with their logit as an offset; the inverse
  information at that estimate in numpy;
* FLAC: statsmodels' ``GLM`` on Firth's augmented data (hat values in numpy
  at the root), its covariance without the indicator (logistf's ``flac``).
The hostile files follow ``tests/test_model_file_fuzz.py``: every path of the
new field deleted or swapped, the checksum recomputed.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import expit

from conftest import run_cli
from logistic import LogisticRegression, ModelFormatError, load, save
from logistic._exceptions import LogisticError
from test_firth_centred import _data, _modified_score_root
from test_model_file_fuzz import _mutations, _sealed

pytestmark = pytest.mark.filterwarnings(
    "ignore:60 rows have non-integer sample weights"
)

SHIFT = np.array([-3e9, 0.0])


@pytest.fixture(scope="module")
def rows():
    _, y, w, offset, raw = _data(1e8, seed=5)
    return raw + SHIFT, y, w, offset, raw


def _reference(kind, rows):
    """The covariance (display order: intercept first) of ``kind``'s fit on
    the numpy-centred columns, mapped to the user's coordinates."""
    centre, cov_c = centred_reference(kind, rows)
    J = np.eye(3)  # d(b, w1, w2)/d(b_c, w1, w2): b = b_c - (centre + shift)·w
    J[0, 1:] = -(centre + SHIFT)
    return J @ cov_c @ J.T


def centred_reference(kind, rows):
    """The columns' centre (numpy's mean) and the covariance (display order)
    of ``kind``'s fit on the columns centred by it."""
    _, y, w, offset, raw = rows
    centre = raw.mean(axis=0)
    Xc = raw - centre
    Xt = np.column_stack([np.ones(len(y)), Xc])
    beta = _modified_score_root(Xc, y, w, offset)  # Firth's, scipy's root
    if kind == "flac":
        p = expit(Xt @ beta + offset)
        v = w * p * (1 - p)
        h = v * np.einsum(
            "ij,jk,ik->i", Xt, np.linalg.inv(Xt.T @ (v[:, None] * Xt)), Xt
        )
        n = len(y)
        Xa = np.column_stack([np.vstack([Xt] * 3), np.r_[np.zeros(n), np.ones(2 * n)]])
        fit = sm.GLM(
            np.r_[y, np.zeros(n), np.ones(n)],
            Xa,
            family=sm.families.Binomial(),
            freq_weights=np.r_[w, h / 2, h / 2],
            offset=np.tile(offset, 3),
        ).fit(tol=1e-13)
        cov_c = np.asarray(fit.cov_params())[:3, :3]
    else:
        if kind == "flic":  # the intercept refitted with the slopes' logit fixed
            fit = sm.GLM(
                y,
                np.ones((len(y), 1)),
                family=sm.families.Binomial(),
                offset=Xc @ beta[1:] + offset,
                freq_weights=w,
            ).fit(tol=1e-13)
            beta = np.r_[fit.params[0], beta[1:]]
        p = expit(Xt @ beta + offset)
        cov_c = np.linalg.inv(Xt.T @ ((w * p * (1 - p))[:, None] * Xt))
    return centre, cov_c


def _close(cov, ref, rtol):
    """Each entry within ``rtol`` of ``√(ref_ii ref_jj)`` (the intercept's
    variance is 1e17 times a slope's)."""
    scale = np.sqrt(np.outer(np.diag(ref), np.diag(ref)))
    assert np.max(np.abs(np.asarray(cov) - ref) / scale) < rtol


@pytest.fixture(scope="module", params=[None, "flic", "flac"])
def saved(request, rows, tmp_path_factory):
    X, y, w, offset, _ = rows
    model = LogisticRegression(penalty="firth", firth_correction=request.param)
    model.fit(X, y, sample_weight=w, offset=offset)
    path = tmp_path_factory.mktemp("centred") / "m.json"
    save(model, path)
    return request.param, model, path


def test_a_loaded_far_from_centred_fit_keeps_its_inference(saved, rows):
    kind, model, path = saved
    X, y, w, offset, _ = rows
    doc = json.loads(path.read_text())
    assert doc["format_version"] == "1.6"
    assert set(doc["training"]["fit_statistics"]["centred"]) == {
        "mean", "scale", "hessian",
    }  # fmt: skip
    back = load(path)
    ref = _reference(kind or "firth", rows)
    alone = back.inference()  # the statistics kept in the file
    given = back.inference(X, y, sample_weight=w, offset=offset)  # and the rows
    _close(alone.cov_params(), ref, 1e-7)
    _close(given.cov_params(), ref, 1e-7)
    # the loaded model's numbers are the fitted model's (the file keeps its
    # centred information bit for bit)
    fitted = model.inference()
    np.testing.assert_allclose(alone.bse, fitted.bse, rtol=1e-10)
    np.testing.assert_allclose(given.bse, fitted.bse, rtol=1e-10)
    np.testing.assert_allclose(alone.pvalues, fitted.pvalues, rtol=1e-10)
    assert "x1" in str(back.summary())


def test_a_resaved_model_keeps_the_field_bit_for_bit(saved, tmp_path):
    _, _, path = saved
    again = tmp_path / "again.json"
    save(load(path), again)
    first, second = (json.loads(p.read_text()) for p in (path, again))
    assert second["format_version"] == "1.6"
    key = ("training", "fit_statistics", "centred")
    assert _at(second, key) == _at(first, key)
    assert second["covariance"] == first["covariance"]


def _at(doc, keys):
    for k in keys:
        doc = doc[k]
    return doc


@pytest.mark.parametrize(("kind", "version"), [(None, "1.1"), ("flac", "1.4")])
def test_a_fit_near_0_is_written_as_before(kind, version, tmp_path):
    # no column far from 0: no field, the format of the build before (1.1,
    # FLAC 1.4), so that older readers read the file without a warning
    X, y, w, offset, _ = _data(0.0, seed=5)
    model = LogisticRegression(penalty="firth", firth_correction=kind)
    model.fit(X, y, sample_weight=w, offset=offset)
    save(model, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["format_version"] == version
    assert "centred" not in doc["training"]["fit_statistics"]


def test_the_cli_summary_of_the_file_reads_the_field(saved, capsys):
    kind, model, path = saved
    code, out, err = run_cli(capsys, ["summary", path])
    assert code == 0, err
    se = model.inference().bse[1]  # x1's, display order
    assert f"{se:.6f}" in out  # the CLI table's six decimals


# -- hostile files ---------------------------------------------------------------


@pytest.fixture(scope="module")
def flac_doc(rows, tmp_path_factory):
    X, y, w, offset, _ = rows
    model = LogisticRegression(penalty="firth", firth_correction="flac")
    model.fit(X, y, sample_weight=w, offset=offset)
    path = tmp_path_factory.mktemp("hostile") / "m.json"
    save(model, path)
    return json.loads(path.read_text())


def _load(doc, tmp_path):
    path = tmp_path / "edited.json"
    path.write_bytes(_sealed(doc))
    return load(path)


PARTS = ["('centred',)", "('centred', 'mean'", "('centred', 'scale'"]
PARTS += ["('centred', 'hessian')", *(f"('centred', 'hessian', {i}" for i in range(3))]


@pytest.mark.parametrize("within", PARTS)
def test_every_path_of_the_field_deleted_or_swapped(flac_doc, tmp_path, within):
    # the paths that begin so (one part at a time: each test within 2 s)
    field = flac_doc["training"]["fit_statistics"]["centred"]
    sentinel = tmp_path / "PWNED"
    outcomes = {"refused": 0, "loaded": 0}
    n = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for label, mutated in _mutations({"centred": field}, sentinel):
            if within not in label:
                continue
            doc = json.loads(json.dumps(flac_doc))
            stats = doc["training"]["fit_statistics"]
            if "centred" in mutated:
                stats["centred"] = mutated["centred"]
            else:
                del stats["centred"]
            n += 1
            try:
                model = _load(doc, tmp_path)
            except ModelFormatError:
                outcomes["refused"] += 1
                continue
            except Exception as exc:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
            outcomes["loaded"] += 1
            try:
                model.inference()
            except LogisticError:
                pass
    # only the field deleted loads (as a file of format 1.5 would): every
    # other edit is refused by name
    assert n >= 14 and outcomes["loaded"] == (within == PARTS[0]), outcomes
    assert not sentinel.exists()


def _edit(doc, change):
    doc = json.loads(json.dumps(doc))
    change(doc["training"]["fit_statistics"]["centred"], doc)
    return doc


def _set(key, value):
    def change(field, doc):
        field[key] = value

    return change


def _entry(key, i, value, j=None):
    def change(field, doc):
        if j is None:
            field[key][i] = value
        else:
            field[key][i][j] = value

    return change


def _scaled_hessian(field, doc):
    field["hessian"] = [[2 * v for v in row] for row in field["hessian"]]


def _version(field, doc):
    doc["format_version"] = "1.5"


def _not_firth(field, doc):
    doc["model"]["params"]["penalty"] = None
    doc["model"]["params"]["firth_correction"] = None


def _asymmetric(field, doc):
    field["hessian"][0][1] *= 1.01


def _indefinite(field, doc):
    h = field["hessian"]
    big = 2 * (h[0][0] * h[1][1]) ** 0.5
    h[0][1] = h[1][0] = big


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_version, r"'format_version' is 1\.5 but .*centred' is given \(format 1\.6"),
        (_not_firth, r"centred' is given, but the model is not a Firth fit"),
        (_set("extra", 1), r"centred' must be an object of 'mean', 'scale'"),
        (_set("mean", [1.0]), r"centred\.mean' must be a list of 2 numbers, got 1"),
        (_entry("mean", 0, "x"), r"centred\.mean' must hold numbers only"),
        (_entry("mean", 0, 10**400), r"centred\.mean' holds non-finite values"),
        (_entry("scale", 0, 0.0), r"centred\.scale' has \[0\] = 0\.0; expected positive"),
        (_entry("scale", 1, -1.0), r"centred\.scale' has \[1\] = -1\.0"),
        (_entry("scale", 0, 3.0), r"centred\.scale' has \[0\] = 3\.0; .*powers of two"),
        (_entry("scale", 0, 2.0**-1074), r"give a map to the centred coordinates that is not finite"),
        (_set("hessian", [[1.0]]), r"centred\.hessian' must be 3 x 3, got 1"),
        (_entry("hessian", 1, [1.0, 2.0]), r"centred\.hessian' must be a list of 3 numbers, got 2"),
        (_entry("hessian", 2, -1.0, 2), r"centred\.hessian' has the diagonal entry \[2\]\[2\] = -1\.0"),
        (_asymmetric, r"centred\.hessian' is not symmetric: entry \[0\]\[1\]"),
        (_indefinite, r"centred\.hessian' is not positive definite"),
        (_scaled_hessian, r"centred' gives the covariance entry .* but 'covariance\.matrix' holds"),
        (_entry("mean", 1, 5.0), r"centred\.mean' and '\.scale' at \[1\] \(5\.0, 1\.0\) are not the column's centre and spread \(its mean 0\.14"),
        (_entry("scale", 0, 8.0), r"centred\.mean' and '\.scale' at \[0\] \(-2999999997\.6\d*, 8\.0\) are not"),
    ],
    ids=[
        "older-version", "not-firth", "extra-key", "mean-length", "mean-text",
        "mean-huge", "scale-zero", "scale-negative", "scale-not-power-of-two",
        "scale-subnormal", "hessian-shape", "hessian-row", "hessian-negative",
        "hessian-asymmetric", "hessian-indefinite", "disagrees-scaled",
        "other-centre", "other-scale",
    ],
)  # fmt: skip
def test_a_wrong_field_is_refused_by_name(flac_doc, tmp_path, change, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelFormatError, match=message):
            _load(_edit(flac_doc, change), tmp_path)


def test_the_cli_refuses_a_damaged_field_with_exit_65(flac_doc, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(_sealed(_edit(flac_doc, _scaled_hessian)))
    code, _, err = run_cli(capsys, ["summary", path])
    assert code == 65 and "training.fit_statistics.centred" in err, err
