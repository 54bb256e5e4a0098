"""Importing a school's staff, teaching load and timetable from its own spreadsheets.

`journal import staff|load|timetable FILE` (and the same functions from anywhere else):
exports.sheet_import reads the file (xlsx, ods or csv in UTF-8 or Windows-1251, ";" or
",") into rows of cells and `parse_rows` here finds its columns; every row is checked
against the school and shown with what it will do or what is wrong with it; then everything is written in one
transaction, or nothing at all when a single row is wrong. Rows that are already in the
school as they are ("есть") are skipped, so the same file may be imported again.

Columns, found by their headers (case, spaces and punctuation ignored, any order):

    staff      Фамилия, Имя, Отчество (or one ФИО), Логин (made from the name when empty),
               Роль (учитель — the default; администратор or завуч)
    load       Класс, Предмет, Учитель (логин or ФИО: «Петров Игорь Олегович», «Петров И.О.»),
               Подгруппа (empty: the whole class; 1–4: that group)
    timetable  Класс, День недели (Пн…Сб or 1–6), Урок № (1–10), Предмет, Подгруппа (empty:
               the whole class, or every group of a split subject at once), Действует с,
               Действует по (or one «Действует с/по»: «01.09.2026–28.12.2026»)

The timetable of every class in the file is replaced from the earliest «Действует с» of its
rows (what held before ends the day before); lessons are not touched unless asked to
(`generate`), and then never those carrying marks (models.school.lessons.regenerate_future_lessons).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from peewee import JOIN

from models.core import audit, clock
from models.core.access import ADMIN, STAFF_ROLES, TEACHER, Actor, logins_taken, require_admin
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import Course, SchoolClass, SchoolYear, Subgroup, Subject, TimetableEntry, User
from models.core.service import reading, service
from models.core.validation import clean_name, parse_date
from models.imports.headers import (
    cell_text,
    filled_rows,
    find_header,
    is_blank,
    no_header,
    normalize_header,
    read_header,
)
from models.people import accounts
from models.school.calendar import current_year_id
from models.school.classes import parse_class_name
from models.school.lessons import LessonPlan, regenerate_future_lessons
from models.school.load import create_course, set_course_teacher
from models.school.subjects import create_subject
from models.school.timetable import (
    MAX_LESSON_NUMBER,
    WEEKDAYS,
    _overlaps,
    add_timetable_entry,
    end_entries_from,
)

KINDS = ("staff", "load", "timetable")
KIND_NAMES = {"staff": "сотрудники", "load": "нагрузка", "timetable": "расписание"}
MAX_ROWS = 3000

# normalized header → field, per kind (models.imports.headers.normalize_header: "Урок №" → "урок")
COLUMNS: dict[str, dict[str, str]] = {
    "staff": {
        "фамилия": "surname",
        "имя": "first_name",
        "отчество": "patronymic",
        "фио": "fio",
        "фамилияимяотчество": "fio",
        "логин": "login",
        "роль": "role",
        "должность": "role",
    },
    "load": {
        "класс": "class",
        "предмет": "subject",
        "учитель": "teacher",
        "преподаватель": "teacher",
        "подгруппа": "subgroup",
        "группа": "subgroup",
    },
    "timetable": {
        "класс": "class",
        "деньнедели": "weekday",
        "день": "weekday",
        "урок": "number",
        "урока": "number",
        "номерурока": "number",
        "предмет": "subject",
        "подгруппа": "subgroup",
        "группа": "subgroup",
        "действуетс": "from",
        "с": "from",
        "датаначала": "from",
        "действуетпо": "to",
        "по": "to",
        "датаокончания": "to",
        "действуетспо": "range",
        "срокдействия": "range",
        "периоддействия": "range",
    },
}
# headers that begin so: "Учитель (логин или ФИО)" → teacher
PREFIXES = {"load": (("учитель", "teacher"), ("преподаватель", "teacher"))}
REQUIRED = {
    "staff": (("surname", "first_name"), ("fio",)),
    "load": (("class", "subject", "teacher"),),
    "timetable": (("class", "weekday", "number", "subject"),),
}
HEADER_HINT = {
    "staff": "«Фамилия», «Имя» (или «ФИО»), «Логин», «Роль»",
    "load": "«Класс», «Предмет», «Учитель», «Подгруппа»",
    "timetable": "«Класс», «День недели», «Урок №», «Предмет», «Подгруппа», «Действует с», «Действует по»",
}
ROLES = {
    "": TEACHER,
    "учитель": TEACHER,
    "педагог": TEACHER,
    "преподаватель": TEACHER,
    "учительпредметник": TEACHER,
    "teacher": TEACHER,
    "администратор": ADMIN,
    "админ": ADMIN,
    "завуч": ADMIN,
    "заместительдиректора": ADMIN,
    "директор": ADMIN,
    "admin": ADMIN,
}
DAYS = {
    "пн": 1,
    "понедельник": 1,
    "вт": 2,
    "вторник": 2,
    "ср": 3,
    "среда": 3,
    "чт": 4,
    "четверг": 4,
    "пт": 5,
    "пятница": 5,
    "сб": 6,
    "суббота": 6,
    "вс": 7,
    "воскресенье": 7,
}


# --- the table's columns ----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    line: int  # the row number a spreadsheet shows
    values: dict = field(hash=False)  # field → text (or a date)


@dataclass(frozen=True)
class Sheet:
    kind: str
    rows: tuple[SheetRow, ...]
    columns: tuple[str, ...]  # recognised, as headed in the file
    ignored: tuple[str, ...]
    fmt: str


_norm = normalize_header


def _column(kind: str, header: object) -> str | None:
    key = _norm(header)
    if not key:
        return None
    if key in COLUMNS[kind]:
        return COLUMNS[kind][key]
    for prefix, name in PREFIXES.get(kind, ()):
        if key.startswith(prefix):
            return name
    return None


def _find_header(kind: str, rows: list[list]) -> tuple[int, dict[int, str]] | None:
    def enough(names: Collection[str]) -> bool:
        return any(set(need) <= set(names) for need in REQUIRED[kind])

    return find_header(rows, lambda cell: _column(kind, cell), enough)


def header_score(kind: str, rows: list[list]) -> int:
    """How many of this kind's columns the rows' header names (a CSV reader picks its
    separator by it)."""
    found = _find_header(kind, rows)
    return len(found[1]) if found else 0


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"Что импортировать: {', '.join(KINDS)}.")


def parse_rows(kind: str, rows: list[list], fmt: str = "csv") -> Sheet:
    """A table's rows (the header within the first ten) → the sheet of this kind."""
    check_kind(kind)
    rows = filled_rows(rows)
    found = _find_header(kind, [[cell_text(c) for c in r] for r in rows])
    if found is None:
        raise no_header("", HEADER_HINT[kind], fmt)
    index, columns = found
    header = read_header(rows[index], index, columns)
    out = []
    for line, cells in enumerate(rows[index + 1 :], start=index + 2):
        values = {name: cell_text(cells[i]) if i < len(cells) else "" for i, name in columns.items()}
        if is_blank(values.values()):
            continue
        out.append(SheetRow(line, values))
        if len(out) > MAX_ROWS:
            raise ValidationError(f"В файле больше {MAX_ROWS} строк: проверьте, тот ли это файл.")
    return Sheet(kind, tuple(out), header.titles, header.ignored, fmt)


# --- the plan: what each row will do --------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    line: int
    text: str  # the row, readable
    action: str  # "новый", "есть", "смена учителя", … ("" when the row has problems)
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportPlan:
    kind: str
    rows: tuple[PlanRow, ...]
    notes: tuple[str, ...] = ()  # what happens besides the rows (new subjects, replaced timetables)
    todo: int = 0  # rows that change something

    @property
    def invalid(self) -> tuple[PlanRow, ...]:
        return tuple(r for r in self.rows if r.problems)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.invalid


@dataclass
class _Work:
    """A plan and the writes it stands for (run in order by the import)."""

    rows: list[PlanRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ops: list[Callable[[Actor], object]] = field(default_factory=list)
    todo: int = 0
    starts: dict[int, dt.date] = field(default_factory=dict)  # timetable: class → replaced from

    def plan(self, kind: str) -> ImportPlan:
        return ImportPlan(kind, tuple(self.rows), tuple(self.notes), self.todo)

    def add(self, line: int, text: str, action: str, problems: list[str] | tuple = ()) -> None:
        """A row of the plan: what it will do, or (with problems) nothing at all."""
        self.rows.append(PlanRow(line, text, "" if problems else action, tuple(dict.fromkeys(problems))))

    def write(self, op: Callable[[Actor], object]) -> None:
        """A write one row stands for (the rows that change the school are counted)."""
        self.todo += 1
        self.ops.append(op)


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return " ".join(str(value or "").split())


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _year(year_id: int | None) -> SchoolYear:
    if year_id is None:
        year_id = current_year_id()
        if year_id is None:
            raise ValidationError("В школе ещё нет учебного года: сначала создайте его.")
    return get_or_refuse(SchoolYear, year_id)


class _Classes:
    def __init__(self, year: SchoolYear) -> None:
        self.year = year
        self.by_key = {
            (c.grade, c.letter): c for c in SchoolClass.select().where(SchoolClass.year == year.id)
        }

    def find(self, raw: object, problems: list[str]) -> SchoolClass | None:
        text = _text(raw)
        if not text:
            problems.append("Не указан класс.")
            return None
        try:
            key = parse_class_name(text)
        except ValidationError as exc:
            problems.append(str(exc))
            return None
        found = self.by_key.get(key)
        if found is None:
            problems.append(f"Класса {key[0]}{key[1]} в {self.year.name} нет: сначала создайте его.")
        return found


def _subject_index() -> dict[str, Subject]:
    """Subjects by their folded name (or short name, where no name is the same)."""
    subjects = list(Subject.select())
    out = {_fold(s.short_name): s for s in subjects if s.short_name}
    out.update({_fold(s.name): s for s in subjects})
    return out


def _subgroup_number(raw: object, problems: list[str]) -> int | None:
    text = _text(raw)
    if not text:
        return None
    digits = re.findall(r"\d+", text)
    if len(digits) != 1 or not 1 <= int(digits[0]) <= 4:
        problems.append(f"Подгруппа «{text}»: нужен номер от 1 до 4 (или пусто — весь класс).")
        return None
    return int(digits[0])


# --- staff -----------------------------------------------------------------------------------


NAME_FIELDS = (("surname", "Фамилия", True), ("first_name", "Имя", True), ("patronymic", "Отчество", False))


def _login_base(surname: str, first_name: str, patronymic: str) -> str:
    initials = accounts.transliterate(first_name[:1]) + accounts.transliterate(patronymic[:1])
    base = accounts.transliterate(surname)[:20] or "user"
    return f"{base}.{initials}" if initials else base


def _person_key(surname: str, first_name: str, patronymic: str) -> tuple[str, str, str]:
    return _fold(surname), _fold(first_name), _fold(patronymic)


def _staff_names(values: dict, problems: list[str]) -> dict[str, str]:
    """Surname, name and patronymic: from their columns, else from one «ФИО»; each checked."""
    names = {key: _text(values.get(key)) for key, _label, _required in NAME_FIELDS}
    if values.get("fio"):
        parts = _text(values["fio"]).split()
        for key, part in zip(names, parts, strict=False):
            names[key] = names[key] or part
        if len(parts) > 3:
            names["patronymic"] = " ".join(parts[2:])
    clean = {}
    for key, label, required in NAME_FIELDS:
        try:
            clean[key] = clean_name(names[key], label, required=required)
        except ValidationError as exc:
            problems.append(str(exc))
            clean[key] = names[key]
    return clean


def _staff_role(raw: object, problems: list[str]) -> str | None:
    role = ROLES.get(_norm(raw))
    if role is None:
        problems.append(f"Роль «{_text(raw)}»: учитель, администратор или завуч (пусто — учитель).")
    return role


class _StaffLogins:
    """The school's accounts and the file's logins: a login is checked, recognised as a
    member of staff already there, or made from the name of a new one."""

    def __init__(self) -> None:
        users = list(User.select())
        self.by_login = {u.login: u for u in users}
        self.elsewhere = logins_taken() - set(self.by_login)  # other schools' of the district
        self.by_name: dict[tuple, list[User]] = defaultdict(list)
        for u in users:
            if u.role in STAFF_ROLES:
                self.by_name[_person_key(u.surname, u.first_name, u.patronymic)].append(u)
        self.in_file: dict[str, int] = {}  # login → the row that has it

    def login_of(self, line: int, login: str, names: dict[str, str], problems: list[str]) -> tuple[str, str]:
        """(login, "новый" or "есть") of a row; its problems are added to `problems`."""
        same_person = self.by_name.get(
            _person_key(names["surname"], names["first_name"], names["patronymic"]), []
        )
        action = "новый"
        if login:
            action = self._check(login, same_person, problems)
        elif same_person:
            login, action = same_person[0].login, "есть"
        elif not problems:
            login = self._new_login(names)
        if login and login in self.in_file:
            problems.append(f"Логин «{login}» уже в строке {self.in_file[login]}.")
        elif login:
            self.in_file[login] = line
        return login, action

    def _check(self, login: str, same_person: list[User], problems: list[str]) -> str:
        if not accounts.LOGIN_RE.match(login):
            problems.append(f"Логин «{login}»: 3–32 латинские буквы, цифры, точка, дефис или подчёркивание.")
        elif login in self.by_login:
            user = self.by_login[login]
            if user in same_person:
                return "есть"
            problems.append(f"Логин «{login}» уже занят: {_text(user.surname)} {_text(user.first_name)}.")
        elif login in self.elsewhere:
            problems.append(f"Логин «{login}» уже занят в другой школе района.")
        return "новый"

    def _new_login(self, names: dict[str, str]) -> str:
        """The surname and initials in Latin letters, numbered when already taken."""
        base = _login_base(names["surname"], names["first_name"], names["patronymic"])
        login, n = base, 2
        while login in self.by_login or login in self.elsewhere or login in self.in_file:
            login, n = f"{base}{n}", n + 1
        return login


def _plan_staff(sheet: Sheet) -> _Work:
    work = _Work()
    logins = _StaffLogins()
    for row in sheet.rows:
        problems: list[str] = []
        names = _staff_names(row.values, problems)
        role = _staff_role(row.values.get("role"), problems)
        login, action = logins.login_of(row.line, _text(row.values.get("login")).lower(), names, problems)
        person = " ".join(p for p in (names["surname"], names["first_name"], names["patronymic"]) if p)
        text = f"{person or '(без имени)'}, {login or '?'}, {ROLE_NAMES_RU.get(role or '', '?')}"
        work.add(row.line, text, action, problems)
        if not problems and action == "новый" and role is not None:  # no problems: a role
            work.write(_staff_op(login, role, names))
    return work


def _staff_op(login: str, role: str, names: dict[str, str]) -> Callable[[Actor], object]:
    def op(actor: Actor) -> object:
        return accounts.create_staff_user(
            actor, login, role, names["surname"], names["first_name"], names["patronymic"]
        )

    return op


ROLE_NAMES_RU = {TEACHER: "учитель", ADMIN: "администратор"}


# --- teaching load ---------------------------------------------------------------------------


class _Staff:
    """Find a teacher by login or by name: full, "Петров И.О." or a unique surname."""

    def __init__(self) -> None:
        self.users = list(User.select().where(User.role.in_(STAFF_ROLES)))
        self.by_login = {u.login: u for u in self.users}

    def find(self, raw: object, problems: list[str]) -> User | None:
        text = _text(raw)
        if not text:
            problems.append("Не указан учитель.")
            return None
        found = self._match(text)
        if not found:
            problems.append(f"Учителя «{text}» нет среди сотрудников (логин или ФИО).")
            return None
        if len(found) > 1:
            logins = ", ".join(sorted(u.login for u in found))
            problems.append(f"«{text}» — таких сотрудников несколько ({logins}): укажите логин.")
            return None
        user = found[0]
        if not user.active:
            problems.append(f"Учётная запись {user.login} отключена.")
            return None
        return user

    def _match(self, text: str) -> list[User]:
        if text.lower() in self.by_login:
            return [self.by_login[text.lower()]]
        words = re.findall(r"[A-Za-zА-Яа-яЁё'\-]+", text)
        if not words:
            return []
        surname, rest = _fold(words[0]), [_fold(w) for w in words[1:]]
        out = []
        for u in self.users:
            if _fold(u.surname) != surname:
                continue
            names = [_fold(u.first_name), _fold(u.patronymic)]
            if all(
                i < len(names)
                and names[i]
                and (names[i] == part or (len(part) == 1 and names[i].startswith(part)))
                for i, part in enumerate(rest)
            ):
                out.append(u)
        return out


@dataclass
class _LoadRow:
    """A row of the load file, read: its class, subject, teacher and group, or problems."""

    line: int
    values: dict
    school_class: SchoolClass | None
    name: str  # the subject as written
    subject: Subject | None  # None: a new subject (or none named)
    teacher: User | None
    group: int | None  # None: the whole class
    problems: list[str]

    @property
    def key(self) -> tuple[int, str] | None:
        """(class, subject): where whole class and groups must not mix."""
        if self.school_class is None or not self.name:
            return None
        return self.school_class.id, _fold(self.name)

    @property
    def text(self) -> str:
        t = self.teacher
        who = f"{t.surname} {t.first_name}".strip() if t else _text(self.values.get("teacher"))
        where = self.school_class.name if self.school_class else _text(self.values.get("class"))
        group = f" ({self.group} группа)" if self.group else ""
        return f"{where} · {self.name}{group} · {who}"


def _read_load_rows(sheet: Sheet, year: SchoolYear) -> list[_LoadRow]:
    classes, subjects, staff = _Classes(year), _subject_index(), _Staff()
    out = []
    for row in sheet.rows:
        v = row.values
        problems: list[str] = []
        school_class = classes.find(v.get("class"), problems)
        name = _text(v.get("subject"))
        if not name:
            problems.append("Не указан предмет.")
        elif len(name) > 100:
            problems.append("Название предмета длиннее 100 символов.")
        teacher = staff.find(v.get("teacher"), problems)
        group = _subgroup_number(v.get("subgroup"), problems)
        out.append(
            _LoadRow(row.line, v, school_class, name, subjects.get(_fold(name)), teacher, group, problems)
        )
    return out


class _LoadFile:
    """What the file says of each class × subject: the whole class or groups (never both),
    each row once."""

    def __init__(self, rows: list[_LoadRow]) -> None:
        self.shapes: dict[tuple, set[bool]] = defaultdict(set)  # True: the whole class
        self.groups: dict[tuple, set[int]] = defaultdict(set)
        for r in rows:
            if r.key is not None:
                self.shapes[r.key].add(r.group is None)
                if r.group is not None:
                    self.groups[r.key].add(r.group)
        self.seen: dict[tuple, int] = {}  # (class, subject, group) → its first row

    def check(self, r: _LoadRow) -> None:
        if r.key is None or r.school_class is None:
            return
        if len(self.shapes[r.key]) > 1:
            r.problems.append(
                f"Предмет «{r.name}» в {r.school_class.name} указан и для всего класса, и по подгруппам."
            )
        if (*r.key, r.group) in self.seen:
            r.problems.append(f"Повтор строки {self.seen[(*r.key, r.group)]}.")
        else:
            self.seen[(*r.key, r.group)] = r.line

    def group_count(self, key: tuple) -> int:
        """How many groups a subject newly split by the file gets: at least two."""
        return max(2, max(self.groups[key]))


def _course_in_school(r: _LoadRow) -> tuple[Course | None, list[Subgroup]]:
    """The class's course of the row (None: a new one) and the subject's groups in the class;
    a row that does not fit how the school already teaches the subject gets its problem."""
    c, subject = r.school_class, r.subject
    if c is None or subject is None or r.problems:
        return None, []
    groups = list(
        Subgroup.select()
        .where((Subgroup.school_class == c.id) & (Subgroup.subject == subject.id))
        .order_by(Subgroup.number)
    )
    whole = Course.get_or_none(
        (Course.school_class == c.id) & (Course.subject == subject.id) & Course.subgroup.is_null()
    )
    if r.group is None:
        if groups:
            r.problems.append(f"«{subject.name}» в {c.name} разделён на подгруппы: укажите подгруппу.")
        return whole, groups
    if whole is not None:
        r.problems.append(
            f"«{subject.name}» в {c.name} уже ведётся для всего класса: по подгруппам "
            "его можно разделить в приложении (Настройка школы → Нагрузка)."
        )
    elif groups and r.group > len(groups):
        r.problems.append(
            f"«{subject.name}» в {c.name} разделён на {len(groups)} подгруппы: группы {r.group} нет."
        )
    else:
        sg = next((g for g in groups if g.number == r.group), None)
        if sg is not None:
            return Course.get_or_none((Course.school_class == c.id) & (Course.subgroup == sg.id)), groups
    return None, groups


def _load_action(course: Course | None, teacher: User) -> str:
    if course is None:
        return "новая нагрузка"
    if course.teacher_id == teacher.id:
        return "есть"
    old = User.get_by_id(course.teacher_id)
    return f"смена учителя (был {old.surname} {old.first_name})".strip()


def _plan_load(sheet: Sheet, year: SchoolYear) -> _Work:
    work = _Work()
    rows = _read_load_rows(sheet, year)
    in_file = _LoadFile(rows)
    new_subjects: dict[str, str] = {}  # folded name → as written first
    new_groups: dict[tuple, tuple[int, str]] = {}  # (class, subject) → (how many, subject)
    for r in rows:
        in_file.check(r)
        course, groups = _course_in_school(r)
        # a row without problems has its class, its teacher and so its key
        if r.problems or r.school_class is None or r.teacher is None or r.key is None:
            work.add(r.line, r.text, "", r.problems)
            continue
        if r.subject is None:
            new_subjects.setdefault(_fold(r.name), r.name)
        if r.group is not None and not groups:
            new_groups[r.key] = (in_file.group_count(r.key), r.subject.name if r.subject else r.name)
        action = _load_action(course, r.teacher)
        work.add(r.line, r.text, action)
        if action != "есть":
            work.write(
                _load_op(r.school_class.id, r.name, r.group, r.teacher.id, course.id if course else None)
            )
    _new_subjects_and_groups_first(work, new_subjects, new_groups)
    return work


def _new_subjects_and_groups_first(
    work: _Work, new_subjects: dict[str, str], new_groups: dict[tuple, tuple[int, str]]
) -> None:
    """The subjects and subgroups the rows need are said in the notes and made before them."""
    if new_subjects:
        work.notes.append("Новые предметы: " + ", ".join(new_subjects.values()) + ".")
    for (class_id, _fold_name), (count, label) in new_groups.items():
        work.notes.append(f"{SchoolClass.get_by_id(class_id).name}: «{label}» делится на {count} подгруппы.")
    prep: list[Callable[[Actor], object]] = [_subject_op(name) for name in new_subjects.values()]
    prep += [_groups_op(class_id, fold, count) for (class_id, fold), (count, _label) in new_groups.items()]
    work.ops[:0] = prep


def _subject_op(name: str) -> Callable[[Actor], object]:
    def op(actor: Actor) -> object:
        return create_subject(actor, name)

    return op


def _subject_by_fold(fold: str) -> Subject:
    return next(s for s in Subject.select() if _fold(s.name) == fold)


def _groups_op(class_id: int, fold: str, count: int) -> Callable[[Actor], object]:
    def op(actor: Actor) -> object:
        subject = _subject_by_fold(fold)
        for n in range(1, count + 1):
            Subgroup.create(school_class=class_id, subject=subject.id, number=n, name=f"{n} группа")
        audit.record(
            actor,
            "subgroups.create",
            "school_class",
            class_id,
            new={"subject": subject.id, "count": count},
        )
        return count

    return op


def _load_op(
    class_id: int, name: str, group: int | None, teacher_id: int, course_id: int | None
) -> Callable[[Actor], object]:
    def op(actor: Actor) -> object:
        if course_id is not None:
            return set_course_teacher(actor, course_id, teacher_id)
        subject = _subject_by_fold(_fold(name))
        subgroup_id = None
        if group is not None:
            subgroup_id = Subgroup.get(
                (Subgroup.school_class == class_id)
                & (Subgroup.subject == subject.id)
                & (Subgroup.number == group)
            ).id
        return create_course(actor, class_id, subject.id, teacher_id, subgroup_id)

    return op


# --- timetable ---------------------------------------------------------------------------------


def _weekday(raw: object, problems: list[str]) -> int | None:
    text = _text(raw)
    key = _norm(text)
    if not key:
        problems.append("Не указан день недели.")
        return None
    day = DAYS.get(key) or (int(key) if key.isdigit() and 1 <= int(key) <= 7 else None)
    if day is None:
        problems.append(f"День недели «{text}»: Пн, Вт, Ср, Чт, Пт, Сб (или 1–6).")
        return None
    if day == 7:
        problems.append("По воскресеньям уроков нет.")
        return None
    return day


def _number(raw: object, problems: list[str]) -> int | None:
    text = _text(raw)
    if not text:
        problems.append("Не указан номер урока.")
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_LESSON_NUMBER:
        problems.append(f"Номер урока «{text}»: от 1 до {MAX_LESSON_NUMBER}.")
        return None
    return int(text)


DATE_TOKEN = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}")


def _dates(v: dict, default_from: dt.date, year: SchoolYear, problems: list[str]):
    start_raw, end_raw = v.get("from", ""), v.get("to", "")
    both = v.get("range", "")
    if isinstance(both, dt.date):
        start_raw = both
    elif both:
        found = DATE_TOKEN.findall(str(both))
        if not 1 <= len(found) <= 2:
            problems.append(f"«Действует с/по»: «{both}» — нужно, например, 01.09.2026–28.12.2026.")
            return None, None
        start_raw, end_raw = found[0], found[1] if len(found) > 1 else ""
    try:
        start = parse_date(start_raw, "Действует с") or default_from
        end = parse_date(end_raw, "Действует по")
    except ValidationError as exc:
        problems.append(str(exc))
        return None, None
    if not year.start <= start <= year.end:
        problems.append(f"«Действует с» {start:%d.%m.%Y} — вне учебного года {year.name}.")
    if end is not None and end < start:
        problems.append("«Действует по» раньше, чем «Действует с».")
    return start, end


def default_timetable_start(year: SchoolYear) -> dt.date:
    """Today, kept within the year: a timetable imported in August starts on 1 September."""
    return min(max(clock.today(), year.start), year.end)


@dataclass(frozen=True)
class _Slot:
    line: int
    class_id: int
    class_name: str
    weekday: int
    number: int
    courses: tuple  # Course rows
    start: dt.date
    end: dt.date | None


def _overlap(a: _Slot, b: _Slot) -> bool:
    return _overlaps(a.start, a.end, b.start, b.end)


class _TimetableRows:
    """Reads the timetable file's rows against the school: each row's text, its problems
    and, when it has none, the slot it fills."""

    def __init__(self, year: SchoolYear, start: object) -> None:
        self.year = year
        self.classes = _Classes(year)
        self.subjects = _subject_index()
        self.default_from = parse_date(start, "Действует с") or default_timetable_start(year)

    def read(self, row: SheetRow) -> tuple[str, list[str], _Slot | None]:
        v = row.values
        problems: list[str] = []
        c = self.classes.find(v.get("class"), problems)
        weekday = _weekday(v.get("weekday"), problems)
        number = _number(v.get("number"), problems)
        name = _text(v.get("subject"))
        subject = self._subject(name, problems)
        group = _subgroup_number(v.get("subgroup"), problems)
        first, last = _dates(v, self.default_from, self.year, problems)
        courses = _courses_of(c, subject, group, problems) if c is not None and subject is not None else []
        day = WEEKDAYS[weekday - 1] if weekday else _text(v.get("weekday"))
        validity = ""
        if first:
            validity = f", с {first:%d.%m.%Y}" + (f" по {last:%d.%m.%Y}" if last else "")
        group_text = f" ({group} группа)" if group else ""
        where = c.name if c else _text(v.get("class"))
        text = f"{where} · {day} {number or '?'} · {name}{group_text}{validity}"
        if problems or c is None or weekday is None or number is None:  # no problems: all three
            return text, problems, None
        return text, problems, _Slot(row.line, c.id, c.name, weekday, number, tuple(courses), first, last)

    def _subject(self, name: str, problems: list[str]) -> Subject | None:
        subject = self.subjects.get(_fold(name))
        if not name:
            problems.append("Не указан предмет.")
        elif subject is None:
            problems.append(f"Предмета «{name}» нет: сначала импортируйте нагрузку.")
        return subject


def _courses_of(c: SchoolClass, subject: Subject, group: int | None, problems: list[str]) -> list[Course]:
    """The courses a row puts in the timetable: the whole class's, else every group's at once
    (no group given), or that group's."""
    found = list(
        Course.select(Course, Subgroup)
        .join(Subgroup, JOIN.LEFT_OUTER)
        .where((Course.school_class == c.id) & (Course.subject == subject.id))
    )
    if group is None:
        courses = [x for x in found if x.subgroup_id is None] or [
            x for x in found if x.subgroup_id is not None
        ]
    else:
        courses = [x for x in found if x.subgroup_id and x.subgroup and x.subgroup.number == group]
    if not courses:
        where = f" ({group} группа)" if group else ""
        problems.append(f"В нагрузке {c.name} нет предмета «{subject.name}»{where}.")
    return courses


def _class_clashes(slots: list[_Slot], problems_of: dict[int, list[str]]) -> None:
    """A class has one lesson at a time, or its groups' lessons, each group once."""
    by_slot: dict[tuple, list[_Slot]] = defaultdict(list)
    for slot in slots:
        by_slot[(slot.class_id, slot.weekday, slot.number)].append(slot)
    for same_time in by_slot.values():
        for i, later in enumerate(same_time):
            for earlier in same_time[:i]:
                if not _overlap(later, earlier):
                    continue
                ids = [x.subgroup_id for x in list(later.courses) + list(earlier.courses)]
                if None in ids or len(set(ids)) < len(ids):
                    problems_of[later.line].append(f"В это время у класса уже урок (строка {earlier.line}).")
                    break


def _teacher_clashes(slots: list[_Slot], problems_of: dict[int, list[str]]) -> None:
    """A teacher is in one place at a time (within the file)."""
    by_teacher: dict[tuple, list[_Slot]] = defaultdict(list)
    for slot in slots:
        for course in slot.courses:
            by_teacher[(course.teacher_id, slot.weekday, slot.number)].append(slot)
    for same_time in by_teacher.values():
        for i, later in enumerate(same_time):
            for earlier in same_time[:i]:
                if earlier.line != later.line and _overlap(later, earlier):
                    problems_of[later.line].append(
                        f"Учитель в это время ведёт урок в {earlier.class_name} (строка {earlier.line})."
                    )
                    break


def _school_clashes(slots: list[_Slot], problems_of: dict[int, list[str]]) -> None:
    """A teacher busy at that time in a class whose timetable the file does not replace."""
    file_classes = {slot.class_id for slot in slots}
    teacher_ids = {course.teacher_id for slot in slots for course in slot.courses}
    others = [
        e
        for e in TimetableEntry.select(TimetableEntry, Course, SchoolClass)
        .join(Course)
        .join(SchoolClass)
        .where(Course.teacher.in_(list(teacher_ids) or [0]))
        if e.course.school_class_id not in file_classes  # those are replaced by the file
    ]
    for slot in slots:
        for course in slot.courses:
            for e in others:
                if (e.course.teacher_id, e.weekday, e.number) != (
                    course.teacher_id,
                    slot.weekday,
                    slot.number,
                ):
                    continue
                if _overlaps(slot.start, slot.end, e.valid_from, e.valid_to):
                    problems_of[slot.line].append(
                        f"Учитель в это время ведёт урок в {e.course.school_class.name} (по расписанию школы)."
                    )


def _replaced_from(slots: list[_Slot]) -> dict[int, dt.date]:
    """Each class's timetable is replaced from the earliest «Действует с» of its rows."""
    starts: dict[int, dt.date] = {}
    for slot in slots:
        starts[slot.class_id] = min(starts.get(slot.class_id, slot.start), slot.start)
    return starts


def _replace_timetables(work: _Work, starts: dict[int, dt.date]) -> None:
    """What held before ends the day before (said in the notes when there was any)."""
    for class_id, first in sorted(starts.items(), key=lambda kv: SchoolClass.get_by_id(kv[0]).name):
        c = SchoolClass.get_by_id(class_id)
        count = (
            TimetableEntry.select()
            .join(Course)
            .where(
                (Course.school_class == class_id)
                & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= first))
            )
            .count()
        )
        if count:
            work.notes.append(
                f"{c.name}: прежнее расписание с {first:%d.%m.%Y} заменяется (записей: {count})."
            )
        work.ops.append(_replace_op(class_id, first))
        work.starts[class_id] = first


def _plan_timetable(sheet: Sheet, year: SchoolYear, start: object) -> _Work:
    reader = _TimetableRows(year, start)
    texts: dict[int, str] = {}
    problems_of: dict[int, list[str]] = {}
    slots: list[_Slot] = []
    for row in sheet.rows:
        texts[row.line], problems_of[row.line], slot = reader.read(row)
        if slot is not None:
            slots.append(slot)
    _class_clashes(slots, problems_of)
    _teacher_clashes(slots, problems_of)
    _school_clashes(slots, problems_of)
    work = _Work()
    for row in sheet.rows:
        work.add(row.line, texts[row.line], "в расписание", problems_of[row.line])
    if any(problems_of.values()):
        return work
    _replace_timetables(work, _replaced_from(slots))
    for slot in slots:
        work.write(_entry_op(slot))
    return work


def _replace_op(class_id: int, first: dt.date) -> Callable[[Actor], object]:
    def op(actor: Actor) -> object:
        entries = (
            TimetableEntry.select()
            .join(Course)
            .where(
                (Course.school_class == class_id)
                & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= first))
            )
        )
        removed, ended = end_entries_from(entries, first)
        if removed or ended:
            audit.record(
                actor,
                "timetable.replace",
                "school_class",
                class_id,
                {"removed": removed, "ended": ended},
                {"from": first},
            )
        return None

    return op


def _entry_op(slot: _Slot) -> Callable[[Actor], object]:
    def op(actor: Actor) -> object:
        return [
            add_timetable_entry(actor, c.id, slot.weekday, slot.number, slot.start, slot.end)
            for c in slot.courses
        ]

    return op


# --- preview and import ------------------------------------------------------------------------


def _work(kind: str, sheet: Sheet, year_id: int | None, start: object) -> _Work:
    if sheet.kind != kind:
        raise ValidationError("Файл прочитан для другого вида импорта.")
    if kind == "staff":
        return _plan_staff(sheet)
    year = _year(year_id)
    if kind == "load":
        return _plan_load(sheet, year)
    return _plan_timetable(sheet, year, start)


@reading
def preview(actor: Actor, sheet: Sheet, *, year_id: int | None = None, start: object = None) -> ImportPlan:
    """Every row with what it will do or what is wrong with it; nothing is written."""
    require_admin(actor)
    return _work(sheet.kind, sheet, year_id, start).plan(sheet.kind)


@dataclass(frozen=True)
class ImportResult:
    kind: str
    changed: int  # rows that changed something
    skipped: int  # rows already in the school
    credentials: tuple[accounts.IssuedCredential, ...] = ()  # staff: one-time passwords, shown once
    lessons: tuple[LessonPlan, ...] = ()  # timetable with `generate`


@service
def run_import(
    actor: Actor,
    sheet: Sheet,
    *,
    year_id: int | None = None,
    start: object = None,
    source: str = "",
    generate: bool = False,
) -> ImportResult:
    """All rows in one transaction, or none: a single wrong row refuses the whole file."""
    require_admin(actor)
    work = _work(sheet.kind, sheet, year_id, start)
    plan = work.plan(sheet.kind)
    if not plan.rows:
        raise ValidationError("В файле нет ни одной строки с данными.")
    if plan.invalid:
        lines = ", ".join(str(r.line) for r in plan.invalid[:10])
        raise ValidationError(
            f"Строк с ошибками: {len(plan.invalid)} (строки {lines}). Ничего не записано: "
            "исправьте файл и повторите."
        )
    results = [op(actor) for op in work.ops]
    credentials = tuple(r for r in results if isinstance(r, accounts.IssuedCredential))
    lessons: list[LessonPlan] = []
    if generate and sheet.kind == "timetable":
        for class_id, first in work.starts.items():
            lessons.append(regenerate_future_lessons(actor, class_id, first))
    audit.record(
        actor,
        f"import.{sheet.kind}",
        "import",
        None,
        new={
            "source": source,
            "rows": len(plan.rows),
            "changed": plan.todo,
            "skipped": len(plan.rows) - plan.todo,
            "notes": list(plan.notes),
        },
    )
    return ImportResult(sheet.kind, plan.todo, len(plan.rows) - plan.todo, credentials, tuple(lessons))


# --- the plan as text (the command line) ---------------------------------------------------


def plan_lines(sheet: Sheet, plan: ImportPlan) -> list[str]:
    lines = [f"Столбцы: {', '.join(sheet.columns)}"]
    if sheet.ignored:
        lines.append(f"Не распознаны и пропущены: {', '.join(sheet.ignored)}")
    for row in plan.rows:
        mark = row.action if row.valid else "ОШИБКА"
        lines.append(f"  стр. {row.line:>3}  {mark:<14}  {row.text}")
        for problem in row.problems:
            lines.append(f"                   — {problem}")
    lines.extend(plan.notes)
    bad = len(plan.invalid)
    lines.append(
        f"Строк: {len(plan.rows)}, без ошибок: {len(plan.rows) - bad}, с ошибками: {bad}; "
        f"изменят школу: {plan.todo}."
    )
    return lines
