# cython: language_level=3
"""The dynamic loader's list of libraries, walked in C (``dl_iterate_phdr``).

glibc holds the loader's lock while ``dl_iterate_phdr`` runs its
callback. A Python callback there can hand the GIL to a thread that is
loading a library (an extension import holds the GIL while it calls
``dlopen``), and then each thread waits for the other forever. The callback
here is C: it copies the names into a buffer, the walk runs without the GIL,
and the Python strings are made after it returns, outside the lock. The
search for OpenBLAS's thread setters (:func:`openblas_functions`) opens and
looks up the BLAS libraries in C too, after the walk (never inside it: a
``dlopen`` under the loader's lock would wait for itself). Off Linux there is
no walk: the functions return None (the search raises OSError) and the
caller reads what its platform offers.
"""

import os

cdef extern from *:
    """
    #include <stddef.h>
    #include <stdio.h>
    #include <string.h>
    #if defined(__linux__)
    #include <ctype.h>
    #include <dlfcn.h>
    #include <link.h>
    typedef struct {
        char *buf;
        size_t cap, used;
        int full, counted, have_counters;
        unsigned long long adds, subs;
    } lg_loader_names;

    /* One library: the load counters from the first (they are the loader's,
       the same in every entry, where the entry is long enough to hold them),
       its name appended to buf with a NUL (no path holds one); stops at the
       first without a buffer, or when the buffer is full. */
    static int lg_loader_collect(struct dl_phdr_info *info, size_t size, void *data) {
        lg_loader_names *out = (lg_loader_names *)data;
        if (!out->counted) {
            out->counted = 1;
            if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
                out->adds = info->dlpi_adds;
                out->subs = info->dlpi_subs;
                out->have_counters = 1;
            }
        }
        if (out->buf == NULL)
            return 1;
        const char *name = info->dlpi_name;
        const size_t len = name ? strlen(name) : 0;
        if (len == 0)
            return 0;
        if (out->used + len + 1 > out->cap) {
            out->full = 1;
            return 1;
        }
        memcpy(out->buf + out->used, name, len);
        out->buf[out->used + len] = '\\0';
        out->used += len + 1;
        return 0;
    }

    /* The bytes of names written to buf (NULL: the counters alone), -1 when
       buf is too small, -2 where there is no walk; *counted 0 where the
       loader's entries end before its counters (older loaders). */
    static ptrdiff_t lg_loader_walk(char *buf, size_t cap, unsigned long long *adds,
                                    unsigned long long *subs, int *counted) {
        lg_loader_names out = {buf, cap, 0, 0, 0, 0, 0, 0};
        dl_iterate_phdr(lg_loader_collect, &out);
        *adds = out.adds;
        *subs = out.subs;
        *counted = out.have_counters;
        return out.full ? -1 : (ptrdiff_t)out.used;
    }

    /* Whether the file name of path (lower-cased) names a BLAS: it holds one
       of blas_names and neither "cpython" nor "abi3" (a Python extension
       links to a BLAS without being one). */
    static int lg_loader_is_blas(const char *path) {
        static const char *const blas_names[] = {
            "blas", "mkl", "blis", "lapack", "accelerate", "armpl", NULL};
        char low[256];
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t n = strlen(base);
        if (n >= sizeof low)
            n = sizeof low - 1;
        for (size_t i = 0; i < n; i++)
            low[i] = (char)tolower((unsigned char)base[i]);
        low[n] = '\0';
        if (strstr(low, "cpython") || strstr(low, "abi3"))
            return 0;
        for (const char *const *b = blas_names; *b; b++)
            if (strstr(low, *b))
                return 1;
        return 0;
    }

    /* OpenBLAS's thread getter and setter of every BLAS among the n names in
       buf (NUL-separated, as lg_loader_walk writes them), the first of the
       spellings "", "scipy_" x "", "64_" each exports, into pairs (two
       addresses a library, at most cap libraries). Returns the count of
       libraries, -1 when a BLAS cannot be opened without loading it or
       exports no pair (not an OpenBLAS), -3 when there are more than cap.
       A library stays open (RTLD_NOLOAD takes a reference): the addresses
       stay valid while the caller keeps them. */
    static ptrdiff_t lg_loader_openblas(const char *buf, size_t used, void **pairs,
                                        size_t cap) {
        static const char *const prefixes[] = {"", "scipy_"};
        static const char *const suffixes[] = {"", "64_"};
        size_t found = 0;
        for (const char *name = buf; name < buf + used; name += strlen(name) + 1) {
            if (!lg_loader_is_blas(name))
                continue;
            void *lib = dlopen(name, RTLD_NOLOAD | RTLD_LAZY);
            if (lib == NULL)
                return -1;
            void *get = NULL, *put = NULL;
            for (int i = 0; i < 2 && !(get && put); i++) {
                for (int j = 0; j < 2 && !(get && put); j++) {
                    char sym[64];
                    snprintf(sym, sizeof sym, "%sopenblas_get_num_threads%s",
                             prefixes[i], suffixes[j]);
                    get = dlsym(lib, sym);
                    snprintf(sym, sizeof sym, "%sopenblas_set_num_threads%s",
                             prefixes[i], suffixes[j]);
                    put = get ? dlsym(lib, sym) : NULL;
                }
            }
            if (!(get && put))
                return -1;
            if (found == cap)
                return -3;
            pairs[2 * found] = get;
            pairs[2 * found + 1] = put;
            found++;
        }
        return (ptrdiff_t)found;
    }
    #else
    static ptrdiff_t lg_loader_walk(char *buf, size_t cap, unsigned long long *adds,
                                    unsigned long long *subs, int *counted) {
        (void)buf;
        (void)cap;
        *adds = 0;
        *subs = 0;
        *counted = 0;
        return -2;
    }

    static ptrdiff_t lg_loader_openblas(const char *buf, size_t used, void **pairs,
                                        size_t cap) {
        (void)buf;
        (void)used;
        (void)pairs;
        (void)cap;
        return -2;
    }
    #endif
    """
    ptrdiff_t lg_loader_walk(
        char *buf, size_t cap, unsigned long long *adds, unsigned long long *subs,
        int *counted,
    ) nogil
    ptrdiff_t lg_loader_openblas(
        const char *buf, size_t used, void **pairs, size_t cap
    ) nogil


def load_counters():
    """``(adds, subs)``: how many libraries the loader has loaded and unloaded
    so far (a change means the list changed), or None off Linux and where
    the loader's entries do not carry them. Reads the first entry only."""
    cdef unsigned long long adds = 0, subs = 0
    cdef int counted = 0
    with nogil:
        lg_loader_walk(NULL, 0, &adds, &subs, &counted)
    return (int(adds), int(subs)) if counted else None


cdef bytes _names():
    """The loader's names, NUL-separated, or None off Linux."""
    cdef size_t cap = 1 << 16
    cdef unsigned long long adds = 0, subs = 0
    cdef int counted = 0
    cdef ptrdiff_t used
    cdef bytearray buf
    cdef char *p
    while True:
        buf = bytearray(cap)
        p = buf
        with nogil:
            used = lg_loader_walk(p, cap, &adds, &subs, &counted)
        if used == -2:
            return None
        if used >= 0:
            return bytes(buf[:used])
        cap *= 4


def loaded_libraries():
    """The paths of the libraries mapped into the process (empty names, such
    as glibc's for the main program, left out), as the loader lists them
    (decoded as the file system encodes names), or None off Linux."""
    names = _names()
    if names is None:
        return None
    return [os.fsdecode(n) for n in names.split(b"\0") if n]


def openblas_functions():
    """``[(get_num_threads, set_num_threads), ...]``: the addresses of
    OpenBLAS's thread getter and setter in every BLAS library the loader
    lists (a file name holding "blas", "mkl", "blis", "lapack",
    "accelerate" or "armpl", and neither "cpython" nor "abi3"), the first
    spelling each exports of ``openblas_{get,set}_num_threads`` with the
    prefix "" or "scipy_" and the suffix "" or "64_"; None when one of them
    is not an OpenBLAS exporting both (or cannot be opened without loading
    it). Raises OSError off Linux (no walk). The walk, the names' test and
    the look-ups run in C: ~0.03 ms, where the same in Python through
    :mod:`ctypes` took ~0.2 ms."""
    names = _names()
    if names is None:
        raise OSError("the loader's list cannot be walked here")
    cdef size_t cap = 64
    cdef void *pairs[128]
    cdef const char *buf = names
    cdef size_t used = len(names)
    cdef ptrdiff_t found
    with nogil:
        found = lg_loader_openblas(buf, used, pairs, cap)
    if found < 0:
        return None
    return [(<size_t>pairs[2 * k], <size_t>pairs[2 * k + 1]) for k in range(found)]
