"""Slow things off the UI thread (argon2, exports, reading a file), giving back the store.

On SQLite a Textual thread worker opens its own connection (connections are per thread);
`store_worker` closes it when the worker ends. On PostgreSQL the session's threads share its
one connection (models.core.db), so a session holds one however many passwords and exports
it runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from textual import work

from models.core.service import release_connection


def store_worker(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`@work(thread=True, **options)` whose thread releases its connection at the end."""

    def decorate(fn: Callable[..., Any]) -> Any:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                release_connection()

        return work(thread=True, **options)(run)

    return decorate
