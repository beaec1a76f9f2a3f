"""A new user's findings, following the docs literally (N1).

A mistyped command gets the closest command names; ``fit`` names a mistake
in the data or a column before refusing an existing output; a header read
with the wrong delimiter, or written with spaces after its commas, gets the
fix; calibration bin edges print as ``0.3``; ``fit --stream`` prints the
in-memory fit's results table. Expected messages are what the findings asked
for; expected numbers come from plain formulas (``k / 10``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import data_path, run_cli

_run = run_cli


def _files(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


@pytest.fixture
def ucla(workdir):
    """The UCLA admissions file as ``u.csv`` in the working directory."""
    shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "u.csv")
    return "u.csv"


# -- 1. a mistyped command -------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("sumary", "'summary'"),
        ("fitt", "'fit'"),
        ("Fit", "'fit'"),
        ("predcit", "'predict'"),
        ("evalute", "'evaluate'"),
        ("margin", "'margins'"),
        ("repor", "'report' or 'export'"),
    ],
)
def test_mistyped_command_names_the_closest(workdir, capsys, typed, meant):
    code, out, err = _run(capsys, [typed, "model.json"])
    assert (code, out) == (2, "")
    assert err == (
        f"error: No such command '{typed}'. Did you mean {meant}? "
        "(see 'logistic --help')\n"
    )


def test_mistyped_command_json_error_has_the_suggestion(workdir, capsys):
    code, out, _ = _run(capsys, ["sumary", "--json"])
    assert code == 2
    assert json.loads(out) == {
        "ok": False,
        "error": "No such command 'sumary'. Did you mean 'summary'?",
        "exit_code": 2,
    }


def test_command_nothing_like_any_gets_no_suggestion(workdir, capsys):
    code, _, err = _run(capsys, ["xyzzy"])
    assert (code, err) == (
        2,
        "error: No such command 'xyzzy'. (see 'logistic --help')\n",
    )


# -- 2. fit: the data's errors before the existing output ------------------------------
def test_fit_names_a_missing_target_before_an_existing_output(workdir, capsys, ucla):
    (workdir / "model.json").write_bytes(b"precious")
    code, _, err = _run(capsys, ["fit", ucla, "--target", "admt"])
    assert code == 65
    assert err.startswith(
        "error: target column 'admt' not found in u.csv (did you mean 'admit'?)"
    ), err
    assert "--force" not in err
    assert (workdir / "model.json").read_bytes() == b"precious"


def test_fit_names_a_missing_feature_before_an_existing_output(workdir, capsys, ucla):
    (workdir / "model.json").write_bytes(b"precious")
    code, _, err = _run(capsys, ["fit", ucla, "-t", "admit", "--features", "gre,gap"])
    assert code == 65
    assert err.startswith("error: feature column 'gap' not found in u.csv"), err
    assert (workdir / "model.json").read_bytes() == b"precious"


def test_fit_streamed_names_a_missing_target_before_an_existing_output(
    workdir, capsys, ucla
):
    (workdir / "model.json").write_bytes(b"precious")
    code, _, err = _run(capsys, ["fit", ucla, "--target", "admt", "--stream"])
    assert code == 65
    assert err.startswith("error: target column 'admt' not found in u.csv"), err
    assert (workdir / "model.json").read_bytes() == b"precious"


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_fit_refuses_an_existing_output_before_fitting(
    workdir, capsys, ucla, monkeypatch, stream
):
    # good data, existing output: refused (73) after one read of the data and
    # before any fit; the file is left as it was
    import logistic.cli._apply as apply_module
    import logistic.cli._stream as stream_module
    from logistic.cli import fit as fit_module

    reads = []
    read_input = apply_module.read_input

    def counted(*args, **kwargs):
        reads.append(args[0])
        return read_input(*args, **kwargs)

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted although the output exists")

    monkeypatch.setattr(apply_module, "read_input", counted)
    monkeypatch.setattr(fit_module, "_train", no_fit)
    monkeypatch.setattr(stream_module, "fit_stream", no_fit)
    (workdir / "model.json").write_bytes(b"precious")
    code, _, err = _run(capsys, ["fit", ucla, "-t", "admit", *stream])
    assert (code, err) == (
        73,
        "error: model.json already exists; pass --force to overwrite it\n",
    )
    assert len(reads) == (0 if stream else 1)
    assert (workdir / "model.json").read_bytes() == b"precious"


def test_fit_with_force_reads_the_data_once(workdir, capsys, ucla, monkeypatch):
    import logistic.cli._apply as apply_module

    reads = []
    read_input = apply_module.read_input

    def counted(*args, **kwargs):
        reads.append(args[0])
        return read_input(*args, **kwargs)

    monkeypatch.setattr(apply_module, "read_input", counted)
    (workdir / "model.json").write_bytes(b"old")
    code, _, err = _run(capsys, ["fit", ucla, "-t", "admit", "--force"])
    assert code == 0, err
    assert len(reads) == 1
    assert json.loads((workdir / "model.json").read_text())["format"] == (
        "logistic-model"
    )


# -- 3. a header read with the wrong delimiter, or written with spaces ----------------
SPACED = "x1 x2 y\n1 2 0\n2 3 1\n3 1 0\n4 5 1\n5 2 0\n6 4 1\n"


@pytest.mark.parametrize(
    ("text", "sep", "hint"),
    [
        (SPACED, [], "pass --sep ' ' (the header holds 3 fields separated by spaces)"),
        (
            SPACED.replace(" ", "\t"),
            ["--sep", ","],
            "pass --sep '\\t' (the header holds 3 fields separated by tabs)",
        ),
        (
            SPACED.replace(" ", ";"),
            ["--sep", ","],
            "pass --sep ';' (the header holds 3 fields separated by semicolons)",
        ),
    ],
)
def test_fit_one_column_header_names_the_delimiter(workdir, capsys, text, sep, hint):
    (workdir / "d.csv").write_text(text)
    code, _, err = _run(capsys, ["fit", "d.csv", "-t", "y", *sep])
    assert code == 65
    head = (
        "error: target column 'y' not found in d.csv; the header was read as one "
        "column with delimiter ','"
    )
    assert err.startswith(f"{head}: {hint}; available: "), err


def test_fit_aligned_header_says_no_sep_reads_it(workdir, capsys):
    (workdir / "d.csv").write_text("x1   x2  y\n1    2   0\n")
    code, _, err = _run(capsys, ["fit", "d.csv", "-t", "y"])
    assert code == 65
    assert "separated by runs of spaces, which no --sep reads" in err, err


def test_fit_space_separated_file_read_with_sep_space(workdir, capsys):
    # the suggested fix works: the same file with --sep ' ' fits
    (workdir / "d.csv").write_text(SPACED)
    code, out, err = _run(capsys, ["fit", "d.csv", "-t", "y", "--sep", " ", "--json"])
    assert code == 0, err
    assert json.loads(out)["feature_names"] == ["x1", "x2"]


SPACED_HEADER = "a, b, y\n1, 2, 0\n2, 3, 1\n3, 1, 0\n4, 5, 1\n5, 1, 1\n6, 2, 0\n"


@pytest.mark.parametrize(
    ("args", "role", "name", "header"),
    [
        (["-t", "y"], "target", "y", "' y'"),
        (["-t", " y", "--features", "b"], "feature", "b", "' b'"),
        (["-t", " y", "--drop", "b"], "--drop", "b", "' b'"),
    ],
)
def test_fit_spaced_header_name_is_named_exactly(
    workdir, capsys, args, role, name, header
):
    (workdir / "d.csv").write_text(SPACED_HEADER)
    code, _, err = _run(capsys, ["fit", "d.csv", *args])
    assert code == 65
    assert err == (
        f"error: {role} column '{name}' not found in d.csv (the header writes it "
        f"{header}, with leading whitespace; names are matched exactly: remove the "
        "whitespace around the names in the header line); available: 'a', ' b', "
        "' y'\n"
    )
    assert _files(workdir) == {"d.csv"}


def test_fit_spaced_header_name_given_exactly_fits(workdir, capsys):
    # columns are not renamed: the header's exact text names the column
    (workdir / "d.csv").write_text(SPACED_HEADER)
    code, out, err = _run(capsys, ["fit", "d.csv", "-t", " y", "--json"])
    assert code == 0, err
    assert json.loads(out)["feature_names"] == ["a", " b"]


@pytest.mark.parametrize(
    ("header", "delimiter", "absent", "expected"),
    [
        (
            ["x1 x2 y"],
            ",",
            ["y"],
            "pass --sep ' ' (the header holds 3 fields separated by spaces)",
        ),
        (
            ["x1\tx2"],
            ",",
            ["y"],
            "pass --sep '\\t' (the header holds 2 fields separated by tabs)",
        ),
        (
            ["a;b;c|d"],
            ",",
            ["y"],
            "pass --sep ';' (the header holds 3 fields separated by semicolons)",
        ),
        (
            ["a|b"],
            ",",
            ["y"],
            "pass --sep '|' (the header holds 2 fields separated by '|')",
        ),
        (
            ["a,b"],
            ";",
            ["y"],
            "pass --sep ',' (the header holds 2 fields separated by commas)",
        ),
        # a name with spaces is no delimiter unless a wanted name is a field
        (["first name"], ",", ["y"], None),
        (["a,"], ",", ["y"], "pass the right --sep"),
        (["x", "y"], ",", ["z"], None),
    ],
)
def test_delimiter_hint(header, delimiter, absent, expected):
    from logistic._column_hints import delimiter_hint

    hint = delimiter_hint(header, delimiter, "--sep", absent)
    if expected is None:
        assert hint == ""
    else:
        assert hint == (
            f"; the header was read as one column with delimiter {delimiter!r}: "
            f"{expected}"
        )


def test_spaced_name_hint_only_for_spaces_in_the_header():
    from logistic._column_hints import absent_column_hint, spaced_name_hint

    assert "'y '" in spaced_name_hint(["y"], ["a", "y "])
    assert "trailing whitespace" in spaced_name_hint(["y"], ["a", "y "])
    assert "whitespace around the names" in spaced_name_hint(["a", "y"], [" a ", "y "])
    # the model's name has the spaces, the file's has none: the close spelling
    assert spaced_name_hint([" b"], ["a", "b"]) == ""
    assert absent_column_hint([" b"], ["a", "b"], ",") == " (did you mean 'b'?)"
    # unchanged: case and typos
    assert absent_column_hint(["Y"], ["x", "y"], ",") == " (did you mean 'y'?)"
    assert absent_column_hint(["admt"], ["admit", "gre"], ",") == (
        " (did you mean 'admit'?)"
    )


def test_predict_model_input_with_spaces_gets_the_close_spelling(workdir, capsys):
    # a model fitted on ' b' scores a file whose header writes 'b': the
    # message is unchanged (the model file's name is matched exactly)
    (workdir / "d.csv").write_text(SPACED_HEADER)
    assert _run(capsys, ["fit", "d.csv", "-t", " y", "-o", "m.json"])[0] == 0
    (workdir / "p.csv").write_text("a,b\n1,2\n")
    code, _, err = _run(capsys, ["predict", "m.json", "p.csv"])
    assert (code, err) == (
        65,
        "error: model input column ' b' not found in p.csv (did you mean 'b'?); "
        "available: 'a', 'b'\n",
    )


def test_evaluate_one_column_header_names_the_delimiter(workdir, capsys, ucla):
    assert _run(capsys, ["fit", ucla, "-t", "admit", "-o", "m.json"])[0] == 0
    text = Path(ucla).read_text().replace(",", " ")
    (workdir / "s.csv").write_text(text)
    code, _, err = _run(capsys, ["evaluate", "m.json", "s.csv"])
    assert code == 65
    assert err.startswith(
        "error: target column 'admit' (from the model file) not found in s.csv; "
        "the header was read as one column with delimiter ',': pass --sep ' ' "
        "(the header holds 4 fields separated by spaces); available: "
        "'admit gre gpa rank'; evaluating needs the true outcomes"
    ), err


def test_evaluate_spaced_header_names_exact_text(workdir, capsys, ucla):
    assert _run(capsys, ["fit", ucla, "-t", "admit", "-o", "m.json"])[0] == 0
    lines = Path(ucla).read_text().splitlines()
    # the target last, after a space: ' admit'
    moved = [",".join([*r.split(",")[1:], " " + r.split(",")[0]]) for r in lines]
    (workdir / "s.csv").write_text("\n".join(moved) + "\n")
    code, _, err = _run(capsys, ["evaluate", "m.json", "s.csv"])
    assert code == 65
    assert err.startswith(
        "error: target column 'admit' (from the model file) not found in s.csv "
        "(the header writes it ' admit', with leading whitespace; names are "
        "matched exactly: remove the whitespace around the names in the header "
        "line); available: 'gre', 'gpa', 'rank', ' admit'"
    ), err


# -- 4. calibration bin edges ----------------------------------------------------------
def test_evaluate_json_calibration_edges_print_as_tenths(workdir, capsys, ucla):
    assert _run(capsys, ["fit", ucla, "-t", "admit", "-o", "m.json"])[0] == 0
    code, out, err = _run(capsys, ["evaluate", "m.json", ucla, "--json"])
    assert code == 0, err
    rows = json.loads(out)["calibration"]
    tenths = [k / 10 for k in range(11)]  # 3 / 10 == 0.3, the shortest repr
    assert rows and all(
        r["bin_low"] in tenths and r["bin_high"] in tenths for r in rows
    )
    assert [round(r["bin_high"] - r["bin_low"], 12) for r in rows] == [0.1] * len(rows)
    assert "0000000" not in out and "9999999" not in out.split('"calibration"')[1]


def test_calibration_edges_are_k_over_n():
    # the edges are k/n as division rounds them (numpy.linspace's 0.30000000000000004
    # put p = 0.3 in the bin below, against the documented k/n <= p < (k+1)/n)
    from logistic.metrics import calibration_table

    rows = calibration_table([0, 1, 1, 0, 1], [0.05, 0.3, 0.6, 0.7, 1.0])
    assert [(r["bin_low"], r["bin_high"]) for r in rows] == [
        (0.0, 0.1), (0.3, 0.4), (0.6, 0.7), (0.7, 0.8), (0.9, 1.0)
    ]
    assert [r["count"] for r in rows] == [1, 1, 1, 1, 1]


# -- 5. fit --stream prints the in-memory fit's table ----------------------------------
def test_fit_stream_prints_the_in_memory_results_table(workdir, capsys, ucla):
    code, in_memory, err = _run(capsys, ["fit", ucla, "-t", "admit", "-o", "a.json"])
    assert code == 0, err
    code, streamed, err = _run(
        capsys, ["fit", ucla, "-t", "admit", "-o", "b.json", "--stream"]
    )
    assert code == 0, err
    assert "Logistic regression results" in in_memory
    assert "LL-null:" in streamed and "Signif. codes:" in streamed
    # the same table; the streamed fit's separation was not checked, and says so
    table, note = streamed.rstrip("\n").rsplit("\n", 1)
    assert table + "\n" == in_memory
    assert note.startswith("Note: Separation was not checked for this fit")


def test_fit_stream_with_offset_keeps_the_plain_table(workdir, capsys, ucla):
    # the summary's header needs the null model, which with an offset is one
    # more fit over the data: a streamed fit shows the coefficient table only
    lines = Path(ucla).read_text().splitlines()
    text = [lines[0] + ",off"] + [f"{r},{i % 3 / 10}" for i, r in enumerate(lines[1:])]
    (workdir / "o.csv").write_text("\n".join(text) + "\n")
    args = ["fit", "o.csv", "-t", "admit", "--offset", "off", "--stream"]
    code, out, err = _run(capsys, args)
    assert code == 0, err
    assert out.startswith("solver newton")
    assert "LL-null" not in out
