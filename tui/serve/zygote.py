"""One ready process that forks the app of every SSH connection (issue 16: memory per session).

Started once by `journal serve ssh` (`journal --zygote-fd N`), it imports the app — Textual,
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

Messages (SOCK_SEQPACKET, one JSON object each):
  server → zygote  {"id": n, "args": [...], "env": {...}}   + fds (terminal, handoff)
  zygote → server  {"id": n, "pid": p} or {"id": n, "error": "…"}
                   {"exit": p, "status": s}                  when a child has ended
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
from pathlib import Path

MAX_MESSAGE = 65536
PRELOAD_PACKAGES = ("models", "tui")
NOT_PRELOADED = ("tui.serve.ssh_server", "tui.serve.sftp", "tui.serve.web", "tui.serve.web_admission")
# imported only once an app runs on a terminal: the driver, its parser, layouts, tty, and
# what App.run_async and the first scrolling widget import for themselves
RUNTIME_MODULES = (
    "termios",
    "tty",
    "textual.drivers.linux_driver",
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


# the zygote's side


def preload() -> None:
    """Import what a session runs, so that every child shares it."""
    import pkgutil

    for package in PRELOAD_PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if info.name.startswith(NOT_PRELOADED):
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


def _receive(sock: socket.socket) -> tuple[dict, list[int]]:
    fds = array.array("i")
    data, ancillary, _flags, _addr = sock.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(2 * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    if not data:
        return {}, list(fds)
    return json.loads(data.decode("utf-8")), list(fds)


def _send(sock: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):  # the server is gone: nothing to tell
        sock.send(json.dumps(message).encode("utf-8"))


def _become_session(terminal: int, environment: dict[str, str]) -> None:
    """In the child: a session of its own on `terminal`, with the session's environment."""
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as at Python's own start
    os.setsid()
    _name("journal-session")
    for target in (0, 1, 2):
        os.dup2(terminal, target)
    if terminal > 2:
        os.close(terminal)
    os.environ.clear()
    os.environ.update(environment)
    # stdin/stdout/stderr as Python makes them for a terminal (Textual writes to __stderr__)
    streams = {
        "stdin": io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8"),
        "stdout": io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True),
        "stderr": io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
        ),
    }
    for name, stream in streams.items():
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _name(name: str) -> None:
    """The process's name as `top` and `ps -o comm` show it (its command line stays the zygote's)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/comm").write_text(name)


def serve(fd: int, run: Callable[[list[str]], int]) -> int:
    """The zygote's loop on socket `fd`. Returns 0 in the zygote when the server has gone, and
    in each forked child the status of `run(argv)`, its session (the caller exits with it)."""
    sock = socket.socket(fileno=fd)
    _name("journal-ready")
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    for sig in (signal.SIGINT, signal.SIGHUP):  # the server decides when the zygote ends
        signal.signal(sig, signal.SIG_IGN)
    children: set[int] = set()
    gc.disable()  # no collection while importing: no holes for the children to fill
    preload()
    fill_heap_holes()
    if threading.active_count() != 1:  # forking is safe only with no other thread
        return 1
    gc.freeze()  # what is imported now is never traversed again: its pages stay shared
    while True:
        ready, _, _ = select.select([sock.fileno(), wake_read], [], [])
        if wake_read in ready:
            with contextlib.suppress(BlockingIOError, InterruptedError):
                os.read(wake_read, 512)
            _reap(sock, children)
        if sock.fileno() not in ready:
            continue
        try:
            message, fds = _receive(sock)
        except (OSError, ValueError):
            message, fds = {}, []
        if not message:  # the server has gone: so do its sessions
            for descriptor in fds:
                os.close(descriptor)
            _end(children)
            return 0
        try:
            terminal, handoff = fds
            argv = ["--session-fd", str(handoff), *map(str, message["args"])]
            environment = {str(k): str(v) for k, v in message["env"].items()}
        except (KeyError, ValueError, AttributeError, TypeError):
            for descriptor in fds:
                os.close(descriptor)
            _send(sock, {"id": message.get("id"), "error": "неверный запрос"})
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the session
            signal.set_wakeup_fd(-1)
            for descriptor in (wake_read, wake_write):
                os.close(descriptor)
            sock.close()
            gc.enable()
            _become_session(terminal, environment)
            return run(argv)
        children.add(pid)
        for descriptor in fds:
            os.close(descriptor)
        _send(sock, {"id": message["id"], "pid": pid})


def _reap(sock: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(sock, {"exit": pid, "status": os.waitstatus_to_exitcode(wait_status)})


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

    async def spawn(self, args: list[str], env: dict[str, str], fds: tuple[int, int]) -> ForkedProcess:
        """A forked session on terminal fds[0] with handoff fds[1]; OSError if there is none."""
        if self.sock is None:
            raise OSError("нет готового процесса")
        self.next_id += 1
        reply = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = reply
        message = json.dumps({"id": self.next_id, "args": args, "env": env}).encode("utf-8")
        try:
            socket.send_fds(self.sock, [message], list(fds))
            answer = await asyncio.wait_for(reply, 30.0)
        except (OSError, TimeoutError) as exc:
            raise OSError(f"готовый процесс не ответил: {exc}") from None
        finally:
            self.replies.pop(self.next_id, None)
        if "pid" not in answer:
            raise OSError(answer.get("error", "готовый процесс отказал"))
        process = ForkedProcess(int(answer["pid"]))
        self.children[process.pid] = process
        if process.pid in self.early_exits:  # it ended before its pid reached us
            process.ended(self.early_exits.pop(process.pid))
            self.children.pop(process.pid, None)
        return process

    def _read(self) -> None:
        assert self.sock is not None
        while True:
            try:
                data = self.sock.recv(MAX_MESSAGE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                return self._lost()
            try:
                message = json.loads(data.decode("utf-8"))
            except ValueError:
                continue
            if "exit" in message:
                pid, status = int(message["exit"]), int(message["status"])
                process = self.children.pop(pid, None)
                if process is None:
                    self.early_exits[pid] = status
                else:
                    process.ended(status)
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
