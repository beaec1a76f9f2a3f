"""The package's import structure: no cycles (lazy imports included), light import.

The import graph is read from the source with :mod:`ast`: every ``import`` and
``from … import`` statement of every module under ``src/logistic`` is an edge,
wherever it stands (module level, inside a function, under ``TYPE_CHECKING``),
so an import that only runs on some path still counts. A package's
``__init__`` is the node of the package itself.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "logistic"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")}


def _resolve(current: str, is_package: bool, level: int, name: str | None) -> str:
    """Absolute name of a relative import inside module ``current``."""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of this package that ``name`` imports (the closest existing node)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve(name, is_package, node.level, node.module)
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else base)
    found = set()
    for t in targets:
        if not (t == PACKAGE or t.startswith(PACKAGE + ".")):
            continue
        while t not in modules and "." in t:
            t = t.rsplit(".", 1)[0]
        # importing a.b.c first runs a/__init__ and a/b/__init__: edges too
        parts = t.split(".")
        for k in range(2, len(parts) + 1):
            node = ".".join(parts[:k])
            if node in modules and node != name and not name.startswith(node + "."):
                found.add(node)
    return found


@functools.cache
def _read_import_graph() -> dict[str, frozenset[str]]:
    modules = _modules()
    return {
        name: frozenset(_imports(name, path, modules)) for name, path in modules.items()
    }


def import_graph() -> dict[str, set[str]]:
    """Each module's imports of this package. The source is parsed once per
    test process (it does not change during a run; parsing every module takes
    seconds, and four tests read the graph); each caller gets its own sets."""
    return {name: set(found) for name, found in _read_import_graph().items()}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    color = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        color[node] = GREY
        stack.append(node)
        for nxt in sorted(graph[node]):
            if color[nxt] == GREY:
                return stack[stack.index(nxt) :] + [nxt]
            if color[nxt] == WHITE:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        color[node] = BLACK
        return None

    for node in sorted(graph):
        if color[node] == WHITE:
            found = visit(node)
            if found:
                return found
    return None


def test_graph_reader_sees_lazy_imports():
    graph = import_graph()
    # importing logistic.io._terms runs logistic/io/__init__.py first
    assert "logistic.io" in graph["logistic.tabular._formula"]
    # estimator imports the solver registry at module level ...
    assert "logistic.solvers" in graph["logistic.estimator"]
    # ... and a reader that skipped function bodies would miss the CLI's lazy imports
    assert any(t.startswith("logistic.") for t in graph["logistic.cli.fit"])


def test_cycle_finder_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_lazy_imports_included():
    cycle = _find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    "heavy",
    [
        "logistic.backends.chunked",
        "logistic.backends.dask",
        "dask",
        "distributed",
        "pyarrow",
        "sklearn",
        "matplotlib",
        "typer",
        "formulaic",
        "pandas",
        # the package's own numerics load on first use of a public name
        # (logistic/__init__.py's module __getattr__), not at ``import logistic``
        "numpy",
        "scipy",
    ],
)
def test_import_logistic_stays_light(heavy, loaded_by_import_logistic):
    assert heavy not in loaded_by_import_logistic, f"import logistic loaded {heavy}"


def _loaded_by(code: str) -> set[str]:
    """The names in ``sys.modules`` after ``code`` runs in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(*sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


@pytest.fixture(scope="module")
def loaded_by_import_logistic() -> frozenset[str]:
    """``sys.modules`` after a fresh interpreter's ``import logistic``: one
    process for every test that reads it (each would start the same one)."""
    return frozenset(_loaded_by("import logistic"))


#: scipy submodules that only some fits need (L-BFGS, CG, the separation LP,
#: p-values, profile intervals); each is imported inside the function using it.
_HEAVY_SCIPY = (
    "scipy.optimize",
    "scipy.sparse.linalg",
    "scipy.stats",
    "scipy.integrate",
    "scipy.interpolate",
    "scipy.spatial",
)


def test_import_logistic_loads_no_numerics(loaded_by_import_logistic):
    # structural, not a timing: what ``import logistic`` leaves in sys.modules
    ours = {m for m in loaded_by_import_logistic if m.startswith("logistic")}
    # the thread budget (standard library only) reads OMP_NUM_THREADS at import
    allowed = {"logistic", "logistic._exceptions", "logistic._thread_budget"}
    assert ours <= allowed, sorted(ours)


def test_estimator_import_defers_heavy_scipy():
    loaded = _loaded_by("from logistic import LogisticRegression")
    assert "logistic.estimator" in loaded  # the lazy name really imported it
    heavy = sorted(m for m in loaded if m.startswith(_HEAVY_SCIPY))
    assert heavy == [], f"from logistic import LogisticRegression loaded {heavy}"


def test_lazy_public_names_are_the_real_objects():
    code = (
        "import logistic\n"
        "from logistic.estimator import LogisticRegression\n"
        "from logistic.io import load\n"
        "assert logistic.LogisticRegression is LogisticRegression\n"
        "assert logistic.load is load\n"
        "assert set(logistic.__all__) <= set(dir(logistic))\n"
        "assert all(getattr(logistic, n) is not None for n in logistic.__all__)\n"
        "try:\n    logistic.no_such_name\nexcept AttributeError:\n    pass\n"
        "else:\n    raise SystemExit('no AttributeError')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_submodules_are_attributes_of_a_fresh_import():
    # the docs write ``logistic.formats.sniff_format(...)`` after ``import
    # logistic`` alone: each public submodule loads on first attribute access
    code = (
        "import importlib, logistic\n"
        "names = ('backends', 'columns', 'datasets', 'derivation', 'formats',\n"
        "         'inference', 'io', 'metrics', 'model_selection', 'onnx_export',\n"
        "         'solvers', 'tabular')\n"
        "for name in names:\n"
        "    module = getattr(logistic, name)\n"
        "    assert module is importlib.import_module('logistic.' + name), name\n"
        "    assert name in dir(logistic), name\n"
        "assert callable(logistic.formats.sniff_format)\n"
        "assert callable(logistic.columns.plan_columns)\n"
        "own = {'Any', 'TYPE_CHECKING', 'annotations', 'importlib'} & set(dir(logistic))\n"
        "assert not own, own\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_inference_package_imports_its_modules_on_first_use():
    # fit keeps its statistics through inference._stored: the package's
    # __init__ must not load margins, influence or the multinomial tables
    loaded = _loaded_by("import logistic.inference._stored")
    heavy = sorted(
        m
        for m in loaded
        if m.startswith("logistic.inference.")
        and m.split(".")[-1] in ("_margins_results", "_influence", "_multinomial")
    )
    assert heavy == [], heavy
    code = (
        "import importlib, logistic.inference as inf\n"
        "for name in inf.__all__:\n"
        "    module = importlib.import_module('logistic.inference.' + inf._LAZY[name])\n"
        "    assert getattr(inf, name) is getattr(module, name), name\n"
        "assert set(inf.__all__) == set(inf._LAZY) <= set(dir(inf))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sparse_check_is_a_leaf_that_imports_no_scipy():
    # logistic._sparse.issparse answers without importing scipy.sparse
    code = (
        "import numpy as np\n"
        "from logistic._sparse import issparse\n"
        "from logistic._validation import check_X\n"
        "assert not issparse(np.eye(2))\n"
        "check_X(np.eye(2))\n"
        "import sys\n"
        "assert 'scipy.sparse' not in sys.modules, 'scipy.sparse imported'\n"
        "import scipy.sparse as sp\n"
        "assert issparse(sp.csr_matrix(np.eye(2))) and issparse(sp.csr_array((2, 2)))\n"
        "assert not issparse(np.eye(2))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    graph = import_graph()
    assert {t for t in graph["logistic._sparse"] if t.startswith("logistic")} == set()


def test_thread_budget_is_a_leaf():
    """``import logistic`` loads it (OMP_NUM_THREADS is read at import): the
    standard library and the BLAS limit (a leaf, imported lazily) only."""
    graph = import_graph()
    ours = {t for t in graph["logistic._thread_budget"] if t.startswith("logistic")}
    assert ours <= {"logistic._blas_threads"}, sorted(ours)
    loaded = _loaded_by("import logistic._thread_budget")
    assert not {m for m in loaded if m.split(".")[0] in ("numpy", "scipy")}
