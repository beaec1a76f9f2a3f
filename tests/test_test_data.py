"""The test datasets live in tests/data, each with its provenance and checksums.

* No test reads data from outside the repository (a sibling data folder is not
  there in a fresh clone).
* Every folder under tests/data has a README with source, licence, format and
  target; its checksum table lists exactly the files of the folder (or, for a
  dataset read from an installed package, the file ``data_path`` returns), with
  their sizes and sha256.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import DATA, INSTALLED, data_path

TESTS = Path(__file__).resolve().parent
SECTIONS = ("## Provenance", "## Licence", "## Format", "## Target and encoding")
ROW = re.compile(r"^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|", re.MULTILINE)
FOLDERS = sorted(p.name for p in DATA.iterdir() if p.is_dir() and p.name != "LICENSES")


def test_no_test_reads_data_from_outside_the_repository():
    word = "sha" + "red"  # split so that this file does not match itself
    outside = re.compile(rf"\.\./{word}|['\"]{word}['\"]|{word}/data")
    offenders = [
        f"{p.relative_to(TESTS)}:{n}: {line.strip()}"
        for p in sorted(TESTS.rglob("*"))
        if p.suffix in {".py", ".md", ".toml", ".cfg", ".ini"}
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert offenders == []
    assert DATA == TESTS / "data"


@pytest.mark.parametrize("folder", FOLDERS)
def test_dataset_folder_has_readme_and_matching_checksums(folder):
    readme = (DATA / folder / "README.md").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in readme, f"{folder}/README.md lacks {section!r}"
    table = ROW.findall(readme.split("## Files and checksums", 1)[1])
    assert table, f"{folder}/README.md has no checksum table"
    listed = {name for name, _, _ in table}
    present = {p.name for p in (DATA / folder).iterdir() if p.name != "README.md"}
    assert present == (set() if folder in INSTALLED else listed)
    for name, size, sha in table:
        data = data_path(folder, name).read_bytes()
        assert len(data) == int(size), name
        assert hashlib.sha256(data).hexdigest() == sha, name


def test_data_path_fails_loudly_for_a_missing_file():
    with pytest.raises(FileNotFoundError, match="is missing"):
        data_path("a9a", "no-such-file.gz")
