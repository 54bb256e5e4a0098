"""Cell writes that never make a keystroke wait for the store (issue 16).

On SQLite every writer of the school takes its turn on the whole file; on PostgreSQL the
session's threads take turns on its one connection (models.core.db). When the store is free
the grid writes a mark at once, on the UI thread, as before (a few milliseconds). When another
writer holds it (thirty teachers typing at 8:05; an export of this session running), the
write is not waited for: the cell shows
what the write will make of it at once, and the write goes to a thread of this screen's own,
which waits for the store's turn and then writes everything queued meanwhile in that one turn
(models.core.service.in_one_turn: each write still checked, audited and refused on its own).
Writes stay in the order they were typed: while any is waiting, the next ones queue behind
it. Each queued write's outcome reaches the screen on the UI thread: `done` with the service's
result, or `failed` with its refusal.

On SQLite the thread has its own connection to the store; it ends, giving the connection
back, once nothing has been queued for a moment, so a session holds a second one only while
the store is busy (on PostgreSQL it uses the session's one). It is not a daemon: a journal
that quits writes what it has shown first.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.core.errors import JournalError, StoreBusy
from models.core.service import in_one_turn, release_connection, without_waiting

IDLE_SECONDS = 1.0  # the thread ends after this long with nothing queued
MAX_BATCH = 200  # writes at most in one turn on the store


@dataclass
class Job:
    call: Callable[[], Any]
    done: Callable[[Any], None]
    failed: Callable[[JournalError], None]


class WriteBehind:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()  # guards `thread` between the UI and the writer
        self.waiting = 0  # queued writes not yet reported on the UI thread
        self.reported = asyncio.Event()  # set each time a batch has been reported
        self.refused = 0  # queued writes refused so far

    def write(
        self, call: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[JournalError], None]
    ) -> bool:
        """Write now if the store is free: True, and `call`'s result or refusal is handled
        (by `done` / `failed`) before returning. Otherwise queue it and return False: the
        caller shows what it will be, and `done` or `failed` is called later."""
        if not self.waiting:
            try:
                with without_waiting():
                    result = call()
            except StoreBusy:
                pass
            except JournalError as exc:
                failed(exc)
                return True
            else:
                done(result)
                return True
        self.queue(Job(call, done, failed))
        return False

    def queue(self, job: Job) -> None:
        self.waiting += 1
        self.jobs.put(job)
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._work, name="journal-writes")
                self.thread.start()

    def _work(self) -> None:
        try:
            while True:
                try:
                    first = self.jobs.get(timeout=IDLE_SECONDS)
                except queue.Empty:
                    with self.lock:  # a job queued from now on starts a new thread
                        if self.jobs.empty():
                            self.thread = None
                            return
                    continue
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        batch.append(self.jobs.get_nowait())
                    except queue.Empty:
                        break
                results = in_one_turn([self._guarded(job.call) for job in batch])
                try:
                    self.loop.call_soon_threadsafe(self._report, batch, results)
                except RuntimeError:  # the app has closed: no one to tell, the rest still written
                    pass
        finally:
            release_connection()

    @staticmethod
    def _guarded(call: Callable[[], Any]) -> Callable[[], Any]:
        """A failure that is not a refusal of the rules is still said in words."""

        def run() -> Any:
            try:
                return call()
            except JournalError:
                raise
            except Exception as exc:  # noqa: BLE001 — shown to the teacher, never a traceback
                raise JournalError(f"Изменение не записано: {type(exc).__name__}: {exc}") from exc

        return run

    def _report(self, batch: list[Job], results: list[Any]) -> None:
        for job, result in zip(batch, results, strict=True):
            self.waiting -= 1
            if isinstance(result, JournalError):
                self.refused += 1
                job.failed(result)
            else:
                job.done(result)
        self.reported.set()

    async def drain(self) -> bool:
        """Until every queued write is done and reported: True if none of them was refused."""
        refused = self.refused
        while self.waiting:
            self.reported.clear()
            await self.reported.wait()
        return self.refused == refused
