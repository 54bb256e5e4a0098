"""The screens' header (tui/widgets/header.py): its title is there when it is composed, set
again to the same title it draws nothing, and a title that changes is shown."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets._header import HeaderTitle

from tui.widgets.header import JournalHeader


class Titled(App):
    TITLE = "Электронный журнал"

    def compose(self) -> ComposeResult:
        yield JournalHeader()


async def test_the_title_is_composed_and_drawn_again_only_when_it_changes():
    app = Titled()
    app.sub_title = "Школа № 1"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        title = app.screen.query_one(HeaderTitle)
        assert "Школа № 1" in str(title.content)
        refreshed: list[bool] = []
        original = title.refresh

        def counting(*args, **kwargs):
            refreshed.append(True)
            return original(*args, **kwargs)

        title.refresh = counting  # type: ignore[method-assign]
        title.update(app.screen.query_one(JournalHeader).format_title())
        assert refreshed == []  # the same title: nothing to draw
        app.sub_title = "Школа № 1 · Иванова М. П."
        await pilot.pause()
        assert "Иванова" in str(title.content)
        assert refreshed
