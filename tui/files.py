"""A file the journal made, from the server to the person who asked for it.

Three ways, by where the app runs: in a browser (`serve web`) the file is downloaded at once
(Textual's deliver_binary, which textual-serve turns into a download); over SSH (`serve ssh`)
the app says the exact `scp` command for one's own computer, with the school's address and
port (settings «Адрес сервера для учителей», «Порт SSH»); run on one's own computer, it says
where the file is. Downloads in the browser are audited (models.people.files), and a login
slip (one-time passwords) is removed once the browser has it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from textual.app import App

from exports.paths import SLIP_PREFIX, connect_hints, fetch_command, server_address, tidy
from models.core.access import Actor
from models.core.errors import JournalError
from models.core.settings import load as load_settings
from models.people.files import record_file
from tui import strings as S

_DELIVERIES: dict[str, Path] = {}  # delivery key → a slip to remove once it is delivered


def remote(app: App) -> bool:
    """The app runs on the server (`serve ssh` or `serve web`), not on the user's computer:
    no path on the server means anything to the user, and none may be read for them."""
    return app.is_web or bool(getattr(app, "served", False))


def fetch_hint(app: App, actor: Actor, path: Path) -> str:
    """How this user gets `path` to their own computer, in one line."""
    if app.is_web:
        return S.FETCH_WEB
    if remote(app):
        host, port = ssh_target()
        return S.FETCH_SCP.format(command=fetch_command(actor.login, path.name, host, port))
    return S.FETCH_LOCAL.format(path=path)


def ssh_target() -> tuple[str, int]:
    """(host, port) for scp: the school's settings; until the admin set the address, this
    server's name and the port this session came in on (SSH_CLIENT's third field)."""
    settings = load_settings()
    if settings.ssh_address:
        return settings.ssh_address, settings.ssh_port
    parts = os.environ.get("SSH_CLIENT", "").split()
    port = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else settings.ssh_port
    return server_address(""), port


def can_deliver(app: App) -> bool:
    return app.is_web


def deliver(app: App, actor: Actor, path: Path, *, once: bool = False) -> bool:
    """In a browser: download `path` now (audited); elsewhere: say how to fetch it. True if
    sent. `once`: the file is removed once the browser has it (made again on request)."""
    if not app.is_web:
        app.notify(fetch_hint(app, actor, path), timeout=20)
        return False
    size = path.stat().st_size
    record_file(actor, "download", path.name, size, "browser")
    key = app.deliver_binary(path, save_filename=path.name)
    if key and (once or path.name.startswith(SLIP_PREFIX)):
        _DELIVERIES[key] = path
    app.notify(S.FETCH_SENT.format(name=path.name), timeout=8)
    return True


def delivered(key: str) -> None:
    """The browser has the file: a slip's one-time passwords are not kept on the server."""
    path = _DELIVERIES.pop(key, None)
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


def tidy_files() -> None:
    """Expired files are removed at every login (and hourly by `serve ssh`); a folder the
    journal cannot reach does not stop a login."""
    with contextlib.suppress(OSError, JournalError):
        tidy()


def diary_address() -> str:
    """How pupils and guardians reach the diary: the school's browser address (the login
    slips say it too; exports.paths.connect_hints)."""
    settings = load_settings()
    return connect_hints(settings.ssh_address, settings.ssh_port, settings.web_address)[0]


# --- a file coming in: one's inbox (the imports of a class list, a КТП) -------------------------


def inbox_choices(actor: Actor) -> list[tuple[str, str]]:
    """The files in one's inbox, newest first, as (label, name) for a drop-down."""
    from exports.paths import list_files

    return [(f"{f.name}  ({f.made:%d.%m %H:%M})", f.name) for f in list_files(actor.user_id, inbox=True)]


def upload_hint(app: App, actor: Actor, template: str) -> str:
    """How to put a file into one's inbox from one's own computer (`template` has {command})."""
    from exports.paths import upload_command

    if app.is_web:
        return S.IMPORT_UPLOAD_WEB
    host, port = ssh_target()
    return template.format(command=upload_command(actor.login, host, port))


def inbox_path(actor: Actor, name: object) -> str:
    """The path of one's own inbox file chosen by name ("" when none is chosen)."""
    from exports.paths import find_file

    if not name:
        return ""
    return str(find_file(actor.user_id, str(name), inbox=True).path)
