"""The journal's tables (tui/widgets/table.py) show text as it is written: brackets and colons
in a cell, a heading or a changed cell are not Rich markup (DataTable's «[/]» stopped the
screen with a MarkupError; «:smile:» became an emoji)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui.widgets.table import Table


class Tabled(App):
    def compose(self) -> ComposeResult:
        yield Table()

    def on_mount(self) -> None:
        table = self.query_one(Table)
        table.add_column("[b]Примечание[/b]", key="note")
        table.add_column("Файл")
        table.add_row("[/]", ":smile: итоги.csv", key="first")
        table.add_row(Text("своё", style="bold"), "[red]2[/red]")


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_brackets_and_colons_are_shown_not_read_as_markup():
    app = Tabled()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(Table)
        shown = screen_text(app)
        assert "[b]Примечание[/b]" in shown and "[/]" in shown and ":smile: итоги.csv" in shown
        assert "[red]2[/red]" in shown
        assert table.get_row_at(1)[0].style == "bold"  # a screen's own Text keeps its style
        table.update_cell("first", "note", "[/i] исправлено")
        await pilot.pause()
        assert "[/i] исправлено" in screen_text(app)
