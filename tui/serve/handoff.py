"""Handing a login from `journal serve ssh` to the app process it starts for the connection.

The server has verified the password (or key) and recorded the login. It starts
`journal --session-fd N` on a pseudo-terminal and passes, in file descriptor N, the read end
of a pipe holding who logged in: the user id, the client's address, the time, and — only
when the account must change its password — the password just typed (the change asks for
the old one). The write end is closed before the child starts, so the child reads the
message and then end-of-file.

Why this is safe: a pipe has no name in the file system, no other process holds it, and
nothing of it appears in the command line or the environment (only the descriptor's
number). A user of the SSH server never chooses the command that runs: the server builds it,
and exec requests are refused. Anyone who could start `journal --session-fd` with a message
of their own would already be the service user who owns the database file, with nothing
more to gain. The child also refuses a descriptor that is not a pipe (a terminal, a file), a
message older than HANDOFF_MAX_AGE, and `models.people.accounts.resume_session` accepts the user only
right after a recorded login and only while the account may still log in.
"""

from __future__ import annotations

import json
import os
import stat
import time
from dataclasses import dataclass

from models.core.errors import AuthenticationError

HANDOFF_MAX_AGE = 30.0  # seconds between the server's check and the app's start
MAX_BYTES = 4096  # below PIPE_BUF: written in one go, never blocks
NOT_CONFIRMED = "Вход не подтверждён сервером журнала: подключитесь заново."


@dataclass(frozen=True)
class Handoff:
    user_id: int
    source: str  # the client's address, for login events and the audit trail
    password: str = ""  # only when a password change is forced at this login
    issued: float = 0.0  # time.time() when the server wrote it


def open_handoff(handoff: Handoff) -> int:
    """A pipe holding `handoff`: returns its read end (pass it to the child, then close it)."""
    payload = json.dumps(
        {
            "user_id": handoff.user_id,
            "source": handoff.source,
            "password": handoff.password,
            "issued": handoff.issued or time.time(),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    if len(payload) > MAX_BYTES:
        raise ValueError("handoff too long")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, payload)
    except OSError:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return read_end


def read_handoff(fd: int, *, max_age: float = HANDOFF_MAX_AGE) -> Handoff:
    """The message in descriptor `fd` (closed afterwards), or AuthenticationError."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        raise AuthenticationError(NOT_CONFIRMED) from None
    try:
        if not stat.S_ISFIFO(mode):
            raise AuthenticationError(NOT_CONFIRMED)
        data = b""
        while len(data) <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    try:
        raw = json.loads(data.decode("utf-8"))
        handoff = Handoff(
            user_id=int(raw["user_id"]),
            source=str(raw["source"])[:64],
            password=str(raw.get("password", "")),
            issued=float(raw["issued"]),
        )
    except (ValueError, KeyError, TypeError):
        raise AuthenticationError(NOT_CONFIRMED) from None
    if not 0 <= time.time() - handoff.issued <= max_age:
        raise AuthenticationError(NOT_CONFIRMED)
    return handoff


def adopt_terminal() -> None:
    """Make the pseudo-terminal on stdin this session's controlling terminal.

    The server starts the app in a new session (setsid); with the terminal as its controlling
    one, a resize reaches it as SIGWINCH and a hang-up as SIGHUP, as under sshd.
    """
    try:
        import fcntl
        import termios

        if os.isatty(0):
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except (ImportError, OSError):
        pass


def run_served_session(fd: int, locked_exit_minutes: float | None = None) -> int:
    """The app of one SSH connection: already logged in as the user the server verified."""
    from models.people.accounts import resume_session
    from tui.app import run_app

    adopt_terminal()
    handoff = read_handoff(fd)
    result = resume_session(handoff.user_id, handoff.source)
    return run_app(
        resume=result,
        password=handoff.password,
        source=handoff.source,
        locked_exit_minutes=locked_exit_minutes,
        served=True,
    )
