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

# who may open a section
STAFF, KEEPER, ADMIN = "staff", "keeper", "admin"


@dataclass(frozen=True)
class Section:
    name: str  # the key used by app.open(name)
    title: str  # Russian, shown in the footer and the palette
    keys: str  # home keys in both layouts, e.g. "j,о"
    display: str  # how the key shows in the footer
    who: str  # STAFF | KEEPER (keeps a class: homeroom or admin) | ADMIN
    screen: str  # "module:Class", built as Class(actor)

    def build(self, actor: Actor) -> Screen:
        module, cls = self.screen.split(":")
        return getattr(import_module(module), cls)(actor)

    def allowed(self, actor: Actor, keeps_class: bool) -> bool:
        if not actor.is_staff:
            return False  # pupils and guardians: the diary only (R17)
        if self.who == ADMIN:
            return actor.is_admin
        if self.who == KEEPER:
            return keeps_class
        return True


SECTIONS: dict[str, Section] = {}


def register(name: str, title: str, keys: str, display: str, who: str, screen: str) -> None:
    SECTIONS[name] = Section(name, title, keys, display, who, screen)


# name, title (tui/strings.py), home keys (both layouts), footer key, who, "module:Screen"
register("journal", S.KEY_JOURNAL, "j,о", "J", STAFF, "tui.screens.journalgrid:CoursePickerScreen")
register("attendance", S.KEY_ATTENDANCE, "a,ф", "A", KEEPER, "tui.screens.attendance:AttendanceScreen")
register("credentials", S.KEY_CREDENTIALS, "r,к", "R", KEEPER, "tui.screens.credentials:CredentialsScreen")
register("accounts", S.KEY_ACCOUNTS, "u,г", "U", ADMIN, "tui.screens.accounts:AccountsScreen")
register("roster", S.KEY_ROSTER, "k,л", "K", KEEPER, "tui.screens.roster:RosterScreen")
register("exports", S.KEY_EXPORTS, "e,у", "E", STAFF, "tui.screens.exports:ExportScreen")
register("subgroups", S.KEY_SUBGROUPS, "g,п", "G", KEEPER, "tui.screens.subgroups:SubgroupsScreen")
register("import", S.KEY_IMPORT, "i,ш", "I", KEEPER, "tui.screens.importer:ImportScreen")
register("setup", S.KEY_SETUP, "s,ы", "S", ADMIN, "tui.setup.screen:SetupScreen")
register("analysis", S.KEY_ANALYSIS, "z,я", "Z", STAFF, "tui.screens.analysis:AnalysisScreen")
register("sshkeys", S.KEY_SSH_KEYS, "h,р", "H", STAFF, "tui.screens.sshkeys:SshKeysScreen")
register("auditlog", S.KEY_AUDIT_LOG, "l,д", "L", STAFF, "tui.screens.auditlog:AuditLogScreen")
