"""The summary's "(k not defined because of singularities: ...)" note names at
most 20 terms and counts the rest: a 300 × 1 000 design aliases 701 columns,
whose names made a note line of 4 426 characters (docs/cli.md promises lines
of at most 2 000); the table's NA rows still show every one."""

from __future__ import annotations

import numpy as np

from logistic import LogisticRegression
from logistic._messages import MAX_LINE
from logistic.inference._aliased import NOTE_NAMES, singularity_note


def test_names_twenty_and_counts_the_rest():
    names = [f"x{j}" for j in range(299, 1000)]
    note = singularity_note(names)
    assert note.startswith("Coefficients: (701 not defined because of singularities: ")
    assert ", ".join(names[:NOTE_NAMES]) + ", … and 681 more)" in note
    assert names[NOTE_NAMES] not in note.split(";")[0].split(", … ")[0]
    assert len(note) < MAX_LINE


def test_a_few_are_all_named():
    assert "(2 not defined because of singularities: a, b)" in singularity_note(["a", "b"])


def test_summary_of_a_wide_exact_design_stays_short():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(60, 5))
    X = np.c_[base, base @ rng.normal(size=(5, 40))]  # 40 aliased combinations
    y = (rng.random(60) < 1 / (1 + np.exp(-base[:, 0]))).astype(float)
    text = str(LogisticRegression().fit(X, y).summary())
    line = next(t for t in text.splitlines() if "not defined because" in t)
    assert "(40 not defined because of singularities:" in line
    assert "… and 20 more" in line


def test_long_names_are_capped_by_length():
    # 20 one-hot names of ~110 characters made a 2 370-character line (review)
    names = [f"C(occupation_description_long_{i})[T.{'x' * 80}{i}]" for i in range(40)]
    note = singularity_note(names)
    assert len(note) < MAX_LINE
    assert note.count("occupation_description") < NOTE_NAMES
    assert "more)" in note
