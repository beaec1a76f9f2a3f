"""The solver registry: every built-in name known at import, classes on first use.

The declared table (``logistic.solvers._BUILT_IN``) must name the module that
really registers each solver, in the registration order of the modules (that
order decides which solver ``auto`` takes for Firth and L1 fits).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from logistic import InvalidParameterError
from logistic.solvers import _BUILT_IN, SOLVERS, Solver, get_solver, register
from logistic.solvers._registry import LazyRegistry


def test_declared_modules_register_their_solvers():
    classes = dict(SOLVERS.items())  # imports every declared module
    assert list(classes)[: len(_BUILT_IN)] == list(_BUILT_IN)
    for name, module in _BUILT_IN.items():
        assert classes[name].name == name
        assert classes[name].__module__ == f"logistic.solvers.{module}"


def test_names_need_no_solver_import():
    code = (
        "import sys\n"
        "from logistic.solvers import SOLVERS\n"
        "names = sorted(SOLVERS)\n"
        "assert 'lbfgs' in SOLVERS and 'bogus' not in SOLVERS\n"
        "loaded = [m for m in sys.modules if m.startswith('logistic.solvers.')\n"
        "          and not m.split('.')[-1].startswith('_')]\n"
        "print(','.join(names), ';', ','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    names, loaded = out.split(";")
    assert names.strip().split(",") == sorted(_BUILT_IN)
    assert loaded.strip() == ""


def test_unknown_name_error_lists_the_names():
    with pytest.raises(InvalidParameterError, match=r"must be one of \['firth'"):
        get_solver("bogus")


def test_a_module_that_does_not_register_its_name_is_an_import_error():
    reg: LazyRegistry[type] = LazyRegistry()
    reg.declare("x", "logistic._numerics")
    assert "x" in reg and list(reg) == ["x"]
    with pytest.raises(ImportError, match="'logistic._numerics' did not register"):
        reg["x"]
    with pytest.raises(KeyError):
        reg["y"]


def test_registering_a_new_solver_lists_it_after_the_built_ins():
    @register
    class Extra(Solver):
        name = "extra-test-solver"

    try:
        assert list(SOLVERS)[-1] == "extra-test-solver"
        assert get_solver("extra-test-solver") is Extra
    finally:
        del SOLVERS["extra-test-solver"]
    assert "extra-test-solver" not in SOLVERS
