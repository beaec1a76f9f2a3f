# cython: language_level=3, binding=False
"""The dynamic loader's list of libraries, walked in C (``dl_iterate_phdr``).

glibc holds the loader's lock while ``dl_iterate_phdr`` runs its
callback. A Python callback there can hand the GIL to a thread that is
loading a library (an extension import holds the GIL while it calls
``dlopen``), and then each thread waits for the other forever. The callback
here is C: it copies the names into a buffer, the walk runs without the GIL,
and the Python strings are made after it returns, outside the lock. The
look-up of OpenBLAS's thread setters (:func:`openblas_functions`) opens the
libraries it is given and finds their symbols in C too, after the walk
(never inside it: a ``dlopen`` under the loader's lock would wait for
itself). :func:`libraries_named` picks libraries from the list by the
caller's words in their file names, tested in C on the loader's bytes
(:func:`named`), so that a search decodes no name. Off Linux there is
no walk: the functions return None (the search raises OSError) and the
caller reads what its platform offers.

Its functions are plain builtin functions (``binding=False``: no Cython
function objects made at import, and fewer relocations for ``dlopen``):
the module is first imported inside a process's first fit that limits
BLAS, an import of ~0.45-0.6 ms (most of it ``dlopen`` and the module's
set-up) that Cython's function objects would lengthen by ~50-70 µs.
"""

import os

from libc.stdlib cimport free, malloc
from libc.string cimport strlen

cdef extern from *:
    """
    #include <stddef.h>
    #include <stdio.h>
    #include <string.h>
    #if defined(__linux__)
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

    /* OpenBLAS's thread getter and setter of every library among the n
       paths in paths (NUL-separated), the first of the spellings pairs
       (getter and setter names, NUL-separated, in order) each exports, into
       out (handle, getter, setter a library, at most cap libraries). Each
       library is opened with RTLD_NOLOAD (never loaded here): the handle
       holds one more reference, which the caller keeps or gives back with
       lg_loader_close. Returns the count of libraries; -1 when one cannot be
       opened without loading it or exports no pair (not an OpenBLAS), -3
       when there are more than cap; on a failure no handle stays open. */
    static ptrdiff_t lg_loader_openblas(const char *paths, size_t used,
                                        const char *spellings, size_t spelled,
                                        void **out, size_t cap) {
        size_t found = 0;
        ptrdiff_t status = 0;
        for (const char *path = paths; path < paths + used; path += strlen(path) + 1) {
            if (found == cap) {
                status = -3;
                break;
            }
            void *lib = dlopen(path, RTLD_NOLOAD | RTLD_LAZY);
            if (lib == NULL) {
                status = -1;
                break;
            }
            void *get = NULL, *put = NULL;
            const char *name = spellings;
            while (name < spellings + spelled && !(get && put)) {
                const char *setter = name + strlen(name) + 1;
                if (setter >= spellings + spelled)
                    break;
                get = dlsym(lib, name);
                put = get ? dlsym(lib, setter) : NULL;
                name = setter + strlen(setter) + 1;
            }
            if (!(get && put)) {
                dlclose(lib);
                status = -1;
                break;
            }
            out[3 * found] = lib;
            out[3 * found + 1] = get;
            out[3 * found + 2] = put;
            found++;
        }
        if (status < 0) {
            for (size_t k = 0; k < found; k++)
                dlclose(out[3 * k]);
            return status;
        }
        return (ptrdiff_t)found;
    }

    static void lg_loader_close(void *lib) {
        dlclose(lib);
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

    static ptrdiff_t lg_loader_openblas(const char *paths, size_t used,
                                        const char *spellings, size_t spelled,
                                        void **out, size_t cap) {
        (void)paths;
        (void)used;
        (void)spellings;
        (void)spelled;
        (void)out;
        (void)cap;
        return -2;
    }

    static void lg_loader_close(void *lib) {
        (void)lib;
    }

    #endif

    /* Whether the file name of path (what follows its last '/'), in ASCII
       lower case, holds one of the NUL-separated words of any (any_len
       bytes) and none of those of none (none_len bytes). */
    static int lg_loader_named(const char *path, size_t len, const char *any,
                               size_t any_len, const char *none, size_t none_len) {
        size_t start = len;
        while (start > 0 && path[start - 1] != '/')
            start--;
        char low[512];
        size_t n = len - start;
        if (n >= sizeof low)
            n = sizeof low - 1;
        for (size_t k = 0; k < n; k++) {
            const char c = path[start + k];
            low[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        low[n] = '\\0';
        for (const char *w = none; w < none + none_len; w += strlen(w) + 1)
            if (*w && strstr(low, w))
                return 0;
        for (const char *w = any; w < any + any_len; w += strlen(w) + 1)
            if (*w && strstr(low, w))
                return 1;
        return 0;
    }
    """
    ptrdiff_t lg_loader_walk(
        char *buf, size_t cap, unsigned long long *adds, unsigned long long *subs,
        int *counted,
    ) nogil
    ptrdiff_t lg_loader_openblas(
        const char *paths, size_t used, const char *spellings, size_t spelled,
        void **out, size_t cap,
    ) nogil
    void lg_loader_close(void *lib) nogil
    int lg_loader_named(
        const char *path, size_t len, const char *any, size_t any_len,
        const char *none, size_t none_len,
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
    """The loader's names, NUL-separated, or None off Linux. The buffer is
    malloc's, unzeroed, and starts at 16 KiB (~200 names; a 64 KiB zeroed
    one faulted in ~16 fresh pages, ~45 µs, in a process's first search)."""
    cdef size_t cap = 1 << 14
    cdef unsigned long long adds = 0, subs = 0
    cdef int counted = 0
    cdef ptrdiff_t used
    cdef char *p
    while True:
        p = <char *>malloc(cap)
        if p == NULL:
            raise MemoryError()
        try:
            with nogil:
                used = lg_loader_walk(p, cap, &adds, &subs, &counted)
            if used == -2:
                return None
            if used >= 0:
                return p[:used]
        finally:
            free(p)
        cap *= 4


def loaded_libraries():
    """The paths of the libraries mapped into the process (empty names, such
    as glibc's for the main program, left out), as the loader lists them
    (decoded as the file system encodes names), or None off Linux."""
    names = _names()
    if names is None:
        return None
    return [os.fsdecode(n) for n in names.split(b"\0") if n]


def named(paths, words, not_words):
    """The paths among ``paths`` (bytes, none holding a NUL) whose file name
    (after the last ``/``), in ASCII lower case, holds one of ``words`` and
    none of ``not_words`` (lower-case bytes), in their order: the test
    :func:`libraries_named` applies to the loader's list."""
    return _picked(b"".join(bytes(p) + b"\0" for p in paths), words, not_words)


def libraries_named(words, not_words):
    """:func:`named` over the loader's list of libraries (the paths as bytes,
    the loader's own spelling): the libraries whose file names the caller's
    words pick, tested in C on the loader's buffer, with no Python object
    made for the others; None off Linux."""
    cdef bytes names = _names()
    if names is None:
        return None
    return _picked(names, words, not_words)


cdef list _picked(bytes names, words, not_words):
    """The NUL-separated paths in ``names`` that ``lg_loader_named`` picks."""
    cdef bytes any_ = b"".join(bytes(w) + b"\0" for w in words)
    cdef bytes none = b"".join(bytes(w) + b"\0" for w in not_words)
    cdef const char *a = any_
    cdef const char *z = none
    cdef size_t a_len = len(any_), z_len = len(none)
    cdef const char *buf = names
    cdef size_t used = len(names), at = 0, n
    out = []
    while at < used:
        n = strlen(buf + at)
        if n and lg_loader_named(buf + at, n, a, a_len, z, z_len):
            out.append(buf[at:at + n])
        at += n + 1
    return out


def openblas_functions(paths, spellings):
    """``[(handle, get_num_threads, set_num_threads), ...]``: for each of
    ``paths`` (bytes, as :func:`loaded_libraries`' names encode), the
    library's handle and the addresses of the first pair of ``spellings``
    (``(getter name, setter name)`` as bytes, tried in order) it exports;
    None when one of them cannot be opened without loading it, exports no
    pair, or when there are more than 64. Each handle holds one reference to
    its library (opened with ``RTLD_NOLOAD``: never loaded here), which the
    caller keeps, so that the addresses stay valid, or gives back with
    :func:`close`. Which libraries are BLAS and how their setters are spelled
    is the caller's rule. Raises OSError off Linux. ~0.1 ms a search with
    :func:`loaded_libraries`, where the same through :mod:`ctypes` took
    ~0.25 ms."""
    cdef bytes joined = b"".join(bytes(p) + b"\0" for p in paths)
    cdef bytes spelled = b"".join(
        bytes(get) + b"\0" + bytes(put) + b"\0" for get, put in spellings
    )
    cdef size_t cap = 64
    cdef void *out[192]
    cdef const char *buf = joined
    cdef size_t used = len(joined)
    cdef const char *names = spelled
    cdef size_t named = len(spelled)
    cdef ptrdiff_t found
    with nogil:
        found = lg_loader_openblas(buf, used, names, named, out, cap)
    if found == -2:
        raise OSError("the loader cannot be asked here")
    if found < 0:
        return None
    return [
        (<size_t>out[3 * k], <size_t>out[3 * k + 1], <size_t>out[3 * k + 2])
        for k in range(found)
    ]


def thread_count(getter):
    """What the ``int (void)`` function at address ``getter`` answers (an
    OpenBLAS ``get_num_threads`` that :func:`openblas_functions` found),
    called without the GIL."""
    cdef size_t address = getter
    cdef int (*get)() noexcept nogil
    cdef int n
    get = <int (*)() noexcept nogil><void *>address
    with nogil:
        n = get()
    return n


def set_thread_count(setter, int n):
    """Calls the ``void (int)`` function at address ``setter`` (an OpenBLAS
    ``set_num_threads`` that :func:`openblas_functions` found) with ``n``,
    without the GIL."""
    cdef size_t address = setter
    cdef void (*put)(int) noexcept nogil
    put = <void (*)(int) noexcept nogil><void *>address
    with nogil:
        put(n)


def close(handle):
    """Gives back the reference a handle of :func:`openblas_functions`
    holds."""
    cdef size_t h = handle
    with nogil:
        lg_loader_close(<void *>h)


# The process's one-thread limit (:class:`OneThread`): how many contexts are
# inside, and the setters it has set to one with the counts they had before.
# Read and written only with the GIL held and no Python code run in between,
# so that no other thread and no ``KeyboardInterrupt`` can come between.
cdef enum:
    _MAX_LIMITED = 64

cdef Py_ssize_t _inside = 0
cdef size_t _n_limited = 0
cdef size_t _limited_setter[_MAX_LIMITED]
cdef int _limited_before[_MAX_LIMITED]


cdef class OneThread:
    """A context holding the OpenBLAS libraries of ``pairs`` (their
    ``(get_num_threads, set_num_threads)`` addresses, as
    :func:`openblas_functions` found them) to one thread while any
    :class:`OneThread` of the process is inside, the counts they had
    restored when the last one leaves; reusable, re-entrant and shared by
    threads.

    ``__enter__`` and ``__exit__`` are C that runs no Python code and keeps
    the GIL: each is one step for other threads and for Ctrl-C. CPython
    raises ``KeyboardInterrupt`` only where its eval loop checks for
    signals (a function's entry, after a call returns, a backward jump):
    the first after ``__enter__`` returns lies inside the ``with``'s
    exception table, so ``__exit__`` runs; the one after ``__exit__``'s
    call comes once it is done. The opcodes
    of a ``with``'s normal exit before the ``__exit__`` call lie outside
    that table: an exception raised there (by a trace function; no signal
    is checked there) skips ``__exit__`` and leaves the count one high.
    A library of ``pairs`` not yet limited when a context enters (loaded
    since the first context entered) is limited then, and restored with
    the others. At most 64 libraries (``_MAX_LIMITED``) are held at once:
    more ``pairs`` raise ValueError, and a library past 64 held by several
    contexts' pairs together is left unheld.

    The count is the process's: a child forked while another thread is
    inside counts that thread, which it does not have, so its limit is
    never restored."""

    cdef size_t _n
    cdef size_t _get[_MAX_LIMITED]
    cdef size_t _put[_MAX_LIMITED]

    def __cinit__(self, pairs):
        pairs = list(pairs)
        if len(pairs) > _MAX_LIMITED:
            raise ValueError(f"more than {_MAX_LIMITED} libraries")
        self._n = 0
        for get, put in pairs:
            self._get[self._n] = get
            self._put[self._n] = put
            self._n += 1

    def __enter__(self):
        global _inside, _n_limited
        cdef size_t k, j
        cdef int (*get)() noexcept nogil
        cdef void (*put)(int) noexcept nogil
        _inside += 1
        for k in range(self._n):
            for j in range(_n_limited):
                if _limited_setter[j] == self._put[k]:
                    break
            else:
                if _n_limited < _MAX_LIMITED:
                    get = <int (*)() noexcept nogil><void *>self._get[k]
                    put = <void (*)(int) noexcept nogil><void *>self._put[k]
                    _limited_before[_n_limited] = get()
                    _limited_setter[_n_limited] = self._put[k]
                    _n_limited += 1
                    put(1)

    def __exit__(self, exc_type, exc, tb):
        global _inside, _n_limited
        cdef size_t j
        cdef void (*put)(int) noexcept nogil
        _inside -= 1
        if _inside == 0:
            for j in range(_n_limited):
                put = <void (*)(int) noexcept nogil><void *>_limited_setter[j]
                put(_limited_before[j])
            _n_limited = 0
        return False


def one_thread_inside():
    """How many :class:`OneThread` contexts of the process are inside, and
    how many libraries they hold at one thread: ``(contexts, libraries)``."""
    return _inside, _n_limited
