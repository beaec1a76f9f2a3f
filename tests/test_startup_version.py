"""The package version read without importing importlib.metadata (``logistic._version``).

The reference is ``importlib.metadata.version`` itself, on the installed
package and on made-up ``sys.path`` layouts (dist-info and egg-info
directories, names spelt differently, several candidates, odd headers, a zip
file on the path): ``installed_version`` gives the same answer or raises the
same error, and answers the plain layouts without importlib.metadata.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import logistic
from logistic import _version
from logistic._version import installed_version


def test_installed_package_version_equals_importlib_metadata():
    assert installed_version("logistic") == importlib.metadata.version("logistic")
    assert logistic.__version__ == importlib.metadata.version("logistic")


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


def _stdlib_find_distributions(*args, **kwargs):
    # PathFinder.find_distributions as the standard library defines it
    from importlib.metadata import MetadataPathFinder

    return MetadataPathFinder.find_distributions(*args, **kwargs)


@pytest.fixture
def standard_finders(monkeypatch):
    """The standard library's distribution finders only: importing dask loads
    the importlib_metadata backport, which removes the standard path finder's
    ``find_distributions`` and adds its own finder (``_version`` then asks
    importlib.metadata, rightly)."""
    import importlib.machinery

    path_finder = importlib.machinery.PathFinder
    finders = [
        f for f in sys.meta_path
        if not hasattr(f, "find_distributions") or f is path_finder
    ]  # fmt: skip
    monkeypatch.setattr(sys, "meta_path", finders)
    if not hasattr(path_finder, "find_distributions"):
        monkeypatch.setattr(
            path_finder,
            "find_distributions",
            staticmethod(_stdlib_find_distributions),
            raising=False,
        )


def _dist(root: Path, dirname: str, metadata: str | None, file: str = "METADATA"):
    d = root / dirname
    d.mkdir(parents=True)
    if metadata is not None:
        (d / file).write_bytes(metadata.encode())


_PLAIN = "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nbody\n"

# (distribution directories per sys.path entry, the name asked for)
_LAYOUTS = {
    "dist-info": ([[("foo-1.2.dist-info", _PLAIN)]], "foo"),
    "spelt differently": ([[("Foo_Bar-2.0rc1.dist-info", _PLAIN)]], "foo.bar"),
    "egg-info dir": ([[("foo-0.3.egg-info", _PLAIN)]], "foo"),
    "first root wins": (
        [[("foo-1.0.dist-info", _PLAIN)], [("foo-9.0.dist-info", _PLAIN)]],
        "foo",
    ),
    "CRLF and case": (
        [[("foo-1.dist-info", "Name: foo\r\nversion:  \t1.5\r\n\r\n")]],
        "foo",
    ),
    "folded version": (
        [[("foo-1.dist-info", "Name: foo\nVersion: 1.\n 5\n\n")]],
        "foo",
    ),
    "no version": ([[("foo-1.dist-info", "Name: foo\n\n")]], "foo"),
    "version in the body": (
        [[("foo-1.dist-info", "Name: foo\nnot a header\nVersion: 3\n")]],
        "foo",
    ),
    "pkg-info only": ([[("foo-1.egg-info", "Name: foo\nVersion: 4\n\n")]], "foo"),
    "empty metadata": ([[("foo-1.dist-info", "")]], "foo"),
    "metadata missing": ([[("foo-1.dist-info", None)]], "foo"),
    "missing": ([[("bar-1.dist-info", _PLAIN)]], "foo"),
}


_ANSWERED_PLAINLY = {
    "dist-info", "spelt differently", "egg-info dir", "first root wins",
    "CRLF and case",
}  # fmt: skip


@pytest.mark.parametrize("layout", list(_LAYOUTS))
def test_made_up_layouts_equal_importlib_metadata(
    tmp_path, monkeypatch, standard_finders, layout
):
    roots, name = _LAYOUTS[layout]
    path = []
    for i, dists in enumerate(roots):
        root = tmp_path / f"root{i}"
        root.mkdir()
        for j, (dirname, text) in enumerate(dists):
            if text is not None:
                text = text.format(name=name, version=f"{i}.{j}")
            file = "PKG-INFO" if layout == "pkg-info only" else "METADATA"
            _dist(root, dirname, text, file)
        path.append(str(root))
    path.append(str(tmp_path / "not-there"))
    monkeypatch.setattr(sys, "path", path)
    importlib.invalidate_caches()
    try:
        want = ("value", importlib.metadata.version(name))
    except Exception as exc:
        want = ("error", type(exc).__name__)
    try:
        got = ("value", installed_version(name))
    except Exception as exc:
        got = ("error", type(exc).__name__)
    assert got == want
    if layout in _ANSWERED_PLAINLY:  # and without asking importlib.metadata
        monkeypatch.setattr(importlib.metadata, "version", None)
        assert ("value", installed_version(name)) == want


def test_plain_layouts_are_answered_without_importlib_metadata(
    tmp_path, monkeypatch, standard_finders
):
    _dist(tmp_path, "Foo_Bar-2.0.dist-info", "Name: foo-bar\nVersion: 2.0\n\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.setattr(importlib.metadata, "version", None)  # would fail
    assert installed_version("foo-bar") == "2.0"


def test_a_zip_file_on_the_path_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    archive = tmp_path / "dists.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("foo-7.0.dist-info/METADATA", "Name: foo\nVersion: 7.0\n\n")
    monkeypatch.setattr(sys, "path", [str(archive)])
    importlib.invalidate_caches()
    assert _version._metadata_dir("foo") is None
    assert installed_version("foo") == importlib.metadata.version("foo") == "7.0"


def test_default_replaces_only_a_missing_distribution(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    importlib.invalidate_caches()
    assert installed_version("foo", default="0.0.0+unknown") == "0.0.0+unknown"
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        installed_version("foo")


class _ListingFinder:
    """A meta-path finder that lists distributions (as importlib_metadata's)."""

    def find_spec(self, *args):
        return None

    def find_distributions(self, context=None):
        return iter(())


def test_another_distribution_finder_is_left_to_importlib_metadata(
    tmp_path, monkeypatch, standard_finders
):
    _dist(tmp_path, "foo-3.1.dist-info", "Name: foo\nVersion: 3.1\n\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.setattr(sys, "meta_path", [_ListingFinder(), *sys.meta_path])
    importlib.invalidate_caches()
    assert _version._metadata_dir("foo") is None
    assert installed_version("foo") == importlib.metadata.version("foo") == "3.1"
