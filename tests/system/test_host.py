"""`journal serve ssh --sessions-per-process N` (tui/serve/host.py, issue 16): sessions of one
school as threads of one process, each on its own terminal, through a real asyncssh client."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App

from models.core import tenancy
from tests.system.test_ssh import (
    HOME,
    closed,
    connect,
    make_server,  # noqa: F401  (the fixture)
    open_app,
    read_until,
    type_keys,
    until,
)
from tui import strings as S
from tui.serve.host import use_terminal_type
from tui.serve.ssh_server import ServeOptions, check_limits

pytestmark = pytest.mark.slow


def _name(pid: int) -> str:
    return Path(f"/proc/{pid}/comm").read_text().strip()


def _threads(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


async def test_sessions_share_a_host_and_end_one_by_one(make_server, small_sqlite):  # noqa: F811
    s = small_sqlite
    server = await make_server(max_sessions=4, sessions_per_process=3)
    first, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    one = await open_app(first, HOME)
    second, _ = await connect(server, "petrov", s.passwords["petrov"])
    two = await open_app(second, HOME)
    [host] = set(server.pids())  # one process runs both
    assert _name(host) == "journal-host" and server.zygote.proc is not None

    # each session has its own terminal: a key typed in one changes that one only
    await type_keys(two, "j")
    await read_until(two, "Журнал: выберите")
    one.stdin.write(b"\x11")  # ivanova quits: her connection closes, petrov's app goes on
    assert (await one.wait()).exit_status == 0
    assert await closed(first)
    await until(lambda: len(server.sessions) == 1, "ivanova's session to end")
    assert set(server.pids()) == {host}
    await type_keys(two, "\r")
    await read_until(two, "Итог")

    second.close()  # a dropped connection ends its session; the host, empty, ends too
    await until(lambda: not server.sessions, "petrov's session to end")
    await until(
        lambda: not Path(f"/proc/{host}").exists() or _name(host) != "journal-host", "the host to end"
    )


async def test_a_full_host_makes_another_and_f2_asks_to_connect_again(make_server, small_sqlite):  # noqa: F811
    """Switching user in a shared process would make it another account's: the session ends
    instead, with a word on how to log in as someone else."""
    s = small_sqlite
    server = await make_server(max_sessions=4, sessions_per_process=1 + 1)
    conns, procs = [], []
    for login in ("ivanova", "petrov", "sidorova"):
        conn, _ = await connect(server, login, s.passwords[login])
        conns.append(conn)
        procs.append(await open_app(conn, HOME))
    hosts = set(server.pids())
    assert len(hosts) == 2 and all(_name(pid) == "journal-host" for pid in hosts)

    seen = bytearray()
    procs[2].stdin.write(b"\x1bOQ")  # F2
    await read_until(procs[2], S.SWITCH_USER_RECONNECT, seen)
    assert (await procs[2].wait()).exit_status == 0
    for proc in procs[:2]:
        proc.stdin.write(b"\x11")
        assert (await proc.wait()).exit_status == 0
    for conn in conns:
        conn.close()
    await until(lambda: not server.sessions, "every session to end")


async def test_a_resized_terminal_reaches_its_session(make_server, small_sqlite):  # noqa: F811
    """No SIGWINCH in a shared process: the host reads each terminal's size itself."""
    import pyte

    s = small_sqlite
    server = await make_server(max_sessions=2, sessions_per_process=2)
    conn, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    proc = await open_app(conn, HOME)  # 100×30
    proc.change_terminal_size(60, 20)
    await asyncio.sleep(1.5)
    await _drain(proc)  # the home drawn before and after the resize
    proc.stdin.write(b"\x0c")  # Ctrl+L: the whole screen sent again, at the size the app has
    seen = await _drain(proc)
    screen = pyte.Screen(100, 30)  # the old size: what is drawn shows the size the app took
    pyte.ByteStream(screen).feed(bytes(seen))
    assert "Выход" in screen.display[19]  # the footer ends on the last of 20 lines …
    assert not "".join(screen.display[20:]).strip()  # … and nothing is drawn below
    assert not "".join(line[60:] for line in screen.display).strip()  # nor right of 60 columns
    proc.stdin.write(b"\x11")
    assert (await proc.wait()).exit_status == 0
    conn.close()


async def _drain(proc, quiet: float = 0.7) -> bytearray:
    """What the app writes until it is quiet for `quiet` seconds."""
    seen = bytearray()
    while True:
        try:
            async with asyncio.timeout(quiet):
                seen += await proc.stdout.read(65536)
        except TimeoutError:
            return seen


def test_the_option_is_validated():
    check_limits(ServeOptions(db="", sessions_per_process=10))
    for options in (
        ServeOptions(db="", sessions_per_process=0),
        ServeOptions(db="", sessions_per_process=65),
        ServeOptions(db="", sessions_per_process=2, prefork=False),
    ):
        with pytest.raises(Exception, match="--sessions-per-process"):
            check_limits(options)


def test_a_held_process_enters_no_other_school(monkeypatch):
    """A host is held to its school: a session of another one could not move it there."""
    monkeypatch.setattr(tenancy, "_held", False)
    monkeypatch.setattr(tenancy, "_session", None)
    tenancy.hold(7)
    assert tenancy.current() == 7
    tenancy.enter(7)  # its own school again (every login of its sessions): fine
    with pytest.raises(tenancy.NoSchool):
        tenancy.enter(8)
    with pytest.raises(tenancy.NoSchool):
        tenancy.enter(None)
    assert tenancy.current() == 7
    with tenancy.within(8):  # a thread's own reads for a while (a login's lookup) stay possible
        assert tenancy.current() == 8
    assert tenancy.current() == 7


def test_a_session_gets_the_colours_of_its_own_terminal(monkeypatch):
    """The host's environment is the server's: each session's Console follows its client's TERM."""
    from rich.color import ColorSystem

    monkeypatch.delenv("COLORTERM", raising=False)
    found = {}
    for term in ("xterm-256color", "xterm", "linux"):
        app = App()
        use_terminal_type(app, term)
        found[term] = app.console._color_system
    assert found["xterm-256color"] == ColorSystem.EIGHT_BIT
    assert found["xterm"] == found["linux"] == ColorSystem.STANDARD


async def test_sessions_end_with_their_ready_process_and_new_ones_start_on_their_own(
    make_server,  # noqa: F811
    small_sqlite,
):
    """A host lives on its ready process's word: if that process dies, the host's sessions end
    (their connections close) and new sessions start as processes of their own, as before."""
    import os
    import signal

    s = small_sqlite
    server = await make_server(max_sessions=3)
    first, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    proc = await open_app(first, HOME)
    [host] = server.pids()
    os.kill(server.zygote.proc.pid, signal.SIGKILL)
    await until(lambda: not server.zygote.available, "the server to notice")
    await proc.wait()
    assert await closed(first)
    await until(
        lambda: not Path(f"/proc/{host}").exists() or _name(host) != "journal-host", "the host to end"
    )
    second, _ = await connect(server, "petrov", s.passwords["petrov"])
    other = await open_app(second, HOME)
    [spawned] = server.pids()
    assert _name(spawned) != "journal-host"  # started the long way, by the server itself
    other.stdin.write(b"\x11")
    assert (await other.wait()).exit_status == 0


async def test_a_sixteen_colour_terminal_gets_a_host_of_its_own_and_its_own_colours(
    make_server,  # noqa: F811
    small_sqlite,
):
    """Rich keeps each style's escape codes once per process: a 16-colour terminal sharing a
    process with a 256-colour one would get the 256-colour codes. Each kind has its hosts."""
    import re

    s = small_sqlite
    server = await make_server(max_sessions=4, sessions_per_process=4)
    found = {}
    for login, term in (("ivanova", "xterm-256color"), ("petrov", "xterm")):
        conn, _ = await connect(server, login, s.passwords[login])
        proc = await conn.create_process(term_type=term, term_size=(100, 30), encoding=None)
        seen = bytearray()
        await read_until(proc, HOME, seen)
        found[term] = (proc, len(re.findall(rb"\x1b\[[0-9;]*[34]8;5;", bytes(seen))))
    assert len(set(server.pids())) == 2  # two hosts, one per kind of terminal
    assert found["xterm"][1] == 0 and found["xterm-256color"][1] > 0
    for proc, _ in found.values():
        proc.stdin.write(b"\x11")
        assert (await proc.wait()).exit_status == 0


def test_a_session_the_host_cannot_confirm_says_why_and_is_reported_ended(tmp_path):
    """A handoff that is not the server's (here a file, not a pipe) ends the session on its
    terminal with the reason, no traceback, and the ready process hears it has ended."""
    import json
    import os
    import socket
    from functools import partial

    from tui.serve.handoff import NOT_CONFIRMED
    from tui.serve.host import Host, Session

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    read_end, write_end = os.pipe()  # the session's "terminal"
    not_a_pipe = os.open(tmp_path / "handoff", os.O_RDWR | os.O_CREAT, 0o600)
    host = Host(theirs, school=1, locked_exit_minutes=None)
    session = Session(7, write_end, (write_end,))
    host._run_session(session, partial(host._session, session, not_a_pipe, "xterm"))
    assert session.ended.is_set()
    assert os.read(read_end, 4096).decode() == f"journal: {NOT_CONFIRMED}\r\n"
    assert json.loads(ours.recv(4096)) == {"ended": 7, "status": 1}
    ours.close()
    theirs.close()
    os.close(read_end)


def test_a_tabs_driver_reads_nothing_once_its_app_has_ended(sqlite_store, monkeypatch):
    """A browser's tab in a host: Textual's web driver on the tab's own pipes; when the app
    ends, its input thread has gone too, so the pipes' numbers can go to the next tab."""
    import json
    import os
    import threading

    from textual.drivers import web_driver

    from tui.app import JournalApp
    from tui.serve.host import PipeReader, web_driver_on

    monkeypatch.setattr(web_driver, "InputReader", PipeReader)  # as run_host has it
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    before = {t for t in threading.enumerate() if t.name == "textual-input"}
    app = JournalApp(source="203.0.113.9", hosted=True)
    app.driver_class = web_driver_on(stdin_r, stdout_w, (100, 30))
    thread = threading.Thread(target=app.run, kwargs={"mouse": False}, daemon=True)
    thread.start()
    seen = b""
    while S.LOGIN_LABEL.encode() not in seen:
        seen += os.read(stdout_r, 65536)
    assert seen.startswith(b"__GANGLION__\n")  # the web driver's prelude, on the tab's pipe
    quit = json.dumps({"type": "quit"}).encode()
    os.write(stdin_w, b"M" + len(quit).to_bytes(4, "big") + quit)
    thread.join(30)
    assert not thread.is_alive()
    assert not [t for t in threading.enumerate() if t.name == "textual-input" and t not in before]
    assert app.source == "203.0.113.9"
    for fd in (stdin_r, stdin_w, stdout_r, stdout_w):
        os.close(fd)
