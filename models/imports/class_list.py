"""Importing a class list from a spreadsheet (R1): preview every row, then all or nothing.

exports.roster_import reads the file into `ImportRow`s (each with the problems the parser
found); this module checks them again against the school (pupils already there, the
class's year) and writes them in one transaction: every pupil through the roster service,
every guardian through the guardians service (their own audit entries), plus one audit
entry for the import itself. A single invalid row means nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.core import audit, clock
from models.core.access import Actor, require_class_keeper
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import Enrollment, Guardian, SchoolClass, Student
from models.core.service import reading, service
from models.core.validation import clean_text, parse_date
from models.people.guardians import RELATIONS, add_guardian, clean_guardian, link_guardian
from models.people.roster import add_student, clean_student

MAX_ROWS = 1000  # a class list; a file with more rows is not one
NO_SURNAME = "Не указана фамилия."
NO_FIRST_NAME = "Не указано имя."


@dataclass(frozen=True)
class GuardianRow:
    """A guardian named in an imported row: their card and relation to the pupil."""

    data: dict = field(hash=False)
    relation: str = ""

    @property
    def name(self) -> str:
        parts = (self.data.get(k, "") for k in ("surname", "first_name", "patronymic"))
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class ImportRow:
    """One pupil of the file: `line` is the row number a spreadsheet shows."""

    line: int
    student: dict = field(hash=False)  # the card fields that passed the parser's checks
    start: dt.date | None = None  # "Дата прибытия", else the import's date
    arrived_from: str = ""
    guardians: tuple[GuardianRow, ...] = ()
    problems: tuple[str, ...] = ()  # found by the parser

    @property
    def name(self) -> str:
        parts = (self.student.get(k, "") for k in ("surname", "first_name", "patronymic"))
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class PreviewRow:
    row: ImportRow
    problems: tuple[str, ...]  # the parser's and the school's
    links: tuple[str, ...] = ()  # guardians already known: linked, not created again

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportPreview:
    class_id: int
    class_name: str
    start: dt.date
    rows: tuple[PreviewRow, ...]

    @property
    def invalid(self) -> tuple[PreviewRow, ...]:
        return tuple(r for r in self.rows if r.problems)

    @property
    def ok(self) -> bool:
        """Every row valid and at least one: the import may go ahead."""
        return bool(self.rows) and not self.invalid

    @property
    def guardians(self) -> int:
        return sum(len(r.row.guardians) for r in self.rows)


def phone_key(phone: str) -> str:
    """The last ten digits: "+7 (912) 345-67-89" and "8 912 3456789" are the same phone."""
    return re.sub(r"\D", "", phone or "")[-10:]


def guardian_key(data: dict) -> tuple[str, str, str, str]:
    return (
        (data.get("surname") or "").lower().replace("ё", "е"),
        (data.get("first_name") or "").lower().replace("ё", "е"),
        (data.get("patronymic") or "").lower().replace("ё", "е"),
        phone_key(data.get("phone") or ""),
    )


def default_start(class_id: int) -> dt.date:
    """Today, kept within the class's school year (an import in August starts on 1 Sep)."""
    school_class = get_or_refuse(SchoolClass, class_id)
    year = school_class.year
    return min(max(clock.today(), year.start), year.end)


def _spellings(names) -> list[str]:
    """The ways a surname may be stored, to find it with a plain IN (SQLite's LOWER() is
    ASCII-only, so case-insensitive matching happens here, in Python)."""
    out: set[str] = set()
    for name in names:
        if name:
            out |= {name, name.lower(), name.upper(), name.title(), name[0].upper() + name[1:]}
    return sorted(out)


def _existing_pupils(class_id: int, rows: Sequence[ImportRow]) -> dict[tuple, str]:
    """Pupils already in the school that rows may repeat: key → "Name, birth date (class)".

    With a birth date: the same surname, name and birth date anywhere in the school.
    Without one: the same surname and name in this class now.
    """
    surnames = _spellings(r.student.get("surname") for r in rows)
    if not surnames:
        return {}
    query = (
        Student.select(
            Student.id,
            Student.surname,
            Student.first_name,
            Student.birth_date,
            SchoolClass.grade,
            SchoolClass.letter,
            SchoolClass.id,
            Enrollment.start,
            Enrollment.end,
        )
        .join(Enrollment)
        .join(SchoolClass)
        .where(Student.surname.in_(surnames))
        .order_by(Enrollment.start)
    )
    today = clock.today()
    found: dict[tuple, str] = {}
    for _sid, surname, first_name, born, grade, letter, cid, start, end in tuples(query):
        label = f"{surname} {first_name}" + (f", {born:%d.%m.%Y}" if born else "")
        label += f" ({grade}{letter})"
        name = (surname.lower(), first_name.lower())
        if born is not None:
            found[(*name, born)] = label
        if cid == class_id and start <= today and (end is None or end >= today):
            found[(*name, None)] = label
    return found


def _known_guardians(rows: Sequence[ImportRow]) -> dict[tuple, int]:
    """Guardians already in the school with the same full name and phone: key → id."""
    surnames = _spellings(g.data.get("surname") for r in rows for g in r.guardians if g.data.get("phone"))
    if not surnames:
        return {}
    query = Guardian.select().where(Guardian.surname.in_(surnames))
    return {
        guardian_key(
            {
                "surname": g.surname,
                "first_name": g.first_name,
                "patronymic": g.patronymic,
                "phone": g.phone,
            }
        ): g.id
        for g in query
        if phone_key(g.phone)
    }


def _check_row(row: ImportRow, start: dt.date, year_start: dt.date, year_end: dt.date) -> list:
    """The service's own checks of a row (the parser's are not trusted alone)."""
    problems = list(row.problems)

    def check(fn_, *args) -> None:
        try:
            fn_(*args)
        except ValidationError as exc:
            if str(exc) not in problems:
                problems.append(str(exc))

    check(clean_student, row.student)
    # the parser explains a missing name; rows built elsewhere get it said here
    if not row.student.get("surname") and not row.problems:
        problems.append(NO_SURNAME)
    if not row.student.get("first_name") and not row.problems:
        problems.append(NO_FIRST_NAME)
    day = row.start or start
    if not year_start <= day <= year_end:
        problems.append(
            f"Дата прибытия {day:%d.%m.%Y} вне учебного года ({year_start:%d.%m.%Y} – {year_end:%d.%m.%Y})."
        )
    check(clean_text, row.arrived_from)
    keys = [guardian_key(g.data) for g in row.guardians]
    if len(set(keys)) < len(keys):
        problems.append("Один и тот же представитель указан дважды.")
    for guardian in row.guardians:
        check(clean_guardian, guardian.data)
        if not guardian.data.get("surname") or not guardian.data.get("first_name"):
            who = f" «{guardian.name}»" if guardian.name else ""
            problems.append(f"Представитель{who}: нужны фамилия и имя.")
        if guardian.relation and guardian.relation not in RELATIONS:
            problems.append(f"Степень родства «{guardian.relation}»: одно из {', '.join(RELATIONS)}.")
    return problems


def _preview(actor: Actor, class_id: int, rows: Sequence[ImportRow], start: object = None) -> ImportPreview:
    school_class = get_or_refuse(SchoolClass, class_id)
    require_class_keeper(actor, class_id)
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"В файле {len(rows)} строк: это не список класса (не больше {MAX_ROWS}).")
    day = parse_date(start, "Дата прибытия") or default_start(class_id)
    year = school_class.year
    if not year.start <= day <= year.end:
        raise ValidationError(
            f"Дата прибытия {day:%d.%m.%Y} вне учебного года {year.name} "
            f"({year.start:%d.%m.%Y} – {year.end:%d.%m.%Y})."
        )
    existing = _existing_pupils(class_id, rows)
    known = _known_guardians(rows)
    seen_in_file: dict[tuple, int] = {}
    seen_guardians: set[tuple] = set()
    out = []
    for row in rows:
        problems = _check_row(row, day, year.start, year.end)
        name = (
            (row.student.get("surname") or "").lower(),
            (row.student.get("first_name") or "").lower(),
        )
        if all(name):
            key = (*name, row.student.get("birth_date"))
            if key in existing:
                problems.append(f"Уже есть в школе: {existing[key]}.")
            if key in seen_in_file:
                problems.append(f"Повтор строки {seen_in_file[key]}.")
            else:
                seen_in_file[key] = row.line
        links = []
        for guardian in row.guardians:
            gkey = guardian_key(guardian.data)
            if gkey in known or (gkey in seen_guardians and gkey[3]):
                links.append(guardian.name)
            seen_guardians.add(gkey)
        out.append(PreviewRow(row, tuple(dict.fromkeys(problems)), tuple(links)))
    return ImportPreview(class_id, school_class.name, day, tuple(out))


@reading
def preview_roster_import(
    actor: Actor, class_id: int, rows: Sequence[ImportRow], start: object = None
) -> ImportPreview:
    """Every row with its problems, as the import would see them; nothing is written."""
    return _preview(actor, class_id, rows, start)


@service
def import_roster(
    actor: Actor,
    class_id: int,
    rows: Sequence[ImportRow],
    start: object = None,
    *,
    source: str = "",
) -> int:
    """Add every row's pupil (and guardians) to the class in one transaction; how many.

    Refused as a whole, with nothing written, if any row has a problem. A guardian already
    in the school (same full name and phone), or named twice in the file (siblings), is
    linked rather than created again.
    """
    preview = _preview(actor, class_id, rows, start)
    if not preview.rows:
        raise ValidationError("В файле нет ни одной строки с учащимися: ничего не записано.")
    if preview.invalid:
        first = preview.invalid[0]
        raise ValidationError(
            f"Строк с ошибками: {len(preview.invalid)} (первая — строка {first.line}: "
            f"{first.problems[0]}). Ничего не записано: исправьте файл и повторите."
        )
    known = _known_guardians(rows)
    guardians = 0
    linked = 0
    for row in rows:
        pupil = add_student(actor, class_id, dict(row.student), row.start or preview.start, row.arrived_from)
        for guardian in row.guardians:
            key = guardian_key(guardian.data)
            if key[3] and key in known:
                link_guardian(actor, pupil.id, known[key], guardian.relation)
                linked += 1
            else:
                info = add_guardian(actor, pupil.id, dict(guardian.data), guardian.relation)
                guardians += 1
                if key[3]:
                    known[key] = info.id
    audit.record(
        actor,
        "roster.import",
        "school_class",
        class_id,
        new={
            "pupils": len(rows),
            "guardians": guardians,
            "linked": linked,
            "start": preview.start,
            "source": source,
        },
    )
    return len(rows)
