"""One way for a screen to call a service and show its refusal.

A service refuses with a `JournalError` (PermissionDenied, ValidationError, NotFound …) whose
message a teacher can read, in Russian, and changes nothing. A screen shows that message and
goes on as it was:

    users = attempt(self, lambda: list_users(self.actor))
    if users is None:
        return

    attempt(self, lambda: remove_ssh_key(self.actor, key.id), done=lambda _: self.reload())

Where a refusal is shown another way (the grid's hint line, a dialog's error line, a status
line, a worker thread), the screen catches `JournalError` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.app import App
from textual.widget import Widget

from models.core.errors import JournalError

T = TypeVar("T")


def attempt(
    owner: Widget | App,
    call: Callable[[], T],
    done: Callable[[T], object] | None = None,
    *,
    timeout: float | None = None,
) -> T | None:
    """Run `call`; on a refusal notify its message as an error (for `timeout` seconds, else the
    app's default) and return None; else call `done` with the result (if given) and return it."""
    try:
        result = call()
    except JournalError as exc:
        owner.notify(str(exc), severity="error", timeout=timeout)
        return None
    if done is not None:
        done(result)
    return result
