"""The threads dense work may use: one shared pool per process, and how many BLAS allows.

Each process gets one pool of at most two threads (the machines we aim at have two cores;
NumPy's matrix products and LAPACK's factorisations release Python's lock, so two threads
run them side by side). Code asks :func:`work_threads` before splitting work: it follows
the BLAS library's own thread limit, so ``OPENBLAS_NUM_THREADS=1`` (as the ensemble's worker
processes set) or a ``threadpoolctl`` limit keeps the work on the calling thread.

Example:
    >>> with one_blas_thread():
    ...     work_threads()
    1
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread", "pool", "work_threads"]

MAX_THREADS = 2
POOL_PREFIX = "paxsilica-pool"


@functools.cache
def pool() -> ThreadPoolExecutor:
    """The process's pool (created on first use)."""
    return ThreadPoolExecutor(max_workers=min(MAX_THREADS, os.cpu_count() or 1), thread_name_prefix=POOL_PREFIX)


THREADED_LIBRARY_HINTS = ("blas", "lapack", "mkl", "omp", "blis")
"""Parts of the file names of the libraries threadpoolctl controls (OpenBLAS, scipy-openblas,
FlexiBLAS, BLIS, MKL, the OpenMP runtimes, and system links such as ``libblas.so.3``)."""


class _ThreadedLibraries(ThreadpoolController):
    """threadpoolctl's controller, resolving only the loaded libraries whose file name may be
    a threaded one. The stock scan resolves the real path of every loaded library (152 once
    pandas, pyarrow and SciPy are in: 23 ms, most of a first n = 200 MRIO); the others cannot
    be BLAS or OpenMP, so the same controllers are found (tested)."""

    def _make_controller_from_path(self, filepath: str) -> None:
        name = os.path.basename(str(filepath)).lower()
        if any(hint in name for hint in THREADED_LIBRARY_HINTS):
            super()._make_controller_from_path(filepath)


@functools.cache
def _controller() -> ThreadpoolController:
    # found once per process: each threadpoolctl call reads /proc/self/maps again (4 ms)
    return _ThreadedLibraries()


def one_blas_thread() -> contextlib.AbstractContextManager:
    """BLAS on one thread inside the block."""
    return _controller().limit(limits=1, user_api="blas")


def work_threads() -> int:
    """Threads dense work may be split over now: the BLAS libraries' current limit, at most
    the pool's size (1 when no BLAS library is loaded, and 1 on the pool's own threads, which
    waiting on work queued behind themselves would deadlock)."""
    if threading.current_thread().name.startswith(POOL_PREFIX):
        return 1
    blas = [library.num_threads for library in _controller().select(user_api="blas").lib_controllers]
    return max(1, min(*blas, MAX_THREADS, os.cpu_count() or 1)) if blas else 1
