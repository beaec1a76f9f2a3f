"""Environment variables holding huge values are read as their checks say.

* ``OMP_NUM_THREADS`` of 5000 digits: ``import logistic`` ended in a
  traceback (``int()`` of 4300 digits or more raises), so every command
  exited 1. It is a positive integer: no cap below the CPUs.
* ``LOGISTIC_CACHE_MAX_BYTES`` of 400 digits (or 300 digits and ``T``):
  ``OverflowError`` in a streamed fit and in ``logistic cache list`` (exit
  1). A usage error now (exit 2), naming the variable.
* ``SOURCE_DATE_EPOCH`` of 5000 digits: Python's own "Exceeds the limit
  (4300 digits)" message. The variable's ``InvalidParameterError`` now.
* ``LOGISTIC_PROGRESS_INTERVAL`` of 5000 characters was echoed whole in its
  error; cut to 100 characters, as ``SOURCE_DATE_EPOCH``'s is.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import data_path, run_cli
from logistic import InvalidParameterError
from logistic._thread_budget import env_threads
from logistic.backends import row_cache
from logistic.io._created import created_time

HUGE = "9" * 5000
UCLA = str(data_path("ucla-admissions", "binary.csv"))


def test_a_huge_omp_num_threads_is_no_cap_below_the_cpus():
    assert env_threads(HUGE) > 10**18
    assert env_threads("0" * 5000) is None  # zero: not a positive integer
    assert env_threads("0" * 5000 + "4") == 4
    env = {**os.environ, "OMP_NUM_THREADS": HUGE}
    code = "import logistic; from logistic._thread_budget import fit_threads as f; print(f())"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("text", ["1" * 400, "1" * 300 + "T", "9" * 5000])
def test_a_huge_cache_cap_is_refused_naming_the_variable(monkeypatch, capsys, tmp_path, text):
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", text)
    with pytest.raises(InvalidParameterError, match=r"^LOGISTIC_CACHE_MAX_BYTES must be a "
                       r"size below 8 EiB \(2\*\*63 bytes\), got '(1{100}|9{100})'"):  # fmt: skip
        row_cache.max_bytes()
    monkeypatch.chdir(tmp_path)
    for argv in (["cache", "list"],
                 ["fit", UCLA, "-t", "admit", "--stream", "-o", "m.json", "-q"]):  # fmt: skip
        code, _, err = run_cli(capsys, argv)
        assert code == 2 and err.startswith("error: LOGISTIC_CACHE_MAX_BYTES must be"), err
        assert len(err) < 300


def test_a_cache_cap_just_below_the_largest_is_read(monkeypatch):
    monkeypatch.setenv("LOGISTIC_CACHE_MAX_BYTES", "7T")
    assert row_cache.max_bytes() == 7 * 2**40


def test_a_huge_source_date_epoch_is_the_variable_s_error(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", HUGE)
    with pytest.raises(InvalidParameterError, match=r"environment variable SOURCE_DATE_EPOCH "
                       r"must be an integer .* got '9{100}'; unset it"):  # fmt: skip
        created_time()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0" * 5000 + "1")  # leading zeros: 1
    assert created_time() == "1970-01-01T00:00:01+00:00"


def test_a_huge_progress_interval_is_cut_in_its_error(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS", raising=False)
    monkeypatch.setenv("LOGISTIC_PROGRESS_INTERVAL", HUGE)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json"])
    assert (code, err) == (
        2,
        "error: LOGISTIC_PROGRESS_INTERVAL must be a number of seconds >= 0, "
        f"got {HUGE[:100]!r}\n",
    )
