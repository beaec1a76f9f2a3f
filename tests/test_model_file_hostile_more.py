"""Hostile and damaged model files a production trial found loading, or
refused with the wrong reason.

* A key named twice in one JSON object: Python's ``json`` keeps the last
  value, other readers (and reviewers) the first; the checksum, computed on
  the parsed document, still matched. Refused now.
* A newer minor format (``1.9`` from this library's own version) loaded
  silently, its added fields ignored; now a ``VersionMismatchWarning``, and
  refused by ``strict=True``.
* ``strict=True`` let unknown keys through in ``model``, ``model.classes``
  and ``checksum``.
* ``NaN``/``Infinity``/``1e400`` in a coefficient was called a checksum
  mismatch; a compact (``json.dumps``) file, truncated, was called "not a
  logistic model file"; one nested too deeply, the same.
* A small file of many empty arrays took ~27x its size in memory to parse
  (17 million ``[]`` in 51 MB: 1.4 GB); the brackets are counted first.
"""

from __future__ import annotations

import hashlib
import json
import warnings

import pytest

import logistic
from conftest import fit_ucla_model
from logistic import (
    IntegrityError,
    ModelFormatError,
    UnsupportedVersionError,
    VersionMismatchWarning,
)
from logistic.io import _canonical
from logistic.io._parse import MAX_CONTAINERS


@pytest.fixture
def saved(tmp_path, capsys):
    path = fit_ucla_model(tmp_path)  # logistic fit: a formula, a label mapping
    capsys.readouterr()
    return path


def _resigned(doc: dict) -> dict:
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    return doc


def _rewrite(path, edit) -> None:
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(_resigned(doc), indent=2))


def test_a_key_named_twice_is_refused(saved):
    text = saved.read_text()
    assert text.count('"coef": [') == 1
    saved.write_text(text.replace('"coef": [', '"coef": [100, 100, 100],\n    "coef": [', 1))
    with pytest.raises(ModelFormatError, match=r"names the key 'coef' twice in one object"):
        logistic.load(saved)
    with pytest.raises(ModelFormatError, match="twice"):
        logistic.load(saved, strict=True)


def test_a_newer_minor_format_warns_and_strict_refuses(saved):
    _rewrite(saved, lambda doc: doc.update(format_version="1.9"))
    with pytest.warns(VersionMismatchWarning, match=r"format 1\.9, newer than this build's 1\.\d"):
        model = logistic.load(saved)
    assert model.coef_.shape == (1, 5)
    with pytest.raises(UnsupportedVersionError, match="strict loading refuses it"):
        logistic.load(saved, strict=True)


def test_the_current_format_loads_without_a_warning(saved):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logistic.load(saved, strict=True)


@pytest.mark.parametrize(
    "edit,where",
    [
        (lambda doc: doc["model"].update(link="probit"), "'model'"),
        (lambda doc: doc["model"]["classes"].update(order="reversed"), "'model.classes'"),
        (lambda doc: doc["checksum"].update(signed_by="me"), "'checksum'"),
    ],
    ids=["model", "classes", "checksum"],
)
def test_strict_refuses_unknown_fields(saved, edit, where):
    _rewrite(saved, edit)
    logistic.load(saved)  # not strict: read as before
    with pytest.raises(ModelFormatError, match=f"unknown field.* in {where}"):
        logistic.load(saved, strict=True)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_coefficient_is_named_not_called_a_checksum_mismatch(saved, literal):
    doc = json.loads(saved.read_text())
    coef = doc["model"]["coef"]
    text = saved.read_text().replace(repr(coef[1]), literal, 1)
    saved.write_text(text)
    with pytest.raises(ModelFormatError, match=r"field 'model\.coef\[1\]' holds a non-finite number"):
        logistic.load(saved)


def test_a_compact_file_cut_short_is_called_truncated(saved):
    doc = json.loads(saved.read_text())
    compact = json.dumps(doc)
    saved.write_text(compact)
    logistic.load(saved)  # the compact layout reads
    saved.write_text(compact[: len(compact) // 2])
    with pytest.raises(IntegrityError, match="is truncated or corrupt"):
        logistic.load(saved)


def test_deep_nesting_is_named(saved):
    doc = json.loads(saved.read_text())
    compact = json.dumps(doc)
    deep = compact[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
    saved.write_text(deep)
    with pytest.raises(ModelFormatError, match="nests its JSON too deeply"):
        logistic.load(saved)


def test_many_containers_are_refused_before_parsing(saved):
    doc = json.loads(saved.read_text())
    pre, post = json.dumps(doc).rsplit("}", 1)
    padding = "[" + "[]," * MAX_CONTAINERS + "[]]"
    saved.write_text(f'{pre}, "zz": {padding}}}{post}')
    with pytest.raises(ModelFormatError, match=r"holds 5,000,\d{3} JSON arrays and objects"):
        logistic.load(saved)


def test_memory_running_out_names_the_model_file(saved, monkeypatch):
    import logistic.io._parse as parsing

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(parsing.json, "loads", no_memory)
    with pytest.raises(ModelFormatError, match=r"m\.json \(\d[\d,]* bytes\) is too large to read"):
        logistic.load(saved)


def test_brackets_inside_strings_are_not_counted(monkeypatch):
    """Feature names such as ``px[3][7]`` or ``c[T.a]`` hold brackets: a
    legitimate file of 2.6 million such names (136 MB) holds 5.2 million of
    them and was refused; only arrays and objects count.

    The names are checked against a limit of 10 000 (6 000 names, 12 000
    brackets): ``_containers`` reads ``MAX_CONTAINERS`` when it runs and
    compares the quick count with it, so the strings are stripped as they are
    past 5 million (3 million names took 9 s of the test). The two checks
    after it keep the real limit: one string of 5 million brackets, and 5
    million containers."""
    import logistic.io._parse as parsing
    from logistic.io._parse import _containers

    with monkeypatch.context() as patched:
        patched.setattr(parsing, "MAX_CONTAINERS", 10_000)
        names = b"[" + b", ".join(b'"px[%d][%d]"' % (i, i) for i in range(6_000)) + b"]"
        assert _containers(b'{"feature_names": ' + names + b"}") == 2
    quoted = b'"\\"' + b"[" * (MAX_CONTAINERS + 1) + b'"'  # an escaped quote inside
    assert _containers(b'{"a": ' + quoted + b', "b": [[], {}]}') == 4
    assert _containers(b"[" + b"[]," * (MAX_CONTAINERS + 1) + b"[]]") == MAX_CONTAINERS + 3
