"""Standard input or a pipe kept in a temporary file that does not fit
(a full ``TMPDIR``): the error names the input and the temporary folder,
whether the failing write is one the copy makes or the last, buffered one
that fails only when the copy is closed.

What this guards against: ``cat d.csv | TMPDIR=/full logistic fit -``
on a 5 KB file (one buffered write) printed ``error: [Errno 28] No space
left on device`` and nothing else, while a larger input got the message
naming standard input. ``/dev/full`` (Linux) fails every write with ENOSPC,
as a full disk does.
"""

from __future__ import annotations

import errno
import os
import threading

import pytest

from logistic._files import _copy

pytestmark = pytest.mark.skipif(
    not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)"
)


@pytest.mark.parametrize("size", [100, 3 << 20], ids=["buffered", "written"])
def test_a_full_temporary_folder_names_the_input_and_the_folder(size):
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as fh:
            try:
                fh.write(b"x" * size)
            except BrokenPipeError:  # the copy stopped reading
                pass

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with pytest.raises(OSError) as info:
            _copy(read_end, "/dev/full", "standard input")
    finally:
        writer.join()
    exc = info.value
    assert exc.errno == errno.ENOSPC
    assert exc.filename == "standard input"
    assert "cannot keep standard input in a temporary file in /" in exc.strerror
    assert "TMPDIR" in exc.strerror


def test_a_failing_read_is_not_named_a_full_temporary_folder(tmp_path):
    # a read error of the input (here EBADF: a descriptor open for writing
    # only) is no lack of room in TMPDIR
    fd = os.open(tmp_path / "in.csv", os.O_WRONLY | os.O_CREAT)
    with pytest.raises(OSError) as err:
        _copy(fd, str(tmp_path / "copy.csv"), "standard input")
    assert err.value.errno == errno.EBADF
    assert "temporary" not in str(err.value)
