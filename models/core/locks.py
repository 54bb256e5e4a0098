"""One writer at a time per thing: a cell, a pupil's final mark, a pupil's class history.

A service reads what is there, checks the rules and writes: two people typing into one cell
must not both read the old value. SQLite already runs one write transaction at a time
(BEGIN IMMEDIATE, models/core/db.py), so nothing more is needed there. PostgreSQL runs them
side by side at READ COMMITTED: before the first read, a service takes a transaction-scoped
advisory lock on the thing (`pg_advisory_xact_lock`), so a second writer of the same thing
waits until the first has committed and then reads its result. Different things never wait
for each other; the lock ends with the transaction, whatever its outcome.

Several things are taken in sorted order, so two writers never wait for each other in turn.
"""

from __future__ import annotations

import hashlib

from models.core.db import database, is_sqlite


def thing_key(kind: str, *ids: object) -> int:
    """A stable signed 64-bit key for one thing (the same in every process)."""
    digest = hashlib.blake2b(f"{kind}:{':'.join(map(str, ids))}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def take_turn(kind: str, *ids: object) -> None:
    """Wait until no other transaction writes this thing; hold it until this one ends."""
    take_turns([(kind, *ids)])


def take_turns(things: list[tuple]) -> None:
    """The same for several things at once, in an order every writer follows."""
    if is_sqlite() or not things:
        return
    for key in sorted({thing_key(str(kind), *ids) for kind, *ids in things}):
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))
