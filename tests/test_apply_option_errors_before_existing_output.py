"""predict and report name a mistake in their options before refusing an
existing output, as fit does (docs/cli.md: the model and the data are read
and checked first, so that "a mistake there is reported first").

``predict --keep`` of a column DATA lacks, ``predict --interval`` with a
model file that stores no covariance (a penalized fit) and ``report
--groups`` with a model of three classes were named only after "already
exists; pass --force to overwrite it". Each is now named at once (with its
own exit code) and the existing file is left as it is.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
IRIS = data_path("iris", "iris.csv")


@pytest.fixture
def models(tmp_path, capsys):
    made = {}
    for name, args in {
        "plain": [UCLA, "-t", "admit"],
        "l2": [UCLA, "-t", "admit", "--penalty", "l2"],
        "iris": [IRIS, "--formula", "species ~ sepal_length"],
    }.items():
        made[name] = tmp_path / f"{name}.json"
        code, _, err = run_cli(capsys, ["fit", *args, "-o", made[name]])
        assert code == 0, err
    return made


@pytest.mark.parametrize(
    ("command", "suffix", "code", "words"),
    [
        (["predict", "plain", UCLA, "--keep", "nosuch"], ".csv", 65,
         "--keep column 'nosuch' not found in"),
        (["predict", "l2", UCLA, "--interval", "0.9"], ".csv", 65,
         "l2.json stores no covariance of the estimates, so --interval cannot be "
         "computed: it is a penalized fit"),
        (["report", "iris", IRIS, "--groups", "5"], ".html", 2,
         "--groups 5 applies to two-class models"),
    ],
)
def test_the_mistake_comes_before_the_existing_output(
    tmp_path, capsys, models, command, suffix, code, words
):
    out = tmp_path / f"out{suffix}"
    out.write_text("kept")
    args = [models.get(a, a) if isinstance(a, str) else a for a in command]
    got, stdout, err = run_cli(capsys, [*args, "-o", out, "-q"])
    assert (got, stdout) == (code, ""), err
    assert words in err and "already exists" not in err, err
    assert out.read_text() == "kept"
