"""`journal serve ssh` (issue 9): a real asyncssh client against the server on 127.0.0.1.

The server runs in the test's event loop; the apps it starts run in hosts forked from its
ready process (up to 5 sessions of a school each, tui/serve/host.py; tests/system/test_host.py
has their own tests), each on a pseudo-terminal, living on the pinned day (JOURNAL_TODAY is
inherited). What the client reads is the app's real terminal output; markers are the texts
of tui/strings.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import asyncssh
import pytest

from models.core.errors import AuthenticationError, JournalError, PermissionDenied, ValidationError
from models.core.schema import AuditEntry, LoginEvent
from models.core.settings import load as load_settings
from models.people import accounts, sshkeys
from models.people.accounts import FAILED, LOCKED
from models.school.identity import update_setting
from tui import strings as S
from tui.app import IDLE_EXIT, JournalApp
from tui.serve.handoff import Handoff, open_handoff, read_handoff
from tui.serve.ssh_server import (
    BANNER,
    ONE_PER_CONNECTION,
    STAFF_RESERVED,
    TOO_MANY_FROM_ADDRESS,
    TOO_MANY_STARTUPS,
    JournalSSHServer,
    ServeOptions,
    check_limits,
    fingerprint,
    is_gone,
    load_host_key,
    window_size,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HOME = "Разделы:"  # the sections line (S.HOME_SECTIONS), on the staff's home screen only
DIARY = "Дневник:"  # S.DIARY_TITLE
CHANGE = S.CHANGE_TITLE  # the forced password change
WAIT = 30.0  # a guard against a hang, not a measurement
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])")


@pytest.fixture
async def make_server(sqlite_store, small_sqlite, tmp_path):
    """Starts SSH servers on free loopback ports (ServeOptions as given) and closes them."""
    started = []

    async def make(**limits) -> JournalSSHServer:
        options = ServeOptions(
            db=str(sqlite_store),
            host="127.0.0.1",
            port=0,
            host_key=tmp_path / "host_key",
            app_command=[sys.executable, str(ROOT / "journal.py")],
            **{"login_grace": 20, "locked_exit_minutes": None, **limits},
        )
        key, _ = load_host_key(options.host_key)
        journal_ssh = JournalSSHServer(options, key)
        await journal_ssh.start()
        started.append(journal_ssh)
        return journal_ssh

    yield make
    for journal_ssh in started:
        await journal_ssh.close()


@pytest.fixture
async def server(make_server, tmp_path):
    """The SSH server on a free loopback port, at most one app session at a time."""
    journal_ssh = await make_server(max_sessions=1, staff_reserve=0)
    assert (tmp_path / "host_key").exists()
    return journal_ssh


class Client(asyncssh.SSHClient):
    """Keeps the authentication banners: the server's messages on every refusal."""

    def __init__(self, password: str | None = None) -> None:
        self.banners: list[str] = []
        self.kbdint_password = password

    def auth_banner_received(self, msg: str, lang: str) -> None:
        self.banners.append(msg.strip())

    def kbdint_auth_requested(self):
        return "" if self.kbdint_password is not None else None

    def kbdint_challenge_received(self, name, instructions, lang, prompts):
        return [self.kbdint_password] if prompts else []

    def refusals(self) -> list[str]:
        return [b for b in self.banners if b != BANNER.strip()]


async def connect(server: JournalSSHServer, login: str, password: str | None = None, **options):
    """(connection, client) — the client also when the connection is refused (as .last)."""
    client = Client(options.pop("kbdint", None))
    connect.last = client
    conn, _ = await asyncssh.create_connection(
        lambda: client,
        "127.0.0.1",
        server.port,
        username=login,
        password=password,
        known_hosts=None,
        client_keys=options.pop("client_keys", None),
        agent_path=None,
        preferred_auth=options.pop("preferred_auth", "password"),
        **options,
    )
    return conn, client


def screen_text(raw: bytes) -> str:
    return ANSI.sub(b" ", raw).decode("utf-8", "replace")


async def read_until(proc, marker: str, seen: bytearray | None = None) -> str:
    """Terminal output until `marker` shows; fails with what was seen if it never does."""
    seen = bytearray() if seen is None else seen
    try:
        async with asyncio.timeout(WAIT):
            while marker not in screen_text(bytes(seen)):
                data = await proc.stdout.read(65536)
                if not data:
                    break
                seen += data
    except TimeoutError:
        pass
    text = screen_text(bytes(seen))
    assert marker in text, f"no {marker!r} in the terminal output: {text[-800:]!r}"
    return text


async def until(condition, what: str) -> None:
    """Wait (bounded) for something the server does in the background."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for: {what}"
        await asyncio.sleep(0.05)


async def type_keys(proc, keys: str) -> None:
    """One key at a time, as a person types (Textual takes a burst of text for a paste)."""
    for key in keys:
        proc.stdin.write(key.encode("utf-8"))
        await asyncio.sleep(0.01)


def events(login: str) -> list[tuple[bool, str, str]]:
    rows = LoginEvent.select().where(LoginEvent.login == login).order_by(LoginEvent.id)
    return [(e.success, e.reason, e.source) for e in rows]


# --- logging in and the app's process ----------------------------------------------------


async def test_right_password_reaches_home_and_a_dropped_connection_ends_the_app(server, small_sqlite):
    s = small_sqlite
    conn, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    proc = await conn.create_process(term_type="xterm-256color", term_size=(100, 30), encoding=None)
    text = await read_until(proc, HOME)
    assert "Иванова Мария Петровна — учитель" in text
    assert "Классный руководитель: 5А" in text
    assert events("ivanova") == [(True, "", "127.0.0.1")]

    [session] = server.sessions
    [pid] = server.pids()
    assert window_size(session.master) == (100, 30)  # the client's size on the app's terminal
    proc.change_terminal_size(120, 40)
    await until(lambda: window_size(session.master) == (120, 40), "the resize to reach the pty")

    # a second session while one runs: max_sessions=1 refuses it, saying why
    other, _ = await connect(server, "petrov", s.passwords["petrov"])
    refused = await other.create_process(term_type="xterm", encoding=None)
    assert (await refused.stderr.read()).decode() == (
        "Сейчас открыто слишком много сеансов журнала (1). "
        "Попробуйте через несколько минут или сообщите администратору.\r\n"
    )
    assert (await refused.wait()).exit_status == 1
    other.close()
    assert server.pids() == [pid]

    conn.abort()  # the line drops: no goodbye from the client
    await until(lambda: not server.sessions, "the session to end")
    # ended and reaped: not even a zombie is left (a host of sessions, its last one gone, ends)
    await until(lambda: is_gone(pid), "the app's process to end")


async def test_a_public_key_the_user_registered_logs_in(server, small_sqlite):
    s = small_sqlite
    key = asyncssh.generate_private_key("ssh-ed25519", comment="petrov@school-pc")
    info = sshkeys.add_ssh_key(s.teacher, key.export_public_key().decode())
    assert info.fingerprint == key.get_fingerprint("sha256")

    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "petrov", client_keys=[stranger], preferred_auth="publickey")
    with pytest.raises(asyncssh.PermissionDenied):  # petrov's key is not ivanova's
        await connect(server, "ivanova", client_keys=[key], preferred_auth="publickey")
    assert events("petrov") == []  # offered keys are no guesses: nothing counted

    conn, _ = await connect(server, "petrov", client_keys=[key], preferred_auth="publickey")
    proc = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
    text = await read_until(proc, HOME)
    assert "Петров Игорь Олегович — учитель" in text
    assert events("petrov") == [(True, "ssh-key", "127.0.0.1")]
    [used] = sshkeys.list_ssh_keys(s.teacher)
    assert used.last_used_at is not None
    proc.stdin.write(b"\x11")  # ctrl+q: the app quits and the session ends with it
    assert (await proc.wait()).exit_status == 0
    conn.close()
    await until(lambda: not server.sessions, "the session to end")

    # after a password reset the forced change needs the password: the key alone is refused
    accounts.reset_password(s.admin, s.teacher.user_id)
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "petrov", client_keys=[key], preferred_auth="publickey")


async def test_wrong_password_is_refused_and_the_sixth_finds_the_account_locked(server, small_sqlite):
    messages = []
    for attempt in range(6):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, "petrov", f"wrong-password-{attempt}")
        messages.append(connect.last.refusals())
    assert messages == [[FAILED]] * 4 + [[LOCKED]] * 2
    # locked now: even the right password is refused, with the same message
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "petrov", small_sqlite.passwords["petrov"])
    assert connect.last.refusals() == [LOCKED]
    # an unknown login is told exactly what a wrong password is told
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "nobody", "whatever-1")
    assert connect.last.refusals() == [FAILED]
    assert events("petrov") == [(False, "password", "127.0.0.1")] * 4 + [
        (False, "locked-now", "127.0.0.1"),
        (False, "locked", "127.0.0.1"),
        (False, "locked", "127.0.0.1"),
    ]
    assert server.pids() == []


async def test_three_wrong_passwords_in_one_connection_close_it(server, small_sqlite):
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.ConnectionLost, asyncssh.DisconnectError)):
        await connect(server, "sidorova", preferred_auth="keyboard-interactive", kbdint="nope-nope")
    assert connect.last.refusals() == [FAILED, FAILED, FAILED, S_TOO_MANY_TRIES]
    assert [e[1] for e in events("sidorova")] == ["password"] * 3


S_TOO_MANY_TRIES = "Слишком много попыток входа в одном подключении. Подключитесь заново."


async def test_exec_other_subsystems_no_terminal_and_forwarding_are_refused(server, small_sqlite):
    conn, _ = await connect(server, "ivanova", small_sqlite.passwords["ivanova"])
    ran = await conn.run("cat /etc/passwd")
    assert ran.exit_status == 1 and ran.stdout == ""
    assert ran.stderr.startswith("Команды на этом сервере не выполняются")

    shell = await conn.run()  # a shell without a terminal (ssh -T)
    assert shell.exit_status == 1 and shell.stdout == ""
    assert shell.stderr.startswith("Журналу нужен терминал")

    sftp = await conn.start_sftp_client()  # her own files (tests/system/test_files.py)
    assert await sftp.listdir(".") == [".", "..", "inbox"]
    sftp.exit()
    with pytest.raises(asyncssh.ChannelOpenError):  # any other subsystem
        await conn.create_session(asyncssh.SSHClientSession, subsystem="netconf")
    with pytest.raises(asyncssh.ChannelOpenError) as local:
        await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
    assert local.value.code == asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED
    with pytest.raises(asyncssh.ChannelListenError):
        await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/run/journal.sock")
    conn.close()
    assert server.pids() == [] and not server.sessions  # no process was ever started


async def test_a_guardian_changes_the_issued_password_then_reaches_only_the_diary(server, small_sqlite):
    """keyboard-interactive (what OpenSSH uses); the issued password must be changed first."""
    s = small_sqlite
    login = s.guardian.login
    conn, _ = await connect(server, login, preferred_auth="keyboard-interactive", kbdint=s.passwords[login])
    proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
    seen = bytearray()
    await read_until(proc, CHANGE, seen)
    await type_keys(proc, "guardian-new-2026\tguardian-new-2026\r")  # new, tab, repeat, enter
    text = await read_until(proc, DIARY, seen)
    assert "Дневник: Андреев Андрей, 5А" in text
    assert HOME not in text
    proc.stdin.write(b"\x11")
    await proc.wait()
    conn.close()
    await until(lambda: not server.sessions, "the session to end")
    changed = accounts.authenticate(login, "guardian-new-2026", "test")
    assert not changed.must_change_password
    entry = AuditEntry.select().where(AuditEntry.action == "password.change").get()
    assert (entry.user_id, entry.source) == (s.guardian.user_id, "127.0.0.1")


# --- limits: one app per connection, per account, slots kept for staff --------------------


async def open_app(conn, marker: str):
    """A session on `conn` that reaches `marker` on the app's screen."""
    proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
    await read_until(proc, marker)
    return proc


async def refused_session(conn) -> tuple[str, int]:
    """A session the server refuses: what it wrote to the client's stderr, the exit status."""
    proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
    async with asyncio.timeout(WAIT):
        stdout = await proc.stdout.read()
        stderr = (await proc.stderr.read()).decode()
        status = (await proc.wait()).exit_status
    assert stdout == b"", "a refused session shows nothing of the app"
    return stderr, status


async def closed(conn) -> bool:
    """The server closed this connection (bounded wait)."""
    async with asyncio.timeout(WAIT):
        await conn.wait_closed()
    return True


def test_the_limits_are_validated_and_a_quarter_is_kept_for_staff():
    assert [ServeOptions(db="", max_sessions=n).reserve() for n in (20, 10, 4, 2, 1)] == [5, 3, 1, 1, 1]
    assert ServeOptions(db="", max_sessions=20, staff_reserve=0).reserve() == 0
    check_limits(ServeOptions(db="", max_sessions=3, staff_reserve=3))  # SSH for staff only
    for wrong in (
        {"max_sessions": 0},
        {"max_sessions": 4, "staff_reserve": 5},
        {"staff_reserve": -1},
        {"max_startups": 0},
        {"per_source_max_startups": 0},
        {"login_grace": 0},
        {"db_connections": 0},
    ):
        with pytest.raises(JournalError):
            check_limits(ServeOptions(db="", **wrong))


async def test_the_servers_store_calls_run_in_a_pool_of_its_size(make_server, small_sqlite):
    """--db-connections: the server's logins and transfers run in at most that many
    threads, each with at most one connection."""
    server = await make_server(db_connections=2)
    assert server.store_pool._max_workers == 2
    assert asyncio.get_running_loop()._default_executor is server.store_pool  # to_thread uses it
    names = await asyncio.gather(
        *(asyncio.to_thread(lambda: threading.current_thread().name) for _ in range(8))
    )
    assert {name.rsplit("_", 1)[0] for name in names} == {"journal-store"} and len(set(names)) <= 2


async def test_a_connection_runs_one_app_and_closes_when_it_ends(make_server, small_sqlite):
    """OpenSSH multiplexing (ControlMaster) opens more session channels on one connection."""
    s = small_sqlite
    server = await make_server(max_sessions=4)
    conn, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    proc = await open_app(conn, HOME)
    for _ in range(2):
        assert await refused_session(conn) == (ONE_PER_CONNECTION, 1)
    assert len(server.pids()) == 1 and len(server.sessions) == 1

    # channels opened at once: exactly one of them runs the app
    other, _ = await connect(server, "petrov", s.passwords["petrov"])
    starts = [other.create_process(term_type="xterm", encoding=None) for _ in range(3)]
    procs = await asyncio.gather(*starts)
    await until(lambda: len(server.pids()) == 2, "the second connection's app")
    outcomes = []
    for each in procs:
        try:
            async with asyncio.timeout(3):
                outcomes.append((await each.stderr.read()).decode())
        except TimeoutError:
            outcomes.append("running")
    assert sorted(outcomes) == sorted(["running", ONE_PER_CONNECTION, ONE_PER_CONNECTION])

    proc.stdin.write(b"\x11")  # ctrl+q: the app quits, and the connection closes with it
    assert (await proc.wait()).exit_status == 0
    assert await closed(conn)
    await until(lambda: len(server.sessions) == 1, "ivanova's session to end")
    other.close()
    await until(lambda: not server.sessions and not server.connections, "everything to end")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


async def test_apps_are_forked_from_one_ready_process_and_outlive_it(make_server, small_sqlite, sqlite_store):
    """The ready process (tui/serve/zygote.py) holds no database and no thread; if it dies, the
    apps it forked go on and new ones start as separate processes."""
    s = small_sqlite
    server = await make_server(max_sessions=3, sessions_per_process=1)  # a process per session
    zygote = server.zygote.proc.pid
    first, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    proc = await open_app(first, HOME)
    [forked] = server.pids()
    assert _parent(forked) == zygote
    assert len(os.listdir(f"/proc/{zygote}/task")) == 1
    opened = {os.readlink(f"/proc/{zygote}/fd/{fd}") for fd in os.listdir(f"/proc/{zygote}/fd")}
    assert not any(str(sqlite_store) in name for name in opened)

    os.kill(zygote, signal.SIGKILL)
    await until(lambda: not server.zygote.available, "the server to notice")
    second, _ = await connect(server, "petrov", s.passwords["petrov"])
    other = await open_app(second, HOME)
    spawned = next(pid for pid in server.pids() if pid != forked)
    assert _parent(spawned) == os.getpid()  # started the long way, by the server itself

    await type_keys(proc, "j")  # the forked app still answers
    await read_until(proc, "Журнал: выберите")
    proc.stdin.write(b"\x11")
    assert (await proc.wait()).exit_status == 0
    assert await closed(first)
    other.stdin.write(b"\x11")
    assert (await other.wait()).exit_status == 0
    await until(lambda: not server.sessions, "both sessions to end")
    assert is_gone(spawned)
    assert _ended(forked)  # an orphan now: the machine's init reaps it (a container's may not)


def _ended(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


async def test_an_account_has_at_most_the_setting_s_sessions(make_server, small_sqlite):
    s = small_sqlite
    login, password = s.student.login, s.passwords[s.student.login]
    server = await make_server(max_sessions=6)
    conns = [(await connect(server, login, password))[0] for _ in range(4)]
    for conn in conns[:2]:
        await open_app(conn, CHANGE)  # the issued password must be changed: the app runs
    message = (
        f"Под учётной записью {login} уже открыто сеансов журнала: 2, больше одновременно нельзя "
        "(настройка школы «Сеансов SSH одной учётной записи одновременно»). "
        "Закройте один из них (Ctrl+Q) и подключитесь снова.\r\n"
    )
    assert await refused_session(conns[2]) == (message, 1)
    assert len(server.pids()) == 2

    update_setting(s.admin, "ssh_sessions_per_account", "3")  # read at every new session
    await open_app(conns[2], CHANGE)  # the refusal left the connection open
    assert (await refused_session(conns[3]))[0] == message.replace(": 2,", ": 3,")
    assert len(server.pids()) == 3

    conns[0].close()  # a session ends: its slot is free again
    await until(lambda: len(server.pids()) == 2, "the first session to end")
    await open_app(conns[3], CHANGE)
    assert len(server.pids()) == 3


async def test_pupils_and_guardians_cannot_take_the_sessions_kept_for_staff(make_server, small_sqlite):
    s = small_sqlite
    server = await make_server(max_sessions=3, staff_reserve=1)
    student = s.student.login
    for _ in range(2):
        conn, _ = await connect(server, student, s.passwords[student])
        await open_app(conn, CHANGE)
    # another reader account finds only the slot kept for staff
    guardian, _ = await connect(server, s.guardian.login, s.passwords[s.guardian.login])
    assert await refused_session(guardian) == (STAFF_RESERVED, 1)
    # a teacher still gets in
    teacher, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    await open_app(teacher, HOME)
    assert len(server.pids()) == 3
    # and when every slot is taken, staff are refused too, saying why
    other, _ = await connect(server, "petrov", s.passwords["petrov"])
    assert (await refused_session(other))[0].startswith("Сейчас открыто слишком много сеансов журнала (3)")
    assert len(server.pids()) == 3


async def half_open(server: JournalSSHServer, address: str = "127.0.0.1"):
    """A TCP connection that never logs in (it does not even say which SSH it speaks)."""
    return await asyncio.open_connection("127.0.0.1", server.port, local_addr=(address, 0))


async def test_connections_that_have_not_logged_in_are_capped_in_total_and_per_address(
    make_server, small_sqlite
):
    s = small_sqlite
    server = await make_server(max_sessions=2, max_startups=3, per_source_max_startups=2, login_grace=4)

    async def refused_at_once(address: str) -> str:
        """Told why in the login banner and offered no way to log in: the password is never tried."""
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, "ivanova", s.passwords["ivanova"], local_addr=(address, 0))
        [why] = connect.last.banners
        return why

    first = [await half_open(server, "127.0.0.1") for _ in range(2)]
    await until(lambda: len(server.startups) == 2, "two connections logging in")
    assert await refused_at_once("127.0.0.1") == TOO_MANY_FROM_ADDRESS
    third = await half_open(server, "127.0.0.2")  # another address still gets in …
    await until(lambda: len(server.startups) == 3, "three connections logging in")
    assert await refused_at_once("127.0.0.3") == TOO_MANY_STARTUPS  # … up to the total
    assert events("ivanova") == []  # nothing was checked, nothing counted against the account

    first[0][1].close()  # one goes away: a teacher logs in, and once the app runs the
    await until(lambda: len(server.startups) == 2, "the slot to be free")  # connection no longer counts
    teacher, _ = await connect(server, "ivanova", s.passwords["ivanova"], local_addr=("127.0.0.4", 0))
    await open_app(teacher, HOME)
    assert len(server.startups) == 2
    fourth = await half_open(server, "127.0.0.4")  # its slot is free for one more
    await until(lambda: len(server.startups) == 3, "the fourth connection logging in")

    # the login grace still holds: connections that never log in are closed after it
    async with asyncio.timeout(WAIT):
        assert (await first[1][0].read()).startswith(b"SSH-2.0-JournalSSH")
        assert (await third[0].read()).startswith(b"SSH-2.0-JournalSSH")
        assert (await fourth[0].read()).startswith(b"SSH-2.0-JournalSSH")
    await until(lambda: not server.startups, "the half-open connections to be closed")
    assert len(server.pids()) == 1  # the teacher works on

    # a login that opens no session does not keep its connection either
    idle, _ = await connect(server, "petrov", s.passwords["petrov"])
    assert await closed(idle)
    assert len(server.pids()) == 1


async def test_refused_connections_linger_a_moment_then_are_dropped_at_once(make_server, small_sqlite):
    server = await make_server(max_startups=1, per_source_max_startups=1)
    kept = [await half_open(server)]  # (a writer dropped would close its connection)
    await until(lambda: len(server.startups) == 1, "a connection logging in")
    kept.append(await half_open(server))  # refused: it may stay a moment to read why …
    await until(lambda: len(server.refused) == 1, "a refused connection lingering")
    kept.append(await half_open(server))  # … as many as may log in at once; past them, dropped
    async with asyncio.timeout(WAIT):
        assert await kept[2][0].read() in (b"", b"SSH-2.0-JournalSSH\r\n")  # nothing after the version
    assert len(server.refused) == 1  # dropped at once, while the other still lingers
    async with asyncio.timeout(WAIT):
        assert (await kept[1][0].read()).startswith(b"SSH-2.0-JournalSSH")  # closed after a moment
    await until(lambda: not server.refused, "the refused connection to be closed")
    assert len(server.startups) == 1


async def test_a_disabled_account_s_connection_ends_with_its_app_and_opens_nothing_new(
    make_server, small_sqlite
):
    s = small_sqlite
    server = await make_server(max_sessions=4)
    conn, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
    seen = bytearray()
    await read_until(proc, HOME, seen)
    [pid] = server.pids()
    # the admin disables the account in another process: the app ends itself within seconds,
    # saying why, and the server closes the connection
    accounts.set_user_active(s.admin, s.homeroom.user_id, False)
    await read_until(proc, "Учётная запись отключена", seen)
    assert (await proc.wait()).exit_status == 0
    assert await closed(conn)
    await until(lambda: not server.sessions, "the session to end")
    await until(lambda: is_gone(pid), "the app's process to end")

    # logged in, then disabled before the session starts: refused by the server, no process
    other, _ = await connect(server, "petrov", s.passwords["petrov"])
    accounts.set_user_active(s.admin, s.teacher.user_id, False)
    stderr, status = await refused_session(other)
    assert status == 1 and stderr.startswith("Учётная запись отключена")
    assert server.pids() == []


async def test_the_admin_sees_and_edits_the_per_account_limit_in_the_school_settings(small_sqlite):
    from textual.widgets import DataTable, Input

    from tests.shared import table_rows
    from tui.setup.screen import SetupScreen

    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=(120, 36)) as pilot:
        app.land(accounts.authenticate("admin", s.passwords["admin"]))
        await pilot.pause()
        await pilot.press("s", "6")  # school setup, its settings tab
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        rows = table_rows(app.screen, "#settings")
        label = "Сеансов SSH одной учётной записи одновременно"
        assert [label, "2"] in rows
        app.screen.query_one("#settings", DataTable).move_cursor(row=rows.index([label, "2"]))
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#f-value", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "от 1 до 20" in str(app.screen.query_one("#form-status").render())
        app.screen.query_one("#f-value", Input).value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert load_settings().ssh_sessions_per_account == 3


# --- the handoff from the server to the app ------------------------------------------------


def test_the_handoff_travels_in_a_pipe_and_nothing_else_is_accepted(tmp_path):
    fd = open_handoff(Handoff(user_id=7, source="10.0.0.5", issued=time.time()))
    assert stat.S_ISFIFO(os.fstat(fd).st_mode)
    got = read_handoff(fd)
    assert (got.user_id, got.source, got.password) == (7, "10.0.0.5", "")
    with pytest.raises(OSError):
        os.fstat(fd)  # read once, then closed

    master, terminal = os.openpty()  # typed at a terminal: refused
    os.close(master)
    with pytest.raises(AuthenticationError):
        read_handoff(terminal)
    file = tmp_path / "handoff.json"
    file.write_text(json.dumps({"user_id": 1, "source": "", "issued": time.time()}))
    with pytest.raises(AuthenticationError):
        read_handoff(os.open(file, os.O_RDONLY))  # a file: refused
    stale = open_handoff(Handoff(user_id=1, source="", issued=time.time() - 60))
    with pytest.raises(AuthenticationError):
        read_handoff(stale)
    broken_read, broken_write = os.pipe()
    os.write(broken_write, b"not json")
    os.close(broken_write)
    with pytest.raises(AuthenticationError):
        read_handoff(broken_read)


def test_resume_session_needs_a_fresh_login_and_a_usable_account(small_sqlite):
    s = small_sqlite
    with pytest.raises(AuthenticationError):
        accounts.resume_session(s.teacher.user_id, "10.0.0.5")  # no login recorded
    accounts.authenticate("petrov", s.passwords["petrov"], "10.0.0.1")
    accounts.authenticate("petrov", s.passwords["petrov"], "10.0.0.5")
    result = accounts.resume_session(s.teacher.user_id, "10.0.0.5")
    assert (result.actor.login, result.actor.source) == ("petrov", "10.0.0.5")
    assert result.previous_source == "10.0.0.1"  # the login before the server's one
    assert not result.must_change_password
    accounts.set_user_active(s.admin, s.teacher.user_id, False)
    with pytest.raises(AuthenticationError):
        accounts.resume_session(s.teacher.user_id, "10.0.0.5")


async def test_a_served_app_ends_itself_when_locked_too_long_and_saves_no_screenshots(small_sqlite):
    s = small_sqlite
    result = accounts.authenticate("ivanova", s.passwords["ivanova"], "10.0.0.9")
    app = JournalApp(source="10.0.0.9", resume=(result, ""), locked_exit_seconds=600, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Снимок экрана" not in titles and "Выход" in titles  # no files on the server
        app.action_lock()
        await pilot.pause()
        assert type(app.screen).__name__ == "LockScreen"
        app.lock_if_idle()
        assert app.return_value is None  # locked, not yet for long
        app.locked_at -= 601
        app.lock_if_idle()
        await pilot.pause()
    assert app.return_value == IDLE_EXIT


# --- ssh keys: services --------------------------------------------------------------------

ED25519 = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()


def test_ssh_keys_are_one_owns_and_validated(small_sqlite):
    s = small_sqlite
    added = sshkeys.add_ssh_key(s.teacher, ED25519 + " petrov@pc")
    assert (added.login, added.algorithm, added.comment) == ("petrov", "ssh-ed25519", "petrov@pc")
    assert [k.id for k in sshkeys.list_ssh_keys(s.teacher)] == [added.id]
    with pytest.raises(ValidationError, match="уже добавлен"):
        sshkeys.add_ssh_key(s.teacher, ED25519)
    with pytest.raises(PermissionDenied):  # another teacher's keys: not theirs to touch
        sshkeys.remove_ssh_key(s.other, added.id)
    with pytest.raises(PermissionDenied):
        sshkeys.list_ssh_keys(s.other, s.teacher.user_id)
    for reader in (s.student, s.guardian):  # pupils and guardians: passwords only
        with pytest.raises(PermissionDenied):
            sshkeys.add_ssh_key(reader, ED25519)
    with pytest.raises(ValidationError, match="только у сотрудников"):
        sshkeys.add_ssh_key(s.admin, ED25519, user_id=s.guardian.user_id)
    assert [k.login for k in sshkeys.list_ssh_keys(s.admin, s.teacher.user_id)] == ["petrov"]
    sshkeys.remove_ssh_key(s.admin, added.id)  # the admin may remove anyone's
    assert sshkeys.list_ssh_keys(s.teacher) == []
    actions = [
        (e.action, e.user_id)
        for e in AuditEntry.select().where(AuditEntry.entity == "ssh_key").order_by(AuditEntry.id)
    ]
    assert actions == [("ssh_key.add", s.teacher.user_id), ("ssh_key.remove", s.admin.user_id)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Вставьте открытый ключ"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn…", "закрытый ключ"),
        ("ssh-ed25519", "не открытый ключ"),
        ("ssh-ed25519 !!!not-base64!!!", "не открытый ключ"),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "не открытый ключ"),
        ("ssh-rsa " + ED25519.split()[1], "не открытый ключ"),  # the blob says ed25519
        (ED25519 + "\n" + ED25519, "одну строку"),
    ],
    ids=[
        "empty",
        "private",
        "no-blob",
        "not-base64",
        "short-dss",
        "wrong-type",
        "two-lines",
    ],  # the key is random
)
def test_what_is_not_a_public_key_is_refused_readably(text, message):
    with pytest.raises(ValidationError, match=message):
        sshkeys.parse_public_key(text)


def test_fingerprints_are_the_ones_ssh_keygen_prints():
    for algorithm in ("ssh-ed25519", "ecdsa-sha2-nistp256"):
        key = asyncssh.generate_private_key(algorithm)
        parsed = sshkeys.parse_public_key(key.export_public_key().decode())
        assert parsed.fingerprint == key.get_fingerprint("sha256")
    short_rsa = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
    with pytest.raises(ValidationError, match="короче 2048"):
        sshkeys.parse_public_key(short_rsa.export_public_key().decode())


# --- the command --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_ssh_makes_a_private_host_key_prints_its_fingerprint_and_stops_on_sigterm(
    sqlite_store, small_sqlite
):
    key_path = Path(str(sqlite_store) + ".ssh_host_ed25519_key")
    port = _free_port()
    command = [sys.executable, str(ROOT / "journal.py"), "serve", "ssh", "--db", str(sqlite_store)]
    server = subprocess.Popen(
        [*command, "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [server.stdout.readline() for _ in range(4)]
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=WAIT)
    assert server.returncode == 0, err
    assert lines[0] == f"Ключ сервера создан: {key_path} (права 0600)\n"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key, created = load_host_key(key_path)
    assert not created
    assert lines[1] == f"Отпечаток ключа сервера: {fingerprint(key)}\n"
    assert lines[3].startswith(f"Журнал ждёт подключений по SSH на 127.0.0.1:{port}")

    # limits that do not fit together are refused before anything starts
    wrong = subprocess.run(
        [*command, "--max-sessions", "4", "--staff-reserve", "5"],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert wrong.returncode == 2
    assert "--staff-reserve: от 0 до числа сеансов (--max-sessions 4), а не 5" in wrong.stderr

    key_path.chmod(0o644)  # a host key others can read is refused, saying how to fix it
    done = subprocess.run(command, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 1
    assert f"выполните chmod 600 {key_path}" in done.stderr


async def test_a_teacher_adds_and_removes_a_key_in_the_app(small_sqlite):
    from textual.widgets import DataTable, Input

    s = small_sqlite
    result = accounts.authenticate("petrov", s.passwords["petrov"], "")
    app = JournalApp(source="", resume=(result, ""))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("h")  # the home key of "Ключи SSH"
        await pilot.pause()
        assert type(app.screen).__name__ == "SshKeysScreen"
        await pilot.press("insert")
        await pilot.pause()
        app.screen.query_one("#f-key", Input).value = "ssh-ed25519 AAAA-not-a-key"
        await pilot.press("enter")
        await pilot.pause()
        assert "не открытый ключ" in str(app.screen.query_one("#form-status").render())
        app.screen.query_one("#f-key", Input).value = ED25519 + " petrov@school-pc"
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        [key] = sshkeys.list_ssh_keys(s.teacher)
        assert table.row_count == 1
        assert [str(cell) for cell in table.get_row_at(0)[:2]] == [key.fingerprint, "petrov@school-pc"]
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")  # yes
        await pilot.pause()
        assert sshkeys.list_ssh_keys(s.teacher) == []
        assert app.screen.query_one(DataTable).row_count == 0


def test_listen_addresses():
    import argparse

    from journal import _listen

    assert _listen("0.0.0.0:2222") == ("0.0.0.0", 2222)
    assert _listen("[::1]:8000") == ("::1", 8000)
    assert _listen(":2222") == ("", 2222)
    assert _listen("2222") == ("", 2222)
    for wrong in ("school-server", "host:0", "host:70000", "host:ssh"):
        with pytest.raises(argparse.ArgumentTypeError):
            _listen(wrong)
