"""tui/attempt.py: a service's refusal is shown as an error notification and nothing else runs."""

from __future__ import annotations

import pytest

from models.core.errors import PermissionDenied, ValidationError
from tui.attempt import attempt


class Owner:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str, float | None]] = []

    def notify(self, message: str, *, severity: str = "information", timeout: float | None = None) -> None:
        self.shown.append((message, severity, timeout))


def test_a_refusal_is_notified_and_none_returned():
    owner, done = Owner(), []

    def refused() -> int:
        raise ValidationError("Оценка — от 1 до 5.")

    assert attempt(owner, refused, done=done.append) is None  # type: ignore[arg-type]
    assert owner.shown == [("Оценка — от 1 до 5.", "error", None)] and done == []

    def denied() -> int:
        raise PermissionDenied("Нет прав.")

    attempt(owner, denied, timeout=8)  # type: ignore[arg-type]
    assert owner.shown[-1] == ("Нет прав.", "error", 8)


def test_success_calls_done_with_the_result_and_returns_it():
    owner, done = Owner(), []
    assert attempt(owner, lambda: 5, done=done.append) == 5  # type: ignore[arg-type]
    assert done == [5] and owner.shown == []


def test_other_errors_are_not_swallowed():
    owner = Owner()
    with pytest.raises(ZeroDivisionError):  # a bug must not pass as a refusal
        attempt(owner, lambda: 1 // 0)  # type: ignore[arg-type]
    assert owner.shown == []
