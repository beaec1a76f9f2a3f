"""Curves of one figure are told apart without colour.

The K-class ROC figure drew one solid line per class and the coefficient
path one solid line per labelled term, differing only in colour: in a
greyscale print (or to a reader who does not see the colours) two classes'
curves and their legend entries looked alike ('"hi"' and 'mid&' of a
3-class report came out the same grey). Each curve now carries its own
marker and dash pattern, as matplotlib's ``cycler(marker=..., linestyle=...)``
style cycles do for accessible plots.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from logistic.report._cv_figures import coefficient_path_figure  # noqa: E402
from logistic.report._figures import roc_ovr_figure, series_style  # noqa: E402


def _look(line):
    """What a line looks like without its colour."""
    return (line.get_marker(), line.get_linestyle())


def test_k_class_roc_curves_differ_in_more_than_colour():
    fpr = np.array([0.0, 0.2, 1.0])
    curves = [(f"class {k}", fpr, np.array([0.0, 0.1 * k, 1.0]), 0.5) for k in range(6)]
    ax = roc_ovr_figure(curves).axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_label().startswith("class")]
    assert len(lines) == 6
    assert len({_look(ln) for ln in lines}) == 6
    # the legend shows each one's marker and dashes
    handles = ax.get_legend().legend_handles[:6]
    assert len({_look(h) for h in handles}) == 6


def test_labelled_coefficient_paths_differ_in_more_than_colour():
    alphas = np.logspace(1, -3, 20)
    coefs = np.outer(np.linspace(0, 1, 20), np.arange(1, 9, dtype=float))
    names = [f"x{j}" for j in range(8)]
    ax = coefficient_path_figure(alphas, coefs, names, 10, 5).axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_label() in names]
    assert len(lines) == 8
    assert len({_look(ln) for ln in lines}) == 8


def test_first_twenty_series_styles_differ_without_colour():
    looks = {(s["marker"], s["ls"]) for s in map(series_style, range(20))}
    assert len(looks) == 20
