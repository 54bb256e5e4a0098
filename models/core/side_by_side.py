"""Reads side by side: the district's report reads its schools a few at a time.

Everything else a process does holds one connection, its thread's. A read over many
schools may run up to `readers()` of them at once, each reader on its own connection, which
it closes when the batch is done (no idle connection is left behind):

- a process with a single thread (the command line, the benchmarks) forks the readers:
  the reports' arithmetic is Python's, and processes share no interpreter lock (measured on
  two cores, 60 schools: two processes 9.5 s, two threads 13–17 s, one 22 s). The parent
  closes its connection first, so that no child ever touches it;
- a process with threads (an app's session: forking it is unsafe) reads with the calling
  thread and helpers of a small pool where each thread has a connection of its own (SQLite);
  the caller reads too, so a batch never waits for a helper that cannot start (inside a busy
  pool it reads alone, only slower). On PostgreSQL such a process holds one connection
  (models.core.db), so it reads one item after another.

The number: JOURNAL_REPORT_READERS (default 2; 1 reads everything on the caller's
connection). An item (a school) is read whole by one reader, in its own consistent reads.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import util
from typing import TypeVar

from models.core.db import close, database, one_connection
from models.core.errors import JournalError, StorageError

READERS_ENV = "JOURNAL_REPORT_READERS"
DEFAULT_READERS = 2
MAX_READERS = 16

T = TypeVar("T")
R = TypeVar("R")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def readers() -> int:
    """How many threads may read at once (the caller included): the setting, within 1–16."""
    raw = os.environ.get(READERS_ENV, "")
    try:
        wanted = int(raw) if raw.strip() else DEFAULT_READERS
    except ValueError:
        wanted = DEFAULT_READERS
    return max(1, min(MAX_READERS, wanted))


def _helpers() -> ThreadPoolExecutor:
    """The helpers' pool (its threads start as batches ask for them, up to the most a
    setting allows)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(MAX_READERS - 1, thread_name_prefix="journal-reader")
        return _pool


def each(
    items: Sequence[T], call: Callable[[T], R], progress: Callable[[int, int], object] | None = None
) -> list[R]:
    """`call(item)` for every item, on up to readers() readers at once; the results in the
    order of `items`. The first failure stops the batch and is raised here. In processes
    `call` and the results travel by pickle (a module's function, or a partial of one).
    `progress(done, of)` after each item read in this thread, one after another."""
    count = min(readers(), len(items))
    if count >= 2 and _may_fork():
        return _in_processes(items, call, count)
    if count >= 2 and not one_connection():  # on one connection threads would only take turns
        return _in_threads(items, call, count)
    results = []
    for done, item in enumerate(items, start=1):
        results.append(call(item))
        if progress is not None:
            progress(done, len(items))
    return results


def _may_fork() -> bool:
    """Whether readers may be forked: one thread (no lock another thread holds is copied
    half-taken) and no transaction open on the connection it will close."""
    in_transaction = database.obj is not None and database.in_transaction()
    return hasattr(os, "fork") and threading.active_count() == 1 and not in_transaction


def _in_processes(items: Sequence[T], call: Callable[[T], R], count: int) -> list[R]:
    close()  # the children open their own; the parent reconnects when it next reads
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(count, mp_context=context, initializer=_reader_started) as pool:
            return list(pool.map(_Portable(call), items))
    except BrokenProcessPool as exc:
        raise StorageError(
            "Чтение прервано: процесс, читавший данные, завершился аварийно. Повторите."
        ) from exc


def _reader_started() -> None:
    """In a forked reader: close its own connection when it exits."""
    util.Finalize(None, close, exitpriority=10)


class _Portable:
    """`call` in a reader process, its failure made fit to travel back (a driver's exception
    may not survive pickling: then its text does)."""

    def __init__(self, call: Callable) -> None:
        self.call = call

    def __call__(self, item):  # noqa: ANN001, ANN204 (whatever `call` takes and gives)
        try:
            return self.call(item)
        except JournalError:
            raise
        except Exception as exc:
            try:
                pickle.dumps(exc)
            except Exception:
                raise StorageError(f"Ошибка базы данных. Данные не прочитаны: {exc}") from None
            raise


def _in_threads(items: Sequence[T], call: Callable[[T], R], count: int) -> list[R]:
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        todo.put(index)
    failed = threading.Event()

    def drain() -> None:
        try:
            while not failed.is_set():
                try:
                    index = todo.get_nowait()
                except queue.Empty:
                    return
                results[index] = call(items[index])
        except BaseException:
            failed.set()
            raise

    def helper() -> None:
        try:
            drain()
        finally:
            close()  # this helper's own connection (the pool thread's)

    pool = _helpers()
    started: list[Future[None]] = [pool.submit(helper) for _ in range(count - 1)]
    try:
        drain()
    finally:
        for future in started:
            if not future.cancel():  # started: it reads to the end of the queue, then stops
                future.exception()
    for future in started:
        if not future.cancelled() and (error := future.exception()) is not None:
            raise error
    return results
