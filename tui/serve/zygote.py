"""One ready process that forks the app of every SSH connection and every browser tab
(issue 16: memory per session).

Started once by `journal serve ssh` or `journal serve web` (`journal --zygote-fd N`), it imports the app — Textual,
the screens, the models, the driver of the database — and waits. For every connection the
server sends it, over a Unix socket pair, the session's arguments and environment with two
descriptors (the pseudo-terminal's slave end and the handoff pipe, tui/serve/handoff.py); it
forks, and the child becomes the session exactly as `journal --session-fd` would: a new
session on that terminal, the handoff read, the app run. Code and imported modules are then
shared by every session's process (copy-on-write; `gc.freeze()` keeps the collector from
touching them), instead of each session importing its own copy.

The zygote opens no database and starts no thread, so forking it is safe. It reaps its
children and tells the server each one's exit status; when the server goes away it ends them
(SIGTERM to each process group) and exits. If it cannot be started or dies, its sessions go on
and the server starts new ones as separate processes, as before (ZygoteClient.available).

A browser's tab (`journal serve web`) comes with three descriptors instead, the pipes the
server talks to it through (its stdin, stdout, stderr); the child runs the plain app on them
with Textual's web driver, as textual-serve would have started it.

With `--sessions-per-process N` it forks hosts instead (tui/serve/host.py): a process running
up to N sessions of one school as threads. A session goes to a host of its school with room,
or a new one; the host is told to quit once its last session has ended.

Messages (SOCK_SEQPACKET, one JSON object each):
  server → zygote  {"id": n, "args": [...], "env": {...}}   + fds (terminal, handoff)
                   … "web": true                            + fds (stdin, stdout, stderr)
                   … with "host": [N, school, colours]      to run it in a host
                   {"end": n}                               end hosted session n
  zygote → server  {"id": n, "pid": p} or {"id": n, "error": "…"}
                   {"id": n, "pid": p, "hosted": true}      (p: the host's pid)
                   {"exit": p, "status": s}                  when a child has ended
                   {"ended": n, "status": s}                 when a hosted session has ended
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import ctypes
import gc
import importlib
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_MESSAGE = 65536
MAX_FDS = 3  # a message's descriptors: a terminal and a handoff, or a browser session's three pipes
PRELOAD_PACKAGES = ("models", "tui")
NOT_PRELOADED = ("tui.serve.ssh_server", "tui.serve.sftp", "tui.serve.web", "tui.serve.web_admission")
# imported only once an app runs on a terminal: the driver, its parser, layouts, tty, and
# what App.run_async and the first scrolling widget import for themselves
RUNTIME_MODULES = (
    "termios",
    "tty",
    "textual.drivers.linux_driver",
    "textual.drivers.web_driver",  # journal serve web's sessions
    "textual.drivers.headless_driver",
    "textual.pilot",
    "textual.scrollbar",
    "concurrent.futures.thread",  # asyncio's executor (importing it starts no thread)
    "textual._xterm_parser",
    "textual._keyboard_protocol",
    "textual.layouts.factory",
    "textual.layouts.horizontal",
    "textual.layouts.vertical",
    "textual.layouts.grid",
    "textual.layouts.stream",
)
END_GRACE_SECONDS = 3.0
MOST_SESSIONS_PER_PROCESS = 64


def sessions_per_process_problem(sessions: int, prefork: bool) -> str:
    """What is wrong with `--sessions-per-process` (serve ssh and serve web), or ''."""
    if not 1 <= sessions <= MOST_SESSIONS_PER_PROCESS:
        return f"--sessions-per-process: от 1 до {MOST_SESSIONS_PER_PROCESS}"
    if sessions > 1 and not prefork:
        return "--sessions-per-process больше 1 нужен готовый процесс: уберите --no-prefork"
    return ""


# the zygote's side


def preload() -> None:
    """Import what a session runs, so that every child shares it."""
    import pkgutil

    for package in PRELOAD_PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if info.name in NOT_PRELOADED:  # (tui.serve.web_signal is the app's: preloaded)
                continue
            with contextlib.suppress(ImportError):
                importlib.import_module(info.name)
    for name in RUNTIME_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from rich.cells import get_character_cell_size

    get_character_cell_size("Ж")  # loads Rich's table of character widths (not needed for ASCII)


class _MallocInfo(ctypes.Structure):
    """glibc's `struct mallinfo2` (glibc 2.33 and later)."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd")
        + ("usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    ]


HOLE_CHUNK = 24  # the smallest request: it fits any free chunk malloc keeps


def fill_heap_holes() -> int:
    """Use up the free chunks that C's malloc keeps between the imported objects; returns how
    many chunks were taken (0 where the C library is not glibc ≥ 2.33).

    Importing frees as much as it keeps (source compiled, temporary lists), and malloc hands
    those holes out again: a session's first query would write into hundreds of pages it shares
    with the ready process, copying each whole (≈ 1.3 MB per session, measured). Taken here and
    never freed, they stay shared; a session's own allocations come from fresh memory."""
    try:
        libc = ctypes.CDLL(None)
        mallinfo2, malloc = libc.mallinfo2, libc.malloc
    except (OSError, AttributeError):
        return 0
    mallinfo2.restype = _MallocInfo
    malloc.restype = ctypes.c_void_p
    malloc.argtypes = [ctypes.c_size_t]
    taken, holes = 0, None
    while True:
        info = mallinfo2()
        left = info.fordblks - info.keepcost  # free, but not at the top of the heap
        if left < 2 * HOLE_CHUNK or (holes is not None and left >= holes):
            return taken  # filled, or malloc takes from elsewhere: stop
        holes = left
        for _ in range(256):
            malloc(HOLE_CHUNK)
        taken += 256


def receive_message(sock: socket.socket) -> tuple[dict, list[int]]:
    """One message and the descriptors it carries ({} at the end: the other side has gone);
    OSError from the socket, ValueError (its descriptors closed) if it is not JSON. Also the
    host's end of its socket (tui/serve/host.py)."""
    fds = array.array("i")
    data, ancillary, _flags, _addr = sock.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    if not data:
        return {}, list(fds)
    try:
        return json.loads(data.decode("utf-8")), list(fds)
    except ValueError:
        for descriptor in fds:
            os.close(descriptor)
        raise


def send_message(sock: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):  # the server is gone: nothing to tell
        sock.send(json.dumps(message).encode("utf-8"))


def _become_session(streams: tuple[int, int, int], environment: dict[str, str]) -> None:
    """In the child: a session of its own on `streams` (its stdin, stdout and stderr: a terminal
    three times, or a browser session's pipes), with the session's environment."""
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as at Python's own start
    os.setsid()
    _name("journal-session")
    for target, descriptor in enumerate(streams):
        os.dup2(descriptor, target)
    for descriptor in set(streams) - {0, 1, 2}:
        os.close(descriptor)
    os.environ.clear()
    os.environ.update(environment)
    # stdin/stdout/stderr as Python makes them for a terminal (Textual writes to __stderr__)
    files = {
        "stdin": io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8"),
        "stdout": io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True),
        "stderr": io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
        ),
    }
    for name, stream in files.items():
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _name(name: str) -> None:
    """The process's name as `top` and `ps -o comm` show it (its command line stays the zygote's)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/comm").write_text(name)


class _Host:
    """A host the zygote forked: its socket, its kind (school, colours), the sessions it runs."""

    def __init__(self, pid: int, sock: socket.socket, kind: tuple[int | None, str]) -> None:
        self.pid, self.sock, self.kind = pid, sock, kind
        self.sessions: set[int] = set()


def _become_host() -> None:
    """In the child: a host of sessions, a process group of its own (the zygote ends it as it
    ends a session); its output stays the server's (a session's terminal is its own fd)."""
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    os.setsid()
    _name("journal-host")


def _to_host(
    sock: socket.socket, hosts: dict[int, _Host], message: dict, fds: list[int], size: int, kind: tuple
) -> _Host | None:
    """The session to a host of its kind with room (None: none, a new one is needed)."""
    host = next((h for h in hosts.values() if h.kind == kind and len(h.sessions) < size), None)
    if host is None:
        return None
    body = {
        "id": message["id"],
        "args": message["args"],
        "env": message["env"],
        "web": bool(message.get("web")),
    }
    try:
        socket.send_fds(host.sock, [json.dumps(body).encode("utf-8")], fds)
    except OSError:
        return None
    host.sessions.add(message["id"])
    return host


def _recv(sock: socket.socket) -> bytes | None:
    """A message from a non-blocking socket: None when there is none yet, b"" when the other
    side has gone (or the socket failed)."""
    try:
        return sock.recv(MAX_MESSAGE)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""


def _from_host(sock: socket.socket, hosts: dict[int, _Host], host: _Host) -> None:
    """A host's word: a session has ended (told to the server), or the host has gone."""
    data = _recv(host.sock)
    if data is None:
        return
    if not data:  # the host has gone (a crash): its sessions with it
        _retire(sock, hosts, host, status=1)
        return
    with contextlib.suppress(ValueError, KeyError, TypeError):
        message = json.loads(data.decode("utf-8"))
        number, status = int(message["ended"]), int(message["status"])
        host.sessions.discard(number)
        send_message(sock, {"ended": number, "status": status})
        if not host.sessions:  # nothing left to run: it goes, new sessions get a new host
            send_message(host.sock, {"quit": True})
            hosts.pop(host.pid, None)
            host.sock.close()


def _retire(sock: socket.socket, hosts: dict[int, _Host], host: _Host, status: int) -> None:
    for number in sorted(host.sessions):
        send_message(sock, {"ended": number, "status": status})
    host.sessions.clear()
    if hosts.pop(host.pid, None) is not None:
        host.sock.close()


def serve(fd: int, run: Callable[[list[str]], int]) -> int:
    """The zygote's loop on socket `fd`. Returns 0 in the zygote when the server has gone, and
    in each forked child the status of `run(argv)`, its session or host (the caller exits with
    it)."""
    sock = socket.socket(fileno=fd)
    _name("journal-ready")
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    for sig in (signal.SIGINT, signal.SIGHUP):  # the server decides when the zygote ends
        signal.signal(sig, signal.SIG_IGN)
    gc.disable()  # no collection while importing: no holes for the children to fill
    preload()
    fill_heap_holes()
    if threading.active_count() != 1:  # forking is safe only with no other thread
        return 1
    gc.freeze()  # what is imported now is never traversed again: its pages stay shared
    state = _Ready(sock, wake_read, wake_write)
    while True:
        outcome = state.step()
        if isinstance(outcome, int):
            return outcome
        if outcome is not None:  # in a forked child: its arguments
            return run(outcome)


@dataclass
class _Request:
    terminal: int
    handoff: int
    argv: list[str]
    environment: dict[str, str]
    # (most sessions per host, school, colours), or None: forked alone
    host: tuple[int, int | None, str] | None


class _Ready:
    """The zygote between requests: the server's socket, its children, its hosts."""

    def __init__(self, sock: socket.socket, wake_read: int, wake_write: int) -> None:
        self.sock, self.wake_read, self.wake_write = sock, wake_read, wake_write
        self.children: set[int] = set()
        self.hosts: dict[int, _Host] = {}
        self.host_pids: set[int] = set()

    def step(self) -> int | list[str] | None:
        """One wake-up: 0 when the server has gone, a child's arguments in a forked child,
        else None."""
        readers = [self.sock.fileno(), self.wake_read, *(h.sock.fileno() for h in self.hosts.values())]
        ready, _, _ = select.select(readers, [], [])
        if self.wake_read in ready:
            with contextlib.suppress(BlockingIOError, InterruptedError):
                os.read(self.wake_read, 512)
            _reap(self.sock, self.children, self.hosts, self.host_pids)
        for host in list(self.hosts.values()):
            if host.sock.fileno() in ready:
                _from_host(self.sock, self.hosts, host)
        if self.sock.fileno() not in ready:
            return None
        try:
            message, fds = receive_message(self.sock)
        except (OSError, ValueError):
            message, fds = {}, []
        if not message:  # the server has gone: so do its sessions
            for descriptor in fds:
                os.close(descriptor)
            _end(self.children)
            return 0
        if "end" in message:  # a hosted session to end: its host is told
            self._end_hosted(message)
            return None
        if message.get("web"):  # a browser's session (journal serve web): on three pipes
            return self._web(message, fds)
        request = self._request(message, fds)
        if request is None:
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        if request.host is not None:
            return self._hosted(message, [request.terminal, request.handoff], request.host, request.argv[2:])
        return self._forked(message, request)

    def _request(self, message: dict, fds: list[int]) -> _Request | None:
        try:
            terminal, handoff = fds
            shared = message.get("host")
            host = None
            if shared is not None:
                host = (int(shared[0]), None if shared[1] is None else int(shared[1]), str(shared[2]))
            return _Request(
                terminal,
                handoff,
                ["--session-fd", str(handoff), *map(str, message["args"])],
                {str(k): str(v) for k, v in message["env"].items()},
                host,
            )
        except (KeyError, ValueError, AttributeError, TypeError, IndexError):
            for descriptor in fds:
                os.close(descriptor)
            send_message(self.sock, {"id": message.get("id"), "error": "неверный запрос"})
            return None

    def _end_hosted(self, message: dict) -> None:
        with contextlib.suppress(ValueError, TypeError):
            number = int(message["end"])
            for host in self.hosts.values():
                if number in host.sessions:
                    send_message(host.sock, {"end": number})

    def _in_child(self, *descriptors: int) -> None:
        """In a forked child: nothing of the zygote's own is kept."""
        signal.set_wakeup_fd(-1)
        for descriptor in (self.wake_read, self.wake_write, *descriptors):
            os.close(descriptor)
        for other in self.hosts.values():
            other.sock.close()
        self.sock.close()
        gc.enable()

    def _forked(self, message: dict, request: _Request) -> list[str] | None:
        return self._fork(
            message, (request.terminal,) * 3, [request.handoff], request.environment, request.argv
        )

    def _web(self, message: dict, fds: list[int]) -> list[str] | None:
        """A browser's session on the server's pipes (its stdin, stdout and stderr): the app
        (the plain `journal` of `args`, its driver named by the environment) forked alone, or,
        with "host": [N, school, colours], a thread of a host of that school's tabs."""
        try:
            stdin, stdout, stderr = fds
            argv = [str(arg) for arg in message["args"]]
            environment = {str(k): str(v) for k, v in message["env"].items()}
            shared = message.get("host")
            host = None if shared is None else (int(shared[0]), int(shared[1]), str(shared[2]))
        except (KeyError, ValueError, AttributeError, TypeError, IndexError):
            for descriptor in fds:
                os.close(descriptor)
            send_message(self.sock, {"id": message.get("id"), "error": "неверный запрос"})
            return None
        if host is not None:
            return self._hosted(message, fds, host, argv)
        return self._fork(message, (stdin, stdout, stderr), [], environment, argv)

    def _fork(
        self,
        message: dict,
        streams: tuple[int, int, int],
        kept: list[int],
        environment: dict,
        argv: list[str],
    ) -> list[str] | None:
        """A session forked alone on `streams`, `kept` descriptors left open for it; its
        arguments in the child, None in the zygote (the server told the pid)."""
        pid = os.fork()
        if pid == 0:  # the session
            self._in_child()
            _become_session(streams, environment)
            return argv
        self.children.add(pid)
        for descriptor in {*streams, *kept}:
            os.close(descriptor)
        send_message(self.sock, {"id": message["id"], "pid": pid})
        return None

    def _hosted(
        self, message: dict, fds: list[int], host_kind: tuple[int, int | None, str], args: list[str]
    ) -> list[str] | None:
        """The session on `fds` to a host of its kind with room, forked first if there is
        none; `args`, the sessions' own arguments, are the new host's too."""
        size, school, colours = host_kind
        kind = (school, colours)  # one school's, one kind of terminal's (Rich keeps styles' codes)
        host = _to_host(self.sock, self.hosts, message, fds, size, kind)
        if host is None:  # a new host for this school: forked, then given the session
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            pid = os.fork()
            if pid == 0:  # the host
                self._in_child(*fds)
                ours.close()
                _become_host()
                school_arg = "none" if school is None else str(school)
                host_fd = theirs.detach()  # the host's own from now on (not closed with the object)
                return ["--host-fd", str(host_fd), "--host-school", school_arg, *args]
            theirs.close()
            self.children.add(pid)
            self.host_pids.add(pid)
            self.hosts[pid] = _Host(pid, ours, kind)
            host = _to_host(self.sock, self.hosts, message, fds, size, kind)
        for descriptor in fds:
            os.close(descriptor)
        if host is None:
            send_message(self.sock, {"id": message["id"], "error": "процесс сеансов не принял сеанс"})
        else:
            send_message(self.sock, {"id": message["id"], "pid": host.pid, "hosted": True})
        return None


def _reap(sock: socket.socket, children: set[int], hosts: dict[int, _Host], host_pids: set[int]) -> None:
    while children:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)
        status = os.waitstatus_to_exitcode(wait_status)
        if pid in host_pids:  # a host: its sessions were its to tell
            host_pids.discard(pid)
            host = hosts.get(pid)
            if host is not None:  # it died with sessions still running
                _retire(sock, hosts, host, status=1)
            continue
        send_message(sock, {"exit": pid, "status": status})


def _end(children: set[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
    deadline = END_GRACE_SECONDS
    while children and deadline > 0:
        with contextlib.suppress(ChildProcessError):
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid:
                children.discard(pid)
                continue
        select.select([], [], [], 0.1)
        deadline -= 0.1
    for pid in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


# the server's side


class ForkedProcess:
    """A session forked by the zygote: what the server needs of asyncio's Process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._ended = asyncio.get_running_loop().create_future()

    def ended(self, status: int) -> None:
        if self.returncode is None:
            self.returncode = status
            self._ended.set_result(status)

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)


class HostedSession(ForkedProcess):
    """A session running in a host (tui/serve/host.py): what the server needs of a process.
    `pid` is the host's, shared with its other sessions: never signalled for one session."""

    def __init__(self, pid: int, number: int, client: ZygoteClient) -> None:
        super().__init__(pid)
        self.number = number
        self.client = client

    def end(self) -> None:
        """Ask the host to end this session (its app exits)."""
        self.client.end(self.number)


def _settle(waiting: dict, early: dict[int, int], key: int, status: int) -> None:
    """`key` (a pid, or a hosted session's number) has ended: told to its process now, or kept
    for `_adopt` when it ended before the zygote's reply was read."""
    process = waiting.pop(key, None)
    if process is None:
        early[key] = status
    else:
        process.ended(status)


def _adopt(waiting: dict, early: dict[int, int], key: int, process: ForkedProcess) -> None:
    """A process just started is watched under `key`, or ended at once if it already has."""
    if key in early:
        process.ended(early.pop(key))
    else:
        waiting[key] = process


class ZygoteClient:
    """The server's end: starts the zygote and asks it for sessions."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command = command
        self.env = env
        self.sock: socket.socket | None = None
        self.proc: subprocess.Popen | None = None
        self.replies: dict[int, asyncio.Future] = {}
        self.children: dict[int, ForkedProcess] = {}
        self.early_exits: dict[int, int] = {}
        self.hosted: dict[int, HostedSession] = {}  # session number → session
        self.early_ends: dict[int, int] = {}
        self.next_id = 0

    @property
    def available(self) -> bool:
        return self.sock is not None

    def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [*self.command, "--zygote-fd", str(theirs.fileno())],
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                env=self.env,
            )
        except OSError:
            ours.close()
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        self.sock = ours
        asyncio.get_running_loop().add_reader(ours.fileno(), self._read)

    async def spawn(
        self,
        args: list[str],
        env: dict[str, str],
        fds: tuple[int, int],
        host: tuple[int, int | None, str] | None = None,
    ) -> ForkedProcess | HostedSession:
        """A forked session on terminal fds[0] with handoff fds[1]; with `host` (N, school,
        colours), a session in a host of such sessions, N at most; OSError if there is none."""
        body: dict = {"args": args, "env": env}
        if host is not None:
            body["host"] = list(host)
        return self._adopted(*await self._ask(body, list(fds)))

    async def spawn_web(
        self,
        args: list[str],
        env: dict[str, str],
        streams: tuple[int, int, int],
        host: tuple[int, int, str] | None = None,
    ) -> ForkedProcess | HostedSession:
        """A browser's session on the pipes `streams` (its stdin, stdout, stderr), forked
        alone, or with `host` (N, school, colours) in a host of such sessions; OSError if
        there is no ready process."""
        body: dict = {"args": args, "env": env, "web": True}
        if host is not None:
            body["host"] = list(host)
        return self._adopted(*await self._ask(body, list(streams)))

    def _adopted(self, number: int, answer: dict) -> ForkedProcess | HostedSession:
        """The session the zygote started, watched until it tells its status."""
        if answer.get("hosted"):
            session = HostedSession(int(answer["pid"]), number, self)
            _adopt(self.hosted, self.early_ends, number, session)
            return session
        process = ForkedProcess(int(answer["pid"]))
        _adopt(self.children, self.early_exits, process.pid, process)
        return process

    async def _ask(self, body: dict, fds: list[int]) -> tuple[int, dict]:
        """The zygote's answer (with a pid) to a request for a session; OSError otherwise."""
        if self.sock is None:
            raise OSError("нет готового процесса")
        self.next_id += 1
        number = self.next_id
        reply = asyncio.get_running_loop().create_future()
        self.replies[number] = reply
        try:
            socket.send_fds(self.sock, [json.dumps({"id": number, **body}).encode("utf-8")], fds)
            answer = await asyncio.wait_for(reply, 30.0)
        except (OSError, TimeoutError) as exc:
            raise OSError(f"готовый процесс не ответил: {exc}") from None
        finally:
            self.replies.pop(number, None)
        if "pid" not in answer:
            raise OSError(answer.get("error", "готовый процесс отказал"))
        return number, answer

    def end(self, number: int) -> None:
        """Ask for hosted session `number` to end."""
        if self.sock is not None:
            send_message(self.sock, {"end": number})

    def _read(self) -> None:
        assert self.sock is not None
        while True:
            data = _recv(self.sock)
            if data is None:
                return
            if not data:
                return self._lost()
            try:
                message = json.loads(data.decode("utf-8"))
            except ValueError:
                continue
            if "ended" in message:
                _settle(self.hosted, self.early_ends, int(message["ended"]), int(message["status"]))
            elif "exit" in message:
                _settle(self.children, self.early_exits, int(message["exit"]), int(message["status"]))
            else:
                reply = self.replies.get(message.get("id"))
                if reply is not None and not reply.done():
                    reply.set_result(message)

    def _lost(self) -> None:
        """The zygote has died: its sessions live on (init reaps them); each is watched through
        a pidfd until it ends, its status unknown (0). New sessions start as before."""
        loop = asyncio.get_running_loop()
        if self.sock is not None:
            loop.remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None
        for reply in self.replies.values():
            if not reply.done():
                reply.set_exception(OSError("готовый процесс завершился"))
        # its hosts end their sessions as they lose it (tui/serve/host.py): the server closes
        # the terminals, which ends any app still running
        for session in self.hosted.values():
            session.ended(1)
        self.hosted.clear()
        for process in self.children.values():
            try:
                pidfd = os.pidfd_open(process.pid)
            except OSError:  # already gone
                process.ended(0)
                continue

            def gone(process: ForkedProcess = process, pidfd: int = pidfd) -> None:
                loop.remove_reader(pidfd)
                os.close(pidfd)
                process.ended(0)

            loop.add_reader(pidfd, gone)
        self.children.clear()

    async def close(self) -> None:
        """Ends the zygote (and, through it, any session still running)."""
        if self.sock is not None:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            self.sock = None
        if self.proc is not None:
            proc = self.proc
            try:
                await asyncio.wait_for(asyncio.to_thread(proc.wait), END_GRACE_SECONDS + 2)
            except TimeoutError:
                proc.kill()
                proc.wait()
        for process in self.children.values():
            process.ended(1)
        self.children.clear()
