"""SFTP (and scp) in `journal serve ssh`: a staff member's own files, and nothing else.

The connection is authenticated exactly like the app's (the journal's password or a
registered key, the same lockout and login events: tui/serve/ssh_server.py). The client then
sees a small file system of two folders, whatever path it asks for:

    /          the files the user exported (exports.paths.user_folder): read-only
    /inbox/    files to import: the user may upload (up to the school's size cap) and remove

`..` stops at `/`; every other name is looked up among that folder's own regular files, so no
path, hidden name or symlink leads out (a symlink someone put there is simply not seen). Files
are opened with O_NOFOLLOW and uploads created 0600. Pupils and guardians get none (they
download in the browser). Each finished download and upload is an audit entry (152-FZ),
written through models.people.files with the account as it is now: a disabled account is
refused at the next file. A login slip (one-time passwords) is removed once downloaded whole.

OpenSSH's `sftp` and `scp` (which speaks SFTP since OpenSSH 9.0) use the subsystem; the older
`scp` of Windows 10 (OpenSSH 8.1) runs `scp -f`/`scp -t`, served by asyncssh from the same
server object.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import posixpath
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncssh
from asyncssh import FXF_APPEND, FXF_CREAT, FXF_TRUNC, FXF_WRITE, SFTPAttrs, SFTPName

from exports.paths import INBOX, SLIP_PREFIX, tidy, user_folder
from models.core.access import Actor, in_school_of_actor
from models.core.errors import JournalError
from models.core.settings import load as load_settings
from models.people.accounts import LoginResult, session_ended
from models.people.files import record_file, require_file_transfer

READ_ONLY = "Здесь можно только скачивать. Файлы для загрузки кладите в папку inbox/."
TOO_BIG = "Файл больше {mb} МБ (настройка школы): загрузка прервана, файл удалён."
NOT_HERE = "Такого файла нет среди ваших файлов."
MUST_CHANGE = "Сначала смените выданный пароль: войдите в журнал по ssh (без sftp и scp)."
NO_FOLDERS = "Папки здесь не создаются: есть только ваши файлы и inbox/."


@dataclass
class _Open:
    """One open file and what was done with it (for the audit at close)."""

    fd: int
    name: str
    inbox: bool
    writing: bool
    size: int = 0  # for a download: the file's size when opened
    done: int = 0  # bytes read or written
    over_cap: bool = False


def _opened(file_obj: object) -> _Open:
    assert isinstance(file_obj, _Open)  # what open() returned
    return file_obj


def _denied(message: str) -> asyncssh.SFTPPermissionDenied:
    return asyncssh.SFTPPermissionDenied(message, "ru")


def _missing() -> asyncssh.SFTPNoSuchFile:
    return asyncssh.SFTPNoSuchFile(NOT_HERE, "ru")


class JournalSFTPServer(asyncssh.SFTPServer):
    """One SFTP or scp session of one staff member (`actor`), confined to their folder."""

    def __init__(
        self, chan, actor: Actor, *, channel: str = "sftp", cap_bytes: int, refusal: str = ""
    ) -> None:
        super().__init__(chan)
        self.actor = actor
        self.via = channel
        self.cap = cap_bytes
        self.refusal = refusal
        self.folder = user_folder(actor.user_id) if not refusal else None

    # --- the two-folder file system --------------------------------------------------------

    def _parts(self, path: bytes) -> list[str]:
        if self.refusal:
            raise _denied(self.refusal)
        try:
            text = path.decode("utf-8")
        except UnicodeDecodeError:
            raise _missing() from None
        if "\0" in text:
            raise _missing()
        parts = [p for p in posixpath.normpath(posixpath.join("/", text)).split("/") if p]
        if len(parts) > 2 or (len(parts) == 2 and parts[0] != INBOX):
            raise _missing()
        if any(p.startswith(".") for p in parts):
            raise _missing()
        return parts

    def _local(self, parts: list[str]) -> tuple[str, bool, str]:
        """(local path, is a folder, the file's name) of a virtual path."""
        assert self.folder is not None
        if not parts:
            return str(self.folder), True, ""
        if parts == [INBOX]:
            return str(self.folder / INBOX), True, ""
        if len(parts) == 2:
            return str(self.folder / INBOX / parts[1]), False, parts[1]
        return str(self.folder / parts[0]), False, parts[0]

    def _regular(self, local: str) -> os.stat_result:
        try:
            info = os.lstat(local)
        except OSError:
            raise _missing() from None
        if not stat.S_ISREG(info.st_mode):
            raise _missing()  # symlinks, devices, folders someone put there: not seen
        return info

    def realpath(self, path: bytes) -> bytes:
        parts = self._parts(path)
        return ("/" + "/".join(parts)).encode("utf-8")

    def stat(self, path: bytes) -> SFTPAttrs:
        local, is_dir, _name = self._local(self._parts(path))
        info = os.lstat(local) if is_dir else self._regular(local)
        return SFTPAttrs.from_local(info)

    lstat = stat

    async def scandir(self, path: bytes) -> AsyncIterator[SFTPName]:
        local, is_dir, _name = self._local(self._parts(path))
        if not is_dir:
            self._regular(local)  # no such file, or …
            raise asyncssh.SFTPNoSuchFile("Это файл, а не папка.", "ru")
        for dot in (b".", b".."):
            yield SFTPName(dot, attrs=SFTPAttrs.from_local(os.lstat(local)))
        with os.scandir(local) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                info = entry.stat(follow_symlinks=False)
                top_inbox = entry.name == INBOX and local == str(self.folder)
                if stat.S_ISREG(info.st_mode) or (top_inbox and stat.S_ISDIR(info.st_mode)):
                    name = entry.name.encode("utf-8")
                    attrs = SFTPAttrs.from_local(info)
                    yield SFTPName(name, longname=self._longname(entry.name, info), attrs=attrs)

    def _longname(self, name: str, info: os.stat_result) -> bytes:
        kind = "d" if stat.S_ISDIR(info.st_mode) else "-"
        mode = stat.filemode(info.st_mode)[1:]
        return f"{kind}{mode} 1 {self.actor.login} {self.actor.login} {info.st_size:>9} {name}".encode()

    # --- files ---------------------------------------------------------------------------------

    async def open(self, path: bytes, pflags: int, attrs: SFTPAttrs) -> _Open:
        parts = self._parts(path)
        local, is_dir, name = self._local(parts)
        if is_dir:
            raise asyncssh.SFTPFailure("Это папка, а не файл.", "ru")
        await self._still_allowed()
        writing = bool(pflags & (FXF_WRITE | FXF_CREAT | FXF_TRUNC | FXF_APPEND))
        inbox = len(parts) == 2
        if writing:
            if not inbox:
                raise _denied(READ_ONLY)
            if os.path.islink(local):
                raise _denied(READ_ONLY)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
            try:
                fd = os.open(local, flags, 0o600)
            except OSError as exc:
                raise asyncssh.SFTPFailure(f"Файл не записан: {exc.strerror}", "ru") from None
            os.fchmod(fd, 0o600)
            return _Open(fd, name, inbox, True)
        info = self._regular(local)
        try:
            fd = os.open(local, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            raise _missing() from None
        return _Open(fd, name, inbox, False, size=info.st_size)

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        file_obj = _opened(file_obj)
        data = os.pread(file_obj.fd, size, offset)
        file_obj.done = max(file_obj.done, offset + len(data))
        return data

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        file_obj = _opened(file_obj)
        if not file_obj.writing:
            raise _denied(READ_ONLY)
        if offset + len(data) > self.cap:
            file_obj.over_cap = True
            raise asyncssh.SFTPFailure(TOO_BIG.format(mb=self.cap // (1024 * 1024)), "ru")
        written = os.pwrite(file_obj.fd, data, offset)
        file_obj.done = max(file_obj.done, offset + written)
        return written

    async def close(self, file_obj: object) -> None:
        file_obj = _opened(file_obj)
        os.close(file_obj.fd)
        local = self._local([INBOX, file_obj.name] if file_obj.inbox else [file_obj.name])[0]
        if file_obj.writing:
            if file_obj.over_cap:
                with contextlib.suppress(OSError):
                    os.unlink(local)
                return
            await self._record("upload", file_obj.name, file_obj.done)
            return
        if file_obj.size and file_obj.done >= file_obj.size:
            await self._record("download", file_obj.name, file_obj.size)
            if not file_obj.inbox and file_obj.name.startswith(SLIP_PREFIX):
                with contextlib.suppress(OSError):
                    os.unlink(local)  # one-time passwords: not kept once they left

    def fstat(self, file_obj: object) -> SFTPAttrs:
        return SFTPAttrs.from_local(os.fstat(_opened(file_obj).fd))

    async def remove(self, path: bytes) -> None:
        parts = self._parts(path)
        local, is_dir, name = self._local(parts)
        if is_dir or len(parts) != 2:
            raise _denied(READ_ONLY)
        info = self._regular(local)
        os.unlink(local)
        await self._record("delete", name, info.st_size)

    # attributes a client sets after a copy (scp -p, sftp's put -p) are not kept: nothing to set
    def setstat(self, path: bytes, attrs: SFTPAttrs) -> None:
        self._parts(path)

    lsetstat = setstat

    def fsetstat(self, file_obj: object, attrs: SFTPAttrs) -> None:
        return None

    def mkdir(self, path: bytes, attrs: SFTPAttrs) -> None:
        raise _denied(NO_FOLDERS)

    def rmdir(self, path: bytes) -> None:
        raise _denied(NO_FOLDERS)

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied(READ_ONLY)

    posix_rename = rename

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied(READ_ONLY)

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied(READ_ONLY)

    def readlink(self, path: bytes) -> bytes:
        raise _missing()

    def statvfs(self, path: bytes):
        raise asyncssh.SFTPOpUnsupported("Не поддерживается.", "ru")

    def exit(self) -> None:
        """The client is done: the channel ends with status 0, as OpenSSH's sftp-server's would
        (scp checks it). After scp's own protocol the channel has already ended."""
        with contextlib.suppress(Exception):
            self.channel.exit(0)

    # --- the account ---------------------------------------------------------------------------

    async def _still_allowed(self) -> None:
        """The account as it is now: disabled, demoted or reset since login ends the transfers."""
        try:
            problem = await asyncio.to_thread(session_ended, self.actor)
        except JournalError as exc:
            raise asyncssh.SFTPFailure(exc.message, "ru") from None
        if problem is not None:
            self.refusal = problem
            raise _denied(problem)

    async def _record(self, action: str, name: str, size: int) -> None:
        try:
            record = in_school_of_actor(self.actor, record_file)
            await asyncio.to_thread(record, self.actor, action, name, size, self.via)
        except JournalError as exc:
            raise asyncssh.SFTPFailure(exc.message, "ru") from None


async def open_file_server(chan, login: LoginResult | None, channel: str) -> JournalSFTPServer:
    """The server object for one SFTP/scp channel: staff only, expired files removed first."""
    refusal = ""
    cap = 20 * 1024 * 1024
    actor = login.actor if login is not None else None
    if login is None or actor is None:
        refusal = "Вход не подтверждён."
    elif login.must_change_password:
        refusal = MUST_CHANGE
    else:
        try:
            await asyncio.to_thread(in_school_of_actor(actor, require_file_transfer), actor)
            settings = await asyncio.to_thread(in_school_of_actor(actor, load_settings))
            cap = settings.inbox_max_mb * 1024 * 1024
            await asyncio.to_thread(tidy)
        except JournalError as exc:
            refusal = exc.message
    if refusal:  # told in Russian (OpenSSH prints a channel's stderr as it is), then ended
        chan.write_stderr((refusal + "\r\n").encode("utf-8"))
        chan.exit(1)
    return JournalSFTPServer(
        chan, actor or Actor(0, "", "", ""), channel=channel, cap_bytes=cap, refusal=refusal
    )
