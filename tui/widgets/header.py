"""The screens' top line: Textual's Header, drawn once when a screen opens.

Textual's Header composes an empty title and fills it from an asynchronous watcher after
mounting: the title line was laid out and rendered twice as every screen opened (the second
time after the first frame: opening the grid took ≈ 20 ms longer on a pseudo-terminal,
measured). Here the title is composed with its text, and the watcher's update with the same
title does nothing; a title that really changes (a login, F2) is drawn as before.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle


class _Title(HeaderTitle):
    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if _same(content, self.content):
            return
        super().update(content, layout=layout)


def _same(a: object, b: object) -> bool:
    """The same text with the same styles (Content's own == compares the text only)."""
    return a == b and getattr(a, "spans", None) == getattr(b, "spans", None)


class JournalHeader(Header):
    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield _Title(self.format_title())
        yield HeaderClockSpace()
