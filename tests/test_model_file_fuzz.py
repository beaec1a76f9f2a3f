"""Model-file mutation fuzzer: whatever a file holds, load() is safe and precise.

RELIABILITY rows P01, P04 and P06. Four valid files (a formula model in the
current format, the committed format-1.0 formula file, an automatic-columns
model, and an unpenalized three-class model with its covariance, fit
statistics and target levels, format 1.2) are mutated at every JSON path: the field deleted, its value swapped
for each of a set of values of other types, its strings replaced by code
payloads; then bit flips, truncations and the formula injections. After every
mutation the checksum is recomputed, so the schema check (not only the
checksum) must stop the file. Each mutated file must either raise
:class:`ModelFormatError` (or a subclass) or load into a model that is
consistent: its coefficients fit its features, and applying its encoding to
the training data gives a matrix of that width (or a data error, when the
mutation renamed a column or a level). Nothing else may be raised, and no
payload may run: each would create the sentinel file, which must not exist.

Loops are seeded and exhaustive over paths (of the solver history, one
object per iteration checked by one loop: its first, second and last
entries, :data:`HISTORY`; of a numeric array outside the encoding, read as
one array: the first, second and last entries of each kind, :func:`_entries`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logistic
from conftest import data_path, run_cli
from logistic import (
    DataValidationError,
    LogisticRegression,
    ModelFormatError,
    VersionMismatchWarning,
)
from logistic import io as lio
from logistic._exceptions import LogisticError, PerfectSeparationWarning
from logistic.io._terms import TermError, check_factors, parse_factor
from logistic.tabular import apply_design, fit_design, read_data

FIXTURE = Path(__file__).parent / "fixtures" / "ucla_formula_format1.json"
FORMULA = "admit ~ center(gre) + scale(gpa) + I(gpa ** 2) + np.log(gre) + C(rank) * gpa"

Path_ = tuple[Any, ...]


#: The solver history: one object per iteration, each checked by the same
#: loop (``io._schema._history``), the last one read besides
#: (``_last_state_from_history``); its paths are taken in the first, the
#: second and the last entries (the others are checked as the second is).
HISTORY: Path_ = ("model", "history")


def _kind(value: Any) -> Any:
    """An entry's kind in a numeric array (None for any other value): a
    number, a null, a boolean, or a row of those, by the kinds of its entries
    (a row with a null at column j is of another kind than a row of numbers,
    and a null row of a third)."""
    if value is None or isinstance(value, bool):
        return repr(value) if value is None else "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list) and value:
        kinds = tuple(_kind(v) for v in value)
        return None if None in kinds or "row" in str(kinds) else ("row", kinds)
    return None


def _entries(node: list, prefix: Path_) -> list[int]:
    """The indices of a list whose paths are mutated: all of them, except in
    the solver history (:data:`HISTORY`) and in a numeric array (a vector or
    a matrix of numbers and nulls: coefficients, covariance, the fit
    statistics' vectors), which its reader takes as one array (``np.array``,
    one ``_finite_list`` loop a row): there the first, the second and the last
    entry of each kind (:func:`_kind`), so that a null row, or a row's null
    column, of an aliased parameter is mutated as well as the numbers. The
    encoding's lists (levels, terms, names) are mutated whole."""
    if prefix == HISTORY:
        return sorted({0, 1, len(node) - 1} & set(range(len(node))))
    kinds = [_kind(v) for v in node]
    if None in kinds or prefix[:1] == ("encoding",):  # levels: each its own
        return list(range(len(node)))
    by_kind: dict[Any, list[int]] = {}
    for i, kind in enumerate(kinds):
        by_kind.setdefault(kind, []).append(i)
    return sorted({i for idx in by_kind.values() for i in (*idx[:2], idx[-1])})


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i in _entries(node, prefix):
            yield from _paths(node[i], (*prefix, i))


def _swaps(sentinel: Path) -> list[Any]:
    code = f'{{__import__("os").system("touch {sentinel}")}}'
    return [
        None,
        True,
        0,
        -1,
        2.5,
        10**30,
        "",
        "x",
        code,
        f"open({str(sentinel)!r}, 'w')",
        [],
        [1, "a"],
        {},
        {"op": "column", "name": "gre"},
    ]


_DELETE = object()


def _replaced(node: Any, path: Path_, value: Any) -> Any:
    """A copy of ``node`` with the value at ``path`` replaced by ``value`` (or
    deleted, for ``_DELETE``): the containers along ``path`` are copied, the
    rest is shared with ``node`` (no reader of a mutated document changes it,
    and ``_sealed`` adds its checksum to the copied top)."""
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    key = path[0]
    if len(path) > 1:
        copy[key] = _replaced(node[key], path[1:], value)
    elif value is _DELETE:
        del copy[key]
    else:
        copy[key] = value
    return copy


def _mutations(doc: dict, sentinel: Path) -> Iterator[tuple[str, dict]]:
    """(label, mutated copy) for every path: delete, swap types, inject code."""
    for path in _paths(doc):
        if not path or path[0] == "checksum":
            continue
        yield f"delete {path}", _replaced(doc, path, _DELETE)
        for value in _swaps(sentinel):
            yield f"{path} = {value!r:.40}", _replaced(doc, path, value)


def _sealed(doc: dict) -> bytes:
    """The document with a recomputed checksum, as the bytes of a file."""
    doc["checksum"] = {
        "algorithm": "sha256",
        "value": hashlib.sha256(lio._canonical(doc)).hexdigest(),
    }
    return json.dumps(doc).encode()


class Checker:
    """Loads a file and checks the outcome; counts what happened."""

    def __init__(self, directory: Path, raw: Any) -> None:
        self.directory = directory
        self.raw = raw
        self.counts = {"refused": 0, "loaded": 0, "data error": 0}
        self._widths: dict[str, int | None] = {}  # encoding text -> X width

    def check_bytes(self, raw: bytes, label: str) -> None:
        try:
            mf = lio.read_model_bytes(raw, "fuzz.json")
        except ModelFormatError:
            self.counts["refused"] += 1
            return
        except Exception as exc:  # noqa: BLE001 - the point of the test
            pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
        self.counts["loaded"] += 1
        self._consistent(mf, label)
        if len(mf.model.classes_) > 2:
            self._statistics(raw, label)

    def _statistics(self, raw: bytes, label: str) -> None:
        """A K-class file through load(), which alone reads its fit statistics
        (read_model_bytes keeps them as data), then the inference they allow
        without the data."""
        path = self.directory / "fuzz.json"
        path.write_bytes(raw)
        try:
            model = logistic.load(path)
        except ModelFormatError:
            return
        except Exception as exc:  # noqa: BLE001 - the point of the test
            pytest.fail(f"{label}: load: {type(exc).__name__}: {exc}")
        if getattr(model, "fit_statistics_", None) is not None:
            try:
                model.inference()
            except LogisticError:
                pass

    def check_doc(self, doc: dict, label: str) -> None:
        try:
            raw = _sealed(doc)
        except ValueError:  # a NaN or a huge int that JSON text cannot hold
            return
        self.check_bytes(raw, label)

    def check_bit_flips(self, doc: dict, seed: int, size: int) -> None:
        """Flip ``size`` seeded bits of the JSON text, one at a time; when it
        still parses, recompute the checksum."""
        text = json.dumps(doc).encode()
        rng = np.random.default_rng(seed)
        for pos, bit in zip(
            rng.integers(0, len(text), size=size),
            rng.integers(0, 7, size=size),
            strict=True,
        ):
            flipped = bytearray(text)
            flipped[pos] ^= 1 << int(bit)
            try:
                parsed = json.loads(bytes(flipped).decode("utf-8"))
            except ValueError:
                self.check_bytes(bytes(flipped), f"flip {pos}:{bit}")
                continue
            if isinstance(parsed, dict):
                self.check_doc(parsed, f"flip {pos}:{bit}")

    def _consistent(self, mf: Any, label: str) -> None:
        model = mf.model
        n = model.n_features_in_
        K = len(model.classes_)
        assert model.coef_.shape == (K if K > 2 else 1, n), label
        assert model.intercept_.shape == (K if K > 2 else 1,), label
        assert np.all(np.isfinite(model.coef_)), label
        assert K >= 2 and len(set(model.classes_.tolist())) == K, label
        if mf.encoding is None:
            return
        assert len(mf.encoding["feature_names"]) == n, label
        key = json.dumps(mf.encoding, sort_keys=True)
        if key not in self._widths:  # apply each distinct encoding once
            self._widths[key] = self._apply(mf, label)
        if self._widths[key] is None:
            self.counts["data error"] += 1
        else:
            assert self._widths[key] == n, label

    def _apply(self, mf: Any, label: str) -> int | None:
        try:
            target = mf.encoding["label"] is not None
            design = apply_design(self.raw, mf.encoding, with_target=target)
        except DataValidationError:
            return None
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"{label}: apply_design raised {type(exc).__name__}: {exc}")
        named = hasattr(mf.model, "feature_names_in_")
        with np.errstate(all="ignore"):
            z = mf.model.decision_function(design.named_X() if named else design.X)
        assert z.shape[0] == self.raw.n_rows, label
        return design.X.shape[1]


@pytest.fixture(scope="module")
def raw():
    return read_data(data_path("ucla-admissions", "binary.csv"))


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, dict]:
    from logistic.cli.app import main

    directory = tmp_path_factory.mktemp("fuzz-models")
    data = data_path("ucla-admissions", "binary.csv")
    docs = {}
    for name, args in {
        "formula": ["--formula", FORMULA],
        "columns": ["-t", "admit"],
    }.items():
        out = directory / f"{name}.json"
        assert main(["fit", str(data), *args, "-o", str(out)]) == 0
        docs[name] = json.loads(out.read_text())
    docs["format 1.0"] = json.loads(FIXTURE.read_text())
    return docs


@pytest.fixture(scope="module")
def iris_raw():
    return read_data(data_path("iris", "iris.csv"))


@pytest.fixture(scope="module")
def multiclass_doc(iris_raw, tmp_path_factory) -> dict:
    """An unpenalized three-class model (reference level versicolor) of two
    iris columns: coefficient rows, covariance, fit statistics, levels."""
    design = fit_design(
        iris_raw,
        target="species",
        features=["sepal_width", "petal_width"],
        reference="versicolor",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = LogisticRegression().fit(design.X, design.y)
    out = tmp_path_factory.mktemp("fuzz-k") / "k.json"
    lio.save(model, out, encoding=design.encoding)
    doc = json.loads(out.read_text())
    assert doc["covariance"] and "fit_statistics" in doc["training"]
    return doc


@pytest.fixture
def checker(tmp_path, raw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        yield Checker(tmp_path, raw)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("name", ["formula", "format 1.0", "columns"])
def test_every_path_deleted_or_swapped(models, checker, tmp_path, name):
    doc = models[name]
    sentinel = tmp_path / "PWNED"
    n = 0
    for label, mutated in _mutations(doc, sentinel):
        checker.check_doc(mutated, label)
        n += 1
    assert n > 300 and checker.counts["refused"] > n // 2
    assert not sentinel.exists()


def test_every_multiclass_path_deleted_or_swapped(multiclass_doc, iris_raw, tmp_path):
    sentinel = tmp_path / "PWNED"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        checker = Checker(tmp_path, iris_raw)
        n = 0
        for label, mutated in _mutations(multiclass_doc, sentinel):
            checker.check_doc(mutated, label)
            n += 1
        checker.check_bit_flips(multiclass_doc, seed=11, size=300)
    assert n > 1000 and checker.counts["refused"] > n // 2
    assert not sentinel.exists()


@pytest.mark.parametrize("name", ["formula", "format 1.0"])
def test_bit_flips_with_recomputed_checksum(models, checker, name):
    checker.check_bit_flips(models[name], seed=10, size=600)


def test_truncations_at_every_offset_step(models, checker):
    raw = json.dumps(models["formula"], indent=2).encode()
    q = checker.directory / "t.json"
    for cut in range(0, len(raw), max(1, len(raw) // 400)):
        checker.check_bytes(raw[:cut], f"cut at {cut}")
    for cut in range(1, len(raw), max(1, len(raw) // 20)):  # through the file path
        q.write_bytes(raw[:cut])
        with pytest.raises(ModelFormatError):
            lio.read_model_file(q)
    assert checker.counts["loaded"] == 0


def _formula_injections(sentinel: Path) -> Iterator[tuple[str, str]]:
    s = str(sentinel)
    chars = "+".join(f"chr({ord(c)})" for c in s)
    for code in (
        f'__import__("os").system("touch {s}")',
        f"__import__(chr(111)+chr(115)).system(chr(116)+chr(111)+chr(117)+{chars})",
        f"open({chars},chr(119))",
        "().__class__.__base__.__subclasses__()",
        "np.load(x, allow_pickle=True)",
        "getattr(np, chr(101) + chr(118))(gre)",
        "lambda: 0",
        "[x for x in gre]",
        "gre if gpa else rank",
        "np.log(gre).__class__",
        "C(rank)[0]",
    ):
        yield "block", "{" + code + "}"
        yield "bare", code
        yield "inside I", f"I({code})"
        yield "inside center", f"center({code})"


def test_formula_injections_in_every_form(models, checker, tmp_path):
    sentinel = tmp_path / "PWNED"
    legacy, current = models["format 1.0"], models["formula"]
    for where, code in _formula_injections(sentinel):
        doc = json.loads(json.dumps(legacy))
        doc["encoding"]["rhs"] += " + " + code
        checker.check_doc(doc, f"rhs {where}: {code}")
        for factor in current["encoding"]["factors"]:
            doc = json.loads(json.dumps(current))
            doc["encoding"]["factors"][factor] = {"kind": "numeric", "expr": code}
            checker.check_doc(doc, f"{factor} expr {where}: {code}")
            doc["encoding"]["factors"][factor] = {"kind": "python", "code": code}
            checker.check_doc(doc, f"{factor} kind {where}: {code}")
    assert checker.counts["loaded"] == 0
    assert not sentinel.exists()


def test_labels_and_names_are_data_never_code(models, checker, tmp_path):
    # a payload used only as a name (factor, column, level, feature) is inert:
    # the file loads or is refused, and the payload never runs
    sentinel = tmp_path / "PWNED"
    code = f'{{__import__("os").system("touch {sentinel}")}}'
    doc = json.loads(json.dumps(models["formula"]))
    enc = doc["encoding"]
    enc["factors"][code] = enc["factors"].pop("C(rank)")
    for block in enc["terms"]:
        for item in block:
            if item["factor"] == "C(rank)":
                item["factor"] = code
    renamed = [n.replace("C(rank)", code) for n in enc["feature_names"]]
    enc["feature_names"] = doc["model"]["feature_names"] = renamed
    checker.check_doc(doc, "payload as a factor name")
    # a factor name that is no formula term must be the column the factor
    # reads (io._consistency.check_factor_names): this one, on C(rank), is not
    assert checker.counts == {"refused": 1, "loaded": 0, "data error": 0}
    enc["factors"][code]["column"] = code  # the payload as a column read by name
    enc["variables"] = [code if v == "rank" else v for v in enc["variables"]]
    checker.check_doc(doc, "payload as a column name")
    # loads; the data have no such column (a data error, not a run)
    assert checker.counts == {"refused": 1, "loaded": 1, "data error": 1}
    assert not sentinel.exists()


def test_cli_on_mutated_files_never_crashes(models, workdir, capsys):
    # a sample of the mutations through `logistic predict`: 0 or 65, never 1
    data = shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "d.csv")
    rng = np.random.default_rng(3)
    mutations = list(_mutations(models["formula"], workdir / "PWNED"))
    for i in rng.choice(len(mutations), size=40, replace=False):
        label, doc = mutations[int(i)]
        try:
            (workdir / "m.json").write_bytes(_sealed(doc))
        except ValueError:
            continue
        code, _, err = run_cli(
            capsys, ["predict", "m.json", data, "-o", "p.csv", "--force"]
        )
        assert code in (0, 65), f"{label}: {err}"
        assert "Traceback" not in err and "internal error" not in err, label
    assert not (workdir / "PWNED").exists()


_FORMULA_CHARS = "abxyzCIn.plogcentrsq()[]{}:+-*/%@~^&|!<>=,'\"`\\ 0123456789e_"


@pytest.fixture(scope="module")
def empty_cwd(tmp_path_factory):
    """An empty working directory: a parsed formula that ran code and wrote a
    file (the sentinel of this module's other fuzzers) would show up here."""
    return tmp_path_factory.mktemp("factor-fuzz")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_FORMULA_CHARS, max_size=40))
def test_factor_parser_accepts_only_the_grammar(empty_cwd, text):
    # random text: parsed into a tree of the grammar, or TermError; never run.
    # Every tree is then checked: the grammar's check accepts it (returns) or
    # refuses it with ModelFormatError, and nothing is ever written.
    # (os.chdir by hand: contextlib.chdir is Python 3.11+, the package 3.10+)
    cwd = os.getcwd()
    os.chdir(empty_cwd)
    try:
        try:
            spec = parse_factor(text)
        except TermError:
            return
        if spec["kind"] == "categorical":
            assert text.strip().startswith("C(") and spec["column"].isidentifier()
        try:
            check_factors({"f": spec}, "<fuzz>")
        except ModelFormatError:
            pass
    finally:
        os.chdir(cwd)
    assert not any(empty_cwd.iterdir()), list(empty_cwd.iterdir())
