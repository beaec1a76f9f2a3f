"""The command line's Dask client: ``--workers N`` starts a ``LocalCluster``
that is closed after the command, ``--scheduler ADDRESS`` connects to a
running one.

Convention (owned here): a cluster of ours starts with SIGINT and SIGHUP
kept from its worker processes (:mod:`logistic.backends._dask_connect`), its
workers' failed-task logs quieted (the command's error is its one line) and
warmed with the modules its tasks need (:mod:`logistic.backends._dask_warm`);
a scheduler address that cannot be one (a port outside 1..65535, an address
that does not parse) is a usage error, one that cannot be reached an I/O
error (``EX_IOERR``); a missing Dask says which extra to install.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from ._codes import EX_IOERR, EX_USAGE, CLIError

__all__ = ["dask_client", "dask_imports"]


def dask_imports(file_format: str) -> tuple[str, ...]:
    """The modules the tasks of :func:`._stream_backends.dask_backend` import
    on a worker for a file of ``file_format``: warmed while the cluster
    starts (:func:`dask_client`)."""
    read = (
        ("pyarrow.parquet",)
        if file_format == "parquet"
        else ("dask.dataframe", "logistic.cli._dask_csv_values")
    )
    return ("logistic.backends._dask_tasks", *read)


_NO_DASK = (
    "--workers/--scheduler need the 'dask' extra: pip install 'logistic[dask]' "
    "(from a clone: pip install '.[dask]') ({exc})"
)


@contextmanager
def dask_client(
    scheduler: str | None, workers: int | None, imports: tuple[str, ...] = ()
) -> Iterator[Any]:
    """A ``distributed.Client`` for ``--scheduler``/``--workers``, closed after;
    a LocalCluster of ``--workers`` is used and closed inside
    :func:`~logistic.backends._dask_connect.nannies_keep_restarting`, and
    ``imports`` (the modules its tasks need) are imported here while it starts
    and by each of its workers as it joins (:mod:`logistic.backends._dask_warm`)."""
    try:
        # _dask_warm imports distributed at its top: imported inside this try,
        # so that a missing Dask is this usage error for --scheduler as well
        from ..backends._dask_connect import (
            nannies_keep_restarting,
            quiet_connection_tracebacks,
        )
        from ..backends._dask_warm import import_all
        from ..backends.dask import connect
    except ImportError as exc:
        raise CLIError(_NO_DASK.format(exc=exc), EX_USAGE) from None
    if workers is not None and workers < 1:
        raise CLIError(f"--workers must be at least 1, got {workers}", EX_USAGE)
    with ExitStack() as stack:
        if scheduler is None:
            try:
                stack.enter_context(nannies_keep_restarting())
            except ImportError as exc:
                raise CLIError(_NO_DASK.format(exc=exc), EX_USAGE) from None
        # a lost scheduler: the fit's error is the one line said
        stack.enter_context(quiet_connection_tracebacks())
        with _connected(scheduler, workers, connect, import_all, imports) as client:
            yield client


@contextmanager
def _connected(
    scheduler: str | None,
    workers: int | None,
    connect: Callable[..., Any],
    import_all: Callable[[tuple[str, ...]], Any],
    imports: tuple[str, ...] = (),
) -> Iterator[Any]:
    from ..backends._dask_connect import (
        quiet_after_interrupt,
        started_without_terminal_signals,
    )

    # A LocalCluster of ours is started with SIGINT and SIGHUP kept from its
    # worker processes: Ctrl-C and a hang-up reach the terminal's whole
    # process group, and this process alone answers them (one line, after the
    # cluster is closed below, quietly).
    if scheduler is None:
        client = started_without_terminal_signals(
            lambda: _client(None, workers, connect), lambda: import_all(imports)
        )
    else:
        client = _client(scheduler, workers, connect)
    closing = ExitStack()
    try:
        if scheduler is None:
            from ..backends._dask_quiet_tasks import QuietFailedTasks
            from ..backends._dask_warm import WarmWorker

            # its workers share this stderr: the command's error is its line
            client.register_plugin(QuietFailedTasks())
            if imports:
                client.register_plugin(WarmWorker(imports))
        yield client
    except BaseException:
        # the command ends with its own one line (an interrupt, a data error):
        # our cluster's close logs nothing of its own (a worker's heartbeat to
        # a scheduler already closing, a transfer cut short)
        if scheduler is None:
            closing.enter_context(quiet_after_interrupt(client))
        raise
    finally:
        with closing:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and scheduler is None:
                cluster.close()


def _port_out_of_range(scheduler: str) -> int | None:
    """The port of a TCP or TLS scheduler address when it is no port a
    scheduler can listen on (1 to 65535), else None: connecting to it would
    only time out (30 s) where the address itself is wrong."""
    try:
        from distributed.comm import parse_address
        from distributed.comm.addressing import parse_host_port
    except ImportError:  # the caller's connect says how to install Dask
        return None
    try:
        scheme, location = parse_address(scheduler)
        if scheme not in ("tcp", "tls"):
            return None
        port = parse_host_port(location)[1]
    except (ValueError, TypeError):  # connect says what is wrong with it
        return None
    return None if port is None or 0 < int(port) < 65536 else int(port)


def _client(
    scheduler: str | None, workers: int | None, connect: Callable[..., Any]
) -> Any:
    port = None if scheduler is None else _port_out_of_range(scheduler)
    if port is not None:
        raise _bad_address(scheduler, f"port {port} is not from 1 to 65535")
    try:
        return connect(scheduler=scheduler, workers=workers)
    except ImportError as exc:
        raise CLIError(_NO_DASK.format(exc=exc), EX_USAGE) from None
    except OSError as exc:
        raise CLIError(
            f"cannot reach the Dask scheduler {scheduler}: {exc}", EX_IOERR
        ) from None
    except (ValueError, TypeError) as exc:  # the address cannot be parsed
        if scheduler is None:
            raise
        raise _bad_address(scheduler, str(exc)) from None


def _bad_address(scheduler: str | None, why: str) -> CLIError:
    """The usage error of a ``--scheduler`` address that cannot be one."""
    return CLIError(
        f"--scheduler must be a Dask scheduler address such as tcp://host:8786, "
        f"got {scheduler!r} ({why})",
        EX_USAGE,
    )
