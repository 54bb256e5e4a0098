"""The school itself: created with its first administrator, its name, the demo's printed
logins, and the school's settings (admin)."""

from __future__ import annotations

from models.core import audit, tenancy
from models.core.access import SYSTEM, Actor, require_admin
from models.core.schema import (
    School,
    Setting,
)
from models.core.service import reading, service
from models.core.settings import LABELS, parse_value

# --- the school ------------------------------------------------------------------------------


@service
def init_school(
    name: str, admin_login: str, admin_password: str, *, admin_surname: str = "Администратор"
) -> int:
    """A new, empty school with its first admin, and the process works in it from now on.
    SQLite: refused when the file has a school; PostgreSQL: one more school of the district."""
    from models.school.district import found_school

    admin = found_school(name, admin_login, admin_password, admin_surname, by=SYSTEM)
    tenancy.enter(admin.school_id)
    return admin.user_id


DEMO_LOGINS_KEY = "demo.logins"


@reading
def demo_logins() -> list[dict]:
    """The demo school's printed logins (public by design); empty for a real school."""
    import json

    if tenancy.current_or_none() is None:  # a district's login screen: no school's logins
        return []
    row = Setting.get_or_none(Setting.key == DEMO_LOGINS_KEY)
    return json.loads(row.value) if row else []


@reading
def school_name() -> str:
    """The name of the school in scope ("" with none: a district's login screen)."""
    scope = tenancy.current_or_none()
    school = School.get_or_none(School.id == scope) if scope is not None else None
    return school.name if school else ""


@service
def update_setting(actor: Actor, key: str, value: str) -> object:
    require_admin(actor)
    parsed = parse_value(key, value)
    old = Setting.get_or_none(Setting.key == key)
    stored = str(parsed) if not isinstance(parsed, bool) else ("1" if parsed else "0")
    Setting.insert(key=key, value=stored).on_conflict(
        conflict_target=[Setting.school, Setting.key], update={Setting.value: stored}
    ).execute()
    audit.record(actor, "setting.update", "setting", None, {key: old.value if old else None}, {key: stored})
    return parsed


def setting_labels() -> dict[str, str]:
    return dict(LABELS)
