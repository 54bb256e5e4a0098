"""The rows a service is handed by id: found, or refused in the teacher's words.

`get_or_refuse(SchoolClass, class_id)` is the class, or NotFound("Такого класса нет."): each
kind of row has its sentence once, in MISSING. `refuse_while_used` refuses a delete (or a
change) while other rows still refer to the thing, naming every kind that does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from peewee import SelectBase

from models.core.errors import NotFound, ValidationError
from models.core.schema import (
    BaseModel,
    Consent,
    Course,
    Guardian,
    Period,
    SchoolClass,
    SchoolYear,
    SshKey,
    Student,
    Subgroup,
    Subject,
    TimetableEntry,
    User,
    WorkType,
)

M = TypeVar("M", bound=BaseModel)

# What a service says when the row it was handed does not exist. A few places say it in
# other words and pass them to get_or_refuse (access.get_course: «Такой нагрузки (класс ×
# предмет) нет.», accounts: «Такого родителя нет.», extracts: «Учащегося с номером N нет.»).
MISSING: dict[type[BaseModel], str] = {
    Consent: "Такого согласия нет.",
    Course: "Такой нагрузки нет.",
    Guardian: "Такого представителя нет.",
    Period: "Такого учебного периода нет.",
    SchoolClass: "Такого класса нет.",
    SchoolYear: "Такого учебного года нет.",
    SshKey: "Такого ключа нет.",
    Student: "Такого учащегося нет.",
    Subgroup: "Такой подгруппы нет.",
    Subject: "Такого предмета нет.",
    TimetableEntry: "Такой записи расписания нет.",
    User: "Такой учётной записи нет.",
    WorkType: "Такого вида работы нет.",
}


def get_or_refuse(model: type[M], row_id: int, message: str | None = None) -> M:
    """The row of `model` with this id, else NotFound with `message` (by default the
    model's sentence in MISSING)."""
    found = model.get_or_none(model._meta.primary_key == row_id)
    if found is None:
        raise NotFound(message or MISSING[model])
    return found


def refuse_while_used(refs: Mapping[str, SelectBase], refusal: Callable[[str], str]) -> None:
    """Refuse (ValidationError) while any query of `refs` finds a row: `refusal` gets the
    names of those that do, joined with commas ("отметки, уроки"), and says the sentence.
    Every query is asked, in order, so the sentence names them all."""
    found = [name for name, query in refs.items() if query.exists()]
    if found:
        raise ValidationError(refusal(", ".join(found)))
