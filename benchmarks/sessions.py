"""Memory of SSH sessions on `journal serve ssh` (DESIGN.md: session_pss_mb, sessions30_pss_mb).

The server runs as `journal serve ssh` on 127.0.0.1 on a copy of the demo; asyncssh clients log
in as the demo's subject teacher and homeroom teacher (the per-account limit raised to 20 in the
copy), each on an 80×24 terminal, and open the grid of their first course (j, Enter). The figure
is refused unless every session shows the grid.

- session_pss_mb: the proportional set size (/proc/PID/smaps_rollup) of the processes that run
  10 sessions, grid open, divided by 10: the hosts that run up to `--sessions-per-process`
  (SHARED) sessions each as threads (tui/serve/host.py). Pages shared with the ready process
  and the other processes are split among them, so this is what each session really costs.
- sessions10_total_pss_mb / sessions30_pss_mb: everything the server runs with 10 / 30 sessions
  (the server, its ready process and the apps) together.
- The same with `--sessions-per-process 1` (each session a process forked from the ready
  one) as *_forked, and with `--no-prefork` (each a process started anew) as *_spawned.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])")
WAIT = 60.0
SHARED = 5  # `--sessions-per-process` of the main figures (journal serve ssh's default)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise RuntimeError(f"no Pss for process {pid}")


def parent_of(pid: int) -> int:
    """The parent's pid, from /proc/PID/stat (the field after the command's name)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = parent_of(int(entry.name))
        except OSError:
            continue
        parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def is_app(pid: int) -> bool:
    """An app process (a session, or a host of sessions), not the server nor its ready process."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if Path(f"/proc/{pid}/comm").read_text().strip() == "journal-host":
            return True
    except OSError:
        return False
    if b"serve" in command:
        return False
    if b"--zygote-fd" in command:  # a forked session keeps its parent's command line
        return b"--zygote-fd" in Path(f"/proc/{parent_of(pid)}/cmdline").read_bytes()
    return b"--session-fd" in command


class Session:
    def __init__(self, conn, process) -> None:
        self.conn, self.process, self.seen = conn, process, bytearray()

    async def wait_for(self, marker: str) -> None:
        async with asyncio.timeout(WAIT):
            while marker not in ANSI.sub(b" ", bytes(self.seen)).decode("utf-8", "replace"):
                self.seen += await self.process.stdout.read(65536)

    async def quiet(self, seconds: float = 0.5) -> None:
        while True:
            try:
                async with asyncio.timeout(seconds):
                    self.seen += await self.process.stdout.read(65536)
            except TimeoutError:
                return


async def open_session(port: int, login: str, password: str) -> Session:
    import asyncssh

    conn = await asyncssh.connect(
        "127.0.0.1",
        port,
        username=login,
        password=password,
        known_hosts=None,
        agent_path=None,
        client_keys=None,
        preferred_auth="password",
    )
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
    session = Session(conn, process)
    await session.wait_for(
        "Сменить пользователя"
    )  # home's own footer key (its sections line may be below row 24)
    await session.quiet(0.3)
    process.stdin.write(b"j")
    await session.wait_for("Журнал: выберите")
    await session.quiet(0.3)
    process.stdin.write(b"\r")
    await session.wait_for("Итог")
    await session.quiet(0.5)
    return session


def _prepare(db: str) -> None:
    """The copy lets one account hold 20 sessions (the benchmark logs in as two)."""
    from models.core import db as dbmod
    from models.core.access import SYSTEM
    from models.core.store import open_store
    from models.school.identity import update_setting

    open_store(db)
    update_setting(SYSTEM, "ssh_sessions_per_account", "20")
    dbmod.close()


def start_server(db: str, sessions: int, options: list[str]) -> tuple[subprocess.Popen, int]:
    """`journal serve ssh` on `db` on a free loopback port, room for `sessions` sessions (no
    staff reserve, no ending of locked ones), with `options`: (the server, its port), once it
    says the port is open. The caller ends it."""
    port = _free_port()
    command = [sys.executable, str(ROOT / "journal.py"), "serve", "ssh", "--db", db]
    command += ["--listen", f"127.0.0.1:{port}", "--max-sessions", str(sessions + 2)]
    command += ["--staff-reserve", "0", "--locked-exit", "0", *options]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=str(ROOT))
    deadline = time.monotonic() + WAIT
    while True:
        line = server.stdout.readline().decode("utf-8", "replace")  # type: ignore[union-attr]
        if "ждёт подключений" in line:
            return server, port
        if not line and server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            server.wait(timeout=30)
            raise RuntimeError(f"journal serve ssh did not start: {line}")


async def _measure(
    db: str, accounts: list[tuple[str, str]], counts: tuple[int, ...], prefork: bool, shared: int = 1
) -> dict:
    options = ([] if prefork else ["--no-prefork"]) + ["--sessions-per-process", str(shared)]
    server, port = start_server(db, max(counts), options)
    sessions: list[Session] = []
    figures: dict = {}
    try:
        await asyncio.sleep(1.5)  # the ready process imports the app
        for count in counts:
            while len(sessions) < count:
                login, password = accounts[len(sessions) % len(accounts)]
                sessions.append(await open_session(port, login, password))
            await asyncio.sleep(1.0)
            tree = descendants(server.pid)
            apps = [pid for pid in tree if is_app(pid)]
            expected = -(-count // shared)  # the accounts are of one school: full hosts
            if len(apps) != expected:
                raise RuntimeError(
                    f"{count} sessions open, but {len(apps)} app processes found, not {expected}"
                )
            app_kib = [pss_kib(pid) for pid in apps]
            total_kib = sum(pss_kib(pid) for pid in tree)
            figures[count] = (sum(app_kib) / count / 1024, total_kib / 1024)
    finally:
        for session in sessions:
            session.conn.close()
        server.terminate()
        server.wait(timeout=30)
    return figures


def measure(db: str, accounts: list[tuple[str, str]]) -> dict:
    _prepare(db)
    found: dict = {}
    for prefork, shared, suffix in ((True, SHARED, ""), (True, 1, "_forked"), (False, 1, "_spawned")):
        counts = (10, 30) if suffix != "_spawned" else (10,)
        figures = asyncio.run(_measure(db, accounts, counts, prefork, shared))
        found[f"session_pss_mb{suffix}"] = round(figures[10][0], 1)
        found[f"sessions10_total_pss_mb{suffix}"] = round(figures[10][1], 1)
        if 30 in figures:
            found[f"sessions30_pss_mb{suffix}"] = round(figures[30][1], 1)
    found["sessions_per_process"] = SHARED
    return found


if __name__ == "__main__":  # python benchmarks/sessions.py DEMO.sqlite (a copy is used)
    import json
    import shutil
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "work.sqlite"
        shutil.copy(sys.argv[1], copy)
        print(
            json.dumps(
                measure(str(copy), [("leonova.in", "demo-teacher-1"), ("naumova.ma", "demo-homeroom-1")])
            )
        )
