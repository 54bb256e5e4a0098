"""The school itself: created with its first administrator, its name, the demo's printed
logins, and the school's settings (admin)."""

from __future__ import annotations

from models.core import audit, tenancy
from models.core.access import ADMIN, SYSTEM, Actor, require_admin
from models.core.errors import ValidationError
from models.core.schema import (
    School,
    Setting,
    User,
    WorkType,
)
from models.core.service import reading, service
from models.core.settings import LABELS, parse_value
from models.core.settings import load as load_settings
from models.people.passwords import check_new_password, hash_password
from models.school.subjects import DEFAULT_WORK_TYPES

# --- the school ------------------------------------------------------------------------------


@service
def init_school(
    name: str, admin_login: str, admin_password: str, *, admin_surname: str = "Администратор"
) -> int:
    """A new, empty school with its first admin; refuses a store that already has a school."""
    if School.select().exists():
        raise ValidationError("В этой базе данных школа уже создана.")
    if not name.strip():
        raise ValidationError("Укажите название школы.")
    login = admin_login.strip().lower()
    check_new_password(admin_password, login)
    school = School.create(name=name.strip())
    tenancy.enter(school.id)
    for wt_name, weight, is_default in DEFAULT_WORK_TYPES:
        WorkType.create(name=wt_name, weight=weight, is_default=is_default)
    admin = User.create(
        login=login,
        role=ADMIN,
        surname=admin_surname,
        first_name="школы",
        password_hash=hash_password(admin_password, load_settings()),
        must_change_password=False,
    )
    audit.record(SYSTEM, "school.init", "school", None, new={"name": name, "admin": login})
    return admin.id


DEMO_LOGINS_KEY = "demo.logins"


@reading
def demo_logins() -> list[dict]:
    """The demo school's printed logins (public by design); empty for a real school."""
    import json

    row = Setting.get_or_none(Setting.key == DEMO_LOGINS_KEY)
    return json.loads(row.value) if row else []


@reading
def school_name() -> str:
    school = School.select().first()
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
