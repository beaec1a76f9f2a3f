"""The note of a K-class fit names the reference and the levels compared
with it in one sentence; it read ``reference 'setosa'; the others: 2 levels:
'versicolor', 'virginica'``, as if a second, two-level target followed."""

from __future__ import annotations

from conftest import data_path, run_cli


def test_the_target_note_reads_as_one_sentence(tmp_path, capsys):
    iris = data_path("iris", "iris.csv")
    code, _, err = run_cli(capsys, ["fit", iris, "-t", "species", "-o", tmp_path / "m.json"])
    assert code == 0, err
    assert (
        "target 'species': 3 levels, reference 'setosa' (each other level is "
        "compared with it: 'versicolor', 'virginica')"
    ) in err
    assert "the others:" not in err


def test_many_levels_are_counted(tmp_path, capsys):
    rows = "\n".join(f"{'abcdefghij'[i % 10]},{i % 7},{(i * 3) % 11}" for i in range(500))
    (tmp_path / "d.csv").write_text("y,x,z\n" + rows + "\n")
    code, _, err = run_cli(capsys, ["fit", tmp_path / "d.csv", "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 0, err
    assert "reference 'a' (each other level is compared with it: 'b', 'c', 'd', 'e', 'f', … and 4 more)" in err
