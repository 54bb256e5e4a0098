"""A calendar-thematic plan (КТП, календарно-тематическое планирование) read from a table.

exports.plan_import reads the file (xlsx, ods or csv in UTF-8 or Windows-1251, ";" or ",")
into rows of cells; `parse_rows` here finds the columns and reads every row into a lesson
of the plan (a `PlanEntry`, with what is wrong in it) or a section. Nothing here touches the
database: the work types and dates are resolved against the school by the import itself.

Columns, found by their headers (case, spaces and punctuation ignored, any order; the header
row is one of the first ten, title rows above it are left out):

    number        «№», «№ п/п», «№ урока», «Номер урока», «Урок», «Номер»  (required)
    topic         «Тема», «Тема урока», «Тема занятия», «Наименование темы», «Содержание»  (required)
    hours         «Кол-во часов», «Количество часов», «Часы», «Час», «Ч»  (empty: 1)
    homework      «Домашнее задание», «Д/з», «Задание на дом»
    work_type     «Вид работы», «Тип работы», «Форма контроля», «Вид контроля», «Контроль»
    planned_date  «Дата», «Дата по плану», «Планируемая дата», «Дата проведения»
    section       «Раздел», «Наименование раздела» (a section named in a column of its own)

«Дата факт», «Фактическая дата», «Дата по факту» are listed among the ignored columns (a plan
with both dates is not refused as two columns meaning the same thing).

Rows: a lesson has a number («5», or «5-6» for a topic of two hours); a row without one whose
text begins with «Раздел», «Глава», «Модуль», «Блок», «Часть», «Тема 2.» or ends with its
hours («— 20 ч», «(20 часов)») is a section, carried by the lessons below it; «Итого…» and
«Всего…» rows are left out, and so are rows that only repeat the header (the header again
after a page break, its second line «план / факт», the columns' numbers «1, 2, 3…»). The
numbers go up by one (numbering by topics) or by the previous topic's hours (numbering by
hours), and may start again at 1 after a section (numbering within sections).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from models.core import clock
from models.core.errors import ValidationError
from models.imports.headers import (
    cell_text,
    filled_rows,
    find_header,
    no_header,
    normalize_header,
    read_header,
)

MAX_TOPIC = 500  # characters
MAX_HOURS = 8  # hours of one topic
MAX_ROWS = 1000
MAX_HOMEWORK = 2000
MAX_WORK_TYPE = 100

# normalized header → field (models.imports.headers.normalize_header: "№ урока" → "урока")
COLUMNS: dict[str, str] = {
    "n": "number",
    "пп": "number",
    "nпп": "number",
    "урок": "number",
    "урока": "number",
    "nурока": "number",
    "урокапп": "number",
    "номер": "number",
    "номерпп": "number",
    "номерурока": "number",
    "тема": "topic",
    "содержание": "topic",
    "наименованиетемы": "topic",
    "названиетемы": "topic",
    "ч": "hours",
    "час": "hours",
    "часы": "hours",
    "часов": "hours",
    "колвоч": "hours",
    "дз": "homework",
    "домзадание": "homework",
    "заданиенадом": "homework",
    "контроль": "work_type",
    "дата": "planned_date",
    "раздел": "section",
    "разделы": "section",
    "модуль": "section",
    "наименованиераздела": "section",
    "названиераздела": "section",
}
# headers that begin so: "Тема урока", "Кол-во часов на тему", "Дата по плану"
PREFIXES: tuple[tuple[str, str], ...] = (
    ("номерурок", "number"),
    ("тема", "topic"),
    ("наименованиетем", "topic"),
    ("названиетем", "topic"),
    ("колвочас", "hours"),
    ("количествочас", "hours"),
    ("домашн", "homework"),
    ("видработ", "work_type"),
    ("видыработ", "work_type"),
    ("типработ", "work_type"),
    ("видконтрол", "work_type"),
    ("видыконтрол", "work_type"),
    ("формаконтрол", "work_type"),
    ("формыконтрол", "work_type"),
    ("дата", "planned_date"),
    ("планируемаядата", "planned_date"),
)
NUMBER_SIGNS = frozenset({"№", "№№", "N", "n", "#"})  # headers normalize_header makes empty
SECTION_HEADERS = ("раздел", "наименованиераздел", "названиераздел")  # «Раздел, тема» is the topic
REQUIRED = frozenset({"number", "topic"})
# the second line of a two-line header, under a merged «Дата»
SUBHEADERS = frozenset({"план", "факт", "поплану", "пофакту", "планируемая", "фактическая", "плановая"})
HEADER_HINT = (
    "«№ урока» и «Тема урока» (можно также «Кол-во часов», «Домашнее задание», «Вид работы», «Дата по плану»)"
)

NO_NUMBER = "Нет номера урока."
NO_TOPIC = "Нет темы урока."
NOT_A_NUMBER = "Номер урока «{text}» — не число."
ZERO_NUMBER = "Номер урока «{text}»: номера начинаются с 1."
DATE_AS_NUMBER = (
    "Номер урока «{text}» — дата, а не номер: Excel делает из «5-6» дату; "
    "введите номер как текст (формат ячейки «Текстовый»)."
)
BACKWARD_RANGE = "Номер урока «{text}»: конец диапазона меньше начала."
WIDE_RANGE = "Уроки {start}–{end} в одной строке — это {hours} ч, а на одну тему можно от 1 до {most}."
RANGE_HOURS = "Уроки {start}–{end} — это {span} ч, а часов указано {hours}."
GAP = "Пропущены номера {first}–{last}: после урока {previous} идёт {number}."
GAP_ONE = "Пропущен номер {first}: после урока {previous} идёт {number}."
REPEAT = "Номер {number} уже был (строка {line})."
BACKWARD = "Номер {number} меньше предыдущего ({previous})."
LONG_TOPIC = "Тема длиннее {most} знаков ({length}): сократите её."
BAD_HOURS = "Часов «{text}»: от 1 до {most}."
LONG_HOMEWORK = "Домашнее задание длиннее {most} знаков ({length}): сократите его."
LONG_WORK_TYPE = "Вид работы длиннее {most} знаков ({length}): сократите его."
BAD_DATE = "Дата «{text}» не распознана: ДД.ММ.ГГГГ."
NO_LESSONS = "В плане нет ни одного урока: под строкой заголовков нет строк с номером и темой."
LATE_START = "Нет уроков 1–{last}: нумерация начинается с {number}. Проверьте, весь ли план в файле."
LATE_START_ONE = "Нет урока 1: нумерация начинается с 2. Проверьте, весь ли план в файле."
TOO_MANY_ROWS = "В файле больше {most} строк: проверьте, тот ли это файл."

_SECTION = re.compile(r"^(?:(?:раздел|глава|модуль|блок|часть)(?![а-яa-z])|тема\s*№?\s*\d+\s*[.:)])")
_HOURS_MARK = re.compile(r"(?<![\d.,])\d+\s*(?:ч|час|часа|часов)\.?\s*\)?$")
_TOTAL = re.compile(r"^(?:итого|всего)(?![а-яa-z])")
_NUMBER = re.compile(r"^(\d+)(?:[.,]0+)?[.)]?$")
_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)[.)]?$")
_HOURS = re.compile(r"^(\d+)(?:[.,]0+)?\s*(?:ч|час|часа|часов)?\.?$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DM_DATE = re.compile(r"(\d{1,2})([./])(\d{1,2})(?:\2(\d{4}|\d{2}))?\.?")
_DATE_SEPARATORS = " /\\,;|–—-("


@dataclass(frozen=True)
class PlanEntry:
    """One lesson (or a topic of several hours) of the plan."""

    line: int  # the row number a spreadsheet shows
    number: int | None  # the plan's lesson number (a "5-6" cell → 5)
    topic: str
    hours: int  # 1 if the file has no hours column or the cell is empty; "5-6" → 2
    homework: str = ""
    work_type: str = ""  # as written («контрольная», «с/р», …): resolved later against the work types
    planned_date: dt.date | None = None
    section: str = ""  # the section row above it, "" if none
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedPlan:
    entries: tuple[PlanEntry, ...]
    sections: tuple[str, ...]  # section rows, in order
    columns: tuple[str, ...]  # recognised headers as written in the file
    ignored: tuple[str, ...]  # headers not recognised
    fmt: str
    problems: tuple[str, ...] = ()  # the file's, not one row's (no lessons, numbering from 3)

    @property
    def hours(self) -> int:
        return sum(e.hours for e in self.entries)

    @property
    def invalid(self) -> tuple[PlanEntry, ...]:
        return tuple(e for e in self.entries if e.problems)

    @property
    def valid(self) -> bool:
        return bool(self.entries) and not self.problems and not self.invalid


# --- the columns -------------------------------------------------------------------------


def _field(header: object) -> str | None:
    """The field a header names: "№ урока" → number, "Дата по плану" → planned_date;
    "Дата факт" and anything unknown → None (ignored)."""
    if isinstance(header, dt.date):
        return None
    raw = str(header or "").strip().strip(".:")
    if raw in NUMBER_SIGNS:
        return "number"
    key = normalize_header(raw)
    if not key or ("факт" in key and "план" not in key) or key.startswith("тематич"):
        return None
    if key in COLUMNS:
        return COLUMNS[key]
    if key.startswith(SECTION_HEADERS) and "тем" in key:
        return "topic"
    return next((name for prefix, name in PREFIXES if key.startswith(prefix)), None)


def _find_header(rows: Sequence[Sequence]) -> tuple[int, dict[int, str]] | None:
    def enough(names: Collection[str]) -> bool:
        return set(names) >= REQUIRED

    return find_header(rows, _field, enough)


def _topic_over_content(row: Sequence, columns: dict[int, str]) -> dict[int, str]:
    """Of «Тема урока» and «Содержание» side by side the topic is the «Тема»: «Содержание» is
    then left out (ignored), not refused as a second column of topics."""
    topics = [i for i, name in columns.items() if name == "topic"]
    if len(topics) < 2:
        return columns
    return {
        i: name for i, name in columns.items() if i not in topics or normalize_header(row[i]) != "содержание"
    }


def header_score(rows: list[list]) -> int:
    """How many of a plan's columns the rows' header names (a CSV reader picks its separator
    by it)."""
    found = _find_header(rows)
    return len(found[1]) if found else 0


# --- the cells ---------------------------------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return " ".join(str(value or "").split())


def _fold(text: str) -> str:
    """For matching words: lower case, "ё" = "е", no leading quotes or bullets."""
    return re.sub(r"^\W+", "", text.lower().replace("ё", "е"))


def is_section(text: str) -> bool:
    """«Раздел 1. Натуральные числа», «Глава 2», «Тема 3. Дроби», «Повторение (4 ч)»."""
    folded = _fold(text)
    return bool(folded) and bool(_SECTION.match(folded) or _HOURS_MARK.search(folded))


def is_total(text: str) -> bool:
    """«Итого», «Итого за год: 170 ч», «Всего часов»."""
    return bool(_TOTAL.match(_fold(text)))


def _number_span(value: object) -> tuple[int, int] | None:
    """«5» → (5, 5), «5-6» → (5, 6), anything else (0, a backward range) → None."""
    if isinstance(value, dt.date):
        return None
    text = _text(value)
    if match := _NUMBER.match(text):
        start = end = int(match[1])
    elif match := _RANGE.match(text):
        start, end = int(match[1]), int(match[2])
    else:
        return None
    return (start, end) if 1 <= start <= end else None


def _number_problem(value: object) -> str:
    text = _text(value)
    if not text:
        return NO_NUMBER
    if isinstance(value, dt.date):
        return DATE_AS_NUMBER.format(text=text)
    if (match := _NUMBER.match(text) or _RANGE.match(text)) and int(match[1]) == 0:
        return ZERO_NUMBER.format(text=text)
    if _RANGE.match(text):
        return BACKWARD_RANGE.format(text=text)
    return NOT_A_NUMBER.format(text=text)


def _hours_value(value: object) -> int | None:
    """«2», «2 ч», «2,0» → 2; empty or not a whole number of hours → None."""
    if isinstance(value, dt.date):
        return None
    match = _HOURS.match(_text(value).lower())
    return int(match[1]) if match else None


def _hours(value: object, span: tuple[int, int] | None, problems: list[str]) -> int:
    width = span[1] - span[0] + 1 if span else 1
    text = _text(value)
    if not text:
        if width > MAX_HOURS and span:
            problems.append(WIDE_RANGE.format(start=span[0], end=span[1], hours=width, most=MAX_HOURS))
            return 1
        return width
    hours = _hours_value(value)
    if hours is None or not 1 <= hours <= MAX_HOURS:
        problems.append(BAD_HOURS.format(text=text, most=MAX_HOURS))
        return 1
    if span and width > 1 and hours != width:
        problems.append(RANGE_HOURS.format(start=span[0], end=span[1], span=width, hours=hours))
    return hours


def school_year_start(today: dt.date | None = None) -> int:
    """The autumn year of the school year `today` is in: that of the latest 1 September."""
    today = today or clock.today()
    return today.year if today.month >= 9 else today.year - 1


def plan_date(value: object, year_start: int) -> dt.date | None:
    """A planned date: a date cell, «14.10.2026», «14.10.26», «2026-10-14», or «14.10» (in the
    school year that begins in `year_start`: September–December then, January–August the year
    after); of «14.10/16.10» (plan / fact) the first. Empty → None; unreadable → ValueError."""
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    match = _ISO_DATE.match(text) or _DM_DATE.match(text)
    rest = text[match.end() :] if match else ""
    if match is None or (rest and rest[0] not in _DATE_SEPARATORS):
        raise ValueError(text)
    if match.re is _ISO_DATE:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    day, month, year = int(match[1]), int(match[3]), match[4]
    if year is None:
        return dt.date(year_start if month >= 9 else year_start + 1, month, day)
    return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)


def _long(text: str, most: int, message: str, problems: list[str]) -> None:
    if len(text) > most:
        problems.append(message.format(most=most, length=len(text)))


# --- the rows ----------------------------------------------------------------------------


def _repeats_header(values: dict[str, object], texts: list[str]) -> bool:
    """The header again (a page break of a document), its second line («план», «факт» under a
    merged «Дата»), or the columns' numbers («1», «2», «3», …)."""
    if _field(values["number"]) == "number" and _field(values["topic"]) == "topic":
        return True
    if all(normalize_header(t) in SUBHEADERS for t in texts):
        return True
    return len(texts) >= 3 and texts == [str(i) for i in range(1, len(texts) + 1)]


class _Reader:
    """The rows below the header, one by one: the lessons, the sections, the numbering."""

    def __init__(self, columns: dict[int, str], year_start: int) -> None:
        self.columns = columns
        self.year_start = year_start
        self.entries: list[PlanEntry] = []
        self.sections: list[str] = []
        self.problems: list[str] = []
        self.section = ""
        self.seen: dict[int, int] = {}  # number → the line it was first on
        self.last: tuple[int, int, int] | None = None  # the last numbered lesson: start, end, hours
        self.started = False  # a numbered lesson was read
        self.by_hours: bool | None = None  # numbering by hours (True), by topics (False), unknown
        self.unsure = False  # the row before had a number problem: no gap is blamed on this one
        self.after_section = False  # a section since the last numbered lesson

    def row(self, line: int, cells: Sequence) -> None:
        texts = [t for t in (_text(cell_text(c)) for c in cells) if t]
        if not texts:
            return
        values = {name: cell_text(cells[i]) if i < len(cells) else "" for i, name in self.columns.items()}
        if _repeats_header(values, texts):
            return
        if own_section := _text(values.get("section")):
            self._open(own_section)
        span = _number_span(values["number"])
        if span is None and self._not_a_lesson(values, texts):
            return
        self.entries.append(self._lesson(line, values, span))

    def _open(self, title: str) -> None:
        if title != self.section:
            self.section = title
            self.sections.append(title)
        self.after_section = True

    def _not_a_lesson(self, values: dict[str, object], texts: list[str]) -> bool:
        """A row without a number: a total (left out), a section (opened), or nothing of the
        plan's (only unknown columns, or only the section column) — else a lesson."""
        number, topic = _text(values["number"]), _text(values["topic"])
        candidates = [t for t in (number, topic, texts[0]) if t]
        if any(is_total(t) for t in candidates):
            return True
        title = next((t for t in candidates if is_section(t)), None)
        hours = _hours_value(values.get("hours"))
        if title is None and topic and not number and hours is not None and hours > MAX_HOURS:
            title = topic  # «Натуральные числа | 20»: a section with its hours in the column
        if title is not None:
            self._open(title)
            return True
        return not any(_text(v) for name, v in values.items() if name != "section")

    def _lesson(self, line: int, values: dict[str, object], span: tuple[int, int] | None) -> PlanEntry:
        numbering: list[str] = []
        details: list[str] = []
        hours = _hours(values.get("hours", ""), span, details)
        if span is None:
            numbering.append(_number_problem(values["number"]))
            self.unsure = True
        else:
            numbering.extend(self._numbering(line, span, hours))
        topic = _text(values["topic"])
        if not topic:
            numbering.append(NO_TOPIC)
        _long(topic, MAX_TOPIC, LONG_TOPIC, numbering)
        homework, work_type = _text(values.get("homework")), _text(values.get("work_type"))
        _long(homework, MAX_HOMEWORK, LONG_HOMEWORK, details)
        _long(work_type, MAX_WORK_TYPE, LONG_WORK_TYPE, details)
        try:
            planned = plan_date(values.get("planned_date"), self.year_start)
        except ValueError:
            planned = None
            details.append(BAD_DATE.format(text=_text(values.get("planned_date"))))
        problems = tuple(dict.fromkeys(numbering + details))
        number = span[0] if span else None
        return PlanEntry(line, number, topic, hours, homework, work_type, planned, self.section, problems)

    def _numbering(self, line: int, span: tuple[int, int], hours: int) -> list[str]:
        start, end = span
        if self.after_section and start == 1:  # numbering within sections: from 1 again
            self.seen.clear()
            self.last = None
        self.after_section = False
        problem = self._step(start)
        if not self.started:
            self.started = True
            if start > 1 and not self.unsure:
                self.problems.append(
                    LATE_START_ONE if start == 2 else LATE_START.format(last=start - 1, number=start)
                )
        for n in range(start, end + 1):
            self.seen.setdefault(n, line)
        if self.last is None or start > self.last[0]:
            self.last = (start, end, hours)
        self.unsure = problem is not None
        return [problem] if problem else []

    def _step(self, number: int) -> str | None:
        """What is wrong with `number` coming after the last numbered lesson, or None."""
        if number in self.seen:
            return REPEAT.format(number=number, line=self.seen[number])
        if self.last is None:
            return None
        start, end, hours = self.last
        if number < start:
            return BACKWARD.format(number=number, previous=start)
        by_topics, by_hours = end + 1, start + hours
        if number in (by_topics, by_hours):
            if by_topics != by_hours:
                self.by_hours = number == by_hours
            return None
        if self.unsure:
            return None
        first = by_hours if self.by_hours is not False and number > by_hours else by_topics
        previous = f"{start}–{end}" if end > start else str(start)
        message = GAP_ONE if first == number - 1 else GAP
        return message.format(first=first, last=number - 1, previous=previous, number=number)

    def plan(self, fmt: str, columns: tuple[str, ...], ignored: tuple[str, ...]) -> ParsedPlan:
        problems = self.problems if self.entries else [NO_LESSONS, *self.problems]
        return ParsedPlan(tuple(self.entries), tuple(self.sections), columns, ignored, fmt, tuple(problems))


# --- the file ----------------------------------------------------------------------------


def parse_rows(rows: list[list], fmt: str = "csv", *, year_start: int | None = None) -> ParsedPlan:
    """A table's rows (the header within the first ten) → the plan, every lesson with its
    problems. Refused (ValidationError) only when the table is not a plan at all: empty, no
    header row, more than MAX_ROWS rows. «14.10» is a date of the school year beginning in
    `year_start` (by default the one today is in)."""
    rows = filled_rows(rows)
    found = _find_header([[cell_text(c) for c in r] for r in rows])
    if found is None:
        raise no_header(" плана", HEADER_HINT, fmt)
    index, columns = found
    columns = _topic_over_content(rows[index], columns)
    header = read_header(rows[index], index, columns)
    reader = _Reader(columns, school_year_start() if year_start is None else year_start)
    filled = 0
    for line, cells in enumerate(rows[index + 1 :], start=index + 2):
        if any(_text(cell_text(c)) for c in cells):
            filled += 1
            if filled > MAX_ROWS:
                raise ValidationError(TOO_MANY_ROWS.format(most=MAX_ROWS))
        reader.row(line, cells)
    return reader.plan(fmt, header.titles, header.ignored)


def entry_summary(entry: PlanEntry) -> str:
    """One readable line: «12. Сложение дробей (2 ч), д/з: №45, контрольная, 14.10»."""
    head = f"{entry.number}. " if entry.number is not None else "(без номера) "
    text = head + (entry.topic or "(без темы)")
    if entry.hours != 1:
        text += f" ({entry.hours} ч)"
    parts = [text]
    if entry.homework:
        parts.append(f"д/з: {entry.homework}")
    if entry.work_type:
        parts.append(entry.work_type)
    if entry.planned_date:
        parts.append(f"{entry.planned_date:%d.%m}")
    return ", ".join(parts)
