"""Where ``logistic fit`` reads its data: into memory, streamed in chunks,
or on a Dask cluster (:func:`stream_plan`), and the streaming plan's
refusals restated for the Dask option the user gave (:func:`dask_words`:
``--workers 2`` or ``--scheduler``, not ``--stream``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._common import note

__all__ = ["dask_option", "dask_words", "stream_plan"]


def stream_plan(
    data: Path, stream: bool | None, dask: str | None, args: dict, options: dict
) -> Any:
    """The streaming plan, or None for an in-memory fit (see ``_stream``);
    ``dask`` is the Dask option given (``--workers 2``), named in a refusal
    when ``--stream`` was not."""
    from ._stream_plan import NotStreamable, auto_stream, plan_stream

    if stream is False and dask is None:
        return None
    if stream or dask is not None:
        try:
            return plan_stream(data, **args, options=options)
        except NotStreamable as exc:
            if stream or dask is None:
                raise
            raise NotStreamable(dask_words(str(exc), dask)) from None
    if not (data.is_file() and auto_stream(data)):
        return None
    try:
        plan = plan_stream(data, **args, options=options)
    except NotStreamable as exc:
        note(f"{data} is large, but it is read into memory: {exc}")
        return None
    note(
        f"{data} is larger than 1/4 of physical memory: streaming it (--no-stream "
        "to read it into memory)"
    )
    return plan


def dask_option(scheduler: str | None, workers: int | None) -> str:
    """The Dask option the user gave, as messages name it."""
    return f"--workers {workers}" if workers is not None else "--scheduler"


def dask_words(message: str, dask: str) -> str:
    """A streaming refusal in terms of the Dask option the user gave."""
    option = dask.split()[0]
    message = message.replace("(without --stream)", f"(without {option})")
    message = message.replace("when streaming", f"with Dask ({dask})")
    message = message.replace("cannot be streamed", f"cannot be fitted with {dask}")
    message = message.replace("streaming needs", f"Dask ({dask}) needs")
    message = message.replace(
        "or fit in memory", f"or fit in memory (without {option})"
    )
    return message.replace(
        f"(without {option}) (without {option})", f"(without {option})"
    )
