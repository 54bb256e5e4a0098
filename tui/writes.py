"""Cell writes that never make a keystroke wait for the store (issue 16).

On SQLite every writer of the school takes its turn on the whole file. When the store is free
the grid writes a mark at once, on the UI thread, as before (a few milliseconds). When another
writer holds it (thirty teachers typing at 8:05), the write is not waited for: the cell shows
what the write will make of it at once, and the write goes to one thread of this screen's own,
which waits its turn. Writes stay in the order they were typed: while any is waiting, the next
ones queue behind it. When a queued write is done, the screen is told (`done`, on the UI
thread); when it is refused, `failed` gets the refusal and puts the cell as it really is back.

The thread opens its own connection to the store and gives it back as soon as nothing is
waiting, so a session holds a second connection only while the store is busy.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from models.core.errors import JournalError, StoreBusy
from models.core.service import release_connection, without_waiting

Call = Callable[[], Any]


class WriteBehind:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.executor: ThreadPoolExecutor | None = None
        self.waiting = 0  # queued writes not yet reported on the UI thread
        self.in_thread = 0  # … not yet run by the thread (changed under `lock`)
        self.lock = threading.Lock()
        self.last: Future | None = None

    def write(self, call: Call, done: Callable[[Any], None], failed: Callable[[JournalError], None]) -> bool:
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
        self.queue(call, done, failed)
        return False

    def queue(self, call: Call, done: Callable[[Any], None], failed: Callable[[JournalError], None]) -> None:
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-writes")
        self.waiting += 1
        with self.lock:
            self.in_thread += 1
        future = self.executor.submit(self._run, call)
        self.last = future

        def report(future: Future) -> None:
            self.loop.call_soon_threadsafe(self._finished, future, done, failed)

        future.add_done_callback(report)

    def _run(self, call: Call) -> Any:
        try:
            return call()
        finally:
            with self.lock:
                self.in_thread -= 1
                idle = not self.in_thread
            if idle:  # nothing queued behind this one: the store's connection goes back
                release_connection()

    def _finished(
        self, future: Future, done: Callable[[Any], None], failed: Callable[[JournalError], None]
    ) -> None:
        self.waiting -= 1
        exc = future.exception()
        if exc is None:
            done(future.result())
        elif isinstance(exc, JournalError):
            failed(exc)
        else:  # not a refusal of the rules: still said in words, never a traceback
            failed(JournalError(f"Изменение не записано: {type(exc).__name__}: {exc}"))

    async def drain(self) -> None:
        """Until every queued write is done and reported."""
        while self.waiting and self.last is not None:
            last = self.last
            await asyncio.wait([asyncio.wrap_future(last)])  # done or refused: reported either way
            await asyncio.sleep(0)  # its report, scheduled before, has run

    def close(self) -> None:
        """No new writes; those queued are still written (the thread ends after them)."""
        if self.executor is not None:
            self.executor.shutdown(wait=False)
