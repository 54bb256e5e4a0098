"""`journal serve web` (issue 9): textual-serve on loopback, every session at the login screen."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui import strings as S
from tui.web import web_command

pytest.importorskip("textual_serve", reason="textual-serve is not installed: pip install textual-serve")
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp comes with textual-serve")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30.0  # a guard against a hang, not a measurement
ANSI = re.compile(r"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _get_page(base: str) -> tuple[int, str]:
    deadline = time.monotonic() + WAIT
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(base + "/") as response:
                    return response.status, await response.text()
            except aiohttp.ClientConnectionError:
                assert time.monotonic() < deadline, "serve web never answered"
                await asyncio.sleep(0.1)


async def _first_screen(base: str, marker: str) -> str:
    """What a browser's terminal shows after it opens the page's websocket."""
    seen = ""
    url = base.replace("http", "ws") + "/ws?width=100&height=30"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        try:
            async with asyncio.timeout(WAIT):
                while marker not in ANSI.sub(" ", seen):
                    message = await ws.receive()
                    if message.type == aiohttp.WSMsgType.BINARY:
                        seen += message.data.decode("utf-8", "replace")
                    elif message.type == aiohttp.WSMsgType.TEXT:
                        seen += message.data
                    else:
                        break
        except TimeoutError:
            pass
    return ANSI.sub(" ", seen)


def test_serve_web_answers_on_loopback_with_the_login_page(sqlite_store, small_sqlite):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, str(ROOT / "journal.py"), "serve", "web", "--db", str(sqlite_store)]
    server = subprocess.Popen(
        [*command, "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its app processes are ended with it
    )
    try:
        status, page = asyncio.run(_get_page(base))
        assert status == 200
        assert f"ws://127.0.0.1:{port}/ws" in page  # the page drives the app over this socket
        assert "Электронный журнал" in page
        screen = asyncio.run(_first_screen(base, S.LOGIN_HINT))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=WAIT)
    assert S.LOGIN_HINT in screen  # the journal's own login screen, nothing before it
    assert S.TITLE in screen and "Тестовая школа" in screen


def test_the_web_command_runs_the_plain_app_with_the_database():
    app = ["/usr/bin/python3", "/opt/journal/journal.py"]
    assert web_command(app, "/var/lib/journal/school 1.sqlite") == (
        "/usr/bin/python3 /opt/journal/journal.py --db '/var/lib/journal/school 1.sqlite'"
    )


def test_a_postgresql_url_reaches_the_web_app_by_the_environment(monkeypatch):
    monkeypatch.delenv("JOURNAL_DB", raising=False)
    url = "postgresql://journal:SECRET@db/journal"
    command = web_command(["python3", "journal.py"], url)
    assert "SECRET" not in command and command == "python3 journal.py"
    assert os.environ["JOURNAL_DB"] == url
