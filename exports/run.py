"""One entry point for every export, used by the command line and the app alike.

    export(actor, "report-card", class_name="5А", period="2", fmt="xlsx", out="~/табели")

checks the arguments (a clear Russian ValidationError for an unknown class, subject or
period, a bad date range, a wrong format), checks that the user may export that class or
course, builds the sheets, writes each file new and private (0600, never over another
file) and records every file in the audit log (personal data leaving the system, 152-FZ).
`class_name="all"` loops over the whole school (an admin) or the classes one keeps,
reporting progress and stopping between classes when asked to.

Each kind is one entry of EXPORT_KINDS (its title, file word, audit entry and the functions
that plan and build one class's document); `export_target` and `write_document` are the
writer every export shares (exports.auditlog too).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from exports.files import csv_separator, free_path, safe_filename, write_private
from exports.layout import FORMATS, Sheet, render, render_csv
from exports.paths import tidy, user_folder
from models.core import clock
from models.core.access import Actor, deny, is_homeroom_of, require_class_keeper, require_staff
from models.core.errors import JournalError, ValidationError
from models.core.settings import load as load_settings
from models.core.validation import parse_date
from models.school.calendar import (
    PeriodInfo,
    current_year_id,
    period_at,
    periods_for_grade,
    year_name,
    year_start_for,
)
from models.school.classes import ClassInfo, class_info, classes_kept_by, find_class, get_class, list_classes

DIARY, REPORT_CARD, CLASS_REPORT, MEETING, COURSE, PLAN = (
    "diary",
    "report-card",
    "class-report",
    "meeting",
    "course",
    "plan",
)
ALL = "all"
YEAR = "year"
STDOUT = "-"

Progress = Callable[[int, int, str], None]


class ExportCancelled(JournalError):
    """The user stopped a long export; the files already written are complete and kept."""

    def __init__(self, paths: list[Path]):
        super().__init__(f"Выгрузка прервана. Записано файлов: {len(paths)}.")
        self.paths = paths


@dataclass
class ExportTarget:
    kind: str  # "dir" | "file" | "stdout"
    path: Path | None = None
    stream: BinaryIO | None = None
    written: list[Path] = field(default_factory=list)
    csv_sep: str = ";"  # exports.files.csv_separator


# --- arguments ---------------------------------------------------------------------------------


def _check_kind(kind: str) -> ExportKind:
    if kind not in EXPORT_KINDS:
        raise ValidationError(f"Неизвестный вид выгрузки «{kind}»: можно {', '.join(KINDS)}.")
    return EXPORT_KINDS[kind]


def _check_format(fmt: str) -> str:
    fmt = (fmt or "").strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValidationError(f"Неизвестный формат файла «{fmt}»: можно xlsx, ods, csv или pdf.")
    return fmt


def _periods(school_class: ClassInfo) -> list[PeriodInfo]:
    periods = periods_for_grade(school_class.year_id, school_class.grade)
    if not periods:
        raise ValidationError(f"У класса {school_class.name} нет учебных периодов.")
    return periods


def _period_list(periods: list[PeriodInfo]) -> str:
    return ", ".join(f"{p.number} ({p.name})" for p in periods)


def resolve_period(school_class: ClassInfo, period: object) -> PeriodInfo | None:
    """A period of the class by its number ("2"), None for the year ("year"); without one,
    the period under way (or the last one ended)."""
    periods = _periods(school_class)
    if period is None or period == "":
        found = period_at(periods, clock.today())
        return found or periods[0]
    if isinstance(period, PeriodInfo):
        return period
    text = str(period).strip().lower()
    if text in (YEAR, "год"):
        return None
    number = int(text) if text.isdigit() else None
    found = next((p for p in periods if p.number == number), None)
    if found is None:
        raise ValidationError(
            f"У класса {school_class.name} нет учебного периода «{period}»: "
            f"есть {_period_list(periods)} или year — весь год."
        )
    return found


def year_label(periods: list[PeriodInfo]) -> str:
    """ "2026/2027" for a class's periods."""
    return year_name(year_start_for(periods[0].start))


def _diary_range(
    date_from: object, date_to: object, span: tuple[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date]:
    """The diary's dates: as given; else the chosen period's (or year's) up to today; else
    last week, Monday to Saturday."""
    from exports.diary import default_range

    start = parse_date(date_from, "С какого числа")
    end = parse_date(date_to, "По какое число")
    if end is None:
        if start is None:
            if span is not None:
                return span[0], max(span[0], min(span[1], clock.today()))
            return default_range(clock.today())
        end = start + dt.timedelta(days=5 - min(start.weekday(), 5))
    elif start is None:
        start = end - dt.timedelta(days=end.weekday())
    if start > end:
        raise ValidationError(f"Неверный промежуток: начало {start:%d.%m.%Y} позже конца {end:%d.%m.%Y}.")
    if (end - start).days > 366:
        raise ValidationError("Слишком длинный промежуток: выписка — не больше чем за учебный год.")
    return start, end


def _classes(actor: Actor, class_name: str | None) -> list[ClassInfo]:
    if not class_name or not str(class_name).strip():
        raise ValidationError("Укажите класс, например 5А, или all — вся школа.")
    if str(class_name).strip().lower() in (ALL, "все", "вся школа"):
        if actor.is_admin:
            year_id = current_year_id()
            classes = list_classes(year_id) if year_id else []
        else:
            classes = classes_kept_by(actor)
        if not classes:
            raise ValidationError("Нет ни одного класса, который вы можете выгрузить.")
        return classes
    return [find_class(str(class_name))]


def _check_class(actor: Actor, school_class: ClassInfo) -> None:
    require_class_keeper(actor, school_class.id)


def _courses(actor: Actor, school_class: ClassInfo, subject: str) -> tuple[list[int], str]:
    """The courses of a subject in the class the user may export, and the subject's name."""
    from models.reports.extracts import class_courses

    courses = class_courses(actor, school_class.id)
    wanted = " ".join(subject.split()).lower()
    found = [c for c in courses if c.subject.lower() == wanted or c.short_name.lower() == wanted]
    if not found:
        names = sorted({c.subject for c in courses})
        listing = ", ".join(names) if names else "нагрузки нет"
        raise ValidationError(f"Предмета «{subject}» в классе {school_class.name} нет. Есть: {listing}.")
    allowed = [
        c.course_id
        for c in found
        if actor.is_admin or c.teacher_id == actor.user_id or is_homeroom_of(actor, school_class.id)
    ]
    if not allowed:
        raise deny("Журнал предмета выгружают его учитель, классный руководитель класса или администратор.")
    return allowed, found[0].subject


# --- where the files go ----------------------------------------------------------------------------


def export_target(
    actor: Actor, out: object, fmt: str, many_classes: bool, stream: BinaryIO | None
) -> ExportTarget:
    """Where an export goes: by default the user's own folder (exports.paths); `-o DIR/`
    (ending with a slash) is a folder, created if missing; `-o -` is standard output."""
    if out == STDOUT:
        if fmt != "csv":
            raise ValidationError("В стандартный вывод («-») выгружается только csv: укажите формат csv.")
        if many_classes:
            raise ValidationError("Вся школа не выгружается в стандартный вывод: укажите папку.")
        return ExportTarget("stdout", stream=stream or sys.stdout.buffer)
    if out is None or str(out).strip() == "":
        tidy()
        return ExportTarget("dir", user_folder(actor.user_id))
    text = str(out)
    path = Path(os.path.expanduser(text))
    if text.endswith(("/", os.sep)) and not path.exists():
        try:
            path.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise ValidationError(f"Папку «{path}» создать не удалось: {exc.strerror or exc}.") from None
    if path.is_dir():
        return ExportTarget("dir", path)
    if many_classes:
        raise ValidationError(f"Для нескольких классов укажите папку, а не файл: «{path}».")
    return ExportTarget("file", path)


def write_document(
    target: ExportTarget, base: str, sheets: list[Sheet], fmt: str
) -> list[tuple[str, Path | None]]:
    """Render and write one document; returns (where, path) per file written."""
    if target.kind == "stdout":
        main = [s for s in sheets if s.main] or sheets
        if len(main) != 1:
            raise ValidationError(
                f"В этой выгрузке {len(main)} таблиц: в стандартный вывод выгружается одна. "
                "Укажите папку или одного учащегося."
            )
        target.stream.write(render_csv(main[0], target.csv_sep))  # type: ignore[union-attr]
        target.stream.flush()  # type: ignore[union-attr]
        return [("stdout", None)]
    if fmt == "csv":
        parts = [
            (render_csv(s, target.csv_sep), s.csv_name or s.name if len(sheets) > 1 else "") for s in sheets
        ]
    else:
        parts = [(render(sheets, fmt), "")]
    written: list[tuple[str, Path | None]] = []
    for data, part in parts:
        if target.kind == "file":
            path = cast(Path, target.path)  # a "file" target has its path
            if part:
                path = path.with_name(safe_filename(path.stem, part, ext=path.suffix or fmt))
            done = write_private(path, data)
        else:
            name = safe_filename(base, part, ext=fmt)
            done = _write_fresh(target.path, name, data)  # type: ignore[arg-type]
        target.written.append(done)
        written.append((str(done), done))
    return written


def _write_fresh(folder: Path, name: str, data: bytes) -> Path:
    for _ in range(100):
        path = free_path(folder, name)
        try:
            return write_private(path, data)
        except ValidationError:
            if not path.exists():
                raise
    raise ValidationError(f"Не удалось подобрать свободное имя для «{name}».")


# --- one class's document --------------------------------------------------------------------------


@dataclass
class _Doc:
    base: str  # file name stem
    sheets: list[Sheet]
    count: int  # pupils in it (for the audit)
    scope: str = ""  # the analysis scope (class report)


@dataclass(frozen=True)
class _Request:
    """An export's arguments once checked: the same for every class of it."""

    pupil_id: int | None  # the app names a pupil by id
    subject: object
    period: object
    date_from: object
    date_to: object
    pupil: str = ""  # the command line by list number («3») or name («Князев Захар»)

    @property
    def explicit_period(self) -> bool:
        return self.period is not None and str(self.period).strip() != ""


@dataclass(frozen=True)
class _Plan:
    """One class's document, its arguments checked before the first file is written."""

    school_class: ClassInfo
    period: PeriodInfo | None  # None: the year
    pupil_id: int | None = None  # the diary of one pupil
    dates: tuple[dt.date, dt.date] | None = None  # the diary's days
    paper: tuple[int, ...] | None = None  # the pupils of the school's paper policy (R23)
    course_ids: list[int] = field(default_factory=list)  # the course's
    subject: str = ""  # the course's subject, as the school calls it


def _plan_class(actor: Actor, request: _Request, school_class: ClassInfo, period: PeriodInfo | None) -> _Plan:
    _check_class(actor, school_class)
    return _Plan(school_class, period)


def _plan_card(actor: Actor, request: _Request, school_class: ClassInfo, period: PeriodInfo | None) -> _Plan:
    """A class's report cards, or one pupil's (named by id, list number or name)."""
    _check_class(actor, school_class)
    periods = _periods(school_class)
    start, end = (period.start, period.end) if period else (periods[0].start, periods[-1].end)
    paper = _paper_of(request, school_class)
    if paper is not None:
        return _Plan(school_class, period, paper=paper)
    return _Plan(school_class, period, pupil_id=_pupil_of(actor, request, school_class, start, end))


PAPER_WORDS = ("paper", "бумажные")  # `--pupil paper`: the pupils of the paper policy


def _paper_of(request: _Request, school_class: ClassInfo) -> tuple[int, ...] | None:
    """With `pupil` «paper», the class's pupils who get paper duplicates by the school's policy
    (models.reports.paper); None otherwise. A policy of none refuses: there are no duplicates."""
    if request.pupil.lower() not in PAPER_WORDS:
        return None
    from models.core.settings import PAPER_POLICIES
    from models.reports.paper import paper_pupils

    policy = load_settings().paper_policy
    pupils = paper_pupils(school_class.id, clock.today(), policy)
    if not pupils:
        raise ValidationError(
            f"{school_class.name}: бумажные дубликаты {PAPER_POLICIES[policy]} — выгружать некому "
            "(настройка школы «Бумажные дубликаты»)."
        )
    return tuple(pupils)


def _pupil_of(
    actor: Actor, request: _Request, school_class: ClassInfo, start: dt.date, end: dt.date
) -> int | None:
    """The pupil asked for, in the class between the dates: by id (the app), by the number in
    the class list («3», as the paper journal numbers them) or by name («Князев Захар»,
    «Князев Захар Ильич»; the beginnings of the words do). Namesakes are listed by number."""
    if request.pupil_id is not None:
        return request.pupil_id
    text = " ".join(request.pupil.replace("№", " ").split())
    if not text:
        return None
    from models.people.names import fold, short_names
    from models.people.roster import class_roster

    rows = class_roster(actor, school_class.id, start, end)
    people = list({r.student.id: r.student for r in rows}.values())  # in list order
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= len(people):
            raise ValidationError(
                f"В списке {school_class.name} {len(people)} учащихся: номера «{text}» нет."
            )
        return people[number - 1].id
    words = [fold(w) for w in text.split()]

    def matches(s) -> bool:
        names = [fold(p) for p in (s.surname, s.first_name, s.patronymic or "")]
        return len(words) <= 3 and all(n.startswith(w) for n, w in zip(names, words, strict=False))

    found = [(i, s) for i, s in enumerate(people, start=1) if matches(s)]
    if not found:
        raise ValidationError(
            f"В {school_class.name} нет учащегося «{text}»: укажите номер по списку или фамилию."
        )
    if len(found) > 1:
        shown = short_names((s.id, s.surname, s.first_name, s.patronymic or "") for _, s in found)
        listing = "; ".join(f"{i} — {shown[s.id]}" for i, s in found[:8])
        raise ValidationError(
            f"«{text}» в {school_class.name} — несколько учащихся: {listing}. Укажите номер по списку."
        )
    return found[0][1].id


def _plan_diary(actor: Actor, request: _Request, school_class: ClassInfo, period: PeriodInfo | None) -> _Plan:
    _check_class(actor, school_class)
    span = None
    if request.explicit_period:
        periods = _periods(school_class)
        span = (period.start, period.end) if period else (periods[0].start, periods[-1].end)
    dates = _diary_range(request.date_from, request.date_to, span)
    paper = _paper_of(request, school_class)
    if paper is not None:
        return _Plan(school_class, period, dates=dates, paper=paper)
    pupil_id = _pupil_of(actor, request, school_class, *dates)
    return _Plan(school_class, period, pupil_id=pupil_id, dates=dates)


def _plan_course(
    actor: Actor, request: _Request, school_class: ClassInfo, period: PeriodInfo | None
) -> _Plan:
    course_ids, subject = _courses(actor, school_class, str(request.subject))
    return _Plan(school_class, period, course_ids=course_ids, subject=subject)


def _scope_words(period: PeriodInfo | None, year: str) -> list[str]:
    return [period.name if period else "год", year.replace("/", "-")]


def _diary_doc(actor: Actor, kind: ExportKind, plan: _Plan) -> _Doc:
    from exports.diary import build_diary

    school_class, pupil_id = plan.school_class, plan.pupil_id
    start, end = plan.dates  # type: ignore[misc]
    only = [pupil_id] if pupil_id is not None else (list(plan.paper) if plan.paper else None)
    diary, sheets = build_diary(actor, school_class.id, start, end, only)
    if not sheets:
        if pupil_id is not None:
            raise ValidationError(
                f"Учащийся с номером {pupil_id} не числился в {school_class.name} "
                f"с {start:%d.%m.%Y} по {end:%d.%m.%Y}."
            )
        raise ValidationError(f"В {school_class.name} с {start:%d.%m.%Y} по {end:%d.%m.%Y} не было учащихся.")
    for sheet in sheets:
        sheet.main = True
    who = [diary.pupils[0].name] if pupil_id is not None else []
    base = safe_filename(kind.file_word, school_class.name, *who, start.isoformat(), end.isoformat())
    return _Doc(base, sheets, len(sheets))


def _report_card_doc(actor: Actor, kind: ExportKind, plan: _Plan) -> _Doc:
    from exports.report_card import build_report_card

    school_class, period = plan.school_class, plan.period
    periods = _periods(school_class)
    year = year_label(periods)
    a, sheets = build_report_card(
        actor,
        school_class.id,
        period.id if period else None,
        year,
        homeroom=school_class.homeroom_name,
        period_names=[p.name for p in periods],
        student_id=plan.pupil_id,
        among=set(plan.paper) if plan.paper else None,
    )
    who = [p.name for p in a.pupils if p.student_id == plan.pupil_id]
    if plan.pupil_id is not None and not who:
        raise ValidationError(f"Учащийся не числился в {school_class.name} в этот период.")
    base = safe_filename(kind.file_word, school_class.name, *who, *_scope_words(period, year))
    count = 1 if who else len(plan.paper) if plan.paper else sum(1 for p in a.pupils if not p.departed)
    return _Doc(base, sheets, count, a.scope)


def _class_report_doc(actor: Actor, kind: ExportKind, plan: _Plan) -> _Doc:
    from exports.reports import build_class_report

    school_class, period = plan.school_class, plan.period
    year = year_label(_periods(school_class))
    a, sheets = build_class_report(actor, school_class.id, period.id if period else None, year)
    base = safe_filename(kind.file_word, school_class.name, *_scope_words(period, year))
    return _Doc(base, sheets, len(a.pupils), a.scope)


def _meeting_doc(actor: Actor, kind: ExportKind, plan: _Plan) -> _Doc:
    from exports.reports import build_meeting

    school_class, period = plan.school_class, plan.period
    year = year_label(_periods(school_class))
    a, sheets = build_meeting(actor, school_class.id, period.id if period else None, year)
    base = safe_filename(kind.file_word, school_class.name, *_scope_words(period, year))
    return _Doc(base, sheets, len(a.pupils), a.scope)


def _course_doc(actor: Actor, kind: ExportKind, plan: _Plan) -> _Doc:
    from exports.reports import build_course

    school_class, period = plan.school_class, plan.period
    periods = _periods(school_class)
    year = year_label(periods)
    if period is None:
        chosen = [(p.id, p.name) for p in periods if p.start <= clock.today()] or [
            (periods[0].id, periods[0].name)
        ]
    else:
        chosen = [(period.id, period.name)]
    sheets = build_course(actor, plan.course_ids, chosen, year)
    for sheet in sheets:
        sheet.main = True
    base = safe_filename(kind.file_word, school_class.name, plan.subject, *_scope_words(period, year))
    return _Doc(base, sheets, 0)


def _plan_doc(actor: Actor, kind: ExportKind, plan: _Plan) -> _Doc:
    """The course's КТП against what was taken (models.journal.plan.plan_report): a sheet per
    course (a subgroup is a course of its own)."""
    from exports.reports import plan_sheet
    from models.journal.plan import plan_report

    school_class = plan.school_class
    year = year_label(_periods(school_class))
    sheets = [plan_sheet(plan_report(actor, course_id), year) for course_id in plan.course_ids]
    for sheet in sheets:
        sheet.main = True
    base = safe_filename(kind.file_word, school_class.name, plan.subject, year.replace("/", "-"))
    return _Doc(base, sheets, 0)


def _record_export(actor: Actor, kind: ExportKind, plan: _Plan, doc: _Doc, where: str) -> None:
    from models.people.credentials import record_export

    record_export(actor, kind.audit_kind, where, doc.count)


def _record_class_export(actor: Actor, kind: ExportKind, plan: _Plan, doc: _Doc, where: str) -> None:
    """A diary extract's or report cards' entry names the class and what it covers, so that
    the paper duties (models.reports.paper) see them done."""
    from models.people.credentials import record_export
    from models.reports.analysis import report_target

    if plan.pupil_id is not None:  # one pupil's: not the class's duplicates
        record_export(actor, kind.audit_kind, where, doc.count)
        return
    scope = doc.scope or (f"D{plan.dates[0].isoformat()}" if plan.dates else "")
    record_export(actor, kind.audit_kind, report_target(plan.school_class.id, scope, where), doc.count)


def _record_report_export(actor: Actor, kind: ExportKind, plan: _Plan, doc: _Doc, where: str) -> None:
    """The class report's entry names the analysis it carries (models.reports.analysis)."""
    from models.reports.analysis import record_report_export

    record_report_export(actor, plan.school_class.id, doc.scope, where)


# --- the kinds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: its names, how one class's document is planned, built and
    audited. A new kind is one entry of EXPORT_KINDS."""

    key: str  # the command line's word: `journal export report-card`
    title: str  # what a person calls it
    file_word: str  # the first word of its file names
    audit_kind: str  # its audit entry: "export.<audit_kind>"
    build: Callable[[Actor, ExportKind, _Plan], _Doc]
    plan: Callable[[Actor, _Request, ClassInfo, PeriodInfo | None], _Plan] = _plan_class
    record: Callable[[Actor, ExportKind, _Plan, _Doc, str], None] = _record_export
    skip_on: tuple[type[Exception], ...] = ()  # planning failures that only leave a class out of "all"
    pupil_and_dates: bool = False  # the dates «с» and «по» may be given
    one_pupil: bool = False  # one pupil may be named
    needs_subject: bool = False  # a subject must be named


EXPORT_KINDS: dict[str, ExportKind] = {
    kind.key: kind
    for kind in (
        ExportKind(
            DIARY,
            title="Выписка из дневника",
            file_word="Дневник",
            audit_kind="diary",
            build=_diary_doc,
            plan=_plan_diary,
            record=_record_class_export,
            pupil_and_dates=True,
            one_pupil=True,
        ),
        ExportKind(
            REPORT_CARD,
            title="Табель успеваемости",
            file_word="Табель",
            audit_kind="report_card",
            build=_report_card_doc,
            plan=_plan_card,
            record=_record_class_export,
            one_pupil=True,
        ),
        ExportKind(
            CLASS_REPORT,
            title="Анализ периода и контроль учителей",
            file_word="Анализ",
            audit_kind="class_report",
            build=_class_report_doc,
            record=_record_report_export,
        ),
        ExportKind(
            MEETING,
            title="Отчёт к родительскому собранию",
            file_word="Собрание",
            audit_kind="meeting",
            build=_meeting_doc,
        ),
        ExportKind(
            COURSE,
            title="Журнал предмета",
            file_word="Журнал",
            audit_kind="course",
            build=_course_doc,
            plan=_plan_course,
            skip_on=(JournalError,),  # a class without the subject, or not one's own
            needs_subject=True,
        ),
        ExportKind(
            PLAN,
            title="КТП: план и пройденное",
            file_word="КТП",
            audit_kind="plan",
            build=_plan_doc,
            plan=_plan_course,
            skip_on=(JournalError,),
            needs_subject=True,
        ),
    )
}
KINDS = tuple(EXPORT_KINDS)


# --- the entry point ------------------------------------------------------------------------------


def _cancelled(cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def _check_request(
    kind: ExportKind,
    pupil_id: object,
    subject: object,
    period: object,
    date_from: object,
    date_to: object,
    pupil: object = "",
) -> _Request:
    named = pupil_id is not None and str(pupil_id).strip() != ""
    if (named or str(pupil or "").strip()) and not kind.one_pupil:
        raise ValidationError("Учащийся указывается только для выписки из дневника и табеля.")
    if named:
        text = str(pupil_id).strip()
        if not text.isdigit():
            raise ValidationError(f"Номер учащегося «{text}» — не число.")
        chosen: int | None = int(text)
    else:
        chosen = None
    if not kind.pupil_and_dates and (date_from or date_to):
        raise ValidationError("Даты «с» и «по» задаются только для выписки из дневника; здесь — период.")
    if kind.needs_subject and not (subject and str(subject).strip()):
        raise ValidationError("Для журнала предмета укажите предмет, например «Математика».")
    if not kind.needs_subject and subject:
        raise ValidationError("Предмет указывается только для журнала предмета.")
    return _Request(chosen, subject, period, date_from, date_to, str(pupil or "").strip())


def _export_classes(
    actor: Actor, kind: ExportKind, request: _Request, class_name: str | None
) -> list[ClassInfo]:
    """The classes asked for; a pupil's diary without a class: the pupil's class then."""
    if kind.pupil_and_dates and request.pupil_id is not None and not class_name:
        from models.reports.extracts import pupil_class

        start, end = _diary_range(request.date_from, request.date_to)
        return [class_info(get_class(pupil_class(actor, request.pupil_id, start, end)))]
    return _classes(actor, class_name)


def _plans(
    actor: Actor, kind: ExportKind, request: _Request, classes: list[ClassInfo], many: bool
) -> list[_Plan]:
    """Every argument checked for every class before the first file is written; a class
    without the period (or the subject) is left out of a many-class export."""
    plans = []
    skipped = []
    for school_class in classes:
        try:
            chosen = resolve_period(school_class, request.period)
        except ValidationError:
            if many:
                skipped.append(school_class.name)
                continue
            raise
        try:
            plans.append(kind.plan(actor, request, school_class, chosen))
        except kind.skip_on:
            if many:
                skipped.append(school_class.name)
                continue
            raise
    if not plans:
        raise ValidationError(
            "Нечего выгружать: ни у одного класса нет такого периода или предмета"
            + (f" ({', '.join(skipped)})." if skipped else ".")
        )
    return plans


def _write_plans(
    actor: Actor,
    kind: ExportKind,
    plans: list[_Plan],
    target: ExportTarget,
    fmt: str,
    progress: Progress | None,
    cancel: threading.Event | Callable[[], bool] | None,
) -> None:
    total = len(plans)
    for done, plan in enumerate(plans):
        if _cancelled(cancel):
            raise ExportCancelled(list(target.written))
        if progress:
            progress(done, total, plan.school_class.name)
        doc = kind.build(actor, kind, plan)
        for where, _path in write_document(target, doc.base, doc.sheets, fmt):
            kind.record(actor, kind, plan, doc, where)
    if progress:
        progress(total, total, "")


def export(
    actor: Actor,
    kind: str,
    *,
    class_name: str | None = None,
    pupil_id: int | str | None = None,
    pupil: str | None = None,
    subject: str | None = None,
    period: object = None,
    date_from: object = None,
    date_to: object = None,
    fmt: str = "xlsx",
    out: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | Callable[[], bool] | None = None,
    stream: BinaryIO | None = None,
    csv_sep: str | None = None,
) -> list[Path]:
    """Export `kind` for a class (or "all") and return the files written ([] for stdout).
    `csv_sep`: ";" (default, decimal commas: a Russian Excel), "," or "tab".

    Raises ValidationError (bad arguments; nothing written), PermissionDenied, StorageError,
    or ExportCancelled (stopped between classes; its `paths` are complete files).
    """
    require_staff(actor)
    spec = _check_kind(kind)
    fmt = _check_format(fmt)
    request = _check_request(spec, pupil_id, subject, period, date_from, date_to, pupil)
    classes = _export_classes(actor, spec, request, class_name)
    many = len(classes) > 1 or str(class_name or "").strip().lower() == ALL
    if many and (request.pupil_id is not None or request.pupil):
        raise ValidationError("Одного учащегося выгружают из его класса: укажите класс, а не all.")
    plans = _plans(actor, spec, request, classes, many)
    separator = csv_separator(csv_sep)
    target = export_target(actor, out, fmt, many, stream)
    target.csv_sep = separator
    _write_plans(actor, spec, plans, target, fmt, progress, cancel)
    return list(target.written)
