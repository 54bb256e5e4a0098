"""Where exported files go: each user's own folder under the exports root, and nowhere else.

    root = $JOURNAL_EXPORT_DIR or ~/journal-exports          (0700)
    root/user-17/            what user 17 exported           (0700, files 0600)
    root/user-17/inbox/      what user 17 uploaded to import (0700)
    root/system/             what `journal export` wrote from the server's shell

A folder is named by the account's id, not its login (a renamed login keeps its files, and no
login can spell a path). Files carry personal data (152-FZ): they are removed once older than
the school's setting «Выгруженные файлы хранятся, дней» (7 by default), and files holding
one-time passwords (the login slips) after a day or as soon as they are downloaded.

Every name a user gives (a download, a delete, an import from the inbox) is looked up among
the folder's own regular files: a path, `..`, a hidden name or a symlink never leads out.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import socket
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from models.core.errors import ValidationError

DEFAULT_DIR = "~/journal-exports"
INBOX = "inbox"
SYSTEM_FOLDER = "system"
SLIP_PREFIX = "Реквизиты"  # the login slips: one-time passwords inside
SLIP_KEEP = dt.timedelta(days=1)


def exports_root() -> Path:
    """The exports root, created owner-only (0700) if missing."""
    folder = Path(os.environ.get("JOURNAL_EXPORT_DIR") or DEFAULT_DIR).expanduser()
    _private_dir(folder)
    return folder


def _private_dir(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ValidationError(f"«{folder}» не папка: файлы туда не пишутся.")
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
        os.chmod(folder, 0o700)  # an older, shared folder is made private
    return folder


def folder_name(user_id: int) -> str:
    return SYSTEM_FOLDER if user_id == 0 else f"user-{int(user_id)}"


def user_folder(user_id: int) -> Path:
    """The user's own folder (and its inbox), created 0700 if missing."""
    folder = _private_dir(exports_root() / folder_name(user_id))
    _private_dir(folder / INBOX)
    return folder


def inbox_folder(user_id: int) -> Path:
    return user_folder(user_id) / INBOX


@dataclass(frozen=True)
class UserFile:
    name: str
    path: Path
    size: int
    made: dt.datetime  # local time of its last change
    inbox: bool = False  # uploaded by the user for an import

    @property
    def holds_passwords(self) -> bool:
        return not self.inbox and self.name.startswith(SLIP_PREFIX)


def _regular_files(folder: Path, inbox: bool) -> list[UserFile]:
    out = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
            continue
        info = entry.stat(follow_symlinks=False)
        made = dt.datetime.fromtimestamp(info.st_mtime)
        out.append(UserFile(entry.name, Path(entry.path), info.st_size, made, inbox))
    return out


def list_files(user_id: int, *, inbox: bool | None = None) -> list[UserFile]:
    """The user's files, newest first: exported ones, uploaded ones, or both (inbox=None)."""
    folder = user_folder(user_id)
    files: list[UserFile] = []
    if inbox in (None, False):
        files += _regular_files(folder, False)
    if inbox in (None, True):
        files += _regular_files(folder / INBOX, True)
    return sorted(files, key=lambda f: (f.made, f.name), reverse=True)


def find_file(user_id: int, name: str, *, inbox: bool = False) -> UserFile:
    """One of the user's own files by its plain name (never a path), or ValidationError."""
    for f in list_files(user_id, inbox=inbox):
        if f.name == name:
            return f
    raise ValidationError(f"Файла «{name}» среди ваших файлов нет (возможно, он уже удалён).")


def remove_file(user_id: int, name: str, *, inbox: bool = False) -> UserFile:
    found = find_file(user_id, name, inbox=inbox)
    try:
        os.unlink(found.path)
    except FileNotFoundError:
        pass
    return found


def purge_expired(
    keep_days: int, *, per_account: Mapping[int, int] | None = None, now: dt.datetime | None = None
) -> list[Path]:
    """Remove every user's files older than `keep_days`, or than their own account's days
    (`per_account`: user id → days); login slips older than a day; returns what was removed."""
    now = now or dt.datetime.now()
    removed: list[Path] = []
    root = exports_root()
    for entry in os.scandir(root):
        if not entry.is_dir(follow_symlinks=False):
            continue
        owner = _owner(entry.name)
        days = (per_account or {}).get(owner, keep_days) if owner is not None else keep_days
        keep = dt.timedelta(days=max(1, days))
        for inbox in (False, True):
            folder = Path(entry.path) / INBOX if inbox else Path(entry.path)
            for f in _regular_files(folder, inbox):
                limit = min(keep, SLIP_KEEP) if f.holds_passwords else keep
                if now - f.made > limit:
                    try:
                        os.unlink(f.path)
                    except FileNotFoundError:
                        continue
                    removed.append(f.path)
    return removed


def tidy() -> list[Path]:
    """The files kept longer than their owner's school allows, removed (each account's
    school's setting; the district's own accounts and the command line's: the default).
    Runs at login, on each export, on «Мои файлы», on each SFTP session and hourly in
    `serve ssh`."""
    from models.core.settings import Settings, files_keep_days_of

    owners = [
        owner
        for entry in os.scandir(exports_root())
        if entry.is_dir(follow_symlinks=False) and (owner := _owner(entry.name)) is not None
    ]
    return purge_expired(Settings().files_keep_days, per_account=files_keep_days_of(owners))


def _owner(folder: str) -> int | None:
    """The user a folder of the root belongs to (folder_name's "user-<id>"), or None."""
    number = folder.removeprefix("user-")
    return int(number) if number != folder and number.isdigit() else None


def human_size(size: int) -> str:
    """«812 Б», «14 КБ», «2,3 МБ»."""
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} КБ"
    return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")


_PLAIN_NAME = re.compile(r"^[\w.№-]+$")


def server_address(configured: str) -> str:
    """The address staff connect to: the school's setting, else this server's own name."""
    return configured or socket.getfqdn() or "адрес-сервера"


def fetch_command(login: str, name: str, host: str, port: int) -> str:
    """What to type on one's own computer (Windows' own OpenSSH too) to fetch `name`:
    «scp -P 2222 ivanova@school.ru:Дневник_5А.xlsx .». Our file names need no quoting;
    another name is quoted for the shell."""
    shown = name if _PLAIN_NAME.match(name) else shlex.quote(name)
    port_part = f"-P {port} " if port != 22 else ""
    return f"scp {port_part}{login}@{host}:{shown} ."


def upload_command(login: str, host: str, port: int) -> str:
    """«scp -P 2222 ФАЙЛ ivanova@school.ru:inbox/»: a file to import, into one's inbox."""
    port_part = f"-P {port} " if port != 22 else ""
    return f"scp {port_part}ФАЙЛ {login}@{host}:{INBOX}/"


def ssh_hint(host: str, port: int) -> str:
    """How staff connect, with "{login}" left for each person: «ssh -p 2222 {login}@school.ru»."""
    port_part = f"-p {port} " if port != 22 else ""
    return f"ssh {port_part}{{login}}@{host}"


def connect_hints(ssh_address: str, ssh_port: int, web_address: str) -> tuple[str, str]:
    """(pupils and guardians, staff): the browser address for the diary (the school's
    setting «Адрес журнала в браузере»), else `JOURNAL_CONNECT`, else SSH like staff; staff
    always SSH, with the school's address and port."""
    staff = ssh_hint(server_address(ssh_address), ssh_port)
    diary = web_address or os.environ.get("JOURNAL_CONNECT") or staff
    return diary, staff
