"""A user's own files leaving or entering the server: who may, and the audit of each (152-FZ).

The files themselves live in exports.paths (each user's folder); this is the rule and the
record: staff fetch and upload over SFTP (`journal serve ssh`), anyone downloads their own
files in the browser; every download, upload and removal is an audit entry with the file's
name, size and the channel, checked against the account as it is now.
"""

from __future__ import annotations

from models.core import audit
from models.core.access import Actor, deny
from models.core.service import reading, service

CHANNELS = ("sftp", "scp", "browser", "app")
ACTIONS = ("download", "upload", "delete", "expired")


@reading
def require_file_transfer(actor: Actor) -> None:
    """SFTP and scp are for staff and the district's administrator (their reports): pupils and
    guardians download in the browser only."""
    if not (actor.is_staff or actor.is_district):
        raise deny("Передача файлов по SFTP — только для сотрудников школы. Откройте дневник в браузере.")


@service
def record_file(actor: Actor, action: str, name: str, size: int, channel: str) -> None:
    """One file downloaded, uploaded or deleted by its owner, through `channel`."""
    if action not in ACTIONS or channel not in CHANNELS:
        raise ValueError(f"unknown file event {action!r} via {channel!r}")
    audit.record(actor, f"file.{action}", "file", None, None, {"name": name, "size": size, "via": channel})
