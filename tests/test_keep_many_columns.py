"""Reading a CSV file for ``predict --keep`` of many columns takes time in
proportion to their number, not its square.

Found by a shell scripter: ``logistic predict m.json wide.csv --keep
"$(head -1 wide.csv)"`` of 300 rows and 3 000 columns took 16 s (1.7 s
without ``--keep``), and 5 000 kept columns 33 s in the reader alone:
:func:`logistic.tabular._read.read_data` built the file's list of column
names again for each kept column (``n in table.column_names``). The test
compares the time of 4 000 kept columns with that of 400 (the best of three
interleaved runs each), as ``test_wide_file_column_plan`` does: ten times the
columns take about ten times as long when linear (less: the read's fixed
costs), a hundred times when quadratic; the bound, 40, leaves room for a
loaded machine without depending on its speed.
"""

from __future__ import annotations

import time

from logistic.tabular._read import read_data

RATIO_BOUND = 40.0


def _file(tmp_path, n: int):
    names = [f"c{i}" for i in range(n)]
    path = tmp_path / f"k{n}.csv"
    rows = [",".join(names)] + [",".join(str(r + i) for i in range(n)) for r in range(3)]
    path.write_text("\n".join(rows) + "\n")
    return str(path), names


def test_kept_columns_read_in_linear_time(tmp_path):
    files = {n: _file(tmp_path, n) for n in (400, 4000)}
    times: dict[int, list[float]] = {n: [] for n in files}
    for _ in range(3):
        for n, (path, names) in files.items():
            start = time.perf_counter()
            raw = read_data(path, verbatim=names)
            times[n].append(time.perf_counter() - start)
            assert raw.table.num_columns == n
    ratio = min(times[4000]) / min(times[400])
    assert ratio < RATIO_BOUND, ratio
