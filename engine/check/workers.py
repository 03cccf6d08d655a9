"""Checking many files on every core: a process pool for large sets, this process for small ones.

Workers are forked where the platform allows it, after the caller has imported what they
need, so each starts in milliseconds. Only the parent answers Ctrl-C. This module knows
nothing of procedures: it maps a picklable function over paths, in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TypeVar

PARALLEL_FROM = 24  # files to check before a pool pays for its start-up (about 30 ms)

T = TypeVar("T")


def map_paths(
    check: Callable[[str], T],
    paths: list[str],
    jobs: int | None,
    *,
    prepare: Callable[[], None] | None = None,
) -> Iterator[T]:
    """`map(check, paths)`, in `jobs` processes (default: one per core) when there are enough paths.

    `prepare` runs here before the workers start, so what it imports or loads they inherit.
    """
    workers = min(jobs or cores(), len(paths))
    if workers < 2 or len(paths) < PARALLEL_FROM:
        return map(check, paths)
    if prepare is not None:
        prepare()
    return _in_processes(check, paths, workers)


def _in_processes(check: Callable[[str], T], paths: list[str], workers: int) -> Iterator[T]:
    # the pool machinery costs ~10 ms to import: only a set big enough for workers pays it
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    chunk = max(1, min(32, len(paths) // (workers * 4)))  # small enough to share the tail evenly
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
    try:
        yield from pool.map(check, paths, chunksize=chunk)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C or a crash: do not finish the queue
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    import signal  # in the worker, where it runs once

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent alone answers Ctrl-C


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
