"""What handing half of a small kernel call to a second thread costs here.

Usage (from the repository root)::

    python -m benchmarks.thread_handoff [--work-us 250] [--rounds 3]

Compiles a small C program with the system's ``cc`` (into a temporary
folder) and times, on this machine, (1) ``pthread_create`` + ``pthread_join``
of a thread that does nothing, and (2) a loop of about ``--work-us``
microseconds run whole on one thread against split in two halves, the second
on a new thread, each call followed by 300 µs of idle time (as a Newton fit's
Python work between its kernel calls lets the second vCPU go idle). It
answers whether a fused Hessian pass over a higgs-sized block (7 000 × 28,
~250-330 µs on one core) would gain from a thread of its own inside the
call: the saving is half the work less the hand-off.
"""

from __future__ import annotations

import argparse

from benchmarks._c_program import compiled, run

SOURCE = r"""
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
static volatile double sink;
static void *work(void *a) {
    double s = 0; long n = (long)a;
    for (long i = 0; i < n; i++) s += i * 0.5;
    sink = s; return 0;
}
static void idle(double us) { double t = now(); while (now() - t < us) {} }
int main(int argc, char **argv) {
    double target = atof(argv[1]);
    /* calibrate: iterations a microsecond, from a run of at least 2 ms */
    long n = 1000; double took = 0;
    for (;; n *= 2) {
        double t0 = now(); work((void *)n); took = now() - t0;
        if (took > 2000) break;
    }
    double per_us = n / took;
    long W = (long)(target * per_us / 2);
    int N = 200; double tot = 0, best = 1e9;
    for (int i = 0; i < N; i++) {
        double t0 = now(); pthread_t th;
        pthread_create(&th, 0, work, (void *)1L); pthread_join(th, 0);
        double t = now() - t0; tot += t; if (t < best) best = t; idle(300);
    }
    printf("create+join, empty thread: mean %.1f us, min %.1f us\n", tot / N, best);
    double seq = 0, par = 0;
    for (int i = 0; i < 50; i++) {
        double t0 = now(); work((void *)(2 * W)); seq += now() - t0; idle(300);
        t0 = now(); pthread_t th;
        pthread_create(&th, 0, work, (void *)W); work((void *)W); pthread_join(th, 0);
        par += now() - t0; idle(300);
    }
    printf("%.0f us of work: one thread %.1f us, two halves %.1f us\n",
           target, seq / 50, par / 50);
    return 0;
}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work-us", type=float, default=250.0)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    with compiled(SOURCE, ["-O2", "-pthread"], "thread_handoff") as exe:
        for _ in range(a.rounds):
            print(run(exe, str(a.work_us)))


if __name__ == "__main__":
    main()
