"""Pupils' names as lists show them: «Фамилия Имя», and namesakes told apart.

Two «Князев Захар» in one class are «Князев Захар Андреевич» and «Князев Захар Ильич»; if
the patronymics are the same too (or missing), the pupil's birth date, else the record's
number, follows: «Князев Захар (12.03.2018)». Every list of a class's pupils (the grid, the
day's attendance, the analysis and report cards, diary extracts, subgroups) uses this, so
a report never has two rows a reader cannot tell apart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

Person = tuple[int, str, str, str]  # id, surname, first name, patronymic


def fold(text: str) -> str:
    """A name as searches compare it: case and «ё» do not matter («Ёлкин» finds «елкин»)."""
    return text.casefold().replace("ё", "е")


def short_names(people: Iterable[Person], born: dict[int, dt.date | None] | None = None) -> dict[int, str]:
    """id → the name to show: «Фамилия Имя», longer only where two would look the same
    (birth dates are read, in one query, only for pupils whose full names are the same)."""
    people = list({p[0]: p for p in people}.values())
    short = {pid: f"{surname} {first}".strip() for pid, surname, first, _ in people}
    clashes = Counter(short.values())
    out = dict(short)
    longer: dict[int, str] = {}
    for pid, surname, first, patronymic in people:
        if clashes[short[pid]] > 1:
            longer[pid] = " ".join(p for p in (surname, first, patronymic) if p)
    still = Counter(longer.values())
    same = [pid for pid, name in longer.items() if still[name] > 1]
    if same and born is None:
        born = _birth_dates(same)
    for pid, name in longer.items():
        if still[name] > 1:
            day = (born or {}).get(pid)
            name = f"{name} ({day:%d.%m.%Y})" if day else f"{name} (№ {pid})"
        out[pid] = name
    return out


def _birth_dates(ids: list[int]) -> dict[int, dt.date | None]:
    from models.core.schema import Student

    found: dict[int, dt.date | None] = {}
    for row in Student.select(Student.id, Student.birth_date).where(Student.id.in_(ids)):
        found[row.id] = row.birth_date
    return found
