"""The command line with a target of more than two classes (iris, tests/data/iris).

References: statsmodels ``MNLogit`` (unpenalized reference-class fits),
scikit-learn ``LogisticRegression`` (multinomial L2, C = 1) and scikit-learn's
metrics (log_loss, accuracy_score, roc_auc_score one-vs-rest, confusion_matrix)
on the probabilities the CLI wrote.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import sklearn.metrics as skm

from conftest import data_path, run_cli
from logistic.cli._multiclass import proba_names

IRIS = data_path("iris", "iris.csv")
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
LEVELS = ["setosa", "versicolor", "virginica"]


def _iris():
    with open(IRIS, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in FEATURES] for r in rows])
    return X, np.array([r["species"] for r in rows])


def _read_csv(path_or_text):
    text = path_or_text if "\n" in str(path_or_text) else open(path_or_text).read()
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture
def weighted_iris(workdir):
    """iris with a weights column w = 1, 2, 3, 1, 2, 3, ... (row order)."""
    with open(IRIS, newline="") as f:
        rows = list(csv.reader(f))
    out = workdir / "iris_w.csv"
    with open(out, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([*rows[0], "w"])
        for i, row in enumerate(rows[1:]):
            writer.writerow([*row, i % 3 + 1])
    return out


def _mnlogit(x, y, levels):
    """statsmodels MNLogit of y (coded in the order of ``levels``) on x with a
    constant: params (K-1, 2) as [x, const], and standard errors."""
    sm = pytest.importorskip("statsmodels.api")
    codes = np.array([levels.index(v) for v in y])
    res = sm.MNLogit(codes, sm.add_constant(x[:, None])).fit(disp=0, method="newton")
    params = np.asarray(res.params).T[:, ::-1]  # rows: equations; columns: x, const
    return params, np.asarray(res.bse).T[:, ::-1], res


@pytest.mark.parametrize("reference", [None, "virginica"])
def test_unpenalized_fit_matches_statsmodels_mnlogit(workdir, capsys, reference):
    X, y = _iris()
    args = ["fit", IRIS, "--formula", "species ~ sepal_length", "-o", "m.json"]
    args += [] if reference is None else ["--reference", reference]
    code, out, err = run_cli(capsys, args)
    assert code == 0, err
    levels = LEVELS if reference is None else ["virginica", "setosa", "versicolor"]
    params, bse, res = _mnlogit(X[:, 0], y, levels)
    # one block per equation against the reference, named by the levels
    for level in levels[1:]:
        assert f"species: {level} vs {levels[0]}" in out
    assert f"reference {levels[0]!r}" in err
    import logistic

    model = logistic.load("m.json")
    assert np.allclose(model.coef_[0], 0) and model.intercept_[0] == 0
    theta = np.column_stack([model.coef_, model.intercept_])[1:]
    np.testing.assert_allclose(theta, params, rtol=1e-6, atol=1e-8)
    # summary of the file: the same per-equation standard errors, without the data
    code, out, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == 0, err
    info = json.loads(out)
    assert info["classes"] == levels
    rows = info["coefficients"]
    got = np.array([[r["estimate"], r["std_error"]] for r in rows])
    # rows: per equation, the intercept first, then sepal_length
    want = np.column_stack([params[:, ::-1].ravel(), bse[:, ::-1].ravel()])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert [r["class"] for r in rows] == [lv for lv in levels[1:] for _ in range(2)]
    stats = info["training"]["statistics"]
    assert stats["llf"] == pytest.approx(res.llf, rel=1e-10)
    assert stats["aic"] == pytest.approx(res.aic, rel=1e-10)
    code, out, _ = run_cli(capsys, ["summary", "m.json"])
    assert code == 0 and f"species: {levels[2]} vs {levels[0]}" in out


def test_penalized_fit_predict_matches_scikit_learn(workdir, capsys):
    from sklearn.linear_model import LogisticRegression

    X, y = _iris()
    code, out, err = run_cli(
        capsys, ["fit", IRIS, "-t", "species", "--penalty", "l2", "-o", "m.json"]
    )
    assert code == 0, err
    assert "symmetric parametrization" in out and "versicolor" in out
    argv = ["fit", IRIS, "-t", "species", "--penalty", "l2", "--json", "-o", "j.json"]
    code, out, err = run_cli(capsys, argv)
    summary = json.loads(out)
    assert summary["classes"] == LEVELS and summary["label_mapping"]["levels"] == LEVELS
    assert np.shape(summary["coef"]) == (3, 4) and len(summary["intercept"]) == 3
    code, out, err = run_cli(capsys, ["predict", "m.json", IRIS])
    assert code == 0, err
    rows = _read_csv(out)
    assert list(rows[0]) == [f"proba_{v}" for v in LEVELS] + ["label"]
    P = np.array([[float(r[f"proba_{v}"]) for v in LEVELS] for r in rows])
    ref = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X, y)
    assert list(ref.classes_) == LEVELS
    np.testing.assert_allclose(P, ref.predict_proba(X), atol=1e-6)
    assert [r["label"] for r in rows] == list(ref.predict(X))


def test_evaluate_matches_scikit_learn_metrics_with_weights(
    workdir, capsys, weighted_iris
):
    X, y = _iris()
    w = np.arange(y.size) % 3 + 1.0
    fit = ["fit", weighted_iris, "-t", "species", "--weights", "w", "--C", "0.5"]
    code, _, err = run_cli(capsys, [*fit, "--penalty", "l2", "-o", "m.json"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["predict", "m.json", weighted_iris])
    P = np.array([[float(r[f"proba_{v}"]) for v in LEVELS] for r in _read_csv(out)])
    code, out, err = run_cli(capsys, ["evaluate", "m.json", weighted_iris, "--json"])
    assert code == 0, err
    m = json.loads(out)
    assert m["weights"] == "w" and m["sum_of_weights"] == pytest.approx(w.sum())
    assert m["classes"] == LEVELS and m["n_classes"] == 3
    assert m["log_loss"] == pytest.approx(
        skm.log_loss(y, P, sample_weight=w, labels=LEVELS), rel=1e-9
    )
    pred = np.array(LEVELS)[P.argmax(axis=1)]
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred, sample_weight=w))
    aucs = skm.roc_auc_score(y, P, multi_class="ovr", average=None, sample_weight=w)
    assert [c["roc_auc"] for c in m["per_class"]] == pytest.approx(list(aucs), rel=1e-9)
    assert m["roc_auc_macro"] == pytest.approx(
        skm.roc_auc_score(y, P, multi_class="ovr", sample_weight=w), rel=1e-9
    )
    cm = skm.confusion_matrix(y, pred, labels=LEVELS, sample_weight=w)
    np.testing.assert_allclose(m["confusion_matrix"]["matrix"], cm)
    code, out, err = run_cli(capsys, ["evaluate", "m.json", weighted_iris])
    assert code == 0, err
    assert "roc_auc_macro" in out and "actual virginica" in out
    assert "weighted by column 'w'" in out


def test_report_of_a_three_class_model(workdir, capsys):
    pytest.importorskip("matplotlib")
    code, _, err = run_cli(capsys, ["fit", IRIS, "-t", "species", "-o", "m.json"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", "m.json", IRIS, "-o", "r.html"])
    assert code == 0, err
    html = (workdir / "r.html").read_text()
    for ident in ("metrics", "per-class", "confusion", "summary", "roc", "omitted"):
        assert f'id="{ident}"' in html, ident
    assert "predicted virginica" in html and "actual setosa" in html
    assert "calibration" not in html.split('id="omitted"')[0]
    assert (
        "Hosmer-Lemeshow test and the table of influential rows are not shown" in html
    )
    assert html.count("data:image/png;base64,") == 2  # ROC curves, convergence


def test_streamed_and_dask_fits_equal_the_in_memory_fit(workdir, capsys, dask_client):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import logistic

    pq.write_table(pacsv.read_csv(IRIS), workdir / "iris.parquet")
    base = ["fit", IRIS, "-t", "species", "--penalty", "l2"]
    dask = ["--scheduler", dask_client.scheduler.address]
    for extra, name in (
        ([], "mem.json"),
        (["--stream", "--chunk-rows", "40", "--no-cache"], "stream.json"),
        (dask, "dask.json"),
        ([*dask, "--format", "parquet"], "dask_parquet.json"),
    ):
        argv = [*base, *extra, "-o", name]
        if "parquet" in extra:
            argv[1] = "iris.parquet"
        code, _, err = run_cli(capsys, argv)
        assert code == 0, err
    mem = logistic.load("mem.json")
    for name in ("stream.json", "dask.json", "dask_parquet.json"):
        other = logistic.load(name)
        np.testing.assert_allclose(other.coef_, mem.coef_, atol=1e-8)
        np.testing.assert_allclose(other.intercept_, mem.intercept_, atol=1e-8)
        code, out, err = run_cli(capsys, ["predict", name, IRIS])
        assert code == 0, err
        assert list(_read_csv(out)[0]) == [f"proba_{v}" for v in LEVELS] + ["label"]
    # --reference on --stream: tests/test_cli_stream_reference_level.py


def test_class_weight_by_level_matches_scikit_learn(workdir, capsys):
    from sklearn.linear_model import LogisticRegression

    X, y = _iris()
    weights = {"setosa": 1.0, "versicolor": 3.0, "virginica": 0.5}
    text = ",".join(f"{k}={v:g}" for k, v in weights.items())
    args = ["fit", IRIS, "-t", "species", "--penalty", "l2", "--class-weight", text]
    code, _, err = run_cli(capsys, [*args, "-o", "m.json"])
    assert code == 0, err
    code, out, _ = run_cli(capsys, ["predict", "m.json", IRIS])
    P = np.array([[float(r[f"proba_{v}"]) for v in LEVELS] for r in _read_csv(out)])
    ref = LogisticRegression(C=1.0, class_weight=weights, tol=1e-10, max_iter=10_000)
    np.testing.assert_allclose(P, ref.fit(X, y).predict_proba(X), atol=1e-6)
    code, _, err = run_cli(capsys, [*args[:-1], "setosa=1,daisy=2", "-o", "x.json"])
    assert code == 2 and "'daisy' is not a level of target 'species'" in err


def test_class_weight_of_a_numeric_level_matches_scikit_learn(workdir, capsys):
    # a level of a numeric target is named as --reference names it: '2.0'
    # for the level 2 of a column written 0.0/1.0/2.0 or 0/1/2; the outside
    # reference is scikit-learn's weighted multinomial fit
    from sklearn.linear_model import LogisticRegression

    X, y = _iris()
    codes = np.searchsorted(LEVELS, y).astype(float)  # 0.0, 1.0, 2.0
    rows = [
        ",".join(f"{v:g}" for v in x) + f",{k:.1f}"
        for x, k in zip(X, codes, strict=True)
    ]
    (workdir / "num.csv").write_text("a,b,c,d,y\n" + "\n".join(rows) + "\n")
    args = ["fit", "num.csv", "-t", "y", "--penalty", "l2", "--class-weight"]
    code, _, err = run_cli(capsys, [*args, "2.0=3,0=0.5", "-o", "m.json"])
    assert code == 0, err
    code, out, _ = run_cli(capsys, ["predict", "m.json", "num.csv"])
    P = np.array([[float(r[f"proba_{v}"]) for v in "012"] for r in _read_csv(out)])
    ref = LogisticRegression(C=1.0, class_weight={2.0: 3.0, 0.0: 0.5}, tol=1e-10,
                             max_iter=10_000)  # fmt: skip
    np.testing.assert_allclose(P, ref.fit(X, codes).predict_proba(X), atol=1e-6)
    code, _, err = run_cli(capsys, [*args, "2=1,2.0=3", "-o", "x.json"])
    assert code == 2 and "level '2' of target 'y' twice ('2' and '2.0')" in err, err


def test_missing_rows_dropped_and_na_in_predict(workdir, capsys):
    text = IRIS.read_text().splitlines()
    text[3] = ",3.2,1.3,0.2,setosa"  # row 2 (0-based): sepal_length missing
    (workdir / "gap.csv").write_text("\n".join(text) + "\n")
    code, _, err = run_cli(capsys, ["fit", "gap.csv", "-t", "species", "-o", "m.json"])
    assert code == 65 and "sepal_length" in err
    fit = ["fit", "gap.csv", "-t", "species", "--missing", "drop", "--penalty", "l2"]
    code, _, err = run_cli(capsys, [*fit, "-o", "m.json"])
    assert code == 0, err
    code, out, err = run_cli(
        capsys, ["predict", "m.json", "gap.csv", "--missing", "na"]
    )
    assert code == 0, err
    rows = _read_csv(out)
    assert len(rows) == 150 and rows[2]["label"] == "" and rows[2]["proba_setosa"] == ""
    assert rows[3]["label"] == "setosa"
    code, out, err = run_cli(
        capsys, ["evaluate", "m.json", "gap.csv", "--missing", "drop", "--json"]
    )
    assert code == 0 and json.loads(out)["n_samples"] == 149


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["fit", IRIS, "-t", "species", "--positive", "setosa"], 65, "leave --positive out"),
        (["fit", IRIS, "-t", "species", "--reference", "rose"], 65, "--reference"),
        (["fit", IRIS, "-t", "species", "--penalty", "firth"], 2, "--penalty firth"),
        (["fit", IRIS, "-t", "species", "--cv", "3"], 2, "--cv 3 supports targets"),
        (["fit", IRIS, "-t", "species", "--offset", "sepal_width"], 2, "--offset"),
        (["predict", "m.json", IRIS, "--interval", "0.9"], 2, "--interval applies"),
        (["predict", "m.json", IRIS, "--threshold", "0.3"], 2, "--threshold 0.3"),
        (["evaluate", "m.json", IRIS, "--groups", "5"], 2, "--groups 5"),
        (["margins", "m.json", IRIS, "--at", "median"], 2, "--at median"),
        (["margins", "m.json", IRIS, "--outcome", "rose"], 2, "--outcome 'rose'"),
    ],
)
def test_binary_only_options_are_refused_by_name(workdir, capsys, args, code, message):
    assert run_cli(capsys, ["fit", IRIS, "-t", "species", "-o", "m.json"])[0] == 0
    got, _, err = run_cli(capsys, [*args, "-o", "x.json"] if args[0] == "fit" else args)
    assert got == code, err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_proba_column_names_are_safe_and_distinct():
    assert proba_names(["a b", "=cmd", 3]) == ["proba_a_b", "proba__cmd", "proba_3"]
    assert proba_names([1.0, 2.5, True]) == ["proba_1", "proba_2.5", "proba_true"]
    # names that would collide once cleaned fall back to the class codes
    assert proba_names(["a b", "a_b", "c"]) == ["proba_0", "proba_1", "proba_2"]


def test_export_writes_the_levels_into_the_onnx_metadata(workdir, capsys):
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    X, _ = _iris()
    code, _, err = run_cli(capsys, ["fit", IRIS, "-t", "species", "-o", "m.json"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["export", "m.json", "--onnx", "m.onnx", "--double"])
    assert code == 0, err
    meta = {p.key: p.value for p in onnx.load("m.onnx").metadata_props}
    assert json.loads(meta["classes"]) == LEVELS
    code, out, _ = run_cli(capsys, ["predict", "m.json", IRIS])
    P = np.array([[float(r[f"proba_{v}"]) for v in LEVELS] for r in _read_csv(out)])
    session = ort.InferenceSession("m.onnx")
    names = [o.name for o in session.get_outputs()]
    got = dict(zip(names, session.run(None, {"X": X}), strict=True))
    np.testing.assert_allclose(got["probabilities"], P, atol=1e-12)
