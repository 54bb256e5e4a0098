"""Memory of browser tabs on `journal serve web` (the same weighing as benchmarks/sessions.py).

The server runs as `journal serve web` on 127.0.0.1 on a copy of the demo; 10 websocket clients
(as the page's script talks to it) open a 100×30 terminal each, log in as the demo's subject
teacher or homeroom teacher and open the grid of their first course (j, Enter). The figure is
refused unless every tab shows the grid and there are as many app processes as tabs.

- web_session_pss_mb: the proportional set size of the processes that run the 10 tabs,
  divided by 10: hosts of up to `--sessions-per-process` (SHARED) tabs each as threads
  (tui/serve/host.py), forked from the server's ready process (tui/serve/zygote.py).
- web_sessions10_total_pss_mb: everything the server runs with the 10 tabs open (the server,
  its ready process and the apps).
- The same with `--sessions-per-process 1` (each tab's app a process forked from the ready
  one) as *_forked, and with `--no-prefork` (each started anew) as *_spawned.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.sessions import SHARED, _free_port, descendants, pss_kib  # noqa: E402

ANSI = re.compile(r"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])")
WAIT = 60.0
TABS = 10


class Tab:
    """One browser tab's websocket: what its terminal has shown, the keys it sends."""

    def __init__(self, ws) -> None:
        self.ws, self.seen = ws, ""

    async def wait_for(self, marker: str) -> None:
        import aiohttp

        async with asyncio.timeout(WAIT):
            while marker not in ANSI.sub(" ", self.seen):
                message = await self.ws.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.seen += message.data.decode("utf-8", "replace")
                elif message.type != aiohttp.WSMsgType.TEXT:
                    raise RuntimeError(f"the tab closed before {marker!r}: {message}")

    async def quiet(self, seconds: float = 0.4) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self.wait_for("\0never")
        except TimeoutError:
            return

    async def keys(self, text: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", text]))


async def open_tab(http, port: int, login: str, password: str) -> Tab:
    ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100&height=30")
    tab = Tab(ws)
    await tab.wait_for("Логин")
    await tab.quiet(0.3)
    await tab.keys(login + "\r")
    await tab.keys(password + "\r")
    await tab.wait_for("Сменить пользователя")  # home's own footer key
    await tab.quiet(0.3)
    await tab.keys("j")
    await tab.wait_for("Журнал: выберите")
    await tab.quiet(0.3)
    await tab.keys("\r")
    await tab.wait_for("Итог")
    await tab.quiet(0.5)
    return tab


def start_server(db: str, options: list[str]) -> tuple[subprocess.Popen, int]:
    """`journal serve web` on `db` on a free loopback port with room for the tabs, once it
    answers; the caller ends it."""
    port = _free_port()
    command = [sys.executable, str(ROOT / "journal.py"), "serve", "web", "--db", db]
    command += ["--listen", f"127.0.0.1:{port}", *options]
    for cap in ("--max-pending", "--max-pending-per-address", "--max-connections-per-address"):
        command += [cap, str(TABS + 2)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT))
    return server, port


def is_app(pid: int, server: int) -> bool:
    """A tab's app: below the server, neither the server nor its ready process."""
    if pid == server:
        return False
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return False
    return comm in ("journal-session", "journal-host") or b"--zygote-fd" not in command


async def _measure(
    db: str, accounts: list[tuple[str, str]], options: list[str], shared: int
) -> tuple[float, float]:
    import aiohttp

    server, port = start_server(db, [*options, "--sessions-per-process", str(shared)])
    tabs: list[Tab] = []
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + WAIT
            while True:  # the server is up once its page answers
                try:
                    async with http.get(f"http://127.0.0.1:{port}/") as page:
                        if page.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("journal serve web did not start")
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.5)  # the ready process imports the app
            for number in range(TABS):
                login, password = accounts[number % len(accounts)]
                tabs.append(await open_tab(http, port, login, password))
            await asyncio.sleep(1.0)
            tree = descendants(server.pid)
            apps = [pid for pid in tree if is_app(pid, server.pid)]
            expected = -(-TABS // shared)  # full hosts
            if len(apps) != expected:
                raise RuntimeError(f"{TABS} tabs open, but {len(apps)} app processes found, not {expected}")
            per_tab = sum(pss_kib(pid) for pid in apps) / TABS / 1024
            total = sum(pss_kib(pid) for pid in tree) / 1024
            for tab in tabs:
                await tab.ws.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return per_tab, total


def measure(db: str, accounts: list[tuple[str, str]]) -> dict:
    found: dict = {}
    for options, shared, suffix in (([], SHARED, ""), ([], 1, "_forked"), (["--no-prefork"], 1, "_spawned")):
        per_tab, total = asyncio.run(_measure(db, accounts, options, shared))
        found[f"web_session_pss_mb{suffix}"] = round(per_tab, 1)
        found[f"web_sessions10_total_pss_mb{suffix}"] = round(total, 1)
    return found


if __name__ == "__main__":  # python benchmarks/web_sessions.py DEMO.sqlite (a copy is used)
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "work.sqlite"
        shutil.copy(sys.argv[1], copy)
        accounts = [("leonova.in", "demo-teacher-1"), ("naumova.ma", "demo-homeroom-1")]
        print(json.dumps(measure(str(copy), accounts)))
