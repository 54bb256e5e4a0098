"""`journal serve web` (issue 9): textual-serve on loopback, every session at the login screen, a
page that needs no outside host, the browser's address in the login events, and caps on what
tabs cost before anyone has logged in."""

from __future__ import annotations

import asyncio
import contextlib
import json
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
from tui.serve.web_admission import (
    CLOSE_ADDRESS_BUSY,
    CLOSE_LOGIN_TIMEOUT,
    CLOSE_SERVER_BUSY,
    CLOSE_TOO_MANY_TABS,
    AdmissionBook,
    Refusal,
    Ticket,
    WebLimits,
    cap_key,
    client_address,
)

pytest.importorskip("textual_serve", reason="textual-serve is not installed: pip install textual-serve")
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp comes with textual-serve")
from aiohttp import web  # noqa: E402

from tui.serve.web import JournalWebServer, content_security_policy, web_app_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0  # a guard against a hang, not a measurement
ANSI = re.compile(r"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])")

# A stand-in for the journal app (starts in milliseconds, not a second): it speaks textual's web
# driver protocol, shows its environment, says "logged in" when it is sent the word `login`,
# and quits when told to (unless started with `stubborn`).
FAKE_APP = r"""
import json, os, sys
out, stdin = sys.stdout.buffer, sys.stdin.buffer
def packet(kind, body):
    out.write(kind + len(body).to_bytes(4, "big") + body); out.flush()
out.write(b"__GANGLION__\n"); out.flush()
seen = {k: os.environ.get(k) for k in ("JOURNAL_SOURCE", "SSH_CLIENT", "JOURNAL_DB", "COLUMNS", "ROWS")}
packet(b"D", json.dumps({"pid": os.getpid(), **seen}).encode())
while True:
    head = stdin.read(5)
    if len(head) < 5:
        break
    body = stdin.read(int.from_bytes(head[1:], "big"))
    if head[:1] == b"D" and b"login" in body:
        packet(b"M", json.dumps({"type": "journal-logged-in"}).encode())
        packet(b"D", b"logged in, welcome")
    elif head[:1] == b"M" and json.loads(body)["type"] == "quit" and "stubborn" not in sys.argv:
        break
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as stat:  # a zombie is not running
        return stat.read().split(") ")[1][0] != "Z"
    return True


def fake_server(limits: WebLimits | None = None, *extra: str) -> JournalWebServer:
    port = _free_port()
    argv = [sys.executable, "-c", FAKE_APP, *extra]
    return JournalWebServer(argv, {"JOURNAL_DB": "postgresql://x"}, limits=limits, port=port, prefork=False)


@contextlib.asynccontextmanager
async def running(server: JournalWebServer):
    runner = web.AppRunner(server.make_web_app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", server.port).start()
    try:
        async with aiohttp.ClientSession() as http:
            yield http, f"http://127.0.0.1:{server.port}"
    finally:
        await runner.cleanup()


async def _receive_text(ws, until: str = "}") -> str:
    """The app's terminal output until it contains `until`."""
    seen = ""
    async with asyncio.timeout(WAIT):
        while until not in seen:
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode("utf-8", "replace")
            elif message.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"closed before {until!r}: {message}")
    return seen


async def _open_app(http, base: str, **headers: str) -> tuple[object, dict]:
    """A websocket with its app started: the fake app's first words (its pid and environment)."""
    ws = await http.ws_connect(base.replace("http", "ws") + "/ws?width=100&height=30", headers=headers)
    return ws, json.loads(await _receive_text(ws))


async def _closed_with(ws) -> int | None:
    async with asyncio.timeout(WAIT):
        while True:
            message = await ws.receive()
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return ws.close_code


# --- the browser's address -------------------------------------------------------------


def test_a_loopback_proxy_names_the_browser_and_nobody_else_may():
    assert client_address("203.0.113.5", {}) == "203.0.113.5"
    # nginx on the same machine: its X-Real-IP, else the last X-Forwarded-For hop it appended
    assert client_address("127.0.0.1", {"X-Real-IP": "198.51.100.7"}) == "198.51.100.7"
    assert client_address("127.0.0.1", {"X-Forwarded-For": "6.6.6.6, 198.51.100.8"}) == "198.51.100.8"
    assert client_address("::1", {"X-Real-IP": "2001:db8::1"}) == "2001:db8::1"
    assert client_address("127.0.0.1", {}) == "127.0.0.1"
    # a header from a peer that is not our proxy is the client's own claim
    assert client_address("203.0.113.5", {"X-Real-IP": "10.0.0.1", "X-Forwarded-For": "10.0.0.2"}) == (
        "203.0.113.5"
    )
    assert client_address("127.0.0.1", {"X-Real-IP": "<script>"}) == "127.0.0.1"
    assert client_address("::ffff:192.0.2.9", {}) == "192.0.2.9"


def test_ipv6_clients_count_by_their_64_network():
    assert cap_key("2001:db8:1:2:aaaa::1") == cap_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert cap_key("192.0.2.1") == "192.0.2.1"


def test_the_book_refuses_past_each_cap_and_frees_slots_on_login_and_close():
    book = AdmissionBook(WebLimits(max_pending=3, max_pending_per_address=2, max_connections_per_address=3))
    a1, a2 = book.admit("192.0.2.1"), book.admit("192.0.2.1")
    assert isinstance(a1, Ticket) and isinstance(a2, Ticket)
    assert book.admit("192.0.2.1") == Refusal(CLOSE_ADDRESS_BUSY, "address-busy")
    b1 = book.admit("192.0.2.2")
    assert isinstance(b1, Ticket)
    assert book.admit("192.0.2.3") == Refusal(CLOSE_SERVER_BUSY, "server-busy")
    book.logged_in(a1)
    book.logged_in(a1)  # said twice, counted once
    assert book.pending == 2 and book.pending_from("192.0.2.1") == 1
    a3 = book.admit("192.0.2.1")
    assert isinstance(a3, Ticket)
    book.logged_in(a3)
    assert book.admit("192.0.2.1") == Refusal(CLOSE_TOO_MANY_TABS, "too-many-tabs")
    for ticket in (a1, a2, a3, b1, b1):
        book.release(ticket)
    assert book.pending == 0 and book.connections_from("192.0.2.1") == 0


# --- the page --------------------------------------------------------------------------


async def test_the_page_is_russian_and_every_asset_comes_from_the_journal():
    server = fake_server()
    async with running(server) as (http, base):
        async with http.get(base + "/") as response:
            assert response.status == 200
            policy = response.headers["Content-Security-Policy"]
            page = await response.text()
        assert '<html lang="ru">' in page and f"<title>{S.WEB_PAGE_TITLE}</title>" in page
        for words in (S.WEB_START, S.WEB_SESSION_ENDED, S.WEB_RESTART, S.WEB_SERVER_BUSY):
            assert words in page
        assert not re.search(r"\b(Start|Restart|Session ended|Textual Application)\b", page)
        assert f"ws://127.0.0.1:{server.port}/ws" in page
        # no address but the journal's own; every asset it names is served
        hosts = set(re.findall(r"(?:https?|wss?)://([^/\"'\s]+)", page))
        assert hosts == {f"127.0.0.1:{server.port}"}, hosts
        assets = re.findall(r'(?:href|src)="(http[^"]+)"', page)
        assert len(assets) >= 5
        for url in assets:
            async with http.get(url) as response:
                assert response.status == 200, url
                body = await response.read()
            if url.endswith(".css"):
                css = body.decode()
                assert "googleapis" not in css and not re.search(r"url\(['\"]?(https?:)?//", css), url
                for relative in re.findall(r"url\([\"']?(\.\./[^\"')]+)", css):
                    async with http.get(url.rsplit("/", 2)[0] + relative[2:]) as asset:
                        assert asset.status == 200, relative
        # and the browser is told to fetch from nowhere else
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "https://" not in policy and "frame-ancestors 'none'" in policy
        async with http.get(base + "/static/") as listing:
            assert listing.status in (403, 404)  # no directory listing


def test_the_policy_names_the_public_address_and_its_websocket():
    policy = content_security_policy("https://journal.school.ru")
    assert "connect-src 'self' https://journal.school.ru wss://journal.school.ru" in policy


# --- the app processes -----------------------------------------------------------------


async def test_each_app_gets_the_browsers_address_and_not_the_servers_ssh_client(monkeypatch):
    monkeypatch.setenv("SSH_CLIENT", "10.9.9.9 5555 22")  # an administrator started serve web over SSH
    monkeypatch.setenv("JOURNAL_SOURCE", "10.9.9.9")
    server = fake_server()
    async with running(server) as (http, base):
        ws, env = await _open_app(http, base, **{"X-Real-IP": "203.0.113.7"})
        assert env["JOURNAL_SOURCE"] == "203.0.113.7" and env["SSH_CLIENT"] is None
        assert env["JOURNAL_DB"] == "postgresql://x"  # a database URL goes by the environment
        assert (env["COLUMNS"], env["ROWS"]) == ("100", "30")
        await ws.close()
        direct, env = await _open_app(http, base)  # no proxy: the peer itself
        assert env["JOURNAL_SOURCE"] == "127.0.0.1"
        await direct.close()


async def test_a_terminal_size_is_capped():
    server = fake_server()
    async with running(server) as (http, base):
        ws = await http.ws_connect(base.replace("http", "ws") + "/ws?width=100000&height=-3")
        env = json.loads(await _receive_text(ws))
        assert (env["COLUMNS"], env["ROWS"]) == ("400", "5")
        await ws.close()


async def test_tabs_past_the_caps_are_refused_with_the_journals_codes():
    limits = WebLimits(max_pending=3, max_pending_per_address=2, max_connections_per_address=3)
    server = fake_server(limits)
    async with running(server) as (http, base):
        first, _ = await _open_app(http, base)
        second, _ = await _open_app(http, base)
        third = await http.ws_connect(base.replace("http", "ws") + "/ws")
        assert await _closed_with(third) == CLOSE_ADDRESS_BUSY
        # another address (through the loopback proxy) still gets in, up to the total
        other, env = await _open_app(http, base, **{"X-Real-IP": "198.51.100.1"})
        assert env["JOURNAL_SOURCE"] == "198.51.100.1"
        fourth = await http.ws_connect(
            base.replace("http", "ws") + "/ws", headers={"X-Real-IP": "198.51.100.2"}
        )
        assert await _closed_with(fourth) == CLOSE_SERVER_BUSY
        # a login frees its slot at the login screen, not its tab
        await first.send_json(["stdin", "login"])
        await _receive_text(first, "welcome")
        assert server.book.pending == 2
        fifth, _ = await _open_app(http, base)
        sixth = await http.ws_connect(base.replace("http", "ws") + "/ws")
        assert await _closed_with(sixth) == CLOSE_TOO_MANY_TABS
        for ws in (first, second, other, fifth):
            await ws.close()
    assert server.book.pending == 0 and server.book.connections_from("127.0.0.1") == 0


async def test_an_app_left_at_the_login_screen_is_ended_at_the_grace():
    server = fake_server(WebLimits(login_grace=0.5), "stubborn")  # it would not even quit
    server.quit_wait = 0.5
    async with running(server) as (http, base):
        ws, env = await _open_app(http, base)
        started = time.monotonic()
        assert await _closed_with(ws) == CLOSE_LOGIN_TIMEOUT
        deadline = time.monotonic() + WAIT
        while server.book.pending and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert server.book.pending == 0 and not _alive(env["pid"])
        assert time.monotonic() - started < 5  # quit_wait, then killed
        # one that logs in stays past it
        kept, _ = await _open_app(http, base)
        await kept.send_json(["stdin", "login"])
        await _receive_text(kept, "welcome")
        await asyncio.sleep(0.8)
        assert not kept.closed
        await kept.send_json(["ping", "1"])
        assert (await kept.receive_json()) == ["pong", "1"]
        await kept.close()


async def test_a_closed_tab_ends_its_app():
    server = fake_server()
    async with running(server) as (http, base):
        ws, env = await _open_app(http, base)
        await ws.send_str("not json")  # dropped, not a crash
        await ws.send_json(["resize", {"width": "x"}])
        await ws.close()
        deadline = time.monotonic() + WAIT
        while _alive(env["pid"]) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not _alive(env["pid"])


async def test_another_sites_page_may_not_open_a_tab():
    server = fake_server()
    async with running(server) as (http, base):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(
                base.replace("http", "ws") + "/ws", headers={"Origin": "https://evil.example"}
            )
        assert refused.value.status == 403
        ws, _ = await _open_app(http, base, Origin=base)
        await ws.close()


# --- the real journal ------------------------------------------------------------------


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[1])


async def test_a_browser_login_records_the_browsers_address(sqlite_store, small_sqlite):
    """The tab's app is forked by the server's ready process (its code pages shared), draws
    in a browser's colours, and logs in as a started one does."""
    from models.core.schema import LoginEvent

    argv, environment = web_app_command([sys.executable, str(ROOT / "journal.py")], str(sqlite_store))
    server = JournalWebServer(argv, environment, port=_free_port())
    async with running(server) as (http, base):
        ws = await http.ws_connect(
            base.replace("http", "ws") + "/ws?width=100&height=30", headers={"X-Real-IP": "203.0.113.44"}
        )
        seen = await _receive_text(ws, S.LOGIN_HINT.split(",")[0])
        assert "\x1b[38;2;" in seen  # truecolor, as textual-serve asks of a started app
        assert server.zygote is not None and server.zygote.proc is not None
        (pid,) = server.zygote.children
        assert _parent_of(pid) == server.zygote.proc.pid
        assert Path(f"/proc/{pid}/comm").read_text().strip() == "journal-session"
        assert server.book.pending == 1
        await ws.send_json(["stdin", "ivanova\r"])
        await ws.send_json(["stdin", small_sqlite.passwords["ivanova"] + "\r"])
        async with asyncio.timeout(WAIT):
            while server.book.pending:  # the app's logged-in meta packet reached the server
                await asyncio.sleep(0.05)
        await ws.close()
    event = LoginEvent.select().where(LoginEvent.login == "ivanova").get()
    assert (event.success, event.source) == (True, "203.0.113.44")


async def test_the_tabs_of_a_store_of_one_school_share_a_host(sqlite_store, small_sqlite):
    """Two tabs are two sessions of one host process (threads, tui/serve/host.py): one logs in
    while the other still answers at its login screen; a closed tab ends its session only,
    and the host goes with its last one."""
    from models.core import tenancy
    from models.core.store import enter_only_school

    enter_only_school()
    argv, environment = web_app_command([sys.executable, str(ROOT / "journal.py")], str(sqlite_store))
    server = JournalWebServer(
        argv, environment, port=_free_port(), sessions_per_process=2, school=tenancy.current_or_none()
    )
    url = "/ws?width=100&height=30"
    async with running(server) as (http, base):
        first = await http.ws_connect(base.replace("http", "ws") + url)
        await _receive_text(first, S.LOGIN_HINT.split(",")[0])
        second = await http.ws_connect(base.replace("http", "ws") + url)
        await _receive_text(second, S.LOGIN_HINT.split(",")[0])
        assert server.zygote is not None and server.zygote.proc is not None
        (host,) = _children_of(server.zygote.proc.pid)
        assert Path(f"/proc/{host}/comm").read_text().strip() == "journal-host"
        assert len(server.zygote.hosted) == 2 and not server.zygote.children
        await first.send_json(["stdin", "ivanova\r"])
        await first.send_json(["stdin", small_sqlite.passwords["ivanova"] + "\r"])
        await second.send_json(["stdin", "petrov"])
        await _receive_text(second, "petrov")  # its own login field, not the other's
        async with asyncio.timeout(WAIT):
            while server.book.pending != 1:  # the first tab's app has logged in
                await asyncio.sleep(0.05)
        await first.close()
        async with asyncio.timeout(WAIT):
            while len(server.zygote.hosted) != 1:
                await asyncio.sleep(0.05)
        assert _alive(host)
        await second.send_json(["stdin", "ov"])
        await _receive_text(second, "petrovov")
        await second.close()
        async with asyncio.timeout(WAIT):
            while _alive(host):
                await asyncio.sleep(0.05)


def test_tabs_share_hosts_only_in_a_store_of_one_school():
    argv = [sys.executable, str(ROOT / "journal.py")]
    assert JournalWebServer(argv, sessions_per_process=5, school=3).hosting == (5, 3, "truecolor")
    assert JournalWebServer(argv, sessions_per_process=5, school=None).hosting is None  # a district's
    assert JournalWebServer(argv, sessions_per_process=1, school=3).hosting is None
    assert JournalWebServer(argv, sessions_per_process=5, school=3, prefork=False).hosting is None


async def _gone(pid: int, server: JournalWebServer) -> None:
    """Until the process has ended and the server counts no tab at the login screen (or WAIT)."""
    deadline = time.monotonic() + WAIT
    while (_alive(pid) or server.book.pending) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def test_a_forked_app_that_does_not_quit_in_time_is_killed(sqlite_store, small_sqlite):
    argv, environment = web_app_command([sys.executable, str(ROOT / "journal.py")], str(sqlite_store))
    server = JournalWebServer(argv, environment, limits=WebLimits(login_grace=1.0), port=_free_port())
    server.quit_wait = 0.0  # no time to quit: killed
    async with running(server) as (http, base):
        ws = await http.ws_connect(base.replace("http", "ws") + "/ws?width=100&height=30")
        await _receive_text(ws, S.LOGIN_HINT.split(",")[0])
        assert server.zygote is not None
        (pid,) = server.zygote.children
        assert await _closed_with(ws) == CLOSE_LOGIN_TIMEOUT
        await _gone(pid, server)
        assert not _alive(pid) and server.book.pending == 0 and not server.zygote.children


async def test_a_hosted_tab_left_at_the_login_screen_is_ended_and_its_host_goes(sqlite_store, small_sqlite):
    from models.core import tenancy
    from models.core.store import enter_only_school

    enter_only_school()
    argv, environment = web_app_command([sys.executable, str(ROOT / "journal.py")], str(sqlite_store))
    server = JournalWebServer(
        argv,
        environment,
        limits=WebLimits(login_grace=1.0),
        port=_free_port(),
        sessions_per_process=2,
        school=tenancy.current_or_none(),
    )
    server.quit_wait = 0.0  # no time to quit: its host is asked to end it
    async with running(server) as (http, base):
        ws = await http.ws_connect(base.replace("http", "ws") + "/ws?width=100&height=30")
        await _receive_text(ws, S.LOGIN_HINT.split(",")[0])
        assert server.zygote is not None and server.zygote.proc is not None
        (host,) = _children_of(server.zygote.proc.pid)
        assert await _closed_with(ws) == CLOSE_LOGIN_TIMEOUT
        await _gone(host, server)
        assert not _alive(host) and server.book.pending == 0 and not server.zygote.hosted


async def test_a_tab_starts_its_app_anew_once_the_ready_process_has_gone(sqlite_store, small_sqlite):
    argv, environment = web_app_command([sys.executable, str(ROOT / "journal.py")], str(sqlite_store))
    server = JournalWebServer(argv, environment, port=_free_port())
    async with running(server) as (http, base):
        assert server.zygote is not None and server.zygote.proc is not None
        server.zygote.proc.kill()
        async with asyncio.timeout(WAIT):
            while server.zygote.available:  # the server has seen it go
                await asyncio.sleep(0.05)
        ws = await http.ws_connect(base.replace("http", "ws") + "/ws?width=100&height=30")
        await _receive_text(ws, S.LOGIN_HINT.split(",")[0])
        started = [pid for pid in _children_of(os.getpid()) if _alive(pid) and pid != server.zygote.proc.pid]
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in started]
        journal = [str(ROOT / "journal.py").encode()]
        assert len([c for c in commands if c[1:2] == journal and b"--zygote-fd" not in c]) == 1
        await ws.close()


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError):
            if entry.name.isdigit() and _parent_of(int(entry.name)) == parent:
                found.append(int(entry.name))
    return found


def test_the_web_command_runs_the_plain_app_with_the_database():
    app = ["/usr/bin/python3", "/opt/journal/journal.py"]
    assert web_app_command(app, "/var/lib/journal/school 1.sqlite") == (
        app,
        {"JOURNAL_DB": "/var/lib/journal/school 1.sqlite"},
    )


def test_a_postgresql_url_reaches_the_web_app_by_the_environment():
    url = "postgresql://journal:SECRET@db/journal"
    argv, environment = web_app_command(["python3", "journal.py"], url)
    assert argv == ["python3", "journal.py"] and environment == {"JOURNAL_DB": url}


# --- the command line ------------------------------------------------------------------


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


@pytest.mark.slow
def test_serve_web_answers_on_loopback_with_the_login_page(sqlite_store, small_sqlite):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, str(ROOT / "journal.py"), "serve", "web", "--db", str(sqlite_store)]
    server = subprocess.Popen(
        [*command, "--listen", f"127.0.0.1:{port}", "--max-pending", "2", "--login-grace", "30"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its app processes are ended with it
    )
    try:
        status, page = asyncio.run(_get_page(base))
        assert status == 200
        assert f"ws://127.0.0.1:{port}/ws" in page  # the page drives the app over this socket
        assert S.WEB_PAGE_TITLE in page and "(не больше 4 сразу)" in page and "(30 с)" in page
        screen = asyncio.run(_first_screen(base, S.LOGIN_HINT))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=WAIT)
    assert S.LOGIN_HINT in screen  # the journal's own login screen, nothing before it
    assert S.TITLE in screen and "Тестовая школа" in screen


def test_serve_web_refuses_a_cap_below_one(sqlite_store):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "journal.py"),
            "serve",
            "web",
            "--db",
            str(sqlite_store),
            "--max-pending",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 2 and "от 1" in done.stderr


@pytest.mark.parametrize(
    "options", [["--sessions-per-process", "0"], ["--no-prefork", "--sessions-per-process", "3"]]
)
def test_serve_web_refuses_hosts_it_cannot_have(sqlite_store, options):
    done = subprocess.run(
        [sys.executable, str(ROOT / "journal.py"), "serve", "web", "--db", str(sqlite_store), *options],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 2 and "--sessions-per-process" in done.stderr


@pytest.mark.parametrize("what", [["web"], ["ssh", "--host-key", "key"]])
def test_a_server_that_cannot_listen_says_why_without_a_traceback(sqlite_store, tmp_path, what):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(ROOT / "journal.py"), "serve", what[0], "--db", str(sqlite_store)]
            + ["--listen", f"127.0.0.1:{port}", *what[1:]],
            capture_output=True,
            text=True,
            timeout=WAIT,
            cwd=tmp_path,
        )
    assert done.returncode == 1
    assert (
        done.stderr
        == f"journal: не удалось открыть 127.0.0.1:{port}: адрес уже занят: там работает другой сервер (или этот же, запущенный раньше)\n"
    )
