"""The journal's tables: Textual's DataTable whose text is shown as it is written.

DataTable reads every str cell, row label and column heading as Rich markup: a «[» in an
imported file's cell, a pupil's note or a file name was parsed (and «[/]» stopped the screen
with a MarkupError), and Rich's markup loads its table of emoji codes (0.9 MB in every session,
measured) to replace «:name:» in a cell. Here a str becomes a plain Text before the table holds
it; a Text or another renderable a screen styles itself is kept as it is.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey


def plain(value: Any, *, wrap: bool = False) -> Any:
    """A str as a Text with no markup (one line, as DataTable draws a row of height 1)."""
    return Text(value, no_wrap=not wrap, end="") if isinstance(value, str) else value


class Table(DataTable):
    """DataTable with plain text (add_rows, add_columns and update_cell_at come through here)."""

    def add_column(
        self, label: Any, *, width: int | None = None, key: str | None = None, default: Any = None
    ) -> ColumnKey:
        return super().add_column(plain(label), width=width, key=key, default=plain(default))

    def add_row(
        self, *cells: CellType, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        wrap = height != 1
        shown = [plain(cell, wrap=wrap) for cell in cells]
        return super().add_row(*shown, height=height, key=key, label=plain(label, wrap=wrap))

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, plain(value), update_width=update_width)
