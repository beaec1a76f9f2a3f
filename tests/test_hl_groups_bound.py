"""More Hosmer-Lemeshow groups than observations is refused at once, naming
the parameter as the caller wrote it: ``hosmer_lemeshow(groups=10**9)`` and
``logistic evaluate --groups 99999999999999999999`` built the cut points one
group at a time, for minutes and gigabytes, and ``10**400`` ended in an
OverflowError. Frequency weights count as observations (a grouped file of 5
rows of 10 trials may ask for up to 50 groups, as Stata's ``estat gof`` with
``[fw=]`` does)."""

from __future__ import annotations

import time

import pytest

from conftest import data_path, run_cli
from logistic._exceptions import InvalidParameterError
from logistic.inference import hosmer_lemeshow

Y = [0, 1, 0, 1, 1]
P = [0.1, 0.6, 0.3, 0.8, 0.7]


@pytest.mark.parametrize("groups", [11, 10**9, 10**400])
def test_more_groups_than_rows_is_refused_naming_groups(groups):
    start = time.perf_counter()
    with pytest.raises(InvalidParameterError) as info:
        hosmer_lemeshow(Y, P, groups=groups)
    assert time.perf_counter() - start < 5
    text = str(info.value)
    assert text.startswith("groups must be at most the number of observations (5")
    assert "or 10; got" in text
    assert str(groups)[:15] in text


def test_frequency_weights_count_as_observations():
    result = hosmer_lemeshow(Y, P, [10] * 5, groups=50)
    assert result.groups == 5  # five distinct probabilities: five groups
    with pytest.raises(InvalidParameterError, match=r"observations \(50"):
        hosmer_lemeshow(Y, P, [10] * 5, groups=51)


def test_the_command_line_names_groups(workdir, capsys):
    ucla_csv = data_path("ucla-admissions", "binary.csv")
    assert (
        run_cli(capsys, ["fit", str(ucla_csv), "-t", "admit", "-o", "m.json"])[0] == 0
    )
    for command in ("evaluate", "report"):
        extra = ["-o", "r.html"] if command == "report" else []
        code, out, err = run_cli(
            capsys,
            [
                command,
                "m.json",
                str(ucla_csv),
                "--groups",
                "99999999999999999999",
                *extra,
            ],
        )
        assert code == 2, err
        assert err.startswith(
            "error: --groups must be at most the number of observations"
        )
        assert "(400:" in err and "got 99999999999999999999" in err
        assert not (workdir / "r.html").exists()
