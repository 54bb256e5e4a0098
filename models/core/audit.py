"""The audit trail: who changed what and when, old → new (R18; 152-FZ registration of actions).

Entries are appended inside the same transaction as the change they describe, so a change
without its entry (or an entry without its change) cannot exist. Passwords never reach here.
"""

from __future__ import annotations

import json
from typing import Any

from models.core.access import Actor, audit_user_id
from models.core.schema import AuditEntry


def _dump(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None = None,
    old: Any = None,
    new: Any = None,
) -> None:
    AuditEntry.insert(
        user=audit_user_id(actor),
        action=action,
        entity=entity,
        entity_id=entity_id,
        old=_dump(old),
        new=_dump(new),
        source=actor.source,
    ).execute()


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (old, new) — what an audit entry and a screen show."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
