# cython: language_level=3
"""The dynamic loader's list of libraries, walked in C (``dl_iterate_phdr``).

glibc holds the loader's lock while ``dl_iterate_phdr`` runs its
callback. A Python callback there can hand the GIL to a thread that is
loading a library (an extension import holds the GIL while it calls
``dlopen``), and then each thread waits for the other forever. The callback
here is C: it copies the names into a buffer, the walk runs without the GIL,
and the Python strings are made after it returns, outside the lock. Off Linux
there is no walk: both functions return None and the caller reads what its
platform offers.
"""

import os

cdef extern from *:
    """
    #include <stddef.h>
    #include <string.h>
    #if defined(__linux__)
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
    #endif
    """
    ptrdiff_t lg_loader_walk(
        char *buf, size_t cap, unsigned long long *adds, unsigned long long *subs,
        int *counted,
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


def loaded_libraries():
    """The paths of the libraries mapped into the process (empty names, such
    as glibc's for the main program, left out), as the loader lists them
    (decoded as the file system encodes names), or None off Linux."""
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
            return [os.fsdecode(n) for n in bytes(buf[:used]).split(b"\0") if n]
        cap *= 4
