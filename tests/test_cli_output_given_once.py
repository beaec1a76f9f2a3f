"""The file a command writes is named once: ``export -o a --onnx b`` (three
names of one option) wrote ``b`` alone and said nothing of ``a``, and
``predict -o a.csv --output b.csv`` likewise; each is a usage error (exit 2)
naming every value as typed, before anything is read or written.
"""

from __future__ import annotations

import pytest

from conftest import data_path, fit_ucla_model, run_cli
from logistic.cli._codes import EX_USAGE

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def model(workdir):
    return fit_ucla_model(workdir)


@pytest.mark.parametrize(
    ("args", "listed", "names"),
    [
        (["export", "MODEL", "-o", "a.onnx", "--onnx", "b.onnx"],
         "-o a.onnx and --onnx b.onnx", "-o, --output and --onnx"),
        (["export", "MODEL", "--output=a.onnx", "-ob.onnx", "--onnx", "c.onnx"],
         "--output=a.onnx, -ob.onnx and --onnx c.onnx", "-o, --output and --onnx"),
        (["predict", "MODEL", str(UCLA), "-o", "a.csv", "--output", "b.csv"],
         "-o a.csv and --output b.csv", "-o and --output"),
        (["report", "MODEL", str(UCLA), "-o", "a.html", "-o", "b.html"],
         "-o a.html and -o b.html", "-o and --output"),
        # standard output as the last value: check_output is not called for it
        (["predict", "MODEL", str(UCLA), "-o", "a.csv", "-o", "-"],
         "-o a.csv and -o -", "-o and --output"),
        (["margins", "MODEL", str(UCLA), "--output=a.csv", "-o", "-"],
         "--output=a.csv and -o -", "-o and --output"),
    ],
)
def test_an_output_given_twice_is_refused(model, workdir, capsys, args, listed, names):
    argv = [str(model) if a == "MODEL" else a for a in args]
    code, out, err = run_cli(capsys, argv)
    assert code == EX_USAGE, err
    times = listed.count(" and ") + listed.count(", ") + 1
    assert err.strip() == (
        f"error: {listed}: the output is given {times} times, and the command "
        f"writes one ({names} are one option); give it once"
    )
    assert not any(workdir.glob("[abc].*"))


def test_a_value_that_looks_like_the_option_is_a_value(model, workdir, capsys):
    # "-o -o.csv": the file named "-o.csv", not the option twice
    argv = ["predict", str(model), str(UCLA), "-q", "-o", "-o.csv"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert (workdir / "-o.csv").read_text().count("\n") == 401


def test_another_option_s_value_that_looks_like_the_option_is_a_value(
    workdir, capsys
):
    # "--features -ox": the column "-ox", which click reads as --features'
    # value, not "-o x" beside "-o m.json"
    (workdir / "o.csv").write_text("-ox,y\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n")
    argv = ["fit", "o.csv", "-t", "y", "--features", "-ox", "-q", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert (workdir / "m.json").exists()
