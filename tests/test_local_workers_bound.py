"""A local Dask cluster of more workers than the memory holds is refused
before a process starts: ``logistic fit --workers 1000`` started a thousand
worker processes (~90 MiB each once the library is imported in them,
measured with ``distributed``'s ``Client.run`` reading ``VmRSS``), the
machine ran out of memory and the command was killed (exit 137). Each
worker is budgeted 128 MiB of the memory this process may use
(``logistic._memory.process_memory``, here patched to 1 GiB: 8 workers)."""

from __future__ import annotations

import pytest

import logistic._memory as memory
from conftest import data_path, run_cli
from logistic._exceptions import InvalidParameterError


@pytest.fixture
def one_gib(monkeypatch):
    monkeypatch.setattr(memory, "process_memory", lambda: 2**30)


def test_the_budget_counts_workers(one_gib):
    assert memory.local_workers_message(8, "workers") is None
    text = memory.local_workers_message(9, "workers")
    assert text is not None and text.startswith("workers 9: each local Dask worker")
    assert "may use 1.0 GiB, enough for 8; give at most 8" in text


def test_fit_refuses_before_starting_a_cluster(one_gib, workdir, capsys):
    csv = data_path("ucla-admissions", "binary.csv")
    code, out, err = run_cli(
        capsys, ["fit", str(csv), "-t", "admit", "--workers", "9", "-o", "m.json"]
    )
    assert code == 2 and out == ""
    assert err.startswith("error: --workers 9: each local Dask worker")
    assert "give at most 8, or fit on a larger cluster (--scheduler ADDRESS)" in err
    assert not (workdir / "m.json").exists()


def test_connect_refuses_naming_workers(one_gib):
    pytest.importorskip("distributed")
    from logistic.backends.dask import connect

    with pytest.raises(InvalidParameterError, match=r"^workers 100: each local"):
        connect(workers=100)


@pytest.mark.parametrize(
    "kwargs, shown",
    [
        # a text: the memory check multiplied it into a 128 MiB string, then
        # "'<=' not supported between instances of 'str' and 'int'"
        ({"workers": "4"}, "'workers'.*Got '4'"),
        # int() of a float in LocalCluster: "'float' object cannot be
        # interpreted as an integer", naming neither parameter nor value
        ({"workers": 2.5}, "'workers'.*Got 2.5"),
        # a negative count started a cluster of no worker (a fit on it waits)
        ({"workers": -3}, "'workers'.*Got -3"),
        ({"threads_per_worker": 0}, "'threads_per_worker'.*Got 0"),
    ],
)
def test_connect_refuses_a_count_that_is_no_positive_integer(
    kwargs, shown, monkeypatch
):
    pytest.importorskip("distributed")
    import logistic.backends._dask_connect as dc

    def no_cluster(**kw):
        raise AssertionError(f"a cluster was started with {kw}")

    monkeypatch.setattr(dc, "local_cluster", no_cluster)
    with pytest.raises(InvalidParameterError, match=shown + " instead"):
        dc.connect(**kwargs)


def test_connect_default_holds_no_more_workers_than_the_memory(one_gib, monkeypatch):
    """connect() without workers: one a CPU, but a 16-CPU process limited to
    1 GiB (a container on a larger host) gets the 8 that fit, not 16."""
    pytest.importorskip("distributed")
    import distributed

    import logistic.backends._dask_connect as dc

    made: list[int] = []
    monkeypatch.setattr(dc, "available_cpus", lambda: 16)
    monkeypatch.setattr(dc, "local_cluster", lambda **kw: made.append(kw["n_workers"]))
    monkeypatch.setattr(distributed, "Client", lambda cluster: "client")
    assert dc.connect() == "client"
    monkeypatch.setattr(dc, "available_cpus", lambda: 3)
    assert dc.connect() == "client"
    assert made == [8, 3]


def test_a_huge_count_is_shown_shortened(one_gib):
    """``--workers 10**400`` showed all 401 digits, where every other
    refusal of a long integer shows its leading digits and its length
    (``_messages.integer_text``)."""
    text = memory.local_workers_message(10**400, "--workers")
    assert text is not None
    assert text.startswith("--workers 100000000000000000… (401 digits): each")
