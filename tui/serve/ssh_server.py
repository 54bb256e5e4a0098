"""`journal serve ssh`: an SSH server that logs in with journal accounts and runs the app.

Teachers connect with any stock client (`ssh -p 2222 ivanova@school-server`); they never get
a Unix account, a shell or the database file. The server (asyncssh) runs as the one service
user that owns the database:

- authentication is the journal's own: the password through `models.people.accounts.authenticate`
  (argon2, the same lockout counter and login events as the app, the client's address as the
  source), or a public key the user registered (`models.people.sshkeys`); every refusal says why;
- each session is `journal --session-fd N` in its own process on a pseudo-terminal with the
  client's TERM and window size (Textual does not run inside this event loop), already
  logged in as that user (tui/serve/handoff.py tells how the login is handed over and why that is
  safe); resizes are forwarded; the process is ended when the connection drops;
- files: the `sftp` subsystem and `scp` (both protocols) reach the user's own folder only
  (tui/serve/sftp.py: staff only, read-only except inbox/, every download audited);
- refused: other commands and subsystems, sessions without a terminal, every kind of
  forwarding (TCP, UNIX sockets, agent, X11, tunnels);
- limits: one app per connection (a second session channel is refused, and the connection
  closes when its app ends), sessions per account (school setting), sessions at once with a
  share of them kept for staff (pupils and guardians may not take the last ones), connections
  that have not started the app yet (in total and per client address), login grace time, and
  the app ends itself after its idle lock has held for a set time.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import io
import os
import pty
import re
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from models.core.access import in_school_of_actor
from models.core.errors import AuthenticationError, JournalError
from models.core.settings import LABELS, Settings
from models.core.settings import load as load_settings
from models.people.accounts import LoginResult, authenticate, resume_session, session_ended
from models.people.sshkeys import key_may_log_in, log_in_with_key
from tui.serve.handoff import Handoff, open_handoff
from tui.serve.zygote import ForkedProcess, HostedSession, ZygoteClient, sessions_per_process_problem

BANNER = "Электронный журнал. Войдите своим логином и паролем журнала.\r\n"
PROMPT = "Пароль: "
TOO_MANY_TRIES = "Слишком много попыток входа в одном подключении. Подключитесь заново."
NO_EXEC = (
    "Команды на этом сервере не выполняются: здесь только электронный журнал. "
    "Подключитесь без команды: ssh -p {port} {login}@{host}\r\n"
)
NO_PTY = (
    "Журналу нужен терминал. Подключитесь без ключа -T и без команды "
    "(или с ключом -t): ssh -t -p {port} {login}@{host}\r\n"
)
TOO_MANY_SESSIONS = (
    "Сейчас открыто слишком много сеансов журнала ({limit}). "
    "Попробуйте через несколько минут или сообщите администратору.\r\n"
)
STAFF_RESERVED = (
    "Сейчас открыто слишком много сеансов журнала: свободные оставлены для учителей и "
    "администрации. Попробуйте через несколько минут.\r\n"
)
ONE_PER_CONNECTION = (
    "В этом подключении журнал уже открыт: второй сеанс в одном подключении не запускается. "
    "Вернитесь в окно, где журнал открыт, или подключитесь отдельно (без общего подключения "
    "ControlMaster).\r\n"
)
TOO_MANY_FOR_ACCOUNT = (
    "Под учётной записью {login} уже открыто сеансов журнала: {count}, больше одновременно нельзя "
    "(настройка школы «{label}»). Закройте один из них (Ctrl+Q) и подключитесь снова.\r\n"
)
TOO_MANY_STARTUPS = (
    "Сейчас к журналу входит слишком много подключений сразу. Попробуйте через минуту "
    "или сообщите администратору."
)
TOO_MANY_FROM_ADDRESS = (
    "С вашего адреса к журналу сейчас входит слишком много подключений сразу. "
    "Попробуйте через минуту или сообщите администратору."
)
START_FAILED = "Не удалось открыть журнал: {error}. Сообщите администратору.\r\n"
# OpenSSH prints these reasons with non-ASCII bytes escaped (\320\277…): they stay in English
NO_FORWARDING = "forwarding is disabled on the journal server"
TOO_MANY_CONNECTIONS = "too many connections are logging in to the journal server; try again in a minute"
TOO_MANY_CHANNELS = "too many channels on one connection to the journal server"
TERM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
DEFAULT_TERM = "xterm-256color"
KILL_GRACE_SECONDS = 3.0
MAX_PASSWORD_TRIES = 3  # per connection; the account's own lockout counts across connections
MAX_CHANNELS = 4  # session channels open at once on one connection (one of them runs the app)
REFUSED_LINGER_SECONDS = 5.0  # a connection over the startup caps may stay this long to read why
REFUSED_READ_SECONDS = 0.5  # … and this long once it has been told
CLOSE_GRACE_SECONDS = 5.0  # for the last output and the exit status before the connection closes
TIDY_SECONDS = 3600.0  # expired files are removed this often


@dataclass
class ServeOptions:
    db: str  # the database as given to the children (JOURNAL_DB)
    host: str = "0.0.0.0"
    port: int = 2222
    host_key: Path = Path("ssh_host_ed25519_key")
    app_command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "journal"])
    max_sessions: int = 20  # sessions (apps) at once
    staff_reserve: int | None = None  # the last sessions kept for staff; None: default_staff_reserve
    max_startups: int = 30  # connections that have not started the app yet, in total
    per_source_max_startups: int = 10  # … and from one client address
    login_grace: float = 60.0  # seconds to log in, and then again to open the session
    locked_exit_minutes: float | None = 20.0  # the app ends after its lock held this long
    public_keys: bool = True
    prefork: bool = True  # sessions forked from one ready process (tui/serve/zygote.py)
    # … and up to this many sessions of one school as threads of one process (tui/serve/host.py)
    sessions_per_process: int = 5
    # the server's own connections to the database (logins, key checks, file transfers): its
    # store calls run in a pool of this many threads, each holding at most one connection;
    # every session has connections of its own (its thread's, its workers')
    db_connections: int = 4

    def reserve(self) -> int:
        if self.staff_reserve is None:
            return default_staff_reserve(self.max_sessions)
        return self.staff_reserve


def default_staff_reserve(max_sessions: int) -> int:
    """A quarter of the sessions (rounded up) stays free for staff: 20 → 5, 1 → 1."""
    return (max_sessions + 3) // 4


def check_limits(options: ServeOptions) -> None:
    """The limits must make sense together; a JournalError says what is wrong."""
    if options.max_sessions < 1:
        raise JournalError("--max-sessions: нужно не меньше 1")
    if not 0 <= options.reserve() <= options.max_sessions:
        raise JournalError(
            f"--staff-reserve: от 0 до числа сеансов (--max-sessions {options.max_sessions}), "
            f"а не {options.reserve()}"
        )
    if options.max_startups < 1 or options.per_source_max_startups < 1:
        raise JournalError("--max-startups и --per-source-max-startups: нужно не меньше 1")
    if options.login_grace <= 0:
        raise JournalError("--login-grace: нужно больше 0 секунд")
    if not 1 <= options.db_connections <= 64:
        raise JournalError("--db-connections: от 1 до 64")
    if problem := sessions_per_process_problem(options.sessions_per_process, options.prefork):
        raise JournalError(problem)


# --- the host key ---------------------------------------------------------------------------


def load_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The server's key, generated on first start (mode 0600). Returns (key, created)."""
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise JournalError(
                f"Ключ сервера {path} доступен другим пользователям (права {mode:04o}): "
                f"выполните chmod 600 {path}"
            )
        try:
            return asyncssh.read_private_key(str(path)), False
        except (OSError, asyncssh.KeyImportError) as exc:
            raise JournalError(f"Не удалось прочитать ключ сервера {path}: {exc}") from exc
    key = asyncssh.generate_private_key("ssh-ed25519", comment="journal serve ssh")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    public = path.with_name(path.name + ".pub")
    public.write_bytes(key.export_public_key())
    return key, True


def fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")


# --- the server -----------------------------------------------------------------------------


class JournalSSHServer:
    """Listens, authenticates, and keeps the table of running app processes."""

    def __init__(self, options: ServeOptions, host_key: asyncssh.SSHKey) -> None:
        check_limits(options)
        self.options = options
        self.host_key = host_key
        self.sessions: set[_Session] = set()  # admitted: starting or running an app process
        self.connections: set[_Connection] = set()  # every open connection
        self.startups: set[_Connection] = set()  # open, but not (yet) running the app
        self.refused: set[_Connection] = set()  # over the startup caps, being told why
        self.acceptor: asyncssh.SSHAcceptor | None = None
        self.zygote = ZygoteClient(options.app_command, {**os.environ, "JOURNAL_DB": options.db})
        # the pool of the server's store calls (asyncio.to_thread, once started): at most
        # db_connections threads, so at most that many connections however many log in at once
        self.store_pool = ThreadPoolExecutor(options.db_connections, thread_name_prefix="journal-store")

    @property
    def port(self) -> int:
        assert self.acceptor is not None
        return self.acceptor.get_port()

    def pids(self) -> list[int]:
        return [s.pid for s in self.sessions if s.pid]

    def refuse_startup(self, source: str) -> str:
        """Why a new connection from `source` is turned away before it logs in, or ''."""
        if len(self.startups) >= self.options.max_startups:
            return TOO_MANY_STARTUPS
        if sum(c.source == source for c in self.startups) >= self.options.per_source_max_startups:
            return TOO_MANY_FROM_ADDRESS
        return ""

    def refuse_session(self, login: LoginResult, settings: Settings) -> str:
        """Why `login` may not start one more app now, or '' (checked and taken in one step)."""
        options = self.options
        user_id = login.actor.user_id
        count = sum(s.user_id == user_id for s in self.sessions)
        if count >= settings.ssh_sessions_per_account:
            label = LABELS["ssh_sessions_per_account"]
            return TOO_MANY_FOR_ACCOUNT.format(login=login.actor.login, count=count, label=label)
        if len(self.sessions) >= options.max_sessions:
            return TOO_MANY_SESSIONS.format(limit=options.max_sessions)
        if not login.actor.is_staff and len(self.sessions) >= options.max_sessions - options.reserve():
            return STAFF_RESERVED
        return ""

    async def start(self) -> None:
        asyncio.get_running_loop().set_default_executor(self.store_pool)
        if self.options.prefork:
            self.zygote.start()
        self.acceptor = await asyncssh.create_server(
            lambda: _Connection(self),
            self.options.host,
            self.options.port,
            server_host_keys=[self.host_key],
            server_version="JournalSSH",
            login_timeout=self.options.login_grace,
            allow_pty=True,
            line_editor=False,
            encoding=None,
            agent_forwarding=False,
            x11_forwarding=False,
            sftp_factory=None,
            allow_scp=False,
            public_key_auth=self.options.public_keys,
            keepalive_interval=60,
            keepalive_count_max=3,
        )

    async def close(self) -> None:
        """Stop listening, end every app process and wait for them."""
        if self.acceptor is not None:
            self.acceptor.close()
            await self.acceptor.wait_closed()
        sessions = list(self.sessions)
        for session in sessions:
            session.end_process()
        for connection in list(self.connections):
            if not connection.app:  # the others close when their app ends
                connection.close()
        tasks = [s.task for s in sessions if s.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=KILL_GRACE_SECONDS + 2)
        await self.zygote.close()
        self.store_pool.shutdown(wait=False, cancel_futures=True)

    async def serve_forever(self, ready: Callable[[JournalSSHServer], None] | None = None) -> None:
        """Serve until SIGINT or SIGTERM; `ready` is called once the port is open."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        if ready is not None:
            ready(self)
        tidying = asyncio.get_running_loop().create_task(self.tidy_files())
        try:
            await stop.wait()
        finally:
            tidying.cancel()
            await self.close()

    async def tidy_files(self) -> None:
        """Every hour, the files kept longer than their owner's school allows are removed
        (exports.paths.tidy, each account's school's setting; logins and transfers do it too)."""
        from exports.paths import tidy

        while True:
            with contextlib.suppress(OSError, JournalError):
                await asyncio.to_thread(tidy)
            await asyncio.sleep(TIDY_SECONDS)


class _Connection(asyncssh.SSHServer):
    """One client connection: the journal's authentication and nothing else."""

    def __init__(self, server: JournalSSHServer) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.source = ""
        self.username = ""
        self.login = None  # models.people.accounts.LoginResult once authenticated
        self.password = ""  # kept only when a password change is forced
        self.key_fingerprint = ""
        self.refusal = ""  # over the startup caps: why this connection may not log in
        self.failures = 0
        self.settled = asyncio.Event()  # set once the login is known (or refused)
        self.channels = 0  # session channels open now
        self.checking = 0  # sessions between their request and the server's decision
        self.app: _Session | None = None  # the one session that runs (or ran) the app
        self.transfers = 0  # SFTP or scp channels open now
        self.closed = False
        self.idle_timer: asyncio.TimerHandle | None = None

    # the connection

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("", 0)
        self.source = str(peer[0])[:64]
        refusal = self.server.refuse_startup(self.source)
        if refusal:
            # told why in the login banner, offered no way to log in (the client then leaves by
            # itself), and closed after a moment in any case; past as many refused ones as may
            # log in at once, dropped without a word
            self.refusal = refusal
            loop = asyncio.get_running_loop()
            if len(self.server.refused) >= self.server.options.max_startups:
                self.closed = True
                loop.call_soon(conn.abort)
            else:
                self.server.refused.add(self)
                self.idle_timer = loop.call_later(REFUSED_LINGER_SECONDS, self.close)
            return
        self.server.connections.add(self)
        self.server.startups.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.connections.discard(self)
        self.server.startups.discard(self)
        self.server.refused.discard(self)
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None

    def _let_go(self) -> None:
        """A refused connection ends (OpenSSH would otherwise keep asking for a password)."""
        self.idle_timer = None
        if self.conn is not None and not self.closed:
            self.closed = True
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS)

    def close(self) -> None:
        """End the connection (the client returns to its prompt)."""
        if self.conn is not None and not self.closed:
            self.closed = True
            self.conn.close()

    def _close_if_idle(self) -> None:
        """A login that opens no session within the grace time does not keep its connection."""
        self.idle_timer = None
        if self.app is None and not self.checking and not self.transfers:
            self.close()

    def transfer_started(self) -> None:
        self.transfers += 1
        self.server.startups.discard(self)  # a file transfer is not a login in progress

    def transfer_ended(self) -> None:
        """The last transfer of a connection with no app gives it the grace time again."""
        self.transfers -= 1
        if self.transfers or self.app is not None or self.closed:
            return
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        loop = asyncio.get_running_loop()
        self.idle_timer = loop.call_later(self.server.options.login_grace, self._close_if_idle)

    def begin_auth(self, username: str) -> bool:
        self.username = username
        assert self.conn is not None
        if self.refusal:  # offered no method, and let go once the client has read why
            self.conn.send_auth_banner(self.refusal + "\r\n")
            if self.idle_timer is not None:
                self.idle_timer.cancel()
            self.idle_timer = asyncio.get_running_loop().call_later(REFUSED_READ_SECONDS, self._let_go)
            return True
        self.conn.send_auth_banner(BANNER)
        return True  # every user must authenticate

    # passwords (plain "password" and "keyboard-interactive", which OpenSSH prefers)

    def password_auth_supported(self) -> bool:
        return not self.refusal

    async def validate_password(self, username: str, password: str) -> bool:
        return await self._check_password(username, password)

    def kbdint_auth_supported(self) -> bool:
        return not self.refusal

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str):
        return "", "", "", ((PROMPT, False),)

    async def validate_kbdint_response(self, username: str, responses):
        if len(responses) != 1:
            return False
        return await self._check_password(username, responses[0])

    async def _check_password(self, username: str, password: str) -> bool:
        if self.refusal:
            return False
        if self.failures >= MAX_PASSWORD_TRIES:
            self._refuse(TOO_MANY_TRIES)
            self._close()
            return False
        try:
            result = await asyncio.to_thread(authenticate, username, password, self.source)
        except AuthenticationError as exc:
            self.failures += 1
            self._refuse(exc.message)
            if self.failures >= MAX_PASSWORD_TRIES:
                self._refuse(TOO_MANY_TRIES)
                self._close()
            return False
        except JournalError as exc:  # the database is unreachable, locked …
            self._refuse(exc.message)
            return False
        self.login = result
        self.password = password if result.must_change_password else ""
        self.settled.set()
        return True

    def _refuse(self, message: str) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.send_auth_banner(message + "\r\n")

    def _close(self) -> None:
        self.close()

    # public keys registered in the journal (models/people/sshkeys.py)

    def public_key_auth_supported(self) -> bool:
        return self.server.options.public_keys and not self.refusal

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """Asked once per offered key and again with its signature (checked by asyncssh)."""
        if self.refusal:
            return False
        print_ = key.get_fingerprint("sha256")
        try:
            allowed = await asyncio.to_thread(key_may_log_in, username, print_)
        except JournalError:
            return False
        if allowed:
            self.key_fingerprint = print_
        return allowed

    async def auth_completed(self) -> None:
        """Records a key login; sessions wait for this (settled) before they start."""
        if self.refusal:  # cannot happen (no method is offered): never let it in
            self.close()
            return
        try:
            if self.login is None:
                self.login = await asyncio.to_thread(
                    log_in_with_key, self.username, self.key_fingerprint, self.source
                )
        except JournalError:
            self.close()
        finally:
            self.settled.set()
        if not self.closed:
            loop = asyncio.get_running_loop()
            self.idle_timer = loop.call_later(self.server.options.login_grace, self._close_if_idle)

    # channels: one kind of session, nothing else

    def session_requested(self):
        if self.channels >= MAX_CHANNELS:
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, TOO_MANY_CHANNELS)
        self.channels += 1
        return _Session(self)

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, NO_FORWARDING)

    def server_requested(self, listen_host, listen_port):
        return False

    def unix_connection_requested(self, dest_path):
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, NO_FORWARDING)

    def unix_server_requested(self, listen_path):
        return False

    def tun_requested(self, unit):
        return False

    def tap_requested(self, unit):
        return False


class _Session(asyncssh.SSHServerSession):
    """One terminal session: the app in its own process on a pseudo-terminal."""

    def __init__(self, connection: _Connection) -> None:
        self.connection = connection
        self.server = connection.server
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term = ""
        self.size = (80, 24)
        self.refusal = ""
        self.master = -1
        self.proc: asyncio.subprocess.Process | ForkedProcess | HostedSession | None = None
        self.pid = 0
        self.user_id = 0  # set when the server admits the session
        self.task: asyncio.Task | None = None
        self.pending = b""
        self.reading = False
        self.paused = False
        self.closed = False
        self.files: asyncssh.SSHServerSession | None = None  # an SFTP or scp channel

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    # files: asyncssh's own stream session runs SFTP or scp on this channel (tui/serve/sftp.py)

    def _serve_files(self, channel: str) -> asyncssh.SSHServerSession:
        from asyncssh.stream import SSHServerStreamSession

        connection = self.connection

        async def factory(chan) -> asyncssh.SFTPServer:
            from tui.serve.sftp import open_file_server

            with contextlib.suppress(TimeoutError):  # a key login is recorded just after auth
                await asyncio.wait_for(connection.settled.wait(), self.server.options.login_grace)
            return await open_file_server(chan, connection.login, channel)

        assert self.chan is not None
        files: SSHServerStreamSession = SSHServerStreamSession(None, factory, 3, allow_scp=channel == "scp")
        files.connection_made(self.chan)
        self.files = files
        connection.transfer_started()
        return files

    def pty_requested(self, term_type: str, term_size, term_modes) -> bool:
        self.term = term_type if TERM_RE.match(term_type or "") else DEFAULT_TERM
        width, height = term_size[0], term_size[1]
        if width > 0 and height > 0:
            self.size = (width, height)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        if command.startswith("scp ") and self.files is None:  # the old scp protocol
            return self._serve_files("scp").exec_requested(command)
        self.refusal = NO_EXEC  # accepted only to say why nothing runs
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        if subsystem != "sftp" or self.files is not None:
            return False  # every other subsystem
        return self._serve_files("sftp").subsystem_requested(subsystem)

    def _hint(self, text: str) -> str:
        conn = self.connection.conn
        local = conn.get_extra_info("sockname") if conn else None
        host = "адрес-сервера"
        port = local[1] if local else self.server.options.port
        return text.format(port=port, login=self.connection.username or "логин", host=host)

    def session_started(self) -> None:
        if self.files is not None:
            return self.files.session_started()
        self.task = asyncio.get_running_loop().create_task(self._start())

    async def _start(self) -> None:
        assert self.chan is not None
        try:  # a key login is recorded just after authentication: wait for it
            await asyncio.wait_for(self.connection.settled.wait(), self.server.options.login_grace)
        except TimeoutError:
            pass
        connection = self.connection
        if self.closed:
            return
        if self.refusal:
            return self._finish_with(self._hint(self.refusal))
        if not self.term:
            return self._finish_with(self._hint(NO_PTY))
        if connection.login is None:
            return self._finish_with(START_FAILED.format(error="вход не подтверждён"))
        if connection.app is not None:
            return self._finish_with(ONE_PER_CONNECTION)
        connection.checking += 1
        try:  # the account as it is now: disabled, locked or reset meanwhile is refused
            login, settings = await asyncio.to_thread(_account_now, connection.login, connection.source)
        except AuthenticationError as exc:
            return self._finish_with(exc.message + "\r\n")
        except JournalError as exc:
            return self._finish_with(START_FAILED.format(error=exc.message))
        finally:
            connection.checking -= 1
        if self.closed or connection.closed:
            return
        # from here to the admission nothing awaits: two sessions cannot take one last slot
        if connection.app is not None:
            return self._finish_with(ONE_PER_CONNECTION)
        refusal = self.server.refuse_session(login, settings)
        if refusal:
            return self._finish_with(refusal)
        self.user_id = login.actor.user_id
        connection.app = self
        self.server.startups.discard(connection)
        self.server.sessions.add(self)
        try:
            await self._run()
        finally:  # the app has ended (or never started): so does the connection
            await self._close_connection()

    async def _close_connection(self) -> None:
        if self.chan is not None and not self.closed:
            with contextlib.suppress(TimeoutError):  # the last output and the exit status first
                await asyncio.wait_for(self.chan.wait_closed(), CLOSE_GRACE_SECONDS)
        self.connection.close()

    def _finish_with(self, message: str, status: int = 1) -> None:
        assert self.chan is not None
        self.chan.write_stderr(message.encode("utf-8"))
        self.chan.exit(status)

    # the app process

    def _environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("SSH_") and k not in ("COLUMNS", "LINES", "TEXTUAL_DRIVER")
        }
        conn = self.connection.conn
        peer = conn.get_extra_info("peername") if conn else None
        local = conn.get_extra_info("sockname") if conn else None
        env.update(
            TERM=self.term,
            JOURNAL_DB=self.server.options.db,
            PYTHONUTF8="1",
            SSH_CLIENT=f"{peer[0]} {peer[1]} {local[1]}" if peer and local else "",
        )
        if "UTF-8" not in env.get("LANG", "").upper():
            env["LANG"] = "C.UTF-8"
        return env

    async def _run(self) -> None:
        assert self.chan is not None
        login = self.connection.login
        assert login is not None  # a session starts only once its connection has logged in
        options = self.server.options
        slave = handoff_fd = -1
        try:
            self.master, slave = pty.openpty()
            set_window_size(self.master, *self.size)
            handoff_fd = open_handoff(
                Handoff(
                    user_id=login.actor.user_id,
                    source=self.connection.source,
                    password=self.connection.password,
                    issued=time.time(),
                )
            )
            self.connection.password = ""  # handed over once, not kept
            arguments = (
                ["--locked-exit", f"{options.locked_exit_minutes:g}"] if options.locked_exit_minutes else []
            )
            self.proc = await self._start_app(arguments, slave, handoff_fd, login.actor.school_id)
        except (OSError, ValueError) as exc:
            self._close_master()
            self.server.sessions.discard(self)
            self._finish_with(START_FAILED.format(error=exc))
            return
        finally:
            for fd in (slave, handoff_fd):
                if fd >= 0:
                    os.close(fd)
        self.pid = self.proc.pid
        os.set_blocking(self.master, False)
        self._start_reading()
        if self.closed:  # the client went away while the app was starting
            self.end_process()
        try:
            status = await self.proc.wait()
            self._drain()
        finally:
            self._close_master()
            self.server.sessions.discard(self)
        if not self.closed:
            self.chan.exit(status if status >= 0 else 1)

    async def _start_app(
        self, arguments: list[str], terminal: int, handoff_fd: int, school: int | None
    ) -> asyncio.subprocess.Process | ForkedProcess | HostedSession:
        """The app on `terminal`: in a host of `school`'s sessions, or forked from the ready
        process alone, or started as a new one."""
        zygote = self.server.zygote
        if zygote.available:
            shared = self.server.options.sessions_per_process
            host = (shared, school, colours_of(self.term)) if shared > 1 else None
            with contextlib.suppress(OSError):  # it has gone: start the app the long way
                return await zygote.spawn(arguments, self._environment(), (terminal, handoff_fd), host)
        return await asyncio.create_subprocess_exec(
            *self.server.options.app_command,
            "--session-fd",
            str(handoff_fd),
            *arguments,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            pass_fds=(handoff_fd,),
            start_new_session=True,
            env=self._environment(),
        )

    def _start_reading(self) -> None:
        if self.master >= 0 and not self.reading and not self.paused:
            asyncio.get_running_loop().add_reader(self.master, self._read_master)
            self.reading = True

    def _stop_reading(self) -> None:
        if self.reading:
            asyncio.get_running_loop().remove_reader(self.master)
            self.reading = False

    def _read_master(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: the app closed the terminal (it is exiting)
            self._stop_reading()
            return
        if not data:
            self._stop_reading()
            return
        if not self.closed and self.chan is not None:
            self.chan.write(data)

    def _drain(self) -> None:
        """What the app wrote last (restoring the terminal, a goodbye line)."""
        if self.master < 0:
            return
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            if not self.closed and self.chan is not None:
                self.chan.write(data)

    def _close_master(self) -> None:
        self._stop_reading()
        if self.master >= 0:
            loop = asyncio.get_running_loop()
            loop.remove_writer(self.master)
            os.close(self.master)
            self.master = -1

    def end_process(self) -> None:
        """SIGTERM to the app's process group, SIGKILL if it is still there a moment later. A
        session sharing a process is asked to end; if it has not a moment later, its terminal
        is closed (the hang-up ends it)."""
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        if isinstance(proc, HostedSession):
            proc.end()

            def hang_up_if_alive() -> None:
                if proc.returncode is None:
                    self._close_master()

            asyncio.get_running_loop().call_later(KILL_GRACE_SECONDS, hang_up_if_alive)
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)

        def kill_if_alive() -> None:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)

        asyncio.get_running_loop().call_later(KILL_GRACE_SECONDS, kill_if_alive)

    # the client's side

    def data_received(self, data: bytes, datatype) -> None:
        if self.files is not None:
            return self.files.data_received(data, datatype)
        if self.master < 0:
            return
        self.pending += data
        self._flush()

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending and self.master >= 0:
            try:
                written = os.write(self.master, self.pending)
            except BlockingIOError:
                loop.add_writer(self.master, self._flush)
                return
            except OSError:
                self.pending = b""
                return
            self.pending = self.pending[written:]
        if self.master >= 0:
            loop.remove_writer(self.master)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if width <= 0 or height <= 0:
            return
        self.size = (width, height)
        if self.master >= 0:
            set_window_size(self.master, width, height)
            # (a session sharing a process reads its terminal's size itself: tui/serve/host.py)
            if (
                self.proc is not None
                and self.proc.returncode is None
                and not isinstance(self.proc, HostedSession)
            ):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGWINCH)

    def eof_received(self) -> bool:
        if self.files is not None:
            return self.files.eof_received()
        return True  # keep the channel: the app decides when the session ends

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal_name: str) -> None:
        pass  # clients may not signal the app

    def pause_writing(self) -> None:
        if self.files is not None:
            return self.files.pause_writing()
        self.paused = True
        self._stop_reading()

    def resume_writing(self) -> None:
        if self.files is not None:
            return self.files.resume_writing()
        self.paused = False
        self._start_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.connection.channels -= 1
        if self.files is not None:
            self.files.connection_lost(exc)
            self.connection.transfer_ended()
            return
        self.end_process()
        if self.task is None:
            self.server.sessions.discard(self)


def _account_now(login: LoginResult, source: str) -> tuple[LoginResult, Settings]:
    """The account as it is now, and the school's settings (read only).

    Refused (AuthenticationError) when the account changed since this connection logged in
    (disabled, another role, its password reset: models.people.accounts.session_ended) or may not
    start a session now (locked, the login no longer fresh: models.people.accounts.resume_session).
    """
    problem = session_ended(login.actor)
    if problem is not None:
        raise AuthenticationError(problem)
    return resume_session(login.actor.user_id, source), in_school_of_actor(login.actor, load_settings)()


def set_window_size(fd: int, width: int, height: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))


def window_size(fd: int) -> tuple[int, int]:
    """(width, height) of a terminal, as the app sees it."""
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return cols, rows


def colours_of(term: str) -> str:
    """The colours the app uses on a terminal of this type ("truecolor", "256", "standard",
    "none"), as Rich decides them with the server's environment: a host runs sessions of one
    kind only, since Rich keeps each style's escape codes once per process."""
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, _environ={**os.environ, "TERM": term})
    return console.color_system or "none"


def is_gone(pid: int) -> bool:
    """True when no process (not even a zombie) has this pid any more."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


__all__ = [
    "JournalSSHServer",
    "ServeOptions",
    "fingerprint",
    "is_gone",
    "load_host_key",
    "window_size",
]
