"""convlab's own threads: the pool that runs the independent parts of one call.

A method cuts its work into parts that write disjoint pieces of the result
(im2col's and winograd's chunks and groups, the FFT's rows and frequencies,
max pooling's chunks) and hands them to :func:`run`, which calls them on up
to :func:`workers` threads: numpy releases the GIL in the copies, ufuncs,
FFTs and matrix products each part is made of. How many comes from the
``workers`` setting (:mod:`convlab.config`; scipy.fft's convention: ``-1``,
the default, every core this process may run on; ``-2`` all but one; a
positive int that many; ``1`` no pool at all).

Rules that keep it correct and out of trouble:

* The parts are the same, and summed in the same order, whatever the number
  of threads: a result does not depend on ``workers``.
* No oversubscription: while a call that may use the pool runs (``workers``
  above 1, and work enough), the BLAS library numpy uses (OpenBLAS or MKL)
  is pinned to one thread, process-wide, and restored when the last such
  call finishes (a count, so overlapping calls from several threads of the
  caller's do not restore it early): the pool is the only parallelism, and a
  large call's work is cut into at least one part per core
  (:func:`at_least`). With ``workers=1`` convlab leaves the BLAS alone.
* No deadlock: the calling thread runs parts itself, and waits only for
  parts a pool thread has already started; a part that calls convlab again
  (or a call made from inside a pool thread) runs serially; so a call from
  any thread finishes even when every pool thread is busy with another's.
* The settings of an :func:`convlab.options` block reach the parts (each
  runs in a copy of the caller's context); each pool thread keeps its own
  :mod:`convlab.workspace`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import threading
from collections.abc import Callable, Iterator, Sequence

from . import config

#: At most this many pool threads ever exist (a ``workers`` above it runs this many).
MAX_THREADS = max(32, 4 * (os.cpu_count() or 1))

_local = threading.local()          # .inside: this thread is running a part
_lock = threading.Lock()
_executor = None                    # a concurrent.futures.ThreadPoolExecutor, made on first use
_blas_users = 0                     # pools running now (the BLAS stays pinned while > 0)
_blas_before: list[int] = []


def cores() -> int:
    """The cores this process may run on (its CPU affinity, else ``os.cpu_count()``).

    Examples
    --------
    >>> from convlab._pool import cores
    >>> cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):       # not Linux
        return os.cpu_count() or 1


def resolve(value: int) -> int:
    """The number of threads a ``workers`` value asks for: itself when positive, else
    ``cores() + 1 + value`` (``-1``: every core), at least 1.

    Examples
    --------
    >>> from convlab._pool import cores, resolve
    >>> resolve(3), resolve(-1) == cores()
    (3, True)
    """
    return value if value > 0 else max(1, cores() + 1 + value)


def workers() -> int:
    """The number of threads the current ``workers`` setting asks for (1 inside a pool thread)."""
    if getattr(_local, "inside", False):
        return 1
    return resolve(config.current("workers"))


def parts(total: int, count: int) -> list[slice]:
    """``range(total)`` cut into at most ``count`` contiguous, nearly equal slices.

    Examples
    --------
    >>> from convlab._pool import parts
    >>> parts(10, 3)
    [slice(0, 4, None), slice(4, 7, None), slice(7, 10, None)]
    >>> parts(2, 4)
    [slice(0, 1, None), slice(1, 2, None)]
    """
    count = max(1, min(count, total))
    base, extra = divmod(total, count)
    bounds = [0]
    for i in range(count):
        bounds.append(bounds[-1] + base + (i < extra))
    return [slice(a, b) for a, b in zip(bounds, bounds[1:])]


def _pool():
    """The process's thread pool (``import convlab`` does not load concurrent.futures)."""
    global _executor
    with _lock:
        if _executor is None:
            from concurrent.futures import ThreadPoolExecutor

            _executor = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="convlab")
        return _executor


def _forget_pool() -> None:          # in a forked child the pool's threads do not exist
    global _executor, _blas_users, _lock
    _executor, _blas_users, _lock = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


@contextlib.contextmanager
def blas_single() -> Iterator[None]:
    """numpy's BLAS on one thread for the block, restored when the last such block (in
    any thread) ends; a count, so overlapping blocks nest. :func:`run` holds it while parts
    run; a call that may use the pool holds it throughout (:func:`convlab._engine.run`),
    so that convlab never wakes the BLAS's own threads, which spin for a while after each
    product and would take the cores from the pool's next parts."""
    global _blas_users, _blas_before
    from .threads import blas_setters

    with _lock:
        if _blas_users == 0:
            libs = blas_setters()
            _blas_before = [int(get()) for _, get in libs]
            for set_, _ in libs:
                set_(1)
        _blas_users += 1
    try:
        yield
    finally:
        with _lock:
            _blas_users -= 1
            if _blas_users == 0:
                for (set_, _), old in zip(blas_setters(), _blas_before):
                    set_(old)


def run(tasks: Sequence[Callable[[], None]], *, most: int | None = None) -> None:
    """Call every task (no arguments, no result: each writes its own part), on up to
    :func:`workers` threads, at most ``most`` at once (e.g. what a memory cap allows).

    Serially, in order, when one thread is asked for or there is one task. An
    exception in a task is raised here, after every started task has finished.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import _pool
    >>> out = np.zeros(6)
    >>> def fill(s):
    ...     return lambda: out.__setitem__(s, s.start)
    >>> _pool.run([fill(s) for s in _pool.parts(6, 3)])
    >>> out
    array([0., 0., 2., 2., 4., 4.])
    """
    n = min(workers(), len(tasks), most or len(tasks), MAX_THREADS)
    if n <= 1:
        for task in tasks:
            task()
        return
    queue = iter(range(len(tasks)))
    lock = threading.Lock()           # guards the queue and the error
    done = threading.Condition(lock)
    state = {"started": 0, "finished": 0, "error": None}
    context = contextvars.copy_context()

    def drain() -> None:
        _local.inside = True
        try:
            while True:
                with lock:
                    i = None if state["error"] is not None else next(queue, None)
                    if i is None:
                        return
                    state["started"] += 1
                try:
                    context.copy().run(tasks[i])
                except BaseException as exc:        # noqa: BLE001 - raised again by the caller
                    with lock:
                        state["error"] = state["error"] or exc
                finally:
                    with done:
                        state["finished"] += 1
                        done.notify_all()
        finally:
            _local.inside = False

    with blas_single():
        pool = _pool()
        for _ in range(n - 1):
            pool.submit(drain)
        drain()
        with done:
            # the queue is empty (or stopped by an error): wait for the parts pool threads
            # took; a pool thread that starts later takes none
            done.wait_for(lambda: state["finished"] == state["started"])
    if state["error"] is not None:
        raise state["error"]


#: Work (multiply-adds, or elements moved) below which a call is not worth a second thread.
MIN_PARALLEL_WORK = 2**20


def parallel(work: float) -> bool:
    """Whether a call of ``work`` multiply-adds (or elements moved) runs on the pool:
    more than one worker is asked for and the work is :data:`MIN_PARALLEL_WORK` or more.

    Examples
    --------
    >>> import convlab
    >>> from convlab import _pool
    >>> with convlab.options(workers=2):
    ...     _pool.parallel(10**3), _pool.parallel(10**9)
    (False, True)
    """
    return work >= MIN_PARALLEL_WORK and workers() > 1


def at_least(aim: int, total: int, groups: int, work: float) -> int:
    """A chunk size (bytes) at most ``aim`` that cuts ``total`` bytes (of each of ``groups``
    independent groups) into chunks enough for every core to have one, when the call's
    ``work`` is large enough for the pool (:data:`MIN_PARALLEL_WORK`); else ``aim``.

    It depends on the machine's cores, not on the ``workers`` setting: the chunks, and so
    the rounding of every product, are the same for every number of threads.

    Examples
    --------
    >>> from convlab import _pool
    >>> n = _pool.cores()
    >>> _pool.at_least(2**21, 2**30, 1, 10**9), _pool.at_least(2**21, 2**22, 1, 10**3)
    (2097152, 2097152)
    >>> _pool.at_least(2**21, 2**21, 1, 10**9) == -(-2**21 // n)
    True
    """
    n = -(-cores() // groups)
    return aim if n <= 1 or work < MIN_PARALLEL_WORK else max(1, min(aim, -(-total // n)))


def split(total: int, body: Callable[[slice], None], *, work: int, grain: int = 2**16) -> None:
    """``body(part)`` for contiguous parts of ``range(total)`` that together cover it, one per
    thread: as many parts as :func:`workers` allows and ``work`` (elements, the whole job's)
    fills with at least ``grain`` each; one part, ``body(slice(0, total))``, when that is one.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import _pool
    >>> a, b = np.arange(8.0), np.empty(8)
    >>> _pool.split(8, lambda s: np.multiply(a[s], 2, out=b[s]), work=8, grain=1)
    >>> b
    array([ 0.,  2.,  4.,  6.,  8., 10., 12., 14.])
    """
    count = min(workers(), total, work // max(grain, 1))
    if count <= 1:
        body(slice(0, total))
        return
    run([functools.partial(body, part) for part in parts(total, count)])
