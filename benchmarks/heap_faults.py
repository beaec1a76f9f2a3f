"""Page faults of a repeated Newton fit on 300 sparse features, with and without
Newton's heap headroom (``solvers.newton._heap_headroom``).

Without it glibc returns an iteration's p × p temporaries (720 KiB each at
p = 300) to the system and faults them in again at every iteration. Each child
process fits once, then reports the fewest minor page faults of three further
fits. The count depends on the allocator and on the machine's state (it has
varied between runs of the test suite on a busy machine), so it is measured
here rather than asserted in a unit test.

    python -m benchmarks.heap_faults [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

CHILD = textwrap.dedent(
    """
    import resource, sys
    import numpy as np, scipy.sparse as sp
    from logistic import LogisticRegression
    if sys.argv[3] == "off":
        import logistic.solvers.newton as newton
        newton._heap_headroom = lambda n_params: None
    X = sp.load_npz(sys.argv[1]).tocsr()
    y = np.load(sys.argv[2])
    model = LogisticRegression(penalty="l2", C=1.0, solver="newton")
    model.fit(X, y)
    faults = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        model.fit(X, y)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    print(min(faults))
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    n, p, k = 20_000, 300, 12
    cols = rng.integers(0, p, size=(n, k))
    X = sp.csr_matrix(
        (np.ones(n * k), (np.repeat(np.arange(n), k), cols.ravel())), shape=(n, p)
    )
    X.sum_duplicates()
    w = rng.normal(size=p) * 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 1)))).astype(float)
    with tempfile.TemporaryDirectory() as tmp:
        xp, yp = Path(tmp) / "X.npz", Path(tmp) / "y.npy"
        sp.save_npz(xp, X)
        np.save(yp, y)
        runs: dict[str, list[int]] = {"on": [], "off": []}
        for _ in range(args.repeats):
            for mode in runs:  # alternating
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, str(xp), str(yp), mode],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs[mode].append(int(out.stdout.strip().splitlines()[-1]))
    for mode, faults in runs.items():
        print(
            f"headroom {mode:>3}: minor page faults a fit, median "
            f"{statistics.median(faults):.0f} (runs: {faults})"
        )


if __name__ == "__main__":
    main()
