"""Per-school settings: their types, defaults (DOMAIN.md, DESIGN.md) and Russian labels."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from models.core import tenancy
from models.core.errors import ValidationError
from models.core.prepared import Prepared
from models.core.schema import Setting, User


@dataclass(frozen=True)
class Settings:
    rounding_threshold: Decimal = Decimal("0.5")  # x.5 and above rounds up
    min_marks_for_period: int = 3
    verify_overdue_days: int = 30
    idle_lock_minutes: int = 10
    late_entry_days: int = 3
    edit_window_days: int = 7  # after this, changing a mark takes a reason (R21)
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1
    lockout_threshold: int = 5
    subgroups_by_homeroom: bool = True
    move_down_after_mark: bool = True
    ssh_sessions_per_account: int = 2  # journal serve ssh: apps of one account at once
    files_keep_days: int = 7  # a user's exported files are removed after this (152-FZ)
    ssh_address: str = ""  # the host staff connect to ("school.ru"); empty: this server's name
    ssh_port: int = 2222
    web_address: str = ""  # the browser address for pupils and guardians ("https://…")
    inbox_max_mb: int = 20  # the largest file one may upload to inbox/ for an import
    paper_policy: str = "all"  # paper duplicates (R23): all | no_consent | none (models/reports/paper.py)


# Paper duplicates (R23; models/reports/paper.py): for everyone, only for pupils whose data may
# not be processed, or for no one — and the words a school may type for them.
PAPER_ALL, PAPER_NO_CONSENT, PAPER_NONE = "all", "no_consent", "none"
PAPER_POLICIES = {
    PAPER_ALL: "всем учащимся",
    PAPER_NO_CONSENT: "только учащимся без согласия на обработку ПДн",
    PAPER_NONE: "не ведутся",
}
_PAPER_WORDS = {"все": PAPER_ALL, "всем": PAPER_ALL, "без согласия": PAPER_NO_CONSENT, "нет": PAPER_NONE}


def parse_policy(raw: object) -> str | None:
    """A paper policy from its code or a Russian word (None: not one)."""
    text = " ".join(str(raw).strip().lower().split())
    return text if text in PAPER_POLICIES else _PAPER_WORDS.get(text)


LABELS = {
    "rounding_threshold": "Порог округления итоговой отметки (дробная часть)",
    "min_marks_for_period": "Минимум отметок для итоговой",
    "verify_overdue_days": "Дней до напоминания о проверке анкет",
    "idle_lock_minutes": "Блокировка при бездействии, минут",
    "late_entry_days": "Отметка считается поздней через, дней",
    "edit_window_days": "Отметку можно исправить без причины в течение, дней",
    "argon2_time_cost": "argon2: число проходов",
    "argon2_memory_kib": "argon2: память, КиБ",
    "argon2_parallelism": "argon2: потоков",
    "lockout_threshold": "Неудачных входов до блокировки",
    "subgroups_by_homeroom": "Подгруппы создаёт классный руководитель",
    "move_down_after_mark": "После отметки курсор идёт вниз",
    "ssh_sessions_per_account": "Сеансов SSH одной учётной записи одновременно",
    "files_keep_days": "Выгруженные файлы хранятся, дней",
    "ssh_address": "Адрес сервера для учителей (SSH)",
    "ssh_port": "Порт SSH",
    "web_address": "Адрес журнала в браузере (ученики, родители)",
    "inbox_max_mb": "Наибольший загружаемый файл (inbox), МБ",
    "paper_policy": "Бумажные дубликаты дневника и табеля: все / без согласия / нет",
}

_BOUNDS = {
    "rounding_threshold": (Decimal("0.01"), Decimal("0.99")),
    "min_marks_for_period": (0, 20),
    "verify_overdue_days": (1, 366),
    "idle_lock_minutes": (1, 240),
    "late_entry_days": (0, 60),
    "edit_window_days": (0, 90),
    "argon2_time_cost": (1, 10),
    "argon2_memory_kib": (1024, 1024 * 1024),
    "argon2_parallelism": (1, 8),
    "lockout_threshold": (3, 20),
    "ssh_sessions_per_account": (1, 20),
    "files_keep_days": (1, 90),
    "ssh_port": (1, 65535),
    "inbox_max_mb": (1, 200),
}
# an address: a host name or IP, or a URL for the browser; no spaces, quotes or shell characters
_ADDRESS = re.compile(r"^[A-Za-z0-9\u0400-\u04FF][A-Za-z0-9\u0400-\u04FF.:/_\-\[\]]{0,199}$")


def parse_value(key: str, raw: object) -> object:
    """Turn user or stored text into the setting's type, or raise a readable ValidationError."""
    kinds = {f.name: f.type for f in fields(Settings)}
    if key not in kinds:
        raise ValidationError(f"Неизвестная настройка: {key}")
    kind = kinds[key]
    if key == "paper_policy":
        policy = parse_policy(raw)
        if policy is None:
            raise ValidationError(f"«{LABELS[key]}»: «{raw}» — укажите «все», «без согласия» или «нет»")
        return policy
    if kind == "str":
        text = str(raw).strip()
        if text and not _ADDRESS.match(text):
            raise ValidationError(
                f"«{LABELS[key]}»: недопустимый адрес «{raw}» (имя сервера, IP или https://…, без пробелов)"
            )
        return text
    text = str(raw).strip().replace(",", ".")
    try:
        if kind == "bool":
            if text.lower() in ("1", "true", "да", "yes"):
                return True
            if text.lower() in ("0", "false", "нет", "no"):
                return False
            raise ValueError
        value: object = Decimal(text) if kind == "Decimal" else int(text)
    except (ValueError, InvalidOperation):
        raise ValidationError(f"«{LABELS[key]}»: недопустимое значение «{raw}»") from None
    low, high = _BOUNDS.get(key, (None, None))
    if low is not None and not (low <= value <= high):  # type: ignore[operator]
        raise ValidationError(f"«{LABELS[key]}»: значение должно быть от {low} до {high}")
    return value


# read by every analysis, report and change of a mark (models/core/prepared.py: built once)
_STORED = Prepared(lambda: Setting.select(Setting.key, Setting.value).tuples(), ())


def load() -> Settings:
    """The school's settings: stored values over the defaults (one query). With no school in
    scope (a district's login screen, its administrator): the defaults."""
    if tenancy.current_or_none() is None:
        return Settings()
    stored = dict(_STORED.rows())
    values: dict[str, Any] = {k: parse_value(k, v) for k, v in stored.items() if k in LABELS}
    return replace(Settings(), **values)


def files_keep_days_of(user_ids: Collection[int]) -> dict[int, int]:
    """How many days these accounts' exported files are kept: each one's school's setting (a
    district's schools may differ; the district's own accounts keep the default). Read
    across the district (the SSH server's hourly tidy works in no school)."""
    if not user_ids:
        return {}
    with tenancy.district():
        schools = dict(User.select(User.id, User.school).where(User.id.in_(list(user_ids))).tuples())
        stored = Setting.select(Setting.school, Setting.value).where(
            (Setting.key == "files_keep_days") & Setting.school.in_({s for s in schools.values() if s})
        )
        per_school: dict[int, int] = {}
        for school_id, raw in stored.tuples():
            with contextlib.suppress(ValidationError):  # out of bounds: the default, as load() has it
                per_school[school_id] = int(parse_value("files_keep_days", raw))  # type: ignore[call-overload]
    default = Settings().files_keep_days
    return {user_id: per_school.get(school_id, default) for user_id, school_id in schools.items()}
