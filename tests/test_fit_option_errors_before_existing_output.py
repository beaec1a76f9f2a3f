"""fit names a mistake in options the data decide before refusing an
existing output.

docs/cli.md: fit refuses an existing output "once [it has] read the model
and the data and checked the columns, before [its] work: a mistake there is
reported first". A two-class option with a target of three classes
(``--cv``, ``--offset``, ``--penalty firth``), a ``--cv K`` of more folds than
a class has rows and a ``--class-weight`` key that is no class were named
only after "x.json already exists; pass --force to overwrite it": passing
``--force`` as told then met the real mistake. Each is now exit 2 at once,
and the existing file is left as it is.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
IRIS = data_path("iris", "iris.csv")


@pytest.mark.parametrize(
    ("data", "options", "words"),
    [
        (IRIS, ["-t", "species", "--cv", "3"], "--cv 3 supports targets of two classes only"),
        (IRIS, ["-t", "species", "--offset", "petal_width"], "--offset petal_width applies to two-class targets"),
        (IRIS, ["-t", "species", "--penalty", "firth"], "Only binary classification is supported with --penalty firth"),
        (UCLA, ["-t", "admit", "--cv", "500"], "--cv 500: stratified folds need at least 500 rows of a class"),
        (UCLA, ["-t", "admit", "--class-weight", "5=1"], "--class-weight 5=1: a two-class target"),
    ],
)
def test_the_option_s_mistake_comes_before_the_existing_output(
    tmp_path, capsys, data, options, words
):
    out = tmp_path / "m.json"
    out.write_text("kept")
    code, stdout, err = run_cli(capsys, ["fit", data, *options, "-o", out])
    assert (code, stdout) == (2, ""), err
    assert err.startswith(f"error: {words}"), err
    assert "already exists" not in err
    assert out.read_text() == "kept"
    # without the mistake, the existing output is what is refused
    code, _, err = run_cli(capsys, ["fit", data, *options[:2], "-o", out])
    assert code == 73 and "already exists; pass --force" in err, err
