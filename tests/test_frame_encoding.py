"""The library encodes a pandas DataFrame's text columns as the CLI does
(logistic._frame_encoding): same coefficients and names as ``logistic fit`` on
the same data written to CSV, and as ``pandas.get_dummies(drop_first=True)``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import DataValidationError, LogisticRegression

pytest.importorskip("pyarrow")


def frame(n=240, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n).round(1),
            "color": rng.choice(["red", "green", "blue"], n),
            "size": pd.Categorical(rng.choice(["S", "M", "L"], n)),
        }
    )
    z = 0.03 * (df["age"] - 40) + (df["color"] == "red") - 0.5 * (df["size"] == "S")
    y = (rng.random(n) < 1 / (1 + np.exp(-z.to_numpy(float)))).astype(int)
    return df, y


def test_text_columns_are_one_hot_encoded_as_pandas_get_dummies():
    df, y = frame()
    model = LogisticRegression().fit(df, y)
    dummies = pd.get_dummies(
        df, columns=["color", "size"], drop_first=True, dtype=float
    )
    ref = LogisticRegression().fit(dummies, y)  # sorted levels, first dropped
    expected = ["age", "color[T.green]", "color[T.red]", "size[T.M]", "size[T.S]"]
    assert list(model.feature_names_in_) == expected
    assert list(dummies.columns) == [
        "age",
        "color_green",
        "color_red",
        "size_M",
        "size_S",
    ]
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-10)
    assert model.encoding_["input_columns"] == ["age", "color", "size"]
    assert model.n_features_in_ == 5


def test_same_model_as_the_cli_on_the_same_data(tmp_path, capsys):
    df, y = frame()
    path = tmp_path / "d.csv"
    df.assign(y=y).to_csv(path, index=False)
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", path, "--target", "y", "-o", out])
    assert code == 0, err
    doc = json.loads(out.read_text())
    model = LogisticRegression().fit(df, y)
    cli_names = doc["encoding"]["feature_names"]
    assert cli_names == list(model.feature_names_in_)
    assert doc["encoding"]["columns"] == model.encoding_["columns"]
    from logistic.io import load

    cli_model = load(out)
    np.testing.assert_allclose(cli_model.coef_, model.coef_, rtol=1e-8, atol=1e-10)


def test_predict_reapplies_the_levels_and_ignores_column_order():
    df, y = frame()
    model = LogisticRegression().fit(df, y)
    shuffled = df[["size", "color", "age"]].assign(extra=1.0)
    np.testing.assert_array_equal(
        model.predict_proba(shuffled), model.predict_proba(df)
    )
    one = df.iloc[[5]]  # a single row holding one level only
    np.testing.assert_allclose(model.predict_proba(one), model.predict_proba(df)[[5]])


def test_unseen_level_is_an_error_naming_column_and_level():
    df, y = frame()
    model = LogisticRegression().fit(df, y)
    new = df.iloc[:4].copy()
    new["color"] = ["red", "purple", "blue", "purple"]
    with pytest.raises(
        DataValidationError, match=r"X column 'color' has level 'purple'"
    ) as exc:
        model.predict(new)
    # where this happens unasked (a level missing from some folds of a
    # cross-validation), the message says how to encode inside the pipeline
    assert "OneHotEncoder(handle_unknown='ignore') in a ColumnTransformer" in str(
        exc.value
    )


def test_missing_text_values_are_an_error_naming_the_column():
    df, y = frame()
    df["color"] = df["color"].astype(object)
    df.loc[7, "color"] = None
    with pytest.raises(
        DataValidationError, match=r"'color' has 1 missing value.*row 7"
    ):
        LogisticRegression().fit(df, y)


def test_inference_with_and_without_data_agree_and_are_named():
    df, y = frame()
    model = LogisticRegression().fit(df, y)
    kept = model.inference()
    again = model.inference(df, y)
    np.testing.assert_allclose(kept.bse, again.bse, rtol=1e-10)
    assert list(kept.bse.index) == ["Intercept", *model.feature_names_in_]


def test_refit_on_numbers_forgets_the_encoding():
    df, y = frame()
    model = LogisticRegression().fit(df, y)
    model.fit(df[["age"]], y)
    assert model.encoding_ is None
    assert list(model.feature_names_in_) == ["age"]


def test_frames_of_other_libraries_say_how():
    pl = pytest.importorskip("polars")
    df, y = frame()
    with pytest.raises(DataValidationError, match="pandas DataFrame"):
        LogisticRegression().fit(pl.from_pandas(df[["age", "color"]]), y)


def test_model_file_keeps_the_encoding(tmp_path):
    import hashlib

    import logistic.io as lio
    from logistic import ModelFormatError
    from logistic.io import load, save

    df, y = frame()
    model = LogisticRegression().fit(df, y)
    path = save(model, tmp_path / "m.json")
    loaded = load(path)
    assert loaded.encoding_ == model.encoding_
    np.testing.assert_array_equal(loaded.predict_proba(df), model.predict_proba(df))
    # a tampered (but checksummed) encoding is a format error naming the field
    doc = json.loads(path.read_text())
    doc["model"]["frame_encoding"]["feature_names"][1] = "color[T.purple]"
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFormatError, match="frame_encoding.feature_names"):
        load(path)


def _with_identifiers(n=240):
    df, y = frame(n)
    names = [f"Passenger {i}, Mr. X" for i in range(n)]
    return df.assign(PassengerId=np.arange(1, n + 1), Name=names), y


def test_identifiers_and_free_text_are_left_out_as_the_cli_does(tmp_path, capsys):
    """The CLI's screen leaves out PassengerId and Name from the same CSV: the
    library leaves out the same columns, warns naming them and include=, and
    fits the model of the frame without them."""
    from logistic import DataConversionWarning

    df, y = _with_identifiers()
    path = tmp_path / "d.csv"
    df.assign(y=y).to_csv(path, index=False)
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 0, err
    cli_names = json.loads((tmp_path / "m.json").read_text())["encoding"][
        "feature_names"
    ]
    with pytest.warns(DataConversionWarning) as caught:
        model = LogisticRegression().fit(df, y)
    text = str(caught[0].message)
    assert text.startswith("left out 2 columns: 'PassengerId', 'Name' that look like")
    assert text.endswith("LogisticRegression(include=['PassengerId', 'Name'])")
    assert list(model.feature_names_in_) == cli_names
    assert model.encoding_["input_columns"] == ["age", "color", "size"]
    plain = LogisticRegression().fit(df[["age", "color", "size"]], y)
    np.testing.assert_array_equal(model.coef_, plain.coef_)
    np.testing.assert_array_equal(model.predict_proba(df), plain.predict_proba(df))


def test_include_keeps_a_screened_column():
    from logistic import DataConversionWarning

    df, y = _with_identifiers(60)
    with pytest.warns(DataConversionWarning, match="left out column .Name."):
        model = LogisticRegression(include=["PassengerId"]).fit(df, y)
    assert "PassengerId" in model.feature_names_in_
    assert not any(n.startswith("Name") for n in model.feature_names_in_)
    with pytest.raises(DataValidationError, match="include names column 'nope'"):
        LogisticRegression(include=["nope"]).fit(df, y)


def test_model_files_work_on_the_other_side_s_data(tmp_path, capsys):
    """A library model with text columns predicts a CSV through the CLI, and a
    CLI model loaded in Python predicts a raw DataFrame: the same numbers."""
    import csv
    import io

    from logistic.io import load, save

    df, y = frame()
    df.to_csv(tmp_path / "x.csv", index=False)
    lib = LogisticRegression().fit(df, y)
    save(lib, tmp_path / "lib.json")
    code, out, err = run_cli(
        capsys, ["predict", tmp_path / "lib.json", tmp_path / "x.csv"]
    )
    assert code == 0, err
    proba = [float(r["proba"]) for r in csv.DictReader(io.StringIO(out))]
    np.testing.assert_allclose(proba, lib.predict_proba(df)[:, 1], rtol=1e-12)

    df.assign(y=y).to_csv(tmp_path / "d.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.csv", "-t", "y", "-o", tmp_path / "cli.json"]
    )
    assert code == 0, err
    cli = load(tmp_path / "cli.json")
    np.testing.assert_allclose(cli.predict_proba(df), lib.predict_proba(df), rtol=1e-7)
