"""Every name a public package's docstring presents as its own is importable.

``logistic.inference``'s docstring lists its public entry points with
``:class:`Name``` and ``:func:`name``` references (no module prefix: the
package's own names). A name listed there that ``__getattr__`` does not
provide is an AttributeError for the reader who follows it.
"""

from __future__ import annotations

import importlib
import re

import pytest

OWN_REFERENCE = re.compile(r":(?:class|func):`~?([A-Za-z_][A-Za-z_0-9]*)`")


@pytest.mark.parametrize("package", ["logistic", "logistic.inference"])
def test_names_the_docstring_presents_are_exported(package):
    module = importlib.import_module(package)
    named = sorted(set(OWN_REFERENCE.findall(module.__doc__ or "")))
    assert named, "the docstring names no entry point"
    missing = [name for name in named if name not in module.__all__]
    assert missing == [], missing
    for name in named:
        assert getattr(module, name) is not None


def test_result_classes_of_public_methods_are_importable():
    # MultinomialInference.summary() returns a MultinomialSummary (the
    # docstring's "MultinomialSummary with the same three renderings") and
    # wald_test_terms()/lr_test_terms() a TermTests: a typed caller annotates
    # its variables with them, so they are public names of the package.
    from logistic.inference import MultinomialSummary, TermTests
    from logistic.inference._hypothesis import TermTests as defined
    from logistic.inference._multinomial_summary import MultinomialSummary as made

    assert MultinomialSummary is made and TermTests is defined
