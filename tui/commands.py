"""The command palette (ctrl+p) lists the screens this user may open, and nothing more."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider


class JournalCommands(Provider):
    def _screens(self) -> dict[str, str]:
        return self.app.available_screens()  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for key, name in self._screens().items():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.action_open, key),
                    help="Открыть раздел",
                )  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for key, name in self._screens().items():
            yield Hit(1.0, name, partial(self.app.action_open, key), help="Открыть раздел")  # type: ignore[attr-defined]
