"""What a session would cost as a thread of a shared process (issue 16: session_pss_mb ≤ 20).

Not a figure of DESIGN.md: the measurement behind the next step of `journal serve ssh`. Today
every SSH session is a process forked from the ready process (tui/serve/zygote.py), and it
costs ≈ 25 MB of its own, almost all of it pages of the ready process copied as the session
touches them (CPython 3.11 writes into every object it uses: reference counts, and the
bytecode of every function it runs). Sessions running as threads of one process share those
pages once. This script runs K journal apps in one process, each in a thread of its own, on
its own pseudo-terminal through Textual's Linux driver (minus the signals, which only the main
thread may set), logs each in as the demo's subject or homeroom teacher and opens a grid, and
reports the resident memory after each: `threaded_session_marginal_mb` is what one more
session costs. The run is refused unless every session shows its grid and is still running.

    python benchmarks/threaded_sessions.py DEMO.sqlite [K]     # a copy of DEMO is used

What this leaves out, and a real shared process would have to do: each session's own
environment (TERM, the client's address), the school scope (models.core.tenancy is one per
process), render.py's record of what the terminal shows (one per process), a resize without
SIGWINCH, ending one session on a hang-up, and the server's process-group handling of a
session (tui/serve/ssh_server.py).
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import threading
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ACCOUNTS = (("leonova.in", "demo-teacher-1"), ("naumova.ma", "demo-homeroom-1"))
WAIT = 60.0


def _quiet_signals_off_the_main_thread() -> None:
    """Textual's Linux driver sets SIGTSTP, SIGWINCH … handlers, which only the main thread may
    do: in this script its `signal.signal` does nothing in other threads."""
    import textual.drivers.linux_driver as linux_driver

    real = signal.signal
    proxy = types.SimpleNamespace(**{k: getattr(signal, k) for k in dir(signal) if not k.startswith("_")})
    proxy.signal = lambda sig, handler: (
        real(sig, handler) if threading.current_thread() is threading.main_thread() else None
    )
    linux_driver.signal = proxy  # type: ignore[attr-defined]


def _driver_on(fd: int) -> type:
    from textual.drivers.linux_driver import LinuxDriver

    class PtyDriver(LinuxDriver):
        def __init__(self, app, **options) -> None:
            super().__init__(app, **options)
            self.fileno = fd
            self._file = io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8")
            self.input_tty = True

        def _get_terminal_size(self) -> tuple[int, int]:
            size = os.get_terminal_size(fd)
            return size.columns, size.lines

        @property
        def can_suspend(self) -> bool:
            return False

    return PtyDriver


class Terminal:
    """The client's end of one session's pseudo-terminal (80×24)."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.seen = b""

    def read(self, timeout: float = 0.05) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            self.seen += os.read(self.master, 65536)

    def wait_for(self, marker: str) -> None:
        end = time.monotonic() + WAIT
        while marker.encode() not in self.seen:
            if time.monotonic() > end:
                raise RuntimeError(f"no {marker!r} on a session's screen: not measured")
            self.read()

    def settle(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read()

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(db: str, count: int) -> dict:
    os.environ.setdefault("JOURNAL_TODAY", "2026-11-28")  # the demo's day (its tests pin it)
    _quiet_signals_off_the_main_thread()
    from models.core.store import open_store
    from tui.app import JournalApp

    open_store(db)
    terminals: list[Terminal] = []
    threads: list[threading.Thread] = []
    rss = [rss_mb()]
    for n in range(count):
        terminal = Terminal()
        app = JournalApp(source="")
        app.driver_class = _driver_on(terminal.slave)
        thread = threading.Thread(target=app.run, kwargs={"mouse": False}, daemon=True)
        thread.start()
        terminals.append(terminal)
        threads.append(thread)
        terminal.wait_for("Логин")
        terminal.settle(0.3)
        login, password = ACCOUNTS[n % len(ACCOUNTS)]
        for text in (login, "\r", password, "\r"):
            terminal.send(text)
            time.sleep(0.15)
        terminal.wait_for("Сменить пользователя")
        terminal.settle(0.3)
        terminal.send("j")
        terminal.wait_for("Журнал: выберите")
        terminal.settle(0.3)
        terminal.seen = b""
        terminal.send("\r")
        terminal.wait_for("Итог")
        terminal.settle(0.5)
        for other in terminals:  # the other sessions' output read, as a server would
            other.settle(0.01)
        rss.append(rss_mb())
    if not all(thread.is_alive() for thread in threads):
        raise RuntimeError("a session ended before the measurement: not measured")
    return {
        "threaded_sessions": count,
        "threaded_rss_mb_before": round(rss[0], 1),
        "threaded_rss_mb_1": round(rss[1], 1),
        f"threaded_rss_mb_{count}": round(rss[-1], 1),
        "threaded_session_marginal_mb": round((rss[-1] - rss[1]) / max(1, count - 1), 1),
    }


if __name__ == "__main__":
    sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "work.sqlite"
        shutil.copy(sys.argv[1], copy)
        figures = measure(str(copy), sessions)
        os.write(1, (json.dumps(figures) + "\n").encode())  # the apps hold sys.stdout
        os._exit(0)  # the sessions are threads of this process: they end with it
