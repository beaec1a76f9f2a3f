"""A compact save's names are tested without making them
(:func:`logistic._feature_names.are_positional`), and its bytes are those of
the build that compared them with ``positional_names(p)`` and checked each
encoding name one by one (``_encoding._names``, ``check_unique``).

The sha256 values below were written by that build (the commit before
``are_positional``) under the settings of :func:`_pinned` (``SOURCE_DATE_EPOCH``,
no environment record, library version ``0.1.0``): a 2**20-column LibSVM model
with 1 % of its coefficients stored (``benchmarks/model_file_size``'s case),
a K-class and a frame-named model, a list of names that is not ``x1 … xp``
(listed in full) and a narrow, dense one. The dense wide cases (K = 3
with LibSVM and frame names, binary with ``-0.0``, a subnormal, ``1e300``)
pin the dense layout, one number a line. The lists ``are_positional`` is
checked against are made by the definition (``[f"x{j}" …]``, R's and
statsmodels' ``x1, x2, …``).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import logistic
from logistic import io as lio
from logistic._feature_names import are_positional

WIDE = 2**20


def _model(p: int, stored: int, classes: int = 2) -> logistic.LogisticRegression:
    rng = np.random.default_rng(0)
    rows = 1 if classes == 2 else classes
    coef = np.zeros((rows, p))
    for k, row in enumerate(coef):  # every (p // stored)-th column from k
        at = np.arange(k, p, p // stored)[:stored]
        row[at] = rng.normal(size=at.size)
    m = logistic.LogisticRegression(penalty="l1", C=1.0)
    m.coef_, m.intercept_ = coef, np.linspace(-0.25, 0.25, rows)
    m.classes_, m.n_features_in_, m.n_iter_ = np.arange(classes), p, np.array([7])
    m.converged_ = True
    return m


def _libsvm(p: int, names: list[str] | None = None) -> dict[str, object]:
    return {
        "kind": "libsvm",
        "target": None,
        "label": None,
        "n_features": p,
        "zero_based": False,
        "feature_names": names or [f"x{j}" for j in range(1, p + 1)],
    }


@pytest.fixture
def _pinned(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(lio, "_library_version", lambda: "0.1.0")


def _sha(model, path, encoding) -> str:
    saved = logistic.save(
        model, path, encoding=encoding, training={"environment": None}
    )
    return hashlib.sha256(saved.read_bytes()).hexdigest()


@pytest.mark.usefixtures("_pinned")
def test_a_wide_libsvm_save_writes_the_bytes_of_the_build_before(tmp_path):
    sha = _sha(_model(WIDE, WIDE // 100), tmp_path / "m.json", _libsvm(WIDE))
    assert sha == "fc4d135921062c8e876dad2a3d7e6e65230944fd3fb7f543a19d69c62b80fa18"


def _frame_named(p: int) -> logistic.LogisticRegression:
    m = _model(p, p // 100)
    m.feature_names_in_ = np.array([f"x{j}" for j in range(1, p + 1)], dtype=object)
    return m


def _not_positional(p: int) -> list[str]:
    names = [f"x{j}" for j in range(1, p + 1)]
    names[500] = "y501"  # the last name is xp: found by the full comparison
    return names


def _dense_k3() -> logistic.LogisticRegression:
    m = _model(4096, 2000, 3)  # 6000 of 12 288 stored: written dense
    m.coef_[0, :6] = [-0.0, 5e-324, 1e300, 0.1, 1.0, -2.5e-10]
    return m


def _dense_specials() -> logistic.LogisticRegression:
    m = _model(4096, 2000)
    m.coef_[0, -6:] = [-0.0, 5e-324, 1e300, 0.1, 1.0, -2.5e-10]
    return m


def _dense_k3_frame() -> logistic.LogisticRegression:
    m = _dense_k3()
    m.feature_names_in_ = np.array([f"x{j}" for j in range(1, 4097)], dtype=object)
    return m


CASES = {
    "k3": (lambda: _model(4096, 40, 3), lambda: _libsvm(4096)),
    "frame": (lambda: _frame_named(4096), lambda: None),
    "frame+libsvm": (lambda: _frame_named(4096), lambda: _libsvm(4096)),
    "not x1…xp": (
        lambda: _model(4096, 40),
        lambda: _libsvm(4096, _not_positional(4096)),
    ),
    "narrow": (lambda: _model(1000, 10), lambda: _libsvm(1000)),
    "dense": (lambda: _model(4096, 2000), lambda: _libsvm(4096)),
    "k3 dense": (_dense_k3, lambda: _libsvm(4096)),
    "k3 dense frame": (_dense_k3_frame, lambda: None),
    "dense -0.0, subnormal": (_dense_specials, lambda: None),
}
BEFORE = {
    "k3": "6f2b7be0f405ccf17bae9e5edee9c6c1e8057da08ace74d5a407d77c42fc5a5e",
    "frame": "e1e2fb2d5be1f90cc3a584286124aa47502839ee1f1cd2adc7eaa4e7dcd2114b",
    "frame+libsvm": "e9e44a13ea5b6c1ed4f7322fcae5d070c393ea53e1f690a203d9085037a4fed4",
    "not x1…xp": "aa67191823bbdd6a783abdb94180bdaa755f3810ef8f7e0fcc35565511b73af7",
    "narrow": "20c57ab78749f3576b7d70938834be2b9d43d480fe2cf538a315877186d43a16",
    "dense": "b5ca7f7d46e11d741c4bcaf32ef84f09db6b28b437c26d8177b2b169ab95d493",
    # written by the build whose dense coef went through json.dumps(indent=2)
    # item by item (the commit before the dense lists were dumped at C speed:
    # io/_document), under the same settings
    "k3 dense": "2bebaee09d29fe50938c8e9417a67bc7eaf51e7da731d4d04c9398f7d3fb1bc6",
    "k3 dense frame": (
        "e60f79fc79ad6126468b57e6cb2682be2e636f013bff19c5e44048b67466fae2"
    ),
    "dense -0.0, subnormal": (
        "48676d5d43520766f7c1cfa66ab141b74f13571d49645beb4b52adc32e1a26c3"
    ),
}


@pytest.mark.usefixtures("_pinned")
@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_save_writes_the_bytes_of_the_build_before(case, tmp_path):
    model, encoding = CASES[case]
    assert _sha(model(), tmp_path / "m.json", encoding()) == BEFORE[case]


@pytest.mark.parametrize(
    "p", [1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 99_999, 100_000, 100_001]
)
def test_are_positional_is_the_list_of_x1_to_xp(p):
    names = [f"x{j}" for j in range(1, p + 1)]
    assert are_positional(names)
    assert not are_positional(names[:-1] + [f"x{p + 1}"])
    assert not are_positional(names[1:])  # x2 … xp: its last is x(p-1)'s place
    for at in {0, p // 2, p - 1}:
        changed = list(names)
        changed[at] = changed[at] + "0"
        assert not are_positional(changed)


@pytest.mark.parametrize(
    "names",
    [
        [],
        ("x1", "x2"),  # a tuple: the rule is written for lists only
        ["x1\nx2", "x2"],  # a line break inside a name: the text of 3 names
        ["x1", "x2\nx3", "x3"],
        ["x01", "x2"],
        ["x1", "x\u0662"],  # ARABIC-INDIC DIGIT TWO: a digit, not "2"
        ["x1", 2],
        [None, "x2"],
        ["x1", "x2", "x3\n"],
        ["X1", "x2"],
    ],
    ids=repr,
)
def test_are_positional_refuses_what_differs(names):
    assert not are_positional(names)


def test_a_compact_libsvm_save_tests_its_names_once(tmp_path, monkeypatch):
    # the encoding's check finds x1 … xp; writing the rule does not test the
    # same list again (about 60 ms a test on 2**20 names)
    from logistic.io import _compact, _encoding

    tested: list[int] = []

    def counted(names):
        tested.append(len(names) if isinstance(names, list) else -1)
        return are_positional(names)

    monkeypatch.setattr(_compact, "are_positional", counted)
    monkeypatch.setattr(_encoding, "are_positional", counted)
    saved = logistic.save(_model(4096, 40), tmp_path / "m.json", encoding=_libsvm(4096))
    assert tested.count(4096) == 1
    raw = saved.read_text()
    assert '"feature_names": {\n      "generated": "x",\n      "count": 4096' in raw
