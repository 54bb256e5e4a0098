"""What one more session costs as a thread of a shared process (issue 16).

Not a figure of DESIGN.md: the measurement that led to `journal serve ssh`'s hosts
(tui/serve/host.py; their figures are benchmarks/sessions.py's). A session forked from the
ready process (tui/serve/zygote.py) costs ≈ 25 MB of its own, almost all of it pages of the
ready process copied as the session touches them (CPython 3.11 writes into every object it
uses: reference counts, and the bytecode of every function it runs). Sessions running as
threads of one process share those pages once. This script runs K journal apps in one
process, each in a thread of its own, on its own pseudo-terminal through Textual's Linux
driver (its signals quieted off the main thread, as a host does), logs each in as the demo's
subject or homeroom teacher and opens a grid, and reports the resident memory after each:
`threaded_session_marginal_mb` is what one more session costs. The run is refused unless
every session shows its grid and is still running.

    python benchmarks/threaded_sessions.py DEMO.sqlite [K]     # a copy of DEMO is used
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import struct
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ACCOUNTS = (("leonova.in", "demo-teacher-1"), ("naumova.ma", "demo-homeroom-1"))
WAIT = 60.0


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
    from models.core.store import open_store
    from tui.app import JournalApp
    from tui.serve.host import driver_on, quiet_signals_off_the_main_thread

    quiet_signals_off_the_main_thread()

    open_store(db)
    terminals: list[Terminal] = []
    threads: list[threading.Thread] = []
    rss = [rss_mb()]
    for n in range(count):
        terminal = Terminal()
        app = JournalApp(source="")
        app.driver_class = driver_on(terminal.slave)
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
