"""The school's frame: the school itself, years and periods, classes, subjects, work types,
teaching load, subgroups, the timetable template and the settings (admin's services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import JOIN

from models import audit, clock
from models.access import ADMIN, SYSTEM, TEACHER, Actor, require_admin, require_class_keeper
from models.errors import NotFound, ValidationError
from models.passwords import check_new_password, hash_password
from models.schema import (
    Course,
    Period,
    School,
    SchoolClass,
    SchoolYear,
    Setting,
    Subgroup,
    Subject,
    TimetableEntry,
    User,
    WorkType,
)
from models.service import reading, service
from models.settings import LABELS, parse_value
from models.settings import load as load_settings

LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"

DEFAULT_WORK_TYPES = (
    ("Ответ на уроке", Decimal("1"), True),
    ("Домашняя работа", Decimal("1"), False),
    ("Самостоятельная работа", Decimal("1.5"), False),
    ("Проверочная работа", Decimal("1.5"), False),
    ("Контрольная работа", Decimal("2"), False),
)

# Quarters for grades 1–9 and half-years for 10–11 (DOMAIN.md); (month, day) pairs,
# the first month of the year's autumn. Dates are editable after creation.
QUARTERS = (((9, 1), (10, 25)), ((11, 5), (12, 28)), ((1, 12), (3, 20)), ((3, 30), (5, 26)))
HALVES = (((9, 1), (12, 28)), ((1, 12), (5, 26)))


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    name: str
    kind: str
    number: int
    start: dt.date
    end: dt.date
    grade_from: int
    grade_to: int
    closed: bool

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    grade: int
    letter: str
    year_id: int
    homeroom_id: int | None
    homeroom_name: str


def period_info(p: Period) -> PeriodInfo:
    return PeriodInfo(p.id, p.name, p.kind, p.number, p.start, p.end, p.grade_from, p.grade_to, p.closed)


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
    School.create(name=name.strip())
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


# --- years and periods ---------------------------------------------------------------------


def year_name(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


def year_start_for(day: dt.date) -> int:
    """The autumn year of the school year containing `day` (1 Sep – 31 Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def _date(start_year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    return dt.date(start_year if month >= 9 else start_year + 1, month, day)


@service
def create_year(actor: Actor, start_year: int, *, with_default_periods: bool = True) -> int:
    """A school year 1 Sep – 31 Aug with quarters (1–9) and half-years (10–11)."""
    require_admin(actor)
    if not 2000 <= start_year <= 2100:
        raise ValidationError("Год начала учебного года должен быть между 2000 и 2100.")
    name = year_name(start_year)
    if SchoolYear.select().where(SchoolYear.name == name).exists():
        raise ValidationError(f"Учебный год {name} уже есть.")
    year = SchoolYear.create(name=name, start=dt.date(start_year, 9, 1), end=dt.date(start_year + 1, 8, 31))
    if with_default_periods:
        for number, (a, b) in enumerate(QUARTERS, 1):
            Period.create(
                year=year,
                kind="quarter",
                number=number,
                name=f"{number} четверть",
                start=_date(start_year, a),
                end=_date(start_year, b),
                grade_from=1,
                grade_to=9,
            )
        for number, (a, b) in enumerate(HALVES, 1):
            Period.create(
                year=year,
                kind="half",
                number=number,
                name=f"{number} полугодие",
                start=_date(start_year, a),
                end=_date(start_year, b),
                grade_from=10,
                grade_to=11,
            )
    audit.record(actor, "year.create", "school_year", year.id, new={"name": name})
    return year.id


@service
def update_period(actor: Actor, period_id: int, start: dt.date, end: dt.date) -> PeriodInfo:
    require_admin(actor)
    period = Period.get_or_none(Period.id == period_id)
    if period is None:
        raise NotFound("Такого учебного периода нет.")
    year = period.year
    if start > end:
        raise ValidationError("Начало периода позже его конца.")
    if start < year.start or end > year.end:
        raise ValidationError(f"Период должен лежать внутри учебного года {year.name}.")
    old = {"start": period.start, "end": period.end}
    Period.update(start=start, end=end).where(Period.id == period.id).execute()
    audit.record(actor, "period.update", "period", period.id, old, {"start": start, "end": end})
    return period_info(Period.get_by_id(period.id))


@service
def close_period(actor: Actor, period_id: int, closed: bool = True) -> PeriodInfo:
    require_admin(actor)
    period = Period.get_or_none(Period.id == period_id)
    if period is None:
        raise NotFound("Такого учебного периода нет.")
    Period.update(closed=closed).where(Period.id == period.id).execute()
    audit.record(actor, "period.close" if closed else "period.reopen", "period", period.id)
    return period_info(Period.get_by_id(period.id))


@reading
def year_for(day: dt.date) -> SchoolYear | None:
    return SchoolYear.get_or_none((SchoolYear.start <= day) & (SchoolYear.end >= day))


@reading
def periods_for_grade(year_id: int, grade: int) -> list[PeriodInfo]:
    query = (
        Period.select()
        .where((Period.year == year_id) & (Period.grade_from <= grade) & (Period.grade_to >= grade))
        .order_by(Period.start)
    )
    return [period_info(p) for p in query]


def period_at(periods: list[PeriodInfo], day: dt.date) -> PeriodInfo | None:
    """The period containing `day`, or else the last one that ended before it."""
    past = None
    for period in periods:
        if period.contains(day):
            return period
        if period.end < day:
            past = period
    return past or (periods[0] if periods else None)


@reading
def get_period(period_id: int) -> PeriodInfo:
    period = Period.get_or_none(Period.id == period_id)
    if period is None:
        raise NotFound("Такого учебного периода нет.")
    return period_info(period)


# --- classes ---------------------------------------------------------------------------------


def _teacher(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.get_or_none(User.id == user_id)
    if user is None or user.role not in (TEACHER, ADMIN) or not user.active:
        raise ValidationError("Классным руководителем или учителем может быть только сотрудник.")
    return user


def class_info(c: SchoolClass) -> ClassInfo:
    teacher = c.homeroom
    name = (
        " ".join(p for p in (teacher.surname, teacher.first_name, teacher.patronymic) if p) if teacher else ""
    )
    return ClassInfo(c.id, c.name, c.grade, c.letter, c.year_id, c.homeroom_id, name)


def parse_class_name(name: str) -> tuple[int, str]:
    """ "5А", "5 а", "11-Б" → (5, "А"); a clear error for anything else."""
    text = name.strip().upper().replace(" ", "").replace("-", "")
    digits = "".join(ch for ch in text if ch.isdigit())
    letter = text[len(digits) :]
    if (
        not digits
        or not text.startswith(digits)
        or not 1 <= int(digits) <= 11
        or len(letter) != 1
        or letter not in LETTERS
    ):
        raise ValidationError(f"Неверное название класса «{name}»: нужно, например, 5А.")
    return int(digits), letter


@service
def create_class(
    actor: Actor, year_id: int, grade: int, letter: str, homeroom_id: int | None = None
) -> ClassInfo:
    require_admin(actor)
    letter = letter.strip().upper()
    if not 1 <= grade <= 11:
        raise ValidationError("Параллель класса — от 1 до 11.")
    if len(letter) != 1 or letter not in LETTERS:
        raise ValidationError("Литера класса — одна русская заглавная буква, например А.")
    if SchoolYear.get_or_none(SchoolYear.id == year_id) is None:
        raise NotFound("Такого учебного года нет.")
    if (
        SchoolClass.select()
        .where((SchoolClass.year == year_id) & (SchoolClass.grade == grade) & (SchoolClass.letter == letter))
        .exists()
    ):
        raise ValidationError(f"Класс {grade}{letter} в этом году уже есть.")
    _teacher(homeroom_id)
    school_class = SchoolClass.create(year=year_id, grade=grade, letter=letter, homeroom=homeroom_id)
    audit.record(
        actor,
        "class.create",
        "school_class",
        school_class.id,
        new={"name": school_class.name, "homeroom": homeroom_id},
    )
    return class_info(school_class)


@service
def set_homeroom(actor: Actor, class_id: int, homeroom_id: int | None) -> ClassInfo:
    require_admin(actor)
    school_class = get_class(class_id)
    _teacher(homeroom_id)
    old = school_class.homeroom_id
    SchoolClass.update(homeroom=homeroom_id).where(SchoolClass.id == class_id).execute()
    audit.record(
        actor,
        "class.homeroom",
        "school_class",
        class_id,
        {"homeroom": old},
        {"homeroom": homeroom_id},
    )
    return class_info(SchoolClass.get_by_id(class_id))


def get_class(class_id: int) -> SchoolClass:
    school_class = SchoolClass.get_or_none(SchoolClass.id == class_id)
    if school_class is None:
        raise NotFound("Такого класса нет.")
    return school_class


@reading
def find_class(name: str, year_id: int | None = None) -> ClassInfo:
    """A class of the current (or given) year by its name, e.g. "5А"."""
    grade, letter = parse_class_name(name)
    if year_id is None:
        year = year_for(clock.today()) or SchoolYear.select().order_by(SchoolYear.start.desc()).first()
        if year is None:
            raise NotFound("В школе ещё нет учебного года.")
        year_id = year.id
    found = SchoolClass.get_or_none(
        (SchoolClass.year == year_id) & (SchoolClass.grade == grade) & (SchoolClass.letter == letter)
    )
    if found is None:
        raise NotFound(f"Класса {grade}{letter} нет.")
    return class_info(found)


@reading
def list_classes(year_id: int) -> list[ClassInfo]:
    query = (
        SchoolClass.select(SchoolClass, User)
        .join(User, on=(SchoolClass.homeroom == User.id), join_type=JOIN.LEFT_OUTER)
        .where(SchoolClass.year == year_id)
        .order_by(SchoolClass.grade, SchoolClass.letter)
    )
    return [class_info(c) for c in query]


# --- subjects, work types, load, subgroups, timetable -------------------------------------


@service
def create_subject(actor: Actor, name: str, short_name: str = "") -> int:
    require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError("Укажите название предмета.")
    if Subject.select().where(Subject.name == name).exists():
        raise ValidationError(f"Предмет «{name}» уже есть.")
    subject = Subject.create(name=name, short_name=short_name.strip() or name[:12])
    audit.record(actor, "subject.create", "subject", subject.id, new={"name": name})
    return subject.id


@service
def create_work_type(actor: Actor, name: str, weight: str | Decimal) -> int:
    require_admin(actor)
    try:
        value = Decimal(str(weight).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"Вес «{weight}» — не число.") from None
    if not Decimal("0.1") <= value <= Decimal("10"):
        raise ValidationError("Вес вида работы — от 0.1 до 10.")
    if not name.strip():
        raise ValidationError("Укажите название вида работы.")
    if WorkType.select().where(WorkType.name == name.strip()).exists():
        raise ValidationError(f"Вид работы «{name.strip()}» уже есть.")
    work_type = WorkType.create(name=name.strip(), weight=value)
    audit.record(actor, "work_type.create", "work_type", work_type.id, new={"name": name, "weight": value})
    return work_type.id


@service
def create_subgroups(actor: Actor, class_id: int, subject_id: int, count: int) -> list[int]:
    """Split a subject of a class into `count` subgroups (admin, or homeroom per setting)."""
    get_class(class_id)
    if load_settings().subgroups_by_homeroom:
        require_class_keeper(actor, class_id)
    else:
        require_admin(actor)
    if not 2 <= count <= 4:
        raise ValidationError("Подгрупп может быть от 2 до 4.")
    if Subject.get_or_none(Subject.id == subject_id) is None:
        raise NotFound("Такого предмета нет.")
    existing = (
        Subgroup.select()
        .where((Subgroup.school_class == class_id) & (Subgroup.subject == subject_id))
        .count()
    )
    if existing:
        raise ValidationError("Подгруппы по этому предмету уже созданы.")
    ids = [
        Subgroup.create(school_class=class_id, subject=subject_id, number=n, name=f"{n} группа").id
        for n in range(1, count + 1)
    ]
    audit.record(
        actor,
        "subgroups.create",
        "school_class",
        class_id,
        new={"subject": subject_id, "count": count},
    )
    return ids


@service
def create_course(
    actor: Actor, class_id: int, subject_id: int, teacher_id: int, subgroup_id: int | None = None
) -> int:
    """Teaching load: this teacher teaches this subject to this class (or one subgroup)."""
    require_admin(actor)
    get_class(class_id)
    if Subject.get_or_none(Subject.id == subject_id) is None:
        raise NotFound("Такого предмета нет.")
    _teacher(teacher_id)
    if subgroup_id is not None:
        subgroup = Subgroup.get_or_none(Subgroup.id == subgroup_id)
        if subgroup is None or subgroup.school_class_id != class_id or subgroup.subject_id != subject_id:
            raise ValidationError("Подгруппа не относится к этому классу и предмету.")
    duplicate = Course.select().where(
        (Course.school_class == class_id)
        & (Course.subject == subject_id)
        & (Course.subgroup.is_null() if subgroup_id is None else Course.subgroup == subgroup_id)
    )
    if duplicate.exists():
        raise ValidationError("Такая нагрузка уже есть: смените учителя в существующей.")
    course = Course.create(
        school_class=class_id, subject=subject_id, teacher=teacher_id, subgroup=subgroup_id
    )
    audit.record(
        actor,
        "course.create",
        "course",
        course.id,
        new={
            "class": class_id,
            "subject": subject_id,
            "teacher": teacher_id,
            "subgroup": subgroup_id,
        },
    )
    return course.id


@service
def set_course_teacher(actor: Actor, course_id: int, teacher_id: int) -> None:
    require_admin(actor)
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        raise NotFound("Такой нагрузки нет.")
    _teacher(teacher_id)
    Course.update(teacher=teacher_id).where(Course.id == course_id).execute()
    audit.record(
        actor,
        "course.teacher",
        "course",
        course_id,
        {"teacher": course.teacher_id},
        {"teacher": teacher_id},
    )


@service
def add_timetable_entry(
    actor: Actor,
    course_id: int,
    weekday: int,
    number: int,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> int:
    require_admin(actor)
    if Course.get_or_none(Course.id == course_id) is None:
        raise NotFound("Такой нагрузки нет.")
    if not 1 <= weekday <= 6:
        raise ValidationError("День недели — от понедельника (1) до субботы (6).")
    if not 1 <= number <= 10:
        raise ValidationError("Номер урока — от 1 до 10.")
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError("Расписание не может кончаться раньше, чем начинается.")
    entry = TimetableEntry.create(
        course=course_id, weekday=weekday, number=number, valid_from=valid_from, valid_to=valid_to
    )
    audit.record(
        actor,
        "timetable.add",
        "timetable_entry",
        entry.id,
        new={"course": course_id, "weekday": weekday, "number": number},
    )
    return entry.id


@service
def update_setting(actor: Actor, key: str, value: str) -> object:
    require_admin(actor)
    parsed = parse_value(key, value)
    old = Setting.get_or_none(Setting.key == key)
    stored = str(parsed) if not isinstance(parsed, bool) else ("1" if parsed else "0")
    Setting.insert(key=key, value=stored).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: stored}
    ).execute()
    audit.record(actor, "setting.update", "setting", None, {key: old.value if old else None}, {key: stored})
    return parsed


def setting_labels() -> dict[str, str]:
    return dict(LABELS)


@reading
def current_year_id() -> int | None:
    year = year_for(clock.today()) or SchoolYear.select().order_by(SchoolYear.start.desc()).first()
    return year.id if year else None


@reading
def classes_kept_by(actor: Actor) -> list[ClassInfo]:
    """The classes whose roster this user keeps this year: a homeroom teacher's, or all (admin)."""
    year_id = current_year_id()
    if year_id is None or not actor.is_staff:
        return []
    classes = list_classes(year_id)
    if actor.is_admin:
        return classes
    return [c for c in classes if c.homeroom_id == actor.user_id]
