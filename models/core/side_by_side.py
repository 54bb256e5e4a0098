"""Reads side by side: the district's report reads its schools a few at a time.

Everything else a process does holds one connection (models.core.db). A read over many
schools may run up to `readers()` of them at once, in reader processes forked for it, each
on its own connection, which it closes when it exits (no idle connection is left behind).
The reports' arithmetic is Python's, and processes share no interpreter lock (measured on two
cores, 60 schools: two processes 7.5–10.7 s, two threads 13–17 s, one after another 22 s).

Only a process with a single thread forks (the command line, the benchmarks): forking one
with threads (an app's session) is unsafe, and such a process holds one connection anyway,
so it reads one item after another. The parent closes its connection before forking, so
that no child ever touches it.

The number: JOURNAL_REPORT_READERS (default 2; 1 reads everything on the caller's
connection). An item (a school) is read whole by one reader, in its own consistent reads.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import util
from typing import TypeVar

from models.core.db import close, database
from models.core.errors import JournalError, StorageError

READERS_ENV = "JOURNAL_REPORT_READERS"
DEFAULT_READERS = 2
MAX_READERS = 16

T = TypeVar("T")
R = TypeVar("R")


def readers() -> int:
    """How many readers may read at once: the setting, within 1–16."""
    raw = os.environ.get(READERS_ENV, "")
    try:
        wanted = int(raw) if raw.strip() else DEFAULT_READERS
    except ValueError:
        wanted = DEFAULT_READERS
    return max(1, min(MAX_READERS, wanted))


def each(
    items: Sequence[T], call: Callable[[T], R], progress: Callable[[int, int], object] | None = None
) -> list[R]:
    """`call(item)` for every item, on up to readers() reader processes at once where this
    process may fork, else one after another; the results in the order of `items`. The
    first failure stops the batch and is raised here. Readers get `call` and give back the
    results by pickle (a module's function, or a partial of one). `progress(done, of)` after
    each item read one after another."""
    count = min(readers(), len(items))
    if count >= 2 and _may_fork():
        return _in_processes(items, call, count)
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
