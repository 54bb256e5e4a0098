"""End-of-period documents of a class as sheets: the class report (R16), the parents'
meeting report (R9) and the course journal (a course × period as a table).

Every figure comes from the models that compute it for the screens: the period analysis
(models.reports.analysis: marks, suggestions, indicators, at-risk pupils), the control of subject
teachers (models.reports.control), parents' activity (models.reports.activity) and the journal grid
(models.journal.grid). Nothing is recomputed here: these functions only lay the results out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from exports.layout import Sheet
from models.core.access import Actor
from models.core.errors import ValidationError
from models.journal.grading import Indicators, show_average, suggestion_rule
from models.journal.grid import Grid, load_grid
from models.reports.analysis import ClassAnalysis, PupilRow, class_analysis, percent
from models.reports.extracts import AbsenceCount

PRELIMINARY = "предварительно"
STAR_LEGEND = "* — предварительно: итоговая отметка ещё не выставлена, показана предложенная."
ABSENCE_LEGEND = (
    "н — отсутствовал, б — болел, у — уважительная причина, о — опоздал; 5/4 — две отметки за урок."
)
IND_HEADER = (
    "Предмет",
    "Учитель",
    "N",
    "«5»",
    "«4»",
    "«3»",
    "«2»",
    "н/а",
    "Успеваемость, %",
    "Качество, %",
    "СОУ, %",
    "Средний балл",
)
WHOLE_CLASS = "Класс в целом"
FIT_LESSONS = 24  # lesson columns that still print legibly on one landscape A4 width
NOT_READY = "Эта выгрузка ещё не готова: в журнале пока нет раздела «{what}»."


def avg(value) -> str:
    return show_average(value)


def left_note(left_on: dt.date | None) -> str:
    return f"выбыл(а) {left_on:%d.%m.%Y}" if left_on else ""


def basis_line(a: ClassAnalysis) -> str:
    if a.on_final_marks:
        return "Основа: итоговые отметки."
    if not a.ended:
        return (
            f"Период ещё идёт: отметки, которых учитель ещё не выставил, — предложенные "
            f"(предварительно: {a.suggested})."
        )
    return (
        f"Период окончен, но выставлены не все итоговые отметки: предложенных "
        f"(предварительно) — {a.suggested}."
    )


def scope_line(a: ClassAnalysis, year: str) -> str:
    title = a.title if a.title.endswith(" год") else f"{a.title} {year}"
    return f"{title} ({a.start:%d.%m.%Y}–{a.end:%d.%m.%Y})"


def shown_mark(pupil: PupilRow, subject_id: int, star: str = "*") -> str:
    """The final mark, or the suggestion with a star (preliminary), or "" (no marks)."""
    cell = pupil.subjects.get(subject_id)
    if cell is None:
        return "—"
    if cell.final:
        return cell.final
    return f"{cell.mark}{star}" if cell.mark else ""


# --- sheets from the analysis ------------------------------------------------------------------


def ledger_sheet(a: ClassAnalysis, year: str, name: str = "Ведомость") -> Sheet:
    """Pupils × subjects: the marks of the scope (final, or suggested with a star)."""
    sheet = Sheet(name=name, landscape=True, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Сводная ведомость {a.class_name} класса: {a.title}"))
    sheet.add(scope_line(a, year))
    header = [
        "№",
        "Учащийся",
        *(s.short for s in a.subjects),
        "Ср. балл",
        "Пропущено уроков",
        "по уваж. причине",
        "без причины",
        "Дней",
        "Примечание",
    ]
    sheet.header_rows.add(sheet.add(*header))
    sheet.boxed_from = len(sheet.rows) - 1
    for i, p in enumerate(a.pupils, start=1):
        sheet.add(
            i,
            p.name,
            *(shown_mark(p, s.subject_id) for s in a.subjects),
            avg(p.mean),
            p.missed,
            p.excused,
            p.unexcused,
            p.days_missed,
            left_note(p.left_on),
        )
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(STAR_LEGEND)
    sheet.add(suggestion_rule(a.settings.min_marks_for_period))
    sheet.add(basis_line(a))
    sheet.add("Предметы: " + "; ".join(f"{s.short} — {s.name}" for s in a.subjects if s.short != s.name))
    sheet.widths = (4, 24, *([6] * len(a.subjects)), 8, 10, 9, 9, 6, 18)
    sheet.freeze = "C4"
    return sheet


def _indicator_cells(ind: Indicators) -> list:
    return [
        ind.n,
        ind.n5,
        ind.n4,
        ind.n3,
        ind.n2,
        ind.n_na,
        percent(ind.success),
        percent(ind.quality),
        percent(ind.sou),
        avg(ind.mean),
    ]


def names_line(label: str, names: Iterable[str]) -> str:
    items = list(names)
    return f"{label} ({len(items)}): {', '.join(items) if items else 'нет'}"


def indicators_sheet(a: ClassAnalysis, year: str, name: str = "Показатели", compare: bool = True) -> Sheet:
    """Per subject and for the whole class: N, counts, успеваемость, качество, СОУ, средний
    балл (DOMAIN.md), with the previous period's success and quality beside them."""
    with_previous = compare and a.previous is not None
    sheet = Sheet(name=name, landscape=True, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Показатели {a.class_name} класса: {a.title}"))
    sheet.add(scope_line(a, year))
    header = list(IND_HEADER)
    if with_previous:
        header += [f"Успеваемость, % ({a.previous_title})", f"Качество, % ({a.previous_title})"]
    sheet.header_rows.add(sheet.add(*header))
    sheet.boxed_from = len(sheet.rows) - 1
    for s in a.subjects:
        row = [s.name, s.teachers, *_indicator_cells(s.indicators)]
        if with_previous:
            prev = s.previous
            row += [percent(prev.success), percent(prev.quality)] if prev else ["—", "—"]
        sheet.add(*row)
    whole = [WHOLE_CLASS, "", *_indicator_cells(a.indicators)]
    if with_previous:
        whole += [percent(a.previous.success), percent(a.previous.quality)]  # type: ignore[union-attr]
    sheet.bold_rows.add(sheet.add(*whole))
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(names_line("Отличники", a.excellent))
    sheet.add(names_line("Хорошисты", a.good))
    sheet.add(names_line("С одной «3»", (f"{p} ({s})" for p, s in a.one_three)))
    sheet.add(names_line("Неуспевающие", (f"{p} ({', '.join(s)})" for p, s in a.failing)))
    sheet.add()
    sheet.add(basis_line(a))
    sheet.add(
        "N — учащиеся без выбывших, освобождённых и не имеющих отметок; "
        "«2» включает «1»; СОУ — степень обученности (Симонов)."
    )
    sheet.widths = (26, 22, 5, 5, 5, 5, 5, 5, 13, 11, 8, 9, 14, 14)[: len(header)]
    return sheet


def attendance_sheet(
    a: ClassAnalysis, year: str, days: dict[int, AbsenceCount] | None = None, name: str = "Посещаемость"
) -> Sheet:
    """Per pupil: lessons held, missed (excused, unexcused), late, whole days missed."""
    sheet = Sheet(name=name, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Посещаемость {a.class_name} класса: {a.title}"))
    sheet.add(scope_line(a, year))
    header = [
        "№",
        "Учащийся",
        "Уроков",
        "Пропущено",
        "по уваж. причине",
        "без причины",
        "Опозданий",
        "% пропусков",
    ]
    header += ["Дней", "по уваж. причине", "без причины"] if days is not None else ["Дней"]
    header.append("Примечание")
    sheet.header_rows.add(sheet.add(*header))
    sheet.boxed_from = len(sheet.rows) - 1
    for i, p in enumerate(a.pupils, start=1):
        late = sum(c.late for c in p.subjects.values())
        share = percent(_share(p.missed, p.lessons)) if p.lessons else "—"
        row = [i, p.name, p.lessons, p.missed, p.excused, p.unexcused, late, share]
        if days is not None:
            d = days.get(p.student_id, AbsenceCount())
            row += [p.days_missed, d.days_excused, d.days_unexcused]
        else:
            row.append(p.days_missed)
        row.append(left_note(p.left_on))
        sheet.add(*row)
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add("День считается пропущенным, если пропущены все уроки этого дня; опоздание — не пропуск.")
    sheet.widths = (4, 24, 8, 10, 9, 9, 10, 10, 6, 9, 9, 18)
    return sheet


def _share(part: int, whole: int):
    return Decimal(part) * 100 / whole if whole else None


def risk_sheet(a: ClassAnalysis, year: str, name: str = "Группа риска") -> Sheet:
    """The pupils at risk (analysis.at_risk), each with every reason."""
    sheet = Sheet(name=name, wrap={2}, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Группа риска {a.class_name} класса: {a.title}"))
    sheet.add(scope_line(a, year))
    sheet.header_rows.add(sheet.add("№", "Учащийся", "Причины"))
    sheet.boxed_from = len(sheet.rows) - 1
    if not a.at_risk:
        sheet.add("", "нет", "")
    for i, r in enumerate(a.at_risk, start=1):
        sheet.add(i, r.name, "; ".join(reason.text for reason in r.reasons))
    sheet.boxed_to = len(sheet.rows)
    sheet.widths = (4, 26, 80)
    return sheet


def distribution_sheet(a: ClassAnalysis, year: str, name: str = "Отметки") -> Sheet:
    """How many current marks of each value the class got per subject."""
    sheet = Sheet(name=name, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Текущие отметки {a.class_name} класса: {a.title}"))
    sheet.add(scope_line(a, year))
    sheet.header_rows.add(sheet.add("Предмет", "«5»", "«4»", "«3»", "«2»", "«1»", "Всего"))
    sheet.boxed_from = len(sheet.rows) - 1
    for s in a.subjects:
        sheet.add(s.name, *s.distribution, sum(s.distribution))
    sheet.boxed_to = len(sheet.rows)
    sheet.widths = (28, 7, 7, 7, 7, 7, 8)
    return sheet


# --- the class report (R16) ----------------------------------------------------------------------


def control_sheets(actor: Actor, a: ClassAnalysis, year: str, name: str = "Контроль") -> list[Sheet]:
    """The control of subject teachers (R14) over the scope's dates, worst first
    (models.reports.control: lessons without marks or topic, late marks, missing final marks)."""
    try:
        from models.reports.control import control_report
    except ImportError:
        raise ValidationError(NOT_READY.format(what="контроль учителей-предметников")) from None
    rows = control_report(actor, a.class_id, a.start, a.end)
    sheet = Sheet(name=name, landscape=True, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Контроль ведения журнала {a.class_name} класса: {a.title}"))
    sheet.add(scope_line(a, year))
    sheet.header_rows.add(
        sheet.add(
            "Предмет",
            "Учитель",
            "Уроков",
            "Без отметок",
            "Без темы",
            "Без д/з",
            "Не закрыт в свой день",
            "Отметок",
            "Отметок на ученика",
            "Поздних отметок",
            "Исправлено после окна правки",
            "Из них после итоговой",
            "Итоговых нужно",
            "Итоговых нет",
        )
    )
    sheet.boxed_from = len(sheet.rows) - 1
    for r in rows:
        group = f" ({r.subgroup})" if r.subgroup else ""
        sheet.add(
            f"{r.subject}{group}",
            r.teacher,
            r.lessons,
            r.without_marks,
            r.without_topic,
            r.without_homework,
            r.not_closed,
            r.marks,
            avg(r.marks_per_pupil),
            r.late_marks,
            r.corrections,
            r.after_final,
            r.finals_due,
            r.finals_missing,
        )
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(
        "Сначала — курсы с наибольшим отставанием. Поздняя отметка — внесена позже, чем через "
        "установленное число дней после урока. Исправление после окна правки — отметка изменена "
        "позже, чем через установленное число дней после урока, с причиной (её видят родители). "
        "Урок закрыт, когда у него есть тема, домашнее задание (или «без д/з») и отмечена посещаемость."
    )
    sheet.widths = (30, 20, 8, 10, 9, 9, 11, 9, 10, 10, 12, 10, 10, 10)
    return [sheet]


def class_report_sheets(actor: Actor, a: ClassAnalysis, year: str, days=None) -> list[Sheet]:
    return [
        indicators_sheet(a, year, "Итоги"),
        ledger_sheet(a, year),
        attendance_sheet(a, year, days),
        risk_sheet(a, year),
        distribution_sheet(a, year),
        *control_sheets(actor, a, year),
    ]


def build_class_report(actor: Actor, class_id: int, period_id: int | None, year: str):
    """The period analysis (and the control of subject teachers) of a class as sheets."""
    a = class_analysis(actor, class_id, period_id)
    return a, class_report_sheets(actor, a, year)


# --- the course journal ------------------------------------------------------------------------------


def course_sheet(grid: Grid, year: str, name: str | None = None) -> Sheet:
    """Pupils × lesson dates with marks and absence codes, averages, suggested and final marks."""
    group = f" ({grid.subgroup})" if grid.subgroup else ""
    sheet = Sheet(name=name or f"{grid.subject}{group}", landscape=True, csv_name=name or grid.subject)
    sheet.title_rows.add(sheet.add(f"Журнал: {grid.subject}{group}, {grid.class_name} класс"))
    sheet.add(
        f"{grid.period_name} {year} ({grid.period_start:%d.%m.%Y}–{grid.period_end:%d.%m.%Y}) · "
        f"учитель {grid.teacher}"
    )
    dates = [lesson.date for lesson in grid.lessons]
    heads = [
        f"{lesson.date:%d.%m}" + (f" №{lesson.number}" if dates.count(lesson.date) > 1 else "")
        for lesson in grid.lessons
    ]
    sheet.header_rows.add(sheet.add("№", "Учащийся", *heads, "Ср.", "Ср. взв.", "Отметок", "Предл.", "Итог"))
    sheet.boxed_from = len(sheet.rows) - 1
    for i, pupil in enumerate(grid.pupils, start=1):
        averages = grid.averages(pupil.student_id)
        cells = [
            grid.cell(lesson.id, pupil.student_id).text() if pupil.present_on(lesson.date) else "—"
            for lesson in grid.lessons
        ]
        sheet.add(
            i,
            pupil.name,
            *cells,
            avg(averages.mean),
            avg(averages.weighted),
            averages.count,
            grid.suggestion(pupil.student_id) if averages.count else "",
            grid.finals.get(pupil.student_id, ""),
        )
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(
        ABSENCE_LEGEND
        + " «—» — не в классе в этот день. Итог — выставленная учителем. "
        + suggestion_rule(grid.settings.min_marks_for_period)
    )
    sheet.widths = (4, 24, *([6] * len(grid.lessons)), 6, 8, 8, 7, 6)
    sheet.freeze = "C4"
    # a quarter's lessons do not fit one page's width legibly: pages across, names repeated
    sheet.fit_width = len(grid.lessons) <= FIT_LESSONS
    sheet.repeat_columns = "A:B"
    return sheet


def lessons_sheet(grid: Grid, year: str, name: str) -> Sheet:
    """The lessons of a course in a period as the paper journal's right-hand page: the date and
    number, the topic, the homework (or «без д/з»), attendance taken."""
    group = f" ({grid.subgroup})" if grid.subgroup else ""
    sheet = Sheet(name=name, csv_name=name, wrap={2, 3})
    sheet.title_rows.add(sheet.add(f"Уроки: {grid.subject}{group}, {grid.class_name} класс"))
    sheet.add(f"{grid.period_name} {year} · учитель {grid.teacher}")
    sheet.header_rows.add(sheet.add("Дата", "№", "Тема урока", "Домашнее задание", "Явка"))
    sheet.boxed_from = len(sheet.rows) - 1
    for lesson in grid.lessons:
        homework = lesson.homework or ("без д/з" if lesson.no_homework else "")
        sheet.add(
            f"{lesson.date:%d.%m.%Y}",
            lesson.number,
            lesson.topic,
            homework,
            "да" if lesson.attendance_taken else "",
        )
    sheet.boxed_to = len(sheet.rows)
    sheet.widths = (11, 4, 40, 34, 6)
    return sheet


def year_marks_sheet(a: ClassAnalysis, subject_id: int, periods: list[str], year: str, name: str) -> Sheet:
    """A subject's period marks and year mark per pupil of the class (the year's analysis):
    in brackets a period's mark the teacher did not set (the suggestion)."""
    subject = a.subject(subject_id)
    sheet = Sheet(name=name, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Итоговые отметки: {subject.name}, {a.class_name} класс, {year}"))
    sheet.header_rows.add(sheet.add("№", "Учащийся", *periods, "Год"))
    sheet.boxed_from = len(sheet.rows) - 1
    for i, pupil in enumerate(a.pupils, start=1):
        cell = pupil.subjects.get(subject_id)
        if cell is None:
            continue
        marks = [
            m if done or not m else f"({m})"
            for m, done in zip(cell.period_marks, cell.period_set, strict=False)
        ]
        year_mark = cell.final or (f"({cell.suggested})" if cell.suggested else "")
        sheet.add(i, pupil.name, *marks, year_mark)
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add("В скобках — предложенная отметка: учитель её не выставил.")
    sheet.widths = (4, 26, *([10] * len(periods)), 8)
    return sheet


def build_course(
    actor: Actor, course_ids: list[int], periods: list[tuple[int, str]], year: str
) -> list[Sheet]:
    """A sheet per course (subgroups are separate courses) and period."""
    sheets = []
    for course_id in course_ids:
        for period_id, period_name in periods:
            grid = load_grid(actor, course_id, period_id)
            group = f" {grid.subgroup}" if grid.subgroup else ""
            name = f"{grid.subject}{group}" + (f" {period_name}" if len(periods) > 1 else "")
            sheets.append(course_sheet(grid, year, name))
    return sheets


def plan_sheet(report, year: str) -> Sheet:
    """A course's КТП beside the lessons in its places (models.journal.plan.PlanReport): what
    was taken, what is ahead and what is behind its planned date; a section's name heads its
    lessons."""
    name = f"КТП {report.title.split(' · ', 1)[-1]}"
    sheet = Sheet(name=name, landscape=True, csv_name="КТП", wrap={2, 5})
    sheet.title_rows.add(
        sheet.add(f"Календарно-тематическое планирование: {report.title}, {year} учебный год")
    )
    sheet.add(
        f"На {report.today:%d.%m.%Y}: часов в плане {report.hours}, пройдено {report.taken}, "
        f"по плану к этому дню {report.planned_by_today}, отстаём на {report.behind} ч."
    )
    sheet.header_rows.add(
        sheet.add(
            "№ ч",
            "№ урока",
            "Тема по плану",
            "Дата по плану",
            "Дата урока",
            "Тема в журнале",
            "Закрыт",
            "Состояние",
        )
    )
    sheet.boxed_from = len(sheet.rows) - 1
    section = ""
    for row in report.rows:
        if row.section and row.section != section:
            sheet.bold_rows.add(sheet.add("", "", row.section, "", "", "", "", ""))
        section = row.section
        sheet.add(
            row.position,
            row.number,
            row.planned_topic,
            row.planned_date.strftime("%d.%m.%Y") if row.planned_date else "",
            row.lesson_date.strftime("%d.%m.%Y") if row.lesson_date else "",
            row.lesson_topic,
            "да" if row.closed else "",
            row.state,
        )
    sheet.widths = (5, 7, 44, 11, 11, 44, 7, 11)
    sheet.freeze = "A4"
    return sheet


# --- the parents' meeting report (R9) ----------------------------------------------------------


def activity_sheets(
    actor: Actor, a: ClassAnalysis, year: str, name: str = "Активность родителей"
) -> list[Sheet]:
    """Parents' activity in the diary (R6, models.reports.activity): per pupil each guardian, whether
    they have a login, their last view, days with a view in the last 7 and 30 days."""
    try:
        from models.reports.activity import ACTIVE_DAYS, class_activity
    except ImportError:
        raise ValidationError(NOT_READY.format(what="активность родителей")) from None
    act = class_activity(actor, a.class_id)
    sheet = Sheet(name=name, landscape=True, csv_name=name)
    sheet.title_rows.add(sheet.add(f"Активность родителей в электронном дневнике: {a.class_name} класс"))
    share = percent(act.share_active)
    sheet.add(
        f"На {act.today:%d.%m.%Y} семей, заходивших в дневник за {ACTIVE_DAYS} дней: {act.active} "
        f"из {len(act.pupils)} ({share}%); не заходивших ни разу: {act.never}."
    )
    sheet.header_rows.add(
        sheet.add(
            "№",
            "Учащийся",
            "Представитель",
            "Кем приходится",
            "Вход в дневник",
            "Последний просмотр",
            "Просмотров за 7 дн.",
            "Дней за 7",
            "Просмотров за 30 дн.",
            "Дней за 30",
            "Ознакомлен(а) с неделей",
        )
    )
    sheet.boxed_from = len(sheet.rows) - 1
    for i, pupil in enumerate(act.pupils, start=1):
        first = len(sheet.rows)
        acknowledged = f"неделя с {pupil.acknowledged:%d.%m.%Y}" if pupil.acknowledged else "нет"
        if not pupil.guardians:
            sheet.add(i, pupil.name, "представителя нет", "", "", "", "", "", "", "", "")
        for j, g in enumerate(pupil.guardians):
            sheet.add(
                i if j == 0 else "",
                pupil.name if j == 0 else "",
                g.name,
                g.relation,
                "есть" if g.has_login else "нет",
                f"{g.last_view:%d.%m.%Y %H:%M}" if g.last_view else "ни разу",
                g.views_7,
                g.days_7,
                g.views_30,
                g.days_30,
                acknowledged if j == 0 else "",
            )
        if len(pupil.guardians) > 1:  # the family together
            sheet.add(
                "",
                "",
                "Семья вместе",
                "",
                "",
                "",
                pupil.views_7,
                pupil.days_7,
                pupil.views_30,
                pupil.days_30,
                "",
            )
        sheet.ruled.add(first)
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(
        "Сначала — семьи, которые давно не заходили в дневник или не заходили ни разу. Просмотры — "
        "каждое открытие дневника, недели или отметок периода; дни — в сколько разных дней."
    )
    sheet.widths = (4, 24, 30, 14, 10, 18, 10, 9, 10, 9, 16)
    return [sheet]


def summary_lines(a: ClassAnalysis) -> list[str]:
    """The class's attendance and results in a few sentences (the analysis' own figures)."""
    present = [p for p in a.pupils if not p.departed]
    missed = sum(p.missed for p in present)
    excused = sum(p.excused for p in present)
    unexcused = sum(p.unexcused for p in present)
    per_pupil = avg(Decimal(missed) / len(present)) if present else "—"
    ind = a.indicators
    return [
        f"Учащихся: {len(present)}. Успеваемость: {percent(ind.success)}%, качество знаний: "
        f"{percent(ind.quality)}%, средний балл: {avg(ind.mean) or '—'}.",
        f"Отличников: {len(a.excellent)}, хорошистов: {len(a.good)}, с одной «3»: {len(a.one_three)}, "
        f"неуспевающих: {len(a.failing)}, в группе риска: {len(a.at_risk)}.",
        f"Пропущено уроков: {missed} (по уважительной причине: {excused}, без причины: {unexcused}), "
        f"в среднем на ученика: {per_pupil}.",
    ]


def build_meeting(actor: Actor, class_id: int, period_id: int | None, year: str):
    """The class summary, parents' activity and the pupils at risk, for a parents' meeting (R9)."""
    a = class_analysis(actor, class_id, period_id)
    summary = indicators_sheet(a, year, "Итоги класса")
    head = len(summary.rows)
    summary.rows[0] = [f"К родительскому собранию: {a.class_name} класс, {a.title}"]
    for line in reversed([*summary_lines(a), ""]):
        summary.rows.insert(2, [line])
    shift = len(summary.rows) - head
    summary.header_rows = {r + shift for r in summary.header_rows}
    summary.bold_rows = {r + shift for r in summary.bold_rows}
    summary.boxed_from = (summary.boxed_from or 0) + shift
    summary.boxed_to = (summary.boxed_to or 0) + shift
    return a, [summary, *activity_sheets(actor, a, year), risk_sheet(a, year)]
