"""Checks of personal data a teacher types, each failing with a readable Russian message."""

from __future__ import annotations

import datetime as dt
import re

from models.core import clock
from models.core.errors import ValidationError

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' \-]*$")


def clean_name(value: str, label: str, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        if required:
            raise ValidationError(f"Не заполнено поле «{label}».")
        return ""
    if not NAME_RE.match(text) or len(text) > 60:
        raise ValidationError(f"«{label}»: допустимы только буквы, пробел, дефис и апостроф.")
    return text[0].upper() + text[1:]


def clean_phone(value: str) -> str:
    text = str(value or "").strip()
    if text and (not PHONE_RE.match(text) or sum(ch.isdigit() for ch in text) < 6):
        raise ValidationError(f"Телефон «{text}» не похож на номер: например, +7 912 345-67-89.")
    return text


def clean_email(value: str) -> str:
    text = str(value or "").strip()
    if text and not EMAIL_RE.match(text):
        raise ValidationError(f"Адрес «{text}» не похож на электронную почту.")
    return text


def parse_date(value: object, label: str = "Дата") -> dt.date | None:
    """A date from a date, ISO text or the Russian dd.mm.yyyy; empty gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"«{label}»: «{text}» — не дата (нужно ДД.ММ.ГГГГ).")


def check_birth_date(value: object, today: dt.date | None = None) -> dt.date | None:
    born = parse_date(value, "Дата рождения")
    if born is None:
        return None
    today = today or clock.today()
    if born > today:
        raise ValidationError(f"Дата рождения {born:%d.%m.%Y} ещё не наступила.")
    age = (today - born).days / 365.25
    if not 4 <= age <= 25:  # a pupil of grades 1–11, with room for late starters
        raise ValidationError(
            f"Дата рождения {born:%d.%m.%Y} неправдоподобна для школьника (возраст {age:.0f})."
        )
    return born


def clean_sex(value: str) -> str:
    text = str(value or "").strip().lower()
    mapping = {"м": "м", "муж": "м", "мужской": "м", "ж": "ж", "жен": "ж", "женский": "ж", "": ""}
    if text not in mapping:
        raise ValidationError("Пол: «м» или «ж».")
    return mapping[text]


def clean_text(value: str, limit: int = 500) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError(f"Текст длиннее {limit} символов.")
    return text
