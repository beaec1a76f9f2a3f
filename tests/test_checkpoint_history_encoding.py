"""A checkpoint write encodes only the history entries it has not written.

Each save writes the whole document (a same-directory temp file, fsync,
rename: the atomic write needs the whole file), but the entries written
before are kept as JSON text and reused, so a save at iteration 300 no
longer encodes 300 entries again.

Reference: the document as the format defines it, built here with the
standard library alone: ``json.dumps({"sha256": sha256(P), "payload":
payload}, sort_keys=True)`` where ``P = json.dumps(payload, sort_keys=True)``
and every float is written with ``float.hex`` (``{"float": hex}``, an
array ``{"array": [hex, ...], "shape": [...]}``).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from logistic._checkpoint import FORMAT_VERSION, Checkpointer

FINGERPRINT = "ab" * 32
CONFIG = {"solver": "gd", "tol": 1e-8, "n_params": 3}


def _hex(v):
    if isinstance(v, np.ndarray):
        return {"array": [float(x).hex() for x in v.ravel()], "shape": list(v.shape)}
    if isinstance(v, float):
        return {"float": v.hex()}
    return v


def _expected(n_iter, state, history) -> bytes:
    payload = {
        "format_version": FORMAT_VERSION,
        "fingerprint": FINGERPRINT,
        "config": {k: _hex(v) for k, v in CONFIG.items()},
        "n_iter": n_iter,
        "state": {k: _hex(v) for k, v in state.items()},
        "history": [{k: _hex(v) for k, v in e.items()} for e in history],
    }
    text = json.dumps(payload, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return json.dumps({"sha256": digest, "payload": payload}, sort_keys=True).encode()


def _entry(i: int, rng) -> dict:
    return {
        "iter": i,
        "objective": float(rng.random()),
        "grad_max_norm": float(rng.random()) * 1e-3,
        "step": 0.5,
        "time": 0.01 * i,
        "n_passes": i + 1,
    }


def test_each_save_writes_the_documents_bytes(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "ck.json"
    ck = Checkpointer(path, fingerprint=FINGERPRINT, config=CONFIG)
    history = []
    for i in range(6):
        history.append(_entry(i, rng))
        state = {"theta": rng.normal(size=3), "step": float(i) / 3, "k": i}
        ck.save(i, state, history)
        assert path.read_bytes() == _expected(i, state, history), i
    # a history replaced from some entry on (a list built anew, an entry
    # swapped) is encoded again from there
    history = history[:2] + [_entry(2, rng)]
    ck.save(2, state, history)
    assert path.read_bytes() == _expected(2, state, history)
    history[1] = _entry(1, rng)
    ck.save(2, state, history)
    assert path.read_bytes() == _expected(2, state, history)
    loaded = Checkpointer(path, fingerprint=FINGERPRINT, config=CONFIG).load()
    assert loaded is not None and loaded["n_iter"] == 2
    assert [e["objective"] for e in loaded["history"]] == [
        e["objective"] for e in history
    ]


def test_saves_do_not_encode_the_history_again(tmp_path, monkeypatch):
    """The entries encoded over 300 saves: one each, not 300 * 301 / 2."""
    import logistic._checkpoint as checkpoint

    encoded = []
    real = checkpoint._encode
    monkeypatch.setattr(checkpoint, "_encode", lambda v: encoded.append(v) or real(v))
    monkeypatch.setattr(checkpoint, "atomic_write", lambda path, data: None)
    rng = np.random.default_rng(1)
    ck = Checkpointer(tmp_path / "ck.json", fingerprint=FINGERPRINT, config=CONFIG)
    history: list[dict] = []
    for i in range(300):
        history.append(_entry(i, rng))
        ck.save(i, {"theta": np.zeros(3)}, history)
    # the configuration's three values once, then each save the state's one
    # and the new entry's six
    assert len(encoded) == 3 + 300 * (1 + 6)
