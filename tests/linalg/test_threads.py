"""How many threads dense work may use: it follows the BLAS library's own limit."""

import os

from threadpoolctl import threadpool_limits

from paxsilica.linalg.threads import MAX_THREADS, one_blas_thread, pool, work_threads


def test_work_threads_follow_the_blas_limit():
    assert 1 <= work_threads() <= min(MAX_THREADS, os.cpu_count() or 1)
    with one_blas_thread():
        assert work_threads() == 1
    with threadpool_limits(limits=1, user_api="blas"):
        assert work_threads() == 1


def test_one_pool_per_process():
    assert pool() is pool()
    assert pool().submit(sum, [1, 2, 3]).result() == 6


def test_work_on_the_pools_own_threads_is_not_split_again():
    """A task on the pool that asked for more threads would wait on work queued behind itself."""
    assert pool().submit(work_threads).result() == 1


def test_the_narrow_scan_finds_what_threadpoolctl_finds():
    """Only libraries named like BLAS or OpenMP runtimes are resolved: the same controllers."""
    import scipy.linalg  # noqa: F401  (its LAPACK, if separate, is loaded too)
    from threadpoolctl import ThreadpoolController

    from paxsilica.linalg.threads import _ThreadedLibraries

    def found(controller):
        return sorted((lib.filepath, lib.user_api, lib.internal_api) for lib in controller.lib_controllers)

    ours = found(_ThreadedLibraries())
    assert ours == found(ThreadpoolController())
    assert any(api == "blas" for _, api, _ in ours)
