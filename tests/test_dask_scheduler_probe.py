"""A ``--scheduler`` address that is no Dask scheduler fails fast, saying what answered.

``distributed.Client`` waited forever on an address that accepts a connection
and says nothing (an HTTP server: the dashboard's port typed for the
scheduler's), reported an SSH-like banner as "out of memory" (it read the
banner as a frame length), and a worker's address as "identity() got an
unexpected keyword argument". ``logistic.backends._dask_probe`` asks the
address for its identity within ``distributed.comm.timeouts.connect``.
"""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

pytest.importorskip("distributed")

import dask  # noqa: E402

from conftest import run_cli  # noqa: E402
from logistic.backends._dask_probe import check_scheduler  # noqa: E402


@pytest.fixture
def short_timeout():
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        yield


def _http_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"tcp://127.0.0.1:{server.server_address[1]}"


def _banner_server():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()

    def serve():
        while True:
            conn, _ = sock.accept()
            conn.sendall(b"SSH-2.0-OpenSSH_8.9p1\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return f"tcp://127.0.0.1:{sock.getsockname()[1]}"


def test_an_http_port_times_out_saying_so(short_timeout):
    server, address = _http_server()
    try:
        with pytest.raises(TimeoutError, match="accepted no Dask connection within 2 s"):
            check_scheduler(address)
    finally:
        server.shutdown()


def test_a_service_that_speaks_first_is_not_a_scheduler(short_timeout):
    with pytest.raises(ConnectionError, match="does not speak Dask's protocol"):
        check_scheduler(_banner_server())


def test_a_scheduler_passes_and_a_worker_is_named():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        check_scheduler(cluster.scheduler_address)
        worker = next(iter(cluster.scheduler.workers))
        with pytest.raises(ConnectionError, match="is a Dask worker, not a scheduler"):
            check_scheduler(worker)


def test_the_cli_exits_74_on_an_http_port(workdir, capsys, short_timeout):
    from logistic.datasets import ucla_admissions_path

    server, address = _http_server()
    try:
        code, out, err = run_cli(
            capsys,
            ["fit", ucla_admissions_path(), "-t", "admit", "--scheduler", address,
             "-o", "m.json"],
        )
    finally:
        server.shutdown()
    assert code == 74, err
    assert "accepted no Dask connection" in err and "out of memory" not in err
