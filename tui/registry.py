"""The journal's sections: one entry each, with its home key, its name, who may open it and
how to build its screen. Home's keys, the command palette and `app.open` all read this, so a
new section is one `register(...)` line at the end of this file.

Screens are imported only when opened: start-up stays fast and a pupil's session never even
loads the journal's screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from textual.screen import Screen

from models.core.access import Actor
from tui import strings as S
from tui.keys import twin

# who may open a section
STAFF, KEEPER, ADMIN = "staff", "keeper", "admin"


@dataclass(frozen=True)
class Section:
    name: str  # the key used by app.open(name)
    title: str  # Russian, shown in the footer and the palette
    keys: str  # home keys in both layouts and in capitals (CapsLock, Shift), e.g. "j,о,J,О"
    display: str  # how the key shows in the footer
    who: str  # STAFF | KEEPER (keeps a class: homeroom or admin) | ADMIN
    screen: str  # "module:Class", built as Class(actor)

    def build(self, actor: Actor, **options: str) -> Screen:
        module, cls = self.screen.split(":")
        return getattr(import_module(module), cls)(actor, **options)

    def allowed(self, actor: Actor, keeps_class: bool) -> bool:
        if not actor.is_staff:
            return False  # pupils and guardians: the diary only (R17)
        if self.who == ADMIN:
            return actor.is_admin
        if self.who == KEEPER:
            return keeps_class
        return True


SECTIONS: dict[str, Section] = {}


def register(name: str, title: str, key: str, who: str, screen: str) -> None:
    """A section opened by its Latin home `key` and the key's Russian twin, shown as `key` in
    capitals; the capitals open it too (home shows them so, and CapsLock sends them)."""
    SECTIONS[name] = Section(name, title, twin(f"{key},{key.upper()}"), key.upper(), who, screen)


# name, title (tui/strings.py), home key (Latin; its Russian twin is added), who, "module:Screen"
register("journal", S.KEY_JOURNAL, "j", STAFF, "tui.screens.journalgrid:CoursePickerScreen")
register("attendance", S.KEY_ATTENDANCE, "a", KEEPER, "tui.screens.attendance:AttendanceScreen")
register("credentials", S.KEY_CREDENTIALS, "r", KEEPER, "tui.screens.credentials:CredentialsScreen")
register("accounts", S.KEY_ACCOUNTS, "u", ADMIN, "tui.screens.accounts:AccountsScreen")
register("roster", S.KEY_ROSTER, "k", KEEPER, "tui.screens.roster:RosterScreen")
register("exports", S.KEY_EXPORTS, "e", STAFF, "tui.screens.exports:ExportScreen")
register("subgroups", S.KEY_SUBGROUPS, "g", KEEPER, "tui.screens.subgroups:SubgroupsScreen")
register("import", S.KEY_IMPORT, "i", KEEPER, "tui.screens.importer:ImportScreen")
register("setup", S.KEY_SETUP, "s", ADMIN, "tui.setup.screen:SetupScreen")
register("analysis", S.KEY_ANALYSIS, "z", STAFF, "tui.screens.analysis:AnalysisScreen")
register("sshkeys", S.KEY_SSH_KEYS, "h", STAFF, "tui.screens.sshkeys:SshKeysScreen")
register("auditlog", S.KEY_AUDIT_LOG, "l", STAFF, "tui.screens.auditlog:AuditLogScreen")
register("myfiles", S.KEY_MY_FILES, "f", STAFF, "tui.screens.myfiles:MyFilesScreen")
