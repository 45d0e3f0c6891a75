"""Screen a large batch on several processes, when that is safe.

Most of a screen is Python (normalising each name, finding the listed names it
contains), so one process uses one core. A batch of at least :data:`PARALLEL_MIN` names is
dealt out to forked copies of the process, query ``i`` to worker ``i mod workers``: they share
the fitted index with the parent (copy on write, nothing pickled but the results), and each
query's matches do not depend on the others, so the result, put back in query order, is the
same as one process's. Dealt out rather than cut in contiguous parts because a batch is often
grouped (names of listed firms first, or one file after another) and a name that resembles
listed ones costs several times one that does not: contiguous halves of the benchmark's
batch took 1.3–1.5 s and 0.9 s, so the batch waited for the slower half.

Forking is only safe in a process with a single thread (a forked child inherits locks
other threads may hold), so it is used only then — a command-line run or a script — and
never inside the HTTP service, a Dask worker or any threaded host, which screen in their
one process.

Example:
    >>> workers_for(100, None) if can_fork() else 1
    1
"""

from __future__ import annotations

import multiprocessing
import os
import threading

import numpy as np
import pandas as pd

__all__ = ["PARALLEL_MIN", "can_fork", "screen_in_parallel", "workers_for"]

PARALLEL_MIN = 2_000
"""Batches smaller than this are screened in the calling process (forking costs ~0.1 s)."""
MAX_WORKERS = 8

_SHARED: dict = {}


def can_fork() -> bool:
    """Whether this process may fork workers: POSIX ``fork`` exists and only the main thread runs."""
    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and threading.current_thread() is threading.main_thread()
            and multiprocessing.parent_process() is None)


def workers_for(names: int, workers: int | None) -> int:
    """Processes to screen ``names`` names with (``workers``: asked for; ``None``: the CPU count)."""
    wanted = min(os.cpu_count() or 1, MAX_WORKERS) if workers is None else int(workers)
    if wanted <= 1 or names < PARALLEL_MIN or not can_fork():
        return 1
    return max(1, min(wanted, names // (PARALLEL_MIN // 2)))


def _part(task: tuple[int, int, float | None, int]) -> pd.DataFrame:
    first, step, threshold, limit = task
    screener, queries = _SHARED["screener"], _SHARED["queries"]
    # the query's position in the batch stands in for its id, to put the rows back in order
    part = queries.iloc[first::step]
    return screener.screen_one(part.assign(query_id=np.arange(first, len(queries), step)), threshold, limit)


def screen_in_parallel(screener: object, queries: pd.DataFrame, threshold: float | None, limit: int,
                       workers: int) -> pd.DataFrame:
    """``screener.screen_one`` of ``queries`` in ``workers`` forked processes, results in order."""
    queries = queries.reset_index(drop=True)
    _SHARED.update(screener=screener, queries=queries)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_part, [(first, workers, threshold, limit) for first in range(workers)])
    finally:
        _SHARED.clear()
    found = [part for part in parts if not part.empty]
    if not found:
        return parts[0]
    # one process's order: by query, each query's rows as ranked (a stable sort keeps them)
    merged = pd.concat(found, ignore_index=True)
    position = merged["query_id"].to_numpy(dtype=np.int64)
    order = np.argsort(position, kind="stable")
    merged = merged.iloc[order].reset_index(drop=True)
    merged["query_id"] = queries["query_id"].to_numpy()[position[order]]
    # object columns get the dtype one process would infer from all their values (pandas infers
    # str from the values, so a part whose values are all missing comes back as object)
    return merged.infer_objects()
