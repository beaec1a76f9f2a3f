"""A strictly typed user's code type-checks against the package's annotations.

``py.typed`` ships, so mypy reads our annotations as the truth: an attribute
the documentation names that the class does not declare (set by ``setattr``)
is an ``attr-defined`` error in the user's file, and a function annotated
``-> Any`` where it returns one class lets every later mistake pass. Each test
has a user's file that follows the documentation; one ``mypy --strict`` run
checks them all (``mypy.api``, as ``.venv/bin/mypy --strict`` would), and each
test reads its file's lines.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")


#: The users' files of this module's tests (module name: code), type-checked
#: together by one mypy run (:func:`strict_run`): a cold run analyses the
#: package and numpy (most of its time), each file after that adds little.
USER_FILES: dict[str, str | Callable[[], str]] = {}


def user_file(name: str, code: str | Callable[[], str]) -> str:
    """Register ``code`` (or a function that writes it when the run starts:
    code from the package's own lists) as the user's file
    ``user_<name>.py``; its module name."""
    module = f"user_{name}"
    assert module not in USER_FILES, module
    USER_FILES[module] = code
    return module


@pytest.fixture(scope="module")
def strict_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """mypy --strict's error lines (the notes of reveal_type too) for each
    user's file, by its module name. A line about any other file (the
    package's own code, checked strictly as the users' files import it) is
    given to every user's file, as a run on that file alone would show it."""
    folder = tmp_path_factory.mktemp("mypy_users")
    paths = []
    for module, code in USER_FILES.items():
        paths.append(folder / f"{module}.py")
        paths[-1].write_text(textwrap.dedent(code if isinstance(code, str) else code()))
    out, err, _status = mypy_api.run(
        [
            "--strict",
            "--cache-dir",
            str(folder / ".mypy_cache"),
            "--ignore-missing-imports",
            "--no-error-summary",
            *map(str, paths),
        ]
    )
    assert not err, err
    lines: dict[str, list[str]] = {module: [] for module in USER_FILES}
    for line in filter(str.strip, out.splitlines()):
        module = Path(line.partition(":")[0]).stem
        for name in [module] if module in lines else list(lines):
            lines[name].append(line)
    return lines


CV_ATTRIBUTES_DOCUMENTED_IN_PATHS_MD_ARE_DECLARED = user_file(
    "cv_attributes_documented_in_paths_md_are_declared",
    """
        import numpy as np
        from logistic import LogisticRegressionCV

        def chosen(cv: LogisticRegressionCV) -> None:
            print(cv.C_, cv.scores_[1].mean(axis=0), cv.coefs_paths_)
            print(cv.l1_ratio_, cv.l1_ratios_, cv.alpha_, cv.Cs_)
            n_iter: np.ndarray = cv.n_iter_
            print(n_iter)
        """,
)


def test_cv_attributes_documented_in_paths_md_are_declared(strict_run):
    # docs/paths.md reads cv.C_ and cv.scores_[1]; the class docstring lists
    # coefs_paths_, n_iter_, l1_ratio_ and l1_ratios_ beside them. The fit sets
    # these six with setattr (logistic._cv_layout.sklearn_layout), so mypy
    # and pyright said "LogisticRegressionCV" has no attribute "C_".
    lines = strict_run[CV_ATTRIBUTES_DOCUMENTED_IN_PATHS_MD_ARE_DECLARED]
    assert lines == []


LOAD_IS_TYPED_AS_THE_ESTIMATOR_IT_RETURNS = user_file(
    "load_is_typed_as_the_estimator_it_returns",
    """
        from logistic import LogisticRegression, load

        model: LogisticRegression = load("model.json")
        reveal_type(load("model.json"))
        model.predict_probability([[1.0]])
        """,
)


def test_load_is_typed_as_the_estimator_it_returns(strict_run):
    # load's docstring says "Returns LogisticRegression", but it was annotated
    # -> Any: a misspelt method of the loaded model passed mypy --strict.
    lines = strict_run[LOAD_IS_TYPED_AS_THE_ESTIMATOR_IT_RETURNS]
    assert any(
        'Revealed type is "logistic.estimator.LogisticRegression"' in line
        for line in lines
    ), lines
    assert any(
        '"LogisticRegression" has no attribute "predict_probability"' in line
        for line in lines
    ), lines


SET_PARAMS_RETURNS_THE_ESTIMATORS_OWN_CLASS = user_file(
    "set_params_returns_the_estimators_own_class",
    """
        from logistic import LogisticRegression, LogisticRegressionCV

        reveal_type(LogisticRegression().set_params(C=2.0))
        reveal_type(LogisticRegressionCV().set_params(cv=3))
        """,
)


def test_set_params_returns_the_estimators_own_class(strict_run):
    # set_params returns self (scikit-learn's protocol) but was annotated
    # -> Any, so a chained call lost the estimator's type.
    lines = strict_run[SET_PARAMS_RETURNS_THE_ESTIMATORS_OWN_CLASS]
    assert any(
        'Revealed type is "logistic.estimator.LogisticRegression"' in line
        for line in lines
    ), lines
    assert any(
        'Revealed type is "logistic.model_selection.LogisticRegressionCV"' in line
        for line in lines
    ), lines


INFERENCE_RESULTS_METHODS_NAME_THE_CLASSES_THEY_RETURN = user_file(
    "inference_results_methods_name_the_classes_they_return",
    """
        from logistic.inference import InferenceResults

        def use(res: InferenceResults) -> None:
            reveal_type(res.t_test("x1 - x2"))
            reveal_type(res.wald_test_terms())
            reveal_type(res.get_influence())
            reveal_type(res.get_margeff())
            reveal_type(res.get_prediction())
            reveal_type(res.odds_ratios())
            reveal_type(res.hosmer_lemeshow())
            reveal_type(res.goodness_of_fit())
            reveal_type(res.summary())
        """,
)


def test_inference_results_methods_name_the_classes_they_return(strict_run):
    # Each method's docstring names a public class of logistic.inference that
    # it returns, but they were annotated -> Any: a typed user's
    # res.odds_ratios().summry() passed mypy --strict.
    lines = strict_run[INFERENCE_RESULTS_METHODS_NAME_THE_CLASSES_THEY_RETURN]
    revealed = [line.split('Revealed type is "')[1].rstrip('"') for line in lines]
    # a NamedTuple is revealed as its tuple with the class as "fallback"
    assert revealed[1].startswith("logistic.inference._hypothesis.TermTests[")
    assert revealed[1].endswith("fallback=logistic.inference._hypothesis.WaldTestResult]]")
    revealed[1] = "TermTests"
    assert revealed == [
        "logistic.inference._contrasts.ContrastResults",
        "TermTests",
        "logistic.inference._influence.Influence",
        "logistic.inference._margins_results.MarginalEffects",
        "logistic.inference._prediction_interval.PredictionResults",
        "logistic.inference._odds.OddsRatioTable",
        "logistic.inference._goodness.HosmerLemeshowResult",
        "logistic.inference._goodness.GoodnessOfFit",
        "logistic.inference._summary.Summary",
    ], lines


PREDICTIONS_ARE_ARRAYS_FOR_NUMPY_ROWS_AND_UNKNOWN_FOR_OTHERS = user_file(
    "predictions_are_arrays_for_numpy_rows_and_unknown_for_others",
    """
        import numpy as np
        import numpy.typing as npt
        from logistic import LogisticRegression, LogisticRegressionCV

        class Tensor:  # stands for a torch tensor or a Dask array
            def cpu(self) -> "Tensor":
                return self

        def use(
            m: LogisticRegression,
            cv: LogisticRegressionCV,
            X: npt.NDArray[np.float64],
            t: Tensor,
        ) -> None:
            reveal_type(m.fit(X, X[:, 0]).predict_proba(X))
            reveal_type(m.decision_function(X))
            reveal_type(m.predict_log_proba(X))
            reveal_type(m.predict(X))
            reveal_type(cv.predict_proba(X))
            reveal_type(cv.predict(X))
            m.predict(t).cpu()
            m.predict_log_proba(t).cpu()
            cv.predict(t).cpu()
        """,
)


def test_predictions_are_arrays_for_numpy_rows_and_unknown_for_others(strict_run):
    # predict and predict_log_proba were annotated -> np.ndarray, but a Dask X
    # gives a lazy Dask array and a torch or CuPy X an array on its device
    # (logistic._prediction.labels, log_proba): a typed user's
    # model.predict(tensor).cpu() was a mypy error. decision_function and
    # predict_proba said -> Any, also for numpy rows (the brief's
    # m.fit(X, y).predict_proba(X) was Any). Now each is np.ndarray for a
    # numpy X and Any for any other X, for both estimators.
    lines = strict_run[PREDICTIONS_ARE_ARRAYS_FOR_NUMPY_ROWS_AND_UNKNOWN_FOR_OTHERS]
    errors = [line for line in lines if "error:" in line]
    assert errors == []
    revealed = [line.split('Revealed type is "')[1].rstrip('"') for line in lines]
    floats = "numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.float64]]"
    labels = "numpy.ndarray[tuple[Any, ...], numpy.dtype[Any]]"
    assert revealed == [floats, floats, floats, labels, floats, labels], lines


TERM_TESTS_SAY_WHAT_TESTS_THEY_HOLD = user_file(
    "term_tests_say_what_tests_they_hold",
    """
        from logistic.inference import InferenceResults

        def use(res: InferenceResults) -> None:
            for term, wald in res.wald_test_terms().items():
                reveal_type(wald)
            for term, lr in res.lr_test_terms().items():
                reveal_type(lr.statistic)
                reveal_type(lr)
        """,
)


def test_term_tests_say_what_tests_they_hold(strict_run):
    # TermTests subclassed a bare dict, so wald_test_terms().items() and
    # lr_test_terms().items() gave Any to mypy and Unknown to pyright's strict
    # mode (reportUnknownMemberType on a user's loop over the terms).
    lines = strict_run[TERM_TESTS_SAY_WHAT_TESTS_THEY_HOLD]
    revealed = [line.split('Revealed type is "')[1].rstrip('"') for line in lines]
    assert len(revealed) == 3, lines
    # a NamedTuple is revealed as its tuple with the class as "fallback"
    assert revealed[0].endswith("fallback=logistic.inference._hypothesis.WaldTestResult]")
    assert revealed[1] == "float"
    assert revealed[2].endswith("fallback=logistic.inference._hypothesis.LRTestResult]")


CHECK_GRADIENT_TAKES_A_FITTED_MODELS_INTERCEPT = user_file(
    "check_gradient_takes_a_fitted_models_intercept",
    """
        import numpy as np
        import numpy.typing as npt
        from logistic import LogisticRegression, check_gradient

        def use(X: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> bool:
            m = LogisticRegression().fit(X, y)
            return check_gradient(X, y, m.coef_, m.intercept_).passed
        """,
)


def test_check_gradient_takes_a_fitted_models_intercept(strict_run):
    # check_gradient's docstring: "b : float, or an array of one value
    # (intercept_)", and the code reads either, but b was annotated float:
    # check_gradient(X, y, m.coef_, m.intercept_) was an arg-type error.
    lines = strict_run[CHECK_GRADIENT_TAKES_A_FITTED_MODELS_INTERCEPT]
    assert lines == []


def _submodule_reveals() -> str:
    import logistic

    names = sorted(logistic._SUBMODULES)
    reveals = "\n".join(f"reveal_type(logistic.{name})" for name in names)
    return "import logistic\n" + reveals + "\nlogistic.metrics.roc_auc_score([0], [0.5])\n"


SUBMODULES_REACHED_AS_ATTRIBUTES_ARE_TYPED = user_file(
    "submodules_reached_as_attributes_are_typed", _submodule_reveals
)


def test_submodules_reached_as_attributes_are_typed(strict_run):
    # logistic's docstring: the public submodules are "imported on first
    # attribute access" (logistic.metrics without import logistic.metrics),
    # but only datasets was imported for type checkers: logistic.metrics and
    # the others were Any, so logistic.metrics.roc_auc_score passed mypy.
    import logistic

    names = sorted(logistic._SUBMODULES)
    lines = strict_run[SUBMODULES_REACHED_AS_ATTRIBUTES_ARE_TYPED]
    revealed = [line.split('Revealed type is "')[1].rstrip('"') for line in lines[:-1]]
    assert len(revealed) == len(names), lines
    assert [r for r in revealed if r == "Any"] == [], lines
    assert 'Module has no attribute "roc_auc_score"' in lines[-1], lines


def _public_names() -> tuple[list[str], list[str]]:
    """``import`` and ``reveal_type`` lines for every name of every public
    subpackage's ``__all__``, and those names."""
    import importlib

    import logistic

    modules = [f"logistic.{name}" for name in sorted(logistic._SUBMODULES)]
    code, shown = ["import logistic"], []
    for module in modules + ["logistic.report"]:
        code.append(f"import {module}")
        for name in importlib.import_module(module).__all__:
            code.append(f"reveal_type({module}.{name})")
            shown.append(f"{module}.{name}")
    return code, shown


EVERY_PUBLIC_NAME_OF_EVERY_SUBPACKAGE_IS_TYPED = user_file(
    "every_public_name_of_every_subpackage_is_typed",
    lambda: "\n".join(_public_names()[0]) + "\n",
)


def test_every_public_name_of_every_subpackage_is_typed(strict_run):
    # logistic.backends provides Chunked, Dask, as_backend and should_stream
    # through its module __getattr__ (imported on first use) without importing
    # them for type checkers, so `from logistic.backends import Chunked` was
    # Any: `def f(data: Chunked)` checked nothing. Every name of every public
    # subpackage's __all__ must reach mypy with its own type.
    shown = _public_names()[1]
    lines = strict_run[EVERY_PUBLIC_NAME_OF_EVERY_SUBPACKAGE_IS_TYPED]
    assert len(lines) == len(shown), lines
    revealed = zip(shown, lines, strict=True)
    untyped = [name for name, line in revealed if line.endswith('"Any"')]
    assert untyped == []


CLASS_WEIGHT_TAKES_A_DICT_OF_INTEGER_WEIGHTS = user_file(
    "class_weight_takes_a_dict_of_integer_weights",
    """
        from logistic import LogisticRegression

        weights = {0: 1, 1: 5}
        named: dict[str, float] = {"no": 1.0, "yes": 2.5}
        LogisticRegression(class_weight=weights)
        LogisticRegression(class_weight=named)
        LogisticRegression(class_weight="balanced")
        """,
)


def test_class_weight_takes_a_dict_of_integer_weights(strict_run):
    # class_weight was annotated dict[Any, float]: dict is invariant in its
    # values, so scikit-learn's usual w = {0: 1, 1: 5} (dict[int, int]) given
    # through a variable was an arg-type error, though fit takes any dict.
    lines = strict_run[CLASS_WEIGHT_TAKES_A_DICT_OF_INTEGER_WEIGHTS]
    assert lines == []


PARTIAL_FIT_IS_CHECKED_AGAINST_ITS_SIGNATURE = user_file(
    "partial_fit_is_checked_against_its_signature",
    """
        import numpy as np
        import numpy.typing as npt
        from logistic import LogisticRegression

        def use(X: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> None:
            m = LogisticRegression(penalty="l2", alpha=1e-3)
            reveal_type(m.partial_fit(X, y, classes=[0, 1]))
            m.partial_fit(X, y, clases=[0, 1])
        """,
)


def test_partial_fit_is_checked_against_its_signature(strict_run):
    # available_if (the decorator that hides partial_fit where the settings
    # cannot honour it) returned Any to type checkers, so m.partial_fit was
    # Any: a misspelt keyword passed mypy --strict and the result was Any.
    lines = strict_run[PARTIAL_FIT_IS_CHECKED_AGAINST_ITS_SIGNATURE]
    assert lines[0].endswith('Revealed type is "logistic.estimator.LogisticRegression"')
    errors = [line for line in lines if "error:" in line]
    assert len(errors) == 1 and 'Unexpected keyword argument "clases"' in errors[0]


GET_MARGEFF_IS_TYPED_AS_A_GRID_FOR_LISTS_OF_VALUES = user_file(
    "get_margeff_is_typed_as_a_grid_for_lists_of_values",
    """
        from logistic.inference import InferenceResults

        def use(res: InferenceResults) -> None:
            reveal_type(res.get_margeff(atexog={"gre": 200}))
            reveal_type(res.get_margeff(atexog={"gre": [200, 800]}))
            reveal_type(res.get_margeff(atexog=[{"gre": 200}, {"gpa": 3}]))
            reveal_type(res.get_margeff())
            reveal_type(res.get_margeff("overall", "dydx", {"gre": [200, 800]}))
            reveal_type(res.get_margeff("mean", "dydx", [{"gre": 200}]))
            reveal_type(res.get_margeff("mean", "eyex", {"gre": 200}))
        """,
)


def test_get_margeff_is_typed_as_a_grid_for_lists_of_values(strict_run):
    # get_margeff(atexog=...) returns MarginalEffectsGrid for a grid (a list of
    # values, or a list of mappings) and MarginalEffects for one value each;
    # a typed user's grid.difference(1, 0) must pass and .difference on the
    # single-point result must not.
    lines = strict_run[GET_MARGEFF_IS_TYPED_AS_A_GRID_FOR_LISTS_OF_VALUES]
    revealed = [line.split('Revealed type is "')[1].rstrip('"') for line in lines]
    single = "logistic.inference._margins_results.MarginalEffects"
    grid = "logistic.inference._margins_grid_results.MarginalEffectsGrid"
    # a grid given by position (third, as statsmodels' signature orders it)
    # was typed MarginalEffects: a typed user's grid.difference() failed
    assert revealed == [single, grid, grid, single, grid, grid, single], lines
