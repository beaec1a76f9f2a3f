"""One centred copy of the rows per Firth fit, inference and summary
(``_firth_centred.shared_copy``), dropped when each returns.

The fit's solver, FLAC's refit and the information kept for inference each
made their own copy, as did inference's check of the training rows and each
of a summary's profile intervals, penalized LR tests and overall test; a
sparse X far from 0 was densified each time. Counted here by wrapping the
copy's constructor; that it is dropped, by a weak reference after a
collection.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
import scipy.sparse as sp

import logistic._firth_centred as centred_module
from logistic import LogisticRegression


@pytest.fixture
def copies(monkeypatch):
    made: list[weakref.ref] = []
    init = centred_module.CentredFirth.__init__

    def counted(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(centred_module.CentredFirth, "__init__", counted)
    return made


def _data(sparse: bool):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    X[:, 0] += 1e6  # far from 0: a sparse X is densified for the copy
    y = (rng.random(300) < 0.4).astype(float)
    return (sp.csr_array(X) if sparse else X), y


def _alive(made):
    gc.collect()
    return [ref for ref in made if ref() is not None]


@pytest.mark.parametrize("correction", [None, "flac"])
@pytest.mark.parametrize("sparse", [False, True])
def test_a_fit_makes_one_copy_and_drops_it(copies, correction, sparse):
    X, y = _data(sparse)
    LogisticRegression(penalty="firth", firth_correction=correction).fit(X, y)
    assert len(copies) == 1
    assert not _alive(copies)


def test_inference_and_summary_make_one_copy_each(copies):
    X, y = _data(False)
    model = LogisticRegression(penalty="firth").fit(X, y)
    copies.clear()
    res = model.inference(X, y)  # the check of the rows, the information
    assert len(copies) == 1
    copies.clear()
    text = str(res.summary())  # profile intervals, LR tests, overall test
    assert "Profile" in text or "profile" in text
    assert len(copies) == 1
    assert not _alive(copies)
