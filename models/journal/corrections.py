"""Honest corrections (R21): the edit window, the freeze after a period mark, closed periods.

- Inside the edit window (Settings.edit_window_days after the lesson) a mark changes freely,
  audited as every write. After it, changing or removing a mark takes a reason (REASONS or
  free text): the change is audited with it, kept as a Correction, shown in the diary on
  that mark and counted in R14's control. A mark the same teacher typed today is a slip
  mended at once, not a correction — unless the cell was corrected already: then every change
  of it is explained (an undo of a correction too). A mark typed late into an empty cell is
  no correction: the control lists it as a late entry (Settings.late_entry_days).
- Once a pupil's period mark is set, the period's current marks of the pupil in the subject
  are frozen; the admin may open them again (audited), and a change then always takes a
  reason (`after_final`). Setting the period mark again freezes them again.
- A period the admin closed (models.school.calendar.close_period) is frozen whole: marks,
  absences, excuses, lessons and final marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from models.core import audit, clock
from models.core.access import Actor, get_course, require_admin
from models.core.db import as_date
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.prepared import Prepared
from models.core.schema import Correction, FinalMark, Mark, Period, SchoolClass, Student, now
from models.core.service import service
from models.core.settings import Settings
from models.core.settings import load as load_settings
from models.core.validation import clean_text
from models.school.calendar import for_grade, is_for_grade

# The reasons a teacher picks from (the last one takes free text).
REASONS = (
    "ошибка при вводе",
    "работа переписана",
    "отметка перенесена из бумажного журнала",
    "решение администрации",
)
OTHER_REASON = "другое"
MAX_REASON = 300


class ReasonRequired(ValidationError):
    """A change that needs a reason came without one: the screen asks for it and writes again."""


_PERIOD_OF = Prepared(
    lambda year_id, grade, day: (
        Period.select()
        .where(for_grade(year_id, grade) & (Period.start <= day) & (Period.end >= day))
        .limit(1)
    ),
    ("int", "int", "date"),
)


def period_of(school_class: SchoolClass, day: dt.date) -> Period | None:
    """The class's period that holds `day` (None: a break). Read at every cell write: built
    once (models/core/prepared.py)."""
    return _PERIOD_OF.first(school_class.year_id, school_class.grade, day)


def check_open(period: Period | None) -> None:
    """A closed period is frozen whole: nothing in it is written until the admin reopens it."""
    if period is not None and period.closed:
        raise ValidationError(
            f"Период «{period.name}» закрыт администратором: изменения в нём невозможны. "
            "Открыть его снова может администратор (Настройка → Год и периоды)."
        )


def window_over(lesson_date: dt.date, settings: Settings, today: dt.date | None = None) -> bool:
    """The lesson is older than the edit window: a change of its marks takes a reason."""
    return ((today or clock.today()) - lesson_date).days > settings.edit_window_days


def fresh(actor: Actor, marks: Iterable[Mark]) -> bool:
    """Every mark was typed today by this user: changing them mends a slip."""
    today = clock.today()
    return all(
        m.entered_by_id == actor.user_id and m.entered_by_id is not None and as_date(m.entered_at) == today
        for m in marks
    )


def parse_reason(text: object) -> str:
    """A reason as typed or picked: trimmed, at most MAX_REASON characters; none refuses."""
    reason = clean_text(str(text or ""), MAX_REASON)
    if reason == OTHER_REASON:
        reason = ""
    if len(reason) < 3:
        raise ReasonRequired(
            "Исправление после окна правки: укажите причину (выберите из списка или напишите свою)."
        )
    return reason


def period_mark(student_id: int, subject_id: int, period: Period | None) -> FinalMark | None:
    """The pupil's period mark in the subject for the lesson's period, if set."""
    if period is None:
        return None
    return _PERIOD_MARK.first(student_id, subject_id, f"P{period.id}")


_PERIOD_MARK = Prepared(
    lambda student_id, subject_id, scope: (
        FinalMark.select()
        .where(
            (FinalMark.student == student_id) & (FinalMark.subject == subject_id) & (FinalMark.scope == scope)
        )
        .limit(1)
    ),
    ("int", "int", "str"),
)


def frozen_message(final: FinalMark, period: Period) -> str:
    return (
        f"За «{period.name}» выставлена отметка «{final.value}»: текущие отметки периода "
        "заморожены. Открыть их для исправления может администратор."
    )


@dataclass(frozen=True)
class Verdict:
    """What a change of a cell's marks needs: a reason (then kept as a Correction)."""

    reason: str = ""
    after_final: bool = False

    @property
    def correction(self) -> bool:
        return bool(self.reason)


def judge_marks_change(
    actor: Actor,
    *,
    lesson_id: int,
    student_id: int,
    subject_id: int,
    lesson_date: dt.date,
    period: Period | None,
    before: list[Mark],
    kept: bool,
    reason: object,
) -> Verdict:
    """Whether a change of the cell's marks may be written, and with what: refuses a frozen
    period mark, asks for a reason after the window or after a reopened period mark.
    `kept`: the marks there stay as they were (a second mark added). The school's settings
    (the window) are read only for a change of marks already there: a new mark never needs
    them."""
    final = period_mark(student_id, subject_id, period)
    if final is not None and not final.reopened:
        raise ValidationError(frozen_message(final, period))  # type: ignore[arg-type]
    after_final = final is not None
    if kept:
        return Verdict()  # a new mark (late or not), a second one beside the first
    if fresh(actor, before) and not after_final and not _corrected(lesson_id, student_id):
        return Verdict()  # a slip mended today (a cell once corrected is explained every time)
    if after_final or window_over(lesson_date, load_settings()):
        return Verdict(parse_reason(reason), after_final)
    return Verdict()


def _corrected(lesson_id: int, student_id: int) -> bool:
    return (
        Correction.select(Correction.id)
        .where((Correction.lesson == lesson_id) & (Correction.student == student_id))
        .exists()
    )


def record(actor: Actor, lesson_id: int, student_id: int, before: str, after: str, verdict: Verdict) -> None:
    Correction.insert(
        lesson=lesson_id,
        student=student_id,
        at=now(),
        user=actor.user_id or None,
        before=before[:16],
        after=after[:16],
        reason=verdict.reason,
        after_final=verdict.after_final,
    ).execute()


def corrections_of(student_id: int, lesson_ids: list[int]) -> dict[int, tuple[dt.datetime, str]]:
    """The latest correction of each of the pupil's cells in these lessons: (when, reason)."""
    if not lesson_ids:
        return {}
    out: dict[int, tuple[dt.datetime, str]] = {}
    for c in (
        Correction.select(Correction.lesson, Correction.at, Correction.reason)
        .where((Correction.student == student_id) & Correction.lesson.in_(lesson_ids))
        .order_by(Correction.at, Correction.id)
    ):
        out[c.lesson_id] = (c.at, c.reason)
    return out


def check_final_removal(actor: Actor, existing: FinalMark) -> None:
    """A period mark holds its period's marks frozen: only the admin, or the teacher who set
    it today (a slip), removes it; otherwise the admin opens the marks first."""
    if actor.is_admin or existing.reopened:
        return
    if existing.entered_by_id == actor.user_id and as_date(existing.entered_at) == clock.today():
        return
    raise ValidationError(
        f"Итоговую отметку «{existing.value}» убрать нельзя: она замораживает текущие отметки "
        "периода. Исправьте её значение или попросите администратора открыть отметки."
    )


@service
def reopen_marks(actor: Actor, course_id: int, student_id: int, period_id: int, reopen: bool = True) -> bool:
    """The admin opens a pupil's frozen marks of a period in the course's subject for
    correction (`reopen`), or freezes them again; audited. Returns the new state."""
    require_admin(actor)
    course = get_course(course_id)
    get_or_refuse(Student, student_id)
    period = get_or_refuse(Period, period_id)
    if not is_for_grade(period, course.school_class.year_id, course.school_class.grade):
        raise ValidationError("Этот учебный период не относится к классу курса.")
    check_open(period)
    final = period_mark(student_id, course.subject_id, period)
    if final is None:
        raise ValidationError("Отметка за период не выставлена: текущие отметки и так открыты.")
    if final.reopened == reopen:
        return reopen
    FinalMark.update(reopened=reopen).where(FinalMark.id == final.id).execute()
    audit.record(
        actor,
        "final_mark.reopen" if reopen else "final_mark.refreeze",
        "final_mark",
        student_id,
        {"subject": course.subject_id, "scope": final.scope, "reopened": final.reopened},
        {"subject": course.subject_id, "scope": final.scope, "reopened": reopen},
    )
    return reopen
