"""An integer column beyond ±2**53 (float64's exact integers) named as a
feature is refused naming the file, column, first value and its line, with
the remedy (it was pyarrow's bare "Integer value ... not in range")."""

from __future__ import annotations

import numpy as np

from conftest import run_cli


def test_integers_beyond_float64_are_refused_by_column_and_line(tmp_path, capsys):
    rng = np.random.default_rng(7)
    lines = ["x1,big,y"]
    for i in range(100):
        x1 = rng.normal()
        big = 2**53 - 50 + 3 * i  # from line 19 on beyond 2**53
        lines.append(f"{x1:.4f},{big},{int(rng.random() < 0.5)}")
    data = tmp_path / "d.csv"
    data.write_text("\n".join(lines) + "\n")
    out = tmp_path / "m.json"
    code, _, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--features", "x1,big", "-o", out]
    )
    assert code == 65, err
    first = 2**53 - 50 + 3 * 17
    assert first > 2**53 and first - 3 <= 2**53
    assert (
        f"column 'big' in {data} holds integers too large to be a numeric feature "
        f"exactly: {first} at line 19 (83 value(s) beyond ±2**53); an identifier? "
        "leave it out with --drop big"
    ) in err
    assert not out.exists()


def test_a_model_input_beyond_float64_is_refused_without_naming_drop(
    tmp_path, capsys
):
    # predict, evaluate and report have no --drop: the model reads the column,
    # so the remedy is only to write the values as decimals
    train = tmp_path / "train.csv"
    train.write_text("x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n0,0\n")
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", train, "-t", "y", "-o", model])
    assert code == 0, err
    new = tmp_path / "new.csv"
    new.write_text("x,y\n1,0\n9007199254740993,1\n")
    expected = (
        f"error: column 'x' in {new} holds integers too large to be a numeric "
        "feature exactly: 9007199254740993 at line 3 (1 value(s) beyond ±2**53); "
        "the model reads it as a number: write the values as decimals (9.007e15) "
        "to use them rounded\n"
    )
    for command in (["predict", model, new], ["evaluate", model, new]):
        code, out, err = run_cli(capsys, command)
        assert (code, out, err) == (65, "", expected)
