/*
 * logistic_dense_rows_parts(job, parts, threads, scratch): the row loop of
 * _fused_rows.h over a block in `parts` (2 to LG_MAX_PARTS) consecutive runs
 * of its rows, shared between the caller and the helper thread when
 * threads > 1.
 *
 * Part k covers rows [b_k, b_{k+1}) with b_k = (k n / parts) rounded down to
 * a multiple of 8. Part 0 writes the job's own g, H and out; part k > 0
 * writes g_k (p) and H_k (q x q) in scratch (parts - 1 of each: see
 * logistic_parts_scratch) and its own out; then, in the order of k, g += g_k,
 * H += H_k and out += out_k. The parts and the order of that sum are the
 * same whatever ran them, so a result never depends on the thread count.
 * The caller and the helper take parts from one counter: a helper that is
 * asleep or descheduled takes none (or one: the caller then waits for that
 * one only), and the caller runs the rest.
 *
 * The helper: one POSIX thread a process, started at first use (or by
 * logistic_helper_start), that runs the parts of one block at a time. A
 * thread woken from sleep takes 100-200 us to run on a virtual machine's idle
 * CPU (this project's 2-vCPU hosts: a higgs-sized Hessian pass, 300 us on one
 * thread, took 330-450 us in halves with a thread started for each call), so
 * after each block, and after logistic_helper_wake (which a fit calls before
 * its first Hessian pass, so that the wake-up overlaps the fit's own set-up),
 * the helper spins for LG_HELPER_SPIN_NS (1 ms, yielding its CPU to any
 * other runnable thread at each turn) before it sleeps again: Newton's
 * passes, a few hundred microseconds apart, then find it running (OpenMP
 * runtimes spin likewise: GOMP_SPINCOUNT). A fork's child starts its own
 * helper at its first use. One block at a time: a second thread of the
 * process that finds the helper taken runs all its parts itself.
 */
#ifndef LOGISTIC_FUSED_PARTS_H
#define LOGISTIC_FUSED_PARTS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define LG_PAUSE() _mm_pause()
#else
#define LG_PAUSE() ((void)0)
#endif

/* _fused_rows.h (no include guard) is included before this file. */

/* How long the helper spins for the next block before it sleeps (yielding
   its CPU at each turn to any other runnable thread). */
#define LG_HELPER_SPIN_NS 1000000LL
/* Most parts of a block. */
#define LG_MAX_PARTS 8

typedef struct {
    ptrdiff_t n, p, ld, q;
    const void *X;      /* double or float rows, ld elements apart */
    const void *y;      /* double or float, as X */
    const double *w, *off, *sw;
    double b;
    double *g, *d, *H;
    int with_grad, f32;
    double out[2];
} lg_rows_job;

/* A block's parts: taken by index from `next` by the caller and the helper. */
typedef struct {
    lg_rows_job whole;
    int parts;
    double *scratch;
    double out[LG_MAX_PARTS][2];
    atomic_int next;
} lg_parts_job;

static void lg_rows_job_run(lg_rows_job *j) {
    if (j->f32)
        logistic_dense_rows_f32(j->n, j->p, (const float *)j->X, j->ld, j->w, j->b,
                                j->off, (const float *)j->y, j->sw, j->g, j->d,
                                j->with_grad, j->out, j->H, j->q);
    else
        logistic_dense_rows_f64(j->n, j->p, (const double *)j->X, j->ld, j->w, j->b,
                                j->off, (const double *)j->y, j->sw, j->g, j->d,
                                j->with_grad, j->out, j->H, j->q);
}

/* Entries of scratch that a block of `parts` parts needs. */
static ptrdiff_t logistic_parts_scratch(int parts, ptrdiff_t p, ptrdiff_t q) {
    return (ptrdiff_t)(parts - 1) * (p + q * q);
}

static ptrdiff_t lg_part_start(const lg_parts_job *pj, int k) {
    return k == pj->parts ? pj->whole.n
                          : ((ptrdiff_t)k * pj->whole.n / pj->parts) & ~(ptrdiff_t)7;
}

static void lg_part_run(lg_parts_job *pj, int k) {
    lg_rows_job part = pj->whole;
    ptrdiff_t r0 = lg_part_start(pj, k), r1 = lg_part_start(pj, k + 1);
    size_t size = part.f32 ? sizeof(float) : sizeof(double);
    part.n = r1 - r0;
    part.X = (const char *)part.X + (size_t)(r0 * part.ld) * size;
    part.y = (const char *)part.y + (size_t)r0 * size;
    part.off = part.off ? part.off + r0 : NULL;
    part.sw = part.sw ? part.sw + r0 : NULL;
    part.d = part.d ? part.d + r0 : NULL;
    if (k > 0) {
        double *mine = pj->scratch + (ptrdiff_t)(k - 1) * (part.p + part.q * part.q);
        part.g = mine;
        part.H = part.H ? mine + part.p : NULL;
    }
    lg_rows_job_run(&part);
    pj->out[k][0] = part.out[0];
    pj->out[k][1] = part.out[1];
}

/* Runs parts taken from the counter until none is left. */
static void lg_parts_take(lg_parts_job *pj) {
    int k;
    while ((k = atomic_fetch_add(&pj->next, 1)) < pj->parts)
        lg_part_run(pj, k);
}

/* The helper's state. lg_owner: one block at a time (trylock: another
   thread of the process runs its parts itself). lg_mu and lg_cv: the
   helper's sleep. lg_job: the block handed over (NULL: none); lg_released:
   set by the helper when it has taken a block and will touch it no more.
   lg_pid: the process whose helper runs (a fork's child has none). */
static pthread_mutex_t lg_owner = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lg_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lg_cv = PTHREAD_COND_INITIALIZER;
static lg_parts_job *_Atomic lg_job = NULL;
static atomic_int lg_released = 0;
static atomic_int lg_sleeping = 0;
static atomic_int lg_poked = 0;
static pid_t lg_pid = 0;
static pthread_t lg_thread;
static int lg_placed_off = -1; /* the CPU the helper is kept off, or -1 */
static int lg_atfork = 0;

static long long lg_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *lg_helper_main(void *unused) {
    long long spin_from = lg_now_ns();
    lg_parts_job *job;
    (void)unused;
    for (;;) {
        job = atomic_exchange(&lg_job, NULL);
        if (job != NULL) {
            lg_parts_take(job);
            atomic_store(&lg_released, 1);
            spin_from = lg_now_ns();
            continue;
        }
        if (atomic_exchange(&lg_poked, 0))
            spin_from = lg_now_ns();
        if (lg_now_ns() - spin_from < LG_HELPER_SPIN_NS) {
            /* a runnable thread of another process on this CPU goes first */
            sched_yield();
            continue;
        }
        pthread_mutex_lock(&lg_mu);
        atomic_store(&lg_sleeping, 1);
        while (atomic_load(&lg_job) == NULL && !atomic_load(&lg_poked))
            pthread_cond_wait(&lg_cv, &lg_mu);
        atomic_store(&lg_sleeping, 0);
        pthread_mutex_unlock(&lg_mu);
        spin_from = lg_now_ns();
    }
    return NULL;
}

/* A fork's child: no helper runs there, and the locks may have been held by
   threads that the child does not have. */
static void lg_helper_forget(void) {
    pthread_mutex_t owner = PTHREAD_MUTEX_INITIALIZER, mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    lg_owner = owner;
    lg_mu = mu;
    lg_cv = cv;
    atomic_store(&lg_job, NULL);
    atomic_store(&lg_released, 0);
    atomic_store(&lg_sleeping, 0);
    atomic_store(&lg_poked, 0);
    lg_pid = 0;
    lg_placed_off = -1;
}

/* Starts the helper if this process has none; lg_owner held. 1: it runs. */
static int lg_helper_started(void) {
    pthread_t thread;
    pthread_attr_t attr;
    int ok;
    if (lg_pid == getpid())
        return 1;
    if (!lg_atfork) {
        if (pthread_atfork(NULL, NULL, lg_helper_forget) != 0)
            return 0;
        lg_atfork = 1;
    }
    if (pthread_attr_init(&attr) != 0)
        return 0;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1 << 20);
    ok = pthread_create(&thread, &attr, lg_helper_main, NULL) == 0;
    pthread_attr_destroy(&attr);
    if (ok) {
        lg_thread = thread;
        lg_pid = getpid();
    }
    return ok;
}

/* Keeps the helper off the CPU the caller runs on now (of the CPUs the
   caller may run on, when there are several): a scheduler that put the
   spinning helper beside a busy caller on one CPU, leaving the other idle,
   halved the caller's speed for the length of a fit (higgs: 1.6 -> 3.8 ms
   in one process of three). lg_owner held, helper started. */
static void lg_helper_place(void) {
    cpu_set_t set;
    int cpu = sched_getcpu();
    if (cpu < 0 || cpu == lg_placed_off)
        return;  /* kept off this CPU already (a system call less a fit) */
    if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) == 0 &&
        CPU_COUNT(&set) > 1 && CPU_ISSET(cpu, &set)) {
        CPU_CLR(cpu, &set);
        if (pthread_setaffinity_np(lg_thread, sizeof set, &set) == 0)
            lg_placed_off = cpu;
    }
}

static void lg_helper_signal(void) {
    if (atomic_load(&lg_sleeping)) {
        pthread_mutex_lock(&lg_mu);
        pthread_cond_signal(&lg_cv);
        pthread_mutex_unlock(&lg_mu);
    }
}

/* Starts the helper (if this process has none) and keeps it off the
   caller's CPU; with `poke`, has it spin for LG_HELPER_SPIN_NS. 1 when it
   runs; 0 when it could not be started or another thread holds it. */
static int lg_helper_ready(int poke) {
    int ok;
    if (pthread_mutex_trylock(&lg_owner) != 0)
        return 0;
    ok = lg_helper_started();
    if (ok) {
        lg_helper_place();
        if (poke) {
            atomic_store(&lg_poked, 1);
            lg_helper_signal();
        }
    }
    pthread_mutex_unlock(&lg_owner);
    return ok;
}

/* Starts the helper, asleep, if this process has none. */
static int logistic_helper_start(void) { return lg_helper_ready(0); }

/* Wakes the helper (starting it if need be) so that a fit's first block in
   parts finds it awake. */
static int logistic_helper_wake(void) { return lg_helper_ready(1); }

/* Runs `job` (the whole block) in `parts` parts; scratch holds
   logistic_parts_scratch(parts, p, q) entries. Returns how many parts the
   helper ran. */
static int logistic_dense_rows_parts(lg_rows_job *job, int parts, int threads,
                                     double *scratch) {
    lg_parts_job pj;
    ptrdiff_t i;
    int k, offered = 0, caller = 0;
    pj.whole = *job;
    pj.parts = parts;
    pj.scratch = scratch;
    atomic_init(&pj.next, 0);
    if (threads > 1 && pthread_mutex_trylock(&lg_owner) == 0) {
        if (lg_helper_started()) {
            atomic_store(&lg_released, 0);
            atomic_store(&lg_job, &pj);
            lg_helper_signal();
            offered = 1;
        } else {
            pthread_mutex_unlock(&lg_owner);
        }
    }
    while ((k = atomic_fetch_add(&pj.next, 1)) < parts) {
        lg_part_run(&pj, k);
        caller++;
    }
    if (offered) {
        /* a helper that has not taken the block never will; one that has
           is waited for until it lets go (it may be in a part) */
        if (atomic_exchange(&lg_job, NULL) == NULL) {
            for (i = 0; !atomic_load(&lg_released); i++) {
                if (i < 4096)
                    LG_PAUSE();
                else
                    sched_yield();
            }
        }
        pthread_mutex_unlock(&lg_owner);
    }
    for (k = 1; k < parts; k++) {
        double *gk = scratch + (ptrdiff_t)(k - 1) * (job->p + job->q * job->q);
        if (job->with_grad)
            for (i = 0; i < job->p; i++)
                job->g[i] += gk[i];
        if (job->H)
            for (i = 0; i < job->q * job->q; i++)
                job->H[i] += gk[job->p + i];
    }
    job->out[0] = pj.out[0][0];
    job->out[1] = pj.out[0][1];
    for (k = 1; k < parts; k++) {
        job->out[0] += pj.out[k][0];
        job->out[1] += pj.out[k][1];
    }
    return parts - caller;
}

#endif
