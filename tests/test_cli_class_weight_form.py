"""A malformed ``--class-weight`` is refused naming the item at fault and
the forms taken for two classes and for K (the target not read yet): it
showed only '0=W0,1=W1', the two-class codes, for a target of three levels."""

from __future__ import annotations

import pytest

from conftest import run_cli

DATA = "x,y\n" + "".join(f"{i / 10},{i % 3}\n" for i in range(30))


@pytest.mark.parametrize(
    ("given", "fault"),
    [
        ("0=1,1=2,2=x", "'x' (in '2=x') is not a number"),
        ("setosa", "'setosa' has no '='"),
        ("=2", "'=2' has no class before '='"),
        ("0=1,", "an empty item (a stray ',')"),
    ],
)
def test_a_malformed_value_names_its_item_and_the_k_class_form(
    workdir, capsys, given, fault
):
    (workdir / "d.csv").write_text(DATA)
    code, out, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--class-weight", given, "-o", "m.json"]
    )
    assert code == 2, err
    assert f"got {given!r}: {fault}" in err, err
    assert "'setosa=2,versicolor=1,virginica=1' for three" in err, err
    assert not (workdir / "m.json").exists()


def test_a_class_given_twice_is_refused(workdir, capsys):
    """A dict kept the last weight of a repeated key without a word."""
    (workdir / "d.csv").write_text(DATA)
    argv = ["fit", "d.csv", "-t", "y", "--class-weight", "0=1,0=2", "-o", "m.json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 2, err
    assert "gives class '0' twice" in err, err
