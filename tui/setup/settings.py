"""Tab 6 Настройки: every school setting with its Russian label."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from models.core.settings import LABELS, Settings, parse_value
from models.core.settings import load as load_settings
from models.school.identity import update_setting
from tui import strings as S
from tui.keys import twin
from tui.setup.pane import Pane
from tui.widgets.dialogs import Field
from tui.widgets.table import Table


def shown_setting(value: object) -> str:
    if isinstance(value, bool):
        return S.SU_YES if value else S.SU_NO
    return str(value)


class SettingsPane(Pane):
    BINDINGS = [Binding(twin("e"), "edit", S.KEY_EDIT, id="edit-setting", key_display="Enter")]

    def compose(self) -> ComposeResult:
        yield Static(S.SETTINGS_TITLE, classes="setup-title")
        yield Table(id="settings", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.table().add_columns(*S.SETTING_COLUMNS)
        self.keys = list(LABELS)

    def reload(self) -> None:
        table = self.table()
        row = table.cursor_row
        table.clear()
        current = load_settings()
        for key in self.keys:
            table.add_row(LABELS[key], shown_setting(getattr(current, key)), key=key)
        self.restore(table, row, len(self.keys))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        index = self.row_index(self.table(), len(self.keys))
        if index is None:
            return
        key = self.keys[index]
        value = getattr(load_settings(), key)
        if isinstance(getattr(Settings(), key), bool):
            field = Field("value", LABELS[key], "1" if value else "0", ((S.SU_YES, "1"), (S.SU_NO, "0")))
        else:
            field = Field("value", LABELS[key], str(value))

        def submit(values: dict) -> object:
            parse_value(key, values["value"])  # the form shows a bad value at once
            update_setting(self.actor, key, values["value"])
            return True

        self.form(S.SETTING_TITLE, [field], submit)
