"""Sessions as threads of one process: `journal serve ssh` and `journal serve web`
`--sessions-per-process N` (issue 16).

A session forked from the ready process (tui/serve/zygote.py) still costs ≈ 25 MB of its own:
CPython writes into every object it uses (reference counts, adaptive bytecode), so every page
a session touches is copied. In one process the sessions share those pages once: one more
session costs ≈ 5 MB (benchmarks/threaded_sessions.py). The ready process forks a host for up
to N sessions of one school on terminals of one kind of colours; each session is a thread
running the app on its own pseudo-terminal, already logged in as the user the server
verified (tui/serve/handoff.py).

What one process per session gave by itself, a host does explicitly:
- the school: the host is held to its school (models.core.tenancy.hold); the server sends it
  only sessions of that school's accounts, and the host checks each one;
- the terminal: a driver on the session's own descriptor (no SIGWINCH, SIGTSTP: signals are
  one per process), its size polled, a hang-up (EIO) ending the app; the client's TERM for
  its colours, and a host runs terminals of one kind only (Rich keeps each style's escape
  codes once per process: a 16-colour terminal would get a 256-colour one's);
- what the terminal shows and the frame hooks are kept per console (tui/widgets/render.py);
- ending: the server asks the ready process, which asks the host, to end one session (the
  app exits); the host ends when the ready process tells it to (its last session gone) or
  goes away.

A browser's tab (`journal serve web`, a store of one school) is a session of a host too: the
app on the server's pipes with Textual's web driver, at the login screen (the tab's address
and size from its environment, which is the tab's, not the process's).

Messages (SOCK_SEQPACKET, one JSON object each), ready process ↔ host:
  {"id": n, "args": [...], "env": {...}} + fds (terminal, handoff)   a session to run
  {"id": n, "args": [...], "env": {...}, "web": true}
      + fds (stdin, stdout, stderr)                                  a browser's session
  {"end": n}                                                         end it (the app exits)
  {"quit": true}                                                     no sessions left: exit
  host → {"ended": n, "status": s}                                   a session has ended
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import os
import select
import selectors
import signal
import socket
import sys
import threading
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.drivers import linux_driver, web_driver
from textual.drivers.linux_driver import LinuxDriver
from textual.drivers.web_driver import WebDriver
from textual.geometry import Size

from tui.serve.zygote import receive_message, send_message

PROCESS_NAME = "journal-host"
SIZE_POLL_SECONDS = 0.25  # a resize reaches a session within this (no SIGWINCH here)
END_WAIT_SECONDS = 5.0  # for the sessions' apps to end once the ready process has gone


def quiet_signals_off_the_main_thread() -> None:
    """Textual's Linux driver sets handlers (SIGTSTP, SIGCONT, SIGWINCH, SIGTTOU, SIGTTIN) as it
    starts, which only a process's main thread may do; a host's apps run in other threads,
    where its `signal.signal` now does nothing (the host's main thread keeps the real one)."""
    real = signal.signal
    proxy = types.SimpleNamespace(**{k: getattr(signal, k) for k in dir(signal) if not k.startswith("_")})
    proxy.signal = lambda sig, handler: (
        real(sig, handler) if threading.current_thread() is threading.main_thread() else signal.getsignal(sig)
    )
    linux_driver.signal = proxy  # type: ignore[assignment]


class SessionDriver(LinuxDriver):
    """Textual's Linux driver on one session's terminal descriptor (`terminal`, set by
    `driver_on`) instead of the process's stdin/stderr."""

    terminal = -1

    def __init__(self, app: App, **options: Any) -> None:
        super().__init__(app, **options)
        self.fileno = self.terminal
        self._file = io.TextIOWrapper(io.FileIO(self.terminal, "w", closefd=False), encoding="utf-8")
        self.input_tty = True
        self.last_size: tuple[int, int] | None = None

    @property
    def can_suspend(self) -> bool:
        return False  # Ctrl+Z would stop every session of the host

    def _get_terminal_size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.fileno)
        except OSError:
            return self.last_size or (80, 24)
        self.last_size = (size.columns, size.lines)
        return self.last_size

    def check_size(self) -> None:
        """The host's poll: a resized terminal gets its Resize, as SIGWINCH would give it."""
        before = self.last_size
        if before is None or self._writer_thread is None:
            return
        width, height = self._get_terminal_size()
        if (width, height) != before:
            self._app.post_message(events.Resize(Size(width, height), Size(width, height)))

    def _run_input_thread(self) -> None:
        """A hang-up (the connection has gone, the server closed the terminal) ends the app;
        anything else is Textual's to report, as its own driver does."""
        try:
            self.run_input_thread()
        except OSError:
            self._app.call_later(self._app.exit)
        except BaseException:
            import rich.traceback

            self._app.call_later(self._app.panic, rich.traceback.Traceback())


def driver_on(terminal: int) -> type[SessionDriver]:
    return type("SessionDriver", (SessionDriver,), {"terminal": terminal})


class PipeReader:
    """What Textual's web driver reads its input through, on one pipe (not the process's stdin:
    a host's is /dev/null, which Textual's own reader cannot even watch)."""

    def __init__(self, fd: int = -1, timeout: float = 0.1) -> None:
        self.fd, self.timeout = fd, timeout
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()

    def __iter__(self):
        with selectors.DefaultSelector() as selector:
            selector.register(self.fd, selectors.EVENT_READ)
            while not self.closed.is_set():
                if selector.select(self.timeout):
                    data = os.read(self.fd, 1024)
                    if not data:  # the server has closed the tab's pipe
                        return
                    yield data
                yield b""


class WebSessionDriver(WebDriver):
    """Textual's web driver on one browser session's pipes (`streams`: its input and output,
    set by `web_driver_on`, with the tab's first size) instead of the process's stdin and
    stdout; no signal handlers (one per process: the host's main thread keeps them)."""

    streams = (-1, -1)
    first_size = (80, 24)

    def __init__(self, app: App, **options: Any) -> None:
        options["size"] = options.get("size") or self.first_size
        super().__init__(app, **options)
        self.fileno = self.streams[1]
        self._write = self._write_all  # type: ignore[assignment]
        self._input_reader = PipeReader(self.streams[0])  # type: ignore[assignment]

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fileno, view) :]

    def start_application_mode(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler = lambda *_args: None  # type: ignore[method-assign]
        try:
            super().start_application_mode()
        finally:
            del loop.add_signal_handler  # (the instance's: the class's own again)

    def stop_application_mode(self) -> None:
        """As Textual's, and the input thread is gone before the app's run returns: the host
        then closes the tab's pipes, whose numbers the next tab may get (Textual's web driver
        leaves its reader to notice within its timeout, reading whatever the number is then)."""
        super().stop_application_mode()
        if self._key_thread.is_alive() and threading.current_thread() is not self._key_thread:
            self._key_thread.join(END_WAIT_SECONDS)


def web_driver_on(stdin: int, stdout: int, size: tuple[int, int]) -> type[WebSessionDriver]:
    return type("WebSessionDriver", (WebSessionDriver,), {"streams": (stdin, stdout), "first_size": size})


def _tab_size(environment: dict) -> tuple[int, int]:
    try:
        return max(10, int(environment.get("COLUMNS", 80))), max(5, int(environment.get("ROWS", 24)))
    except (TypeError, ValueError):
        return 80, 24


def use_terminal_type(app: App, term: str) -> None:
    """The app's colours as the client's terminal type allows (the process's environment is
    the server's): what Rich would have chosen had TERM been the session's."""
    from textual import constants

    if not term or constants.COLOR_SYSTEM != "auto":
        return
    console = app.console
    console._environ = {**console._environ, "TERM": term}
    console._color_system = console._detect_color_system()


@dataclass
class Session:
    number: int
    terminal: int  # where a word to the user goes (-1: a browser's, which takes packets only)
    descriptors: tuple[int, ...]  # the session's own, closed when it ends
    app: App | None = None
    thread: threading.Thread | None = None
    ended: threading.Event = field(default_factory=threading.Event)

    def end(self) -> None:
        app = self.app
        if app is not None and app.is_running:
            app.call_later(app.exit)


class Host:
    def __init__(self, sock: socket.socket, school: int | None, locked_exit_minutes: float | None) -> None:
        self.sock = sock
        self.school = school
        self.locked_exit_minutes = locked_exit_minutes
        self.sessions: dict[int, Session] = {}
        self.lock = threading.Lock()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_write, False)

    # the main thread

    def serve(self) -> int:
        quitting = False
        while True:
            ready, _, _ = select.select([self.sock.fileno(), self.wake_read], [], [], SIZE_POLL_SECONDS)
            if self.wake_read in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(self.wake_read, 512)
            if self.sock.fileno() in ready:
                try:
                    message, fds = receive_message(self.sock)
                except ValueError:  # not a message of the ready process's: nothing to do
                    message, fds = {"ignored": True}, []
                except OSError:
                    message, fds = {}, []
                if not message:  # the ready process has gone: so do the sessions
                    self._end_all()
                    return 0
                if message.get("quit"):
                    quitting = True
                elif "end" in message:
                    with self.lock:
                        session = self.sessions.get(message["end"])
                    if session is not None:
                        session.end()
                else:
                    self._start(message, fds)
            self._reap()
            with self.lock:
                drivers = [s.app._driver for s in self.sessions.values() if s.app is not None]
                empty = not self.sessions
            for driver in drivers:
                if isinstance(driver, SessionDriver):
                    driver.check_size()
            if quitting and empty:
                return 0

    def _start(self, message: dict, fds: list[int]) -> None:
        try:
            number = int(message["id"])
            environment = dict(message.get("env", {}))
            if message.get("web"):  # a browser's tab: its stdin, stdout and stderr
                stdin, stdout, _stderr = fds
                session = Session(number, -1, tuple(fds))
                run: Callable[[], int] = partial(self._web_session, session, stdin, stdout, environment)
            else:
                terminal, handoff = fds
                session = Session(number, terminal, (terminal,))
                run = partial(self._session, session, handoff, str(environment.get("TERM", "")))
        except (KeyError, ValueError, TypeError):
            for fd in fds:
                os.close(fd)
            return
        session.thread = threading.Thread(
            target=self._run_session, args=(session, run), name=f"session-{number}", daemon=True
        )
        with self.lock:
            self.sessions[number] = session
        session.thread.start()

    def _reap(self) -> None:
        with self.lock:
            done = [s for s in self.sessions.values() if s.ended.is_set()]
        for session in done:
            if session.thread is not None:
                session.thread.join()
            with self.lock:
                self.sessions.pop(session.number, None)

    def _end_all(self) -> None:
        with self.lock:
            sessions = list(self.sessions.values())
        for session in sessions:
            session.end()
        for session in sessions:
            if session.thread is not None:
                session.thread.join(END_WAIT_SECONDS)

    # a session's thread

    def _run_session(self, session: Session, run: Callable[[], int]) -> None:
        status = 1
        try:
            status = run()
        except Exception as exc:  # the session's end, told to the server; the host goes on
            from models.core.errors import JournalError
            from tui import strings as S

            if isinstance(exc, JournalError):
                _write(session.terminal, f"journal: {exc}\r\n")
            else:  # the traceback to the server's log, a word to the user
                traceback.print_exc(file=sys.__stderr__)
                _write(session.terminal, f"journal: {S.SESSION_FAILED}\r\n")
        finally:
            for descriptor in session.descriptors:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
            send_message(self.sock, {"ended": session.number, "status": status})
            session.ended.set()
            with contextlib.suppress(OSError):
                os.write(self.wake_write, b"x")

    def _session(self, session: Session, handoff_fd: int, term: str) -> int:
        from models.core.errors import AuthenticationError
        from models.people.accounts import resume_session
        from tui.app import JournalApp, exit_text
        from tui.serve.handoff import NOT_CONFIRMED, read_handoff

        handoff = read_handoff(handoff_fd)
        result = resume_session(handoff.user_id, handoff.source)
        if result.actor.school_id != self.school:  # the server sends this host its school's only
            raise AuthenticationError(NOT_CONFIRMED)
        minutes = self.locked_exit_minutes
        app = JournalApp(
            source=handoff.source,
            resume=(result, handoff.password),
            locked_exit_seconds=minutes * 60.0 if minutes else None,
            served=True,
            hosted=True,
        )
        use_terminal_type(app, term)
        app.driver_class = driver_on(session.terminal)
        session.app = app
        outcome = app.run(mouse=False)
        text = exit_text(app, outcome)
        if text:
            _write(session.terminal, text + "\r\n")
        return 0

    def _web_session(self, session: Session, stdin: int, stdout: int, environment: dict) -> int:
        """A browser's tab at the login screen (its account is any of the host's school's)."""
        from rich.console import ColorSystem

        from tui.app import JournalApp

        app = JournalApp(source=str(environment.get("JOURNAL_SOURCE", ""))[:64], hosted=True)
        app.console._color_system = ColorSystem.TRUECOLOR  # as textual-serve asks of its apps
        app.driver_class = web_driver_on(stdin, stdout, _tab_size(environment))
        session.app = app
        app.run(mouse=False)
        return 0


def run_host(fd: int, school: int | None, locked_exit_minutes: float | None) -> int:
    """The host's life, in a process the ready process forked: its sessions until it is told to
    quit or the ready process goes away."""
    from models.core import tenancy
    from tui.widgets import render

    # collection on for the host's life (journal.py turns it off for a start; an app turning it
    # back on would freeze its first session's objects, garbage included, for good)
    gc.enable()
    tenancy.hold(school)
    quiet_signals_off_the_main_thread()
    web_driver.InputReader = PipeReader  # type: ignore[assignment,misc]  # (replaced by each tab's own)
    render.install()
    return Host(socket.socket(fileno=fd), school, locked_exit_minutes).serve()


def _write(fd: int, text: str) -> None:
    if fd < 0:  # a browser's session: its tab says it has closed
        return
    with contextlib.suppress(OSError):
        os.write(fd, text.encode("utf-8"))
