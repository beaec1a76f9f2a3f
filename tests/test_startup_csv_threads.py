"""A small CSV file is read without pyarrow's thread pool (issue 13, start-up).

pyarrow's CSV reader parses one block per task; a file of one block gains
nothing from the pool, and starting the pool's threads and handing them the
block costs wall time on every ``logistic fit`` of a small file
(:func:`logistic.tabular._read._serial`). Checked in a fresh interpreter by the
operating system's thread count (``/proc/self/task``): reading the 400-row
UCLA file starts fewer threads than reading a larger file does afterwards
(which starts the pool), and both files read the same values as a
thread-pool read with pyarrow's defaults.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from logistic.tabular._read import SERIAL_CSV_BYTES

UCLA = Path(__file__).parent / "data" / "ucla-admissions" / "binary.csv"

_SCRIPT = """
import json, os, sys
import pyarrow.csv as pacsv
from logistic.tabular._read import read_data

def threads():
    return len(os.listdir("/proc/self/task"))

counts = [threads()]
small = read_data(sys.argv[1]).table
counts.append(threads())
large = read_data(sys.argv[2]).table
counts.append(threads())
same = [t.equals(pacsv.read_csv(p)) for t, p in ((small, sys.argv[1]),
                                                 (large, sys.argv[2]))]
print(json.dumps({"counts": counts, "same": same}))
"""


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc/self/task"
)
def test_a_small_csv_starts_no_thread_pool(tmp_path):
    rows = UCLA.read_text().splitlines()
    large = tmp_path / "large.csv"
    body = rows[1:] * (SERIAL_CSV_BYTES // len(UCLA.read_bytes()) + 2)
    large.write_text("\n".join([rows[0], *body]) + "\n")
    assert large.stat().st_size > SERIAL_CSV_BYTES
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(UCLA), str(large)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    before, after_small, after_large = result["counts"]
    assert result["same"] == [True, True]
    # the larger file starts the pool; the small one left it unstarted
    assert after_large - after_small > after_small - before
