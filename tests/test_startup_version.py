"""The package version (``logistic._version``), written once and read without
importing ``importlib.metadata``.

The reference is the installed distribution's metadata
(``importlib.metadata.version``), which setuptools builds from the same
literal (``[tool.setuptools.dynamic]`` in ``pyproject.toml``).
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import logistic

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_the_installed_metadata_version():
    assert logistic.__version__ == importlib.metadata.version("logistic")


def test_pyproject_takes_the_version_from_the_package():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic = \["version"\]', text, re.MULTILINE)
    assert re.search(
        r'^version = \{ attr = "logistic\._version\.__version__" \}', text, re.MULTILINE
    )
    assert not re.search(r'^version = "', text, re.MULTILINE)  # no second copy


def test_the_package_version_needs_no_importlib_metadata():
    code = (
        "import sys\n"
        "import logistic\n"
        "print(logistic.__version__)\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [importlib.metadata.version("logistic"), "False"]
