"""A model file's ``format_version`` is read only as ``save`` writes it,
``f"{major}.{minor}"``: two integers without a leading zero, sign or space.
The loader matched ``[0-9]{1,6}.[0-9]{1,6}`` and read each part with
``int``, so ``"1.05"`` read as 1.5 (a compact file of the 1.5 layout loaded
under a version no build writes) and ``"01.1"`` as 1.1; another reader
(``tuple(map(int, ...))`` or a version comparison on the text) may read a
different version from the same file. Each spelling is refused naming the
file, the field, the value and what is expected; every file written by
earlier builds (the fixtures: format 1.0, 1.1 and 1.2, written by
``logistic fit`` and ``logistic.save`` of those builds) still loads."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import logistic
from conftest import rewrite_model_file, run_cli
from logistic import ModelFormatError, VersionMismatchWarning
from logistic import io as lio

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def compact(tmp_path) -> Path:
    """A format 1.5 file: the wide L1 fixture saved by this build."""
    return logistic.save(
        logistic.load(FIXTURES / "wide_l1_format1_1.json"), tmp_path / "c.json"
    )


@pytest.mark.parametrize(
    "version",
    [
        "1.05",  # read as 1.5 before
        "01.5",
        "001.0005",
        "1.5 ",
        " 1.5",
        "1.5\n",
        "+1.5",
        "1.+5",
        "-1.5",
        "1.-5",
        "1.5.0",
        "1",
        "1,5",
        "1.5e0",
        "\uff11.\uff15",  # full-width digits
        "\u0661.\u0665",  # Arabic-Indic digits: int() reads them as 1 and 5
        "1234567.1",  # more than 6 digits
        1.5,
        15,
        None,
    ],
)
def test_a_version_not_spelled_as_save_writes_it_is_refused(compact, version):
    rewrite_model_file(compact, lambda d: d.update(format_version=version))
    with pytest.raises(ModelFormatError) as info:
        lio.read_model_file(compact)
    message = str(info.value)
    assert message.startswith(f"model file {compact}: field 'format_version' is ")
    assert repr(version)[:40] in message
    assert "expected the text 'MAJOR.MINOR'" in message
    assert "no leading zero, sign or space (such as '1.5')" in message


@pytest.mark.parametrize(
    ("version", "shown"),
    [(1.5, "float 1.5"), (15, "int 15"), (True, "bool True"), (None, "NoneType None")],
)
def test_a_version_that_is_no_text_names_its_type(compact, version, shown):
    # the JSON number 1.5 shown bare ("is 1.5; expected ... such as '1.5'")
    # reads as if the expected value were refused: the type is named, as
    # checkpoints name theirs ("'format_version' is float 1.0")
    rewrite_model_file(compact, lambda d: d.update(format_version=version))
    with pytest.raises(ModelFormatError) as info:
        lio.read_model_file(compact)
    assert f"field 'format_version' is {shown}; expected the text" in str(info.value)


@pytest.mark.parametrize("version", ["0.0", "0.9", "0.5"])
def test_a_major_version_0_no_build_wrote_is_refused(tmp_path, version):
    # the first format is 1.0 (the fixture ucla_formula_format1.json): a
    # file claiming 0.x loaded silently, strict loading included, though no
    # build wrote it and another reader may take 0.x for unsupported
    path = tmp_path / "narrow.json"
    shutil.copy(FIXTURES / "narrow_l2_format1_1.json", path)
    rewrite_model_file(path, lambda d: d.update(format_version=version))
    for strict in (False, True):
        with pytest.raises(ModelFormatError) as info:
            lio.read_model_file(path, strict=strict)
        assert (
            f"model file {path}: field 'format_version' is '{version}'; no build "
            "writes a format older than 1.0"
        ) in str(info.value)


def test_the_command_line_refuses_it_in_one_line_exit_65(compact, capsys):
    rewrite_model_file(compact, lambda d: d.update(format_version="1.05"))
    code, out, err = run_cli(capsys, ["summary", compact])
    assert code == 65 and out == ""
    assert "field 'format_version' is '1.05'; expected the text" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("ucla_formula_format1.json", "1.0"),
        ("ucla_formula_format1_1.json", "1.1"),
        ("narrow_l2_format1_1.json", "1.1"),
        ("wide_l1_format1_1.json", "1.1"),
        ("iris_multinomial_unsymmetric_cov_307be620.json", "1.2"),
    ],
)
def test_files_of_earlier_builds_still_load(tmp_path, name, version):
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        mf = lio.read_model_file(path)
    assert mf.format_version == version
    assert np.all(np.isfinite(mf.model.coef_))


def test_canonical_versions_read_as_their_numbers(compact):
    # "1.10" is minor 10, newer than this build's 1.5 (not 1.1): it warns so,
    # and a compact field under "1.4" is refused as older than 1.5
    rewrite_model_file(compact, lambda d: d.update(format_version="1.10"))
    with pytest.warns(VersionMismatchWarning, match="has format 1.10, newer than"):
        lio.read_model_file(compact)
    rewrite_model_file(compact, lambda d: d.update(format_version="1.4"))
    with pytest.raises(ModelFormatError, match=r"'format_version' is 1\.4 but"):
        lio.read_model_file(compact)
