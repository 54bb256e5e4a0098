"""Every kind of bad input is refused with a Russian ValidationError and writes nothing.

The school is the shared one of tests/world.py (built once per backend, each test rolled
back). A case may prepare the store first (`setup`); the store is compared, row by row,
right before and after the refused call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from models.core.errors import ValidationError
from models.core.schema import Absence, Mark
from models.journal import entries
from models.journal.entries import Cell, MarkEntry, parse_cell
from models.people import guardians, roster
from models.school.classes import create_class, find_class
from tests.factory import PAST_DAY
from tests.world import World, snapshot, w, world  # noqa: F401 (fixtures: the shared school)

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HOLIDAY = dt.date(2026, 10, 28)  # autumn holidays 26.10–04.11 between the 1st and 2nd quarter
SUNDAY = dt.date(2026, 11, 22)
MONDAY = dt.date(2026, 11, 16)
FUTURE = dt.date(2026, 12, 1)  # a Tuesday after "today" (28.11.2026)


def nothing(w: World) -> dict:
    return {}


def mark(value: object, pupil: int = 0) -> Callable[[World, dict], object]:
    return lambda w, c: entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[pupil], value)


def _two_marks(w: World) -> dict:
    entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[0], "5")
    entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[0], "4", add=True)
    return {}


def _absent(w: World) -> dict:
    entries.set_absence(w.s.teacher, w.lesson, w.s.pupils[0], "н")
    return {}


def _marked(w: World) -> dict:
    entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[0], "5")
    return {}


def _lesson_on(day: dt.date, course: str = "math_a") -> Callable[[World], int]:
    def make(w: World) -> int:
        teacher = w.s.other if course == "english_a1" else w.s.teacher
        return entries.add_lesson(teacher, getattr(w.s, course), day).id

    return make


def _late_arrival(w: World) -> dict:
    """A pupil who arrives on Monday 16.11, and a lesson on the Tuesday before."""
    pupil = roster.add_student(
        w.s.homeroom, w.s.class_a, {"surname": "Зайцев", "first_name": "Захар"}, MONDAY
    ).id
    return {"pupil": pupil, "lesson": _lesson_on(dt.date(2026, 11, 10))(w)}


def _left(w: World) -> dict:
    """Pupil 3 leaves after 10.11; a lesson on 12.11."""
    roster.leave_student(w.s.homeroom, w.s.pupils[3], dt.date(2026, 11, 10), "школа №2")
    return {"lesson": _lesson_on(dt.date(2026, 11, 12))(w)}


def _future(w: World) -> dict:
    return {"lesson": _lesson_on(FUTURE)(w)}


def _english(w: World) -> dict:
    """A lesson of English group 1 (pupils 0 and 2; pupils 1 and 3 are in group 2)."""
    return {"lesson": _lesson_on(dt.date(2026, 11, 10), "english_a1")(w)}


def card(**fields: object) -> Callable[[World, dict], object]:
    data = {"surname": "Жуков", "first_name": "Женя", **fields}
    return lambda w, c: roster.add_student(w.s.homeroom, w.s.class_a, data, MONDAY)


# (name | a fragment of the expected message, setup, call)
CASES: list[tuple[str, Callable[[World], dict], Callable[[World, dict], object]]] = [
    # marks
    ("mark 6 | Отметка «6» недопустима", nothing, mark("6")),
    ("mark 0 | Отметка «0» недопустима", nothing, mark("0")),
    ("mark x | Отметка «x» недопустима", nothing, mark("x")),
    ("mark empty | Отметка «» недопустима", nothing, mark("")),
    ("mark 4.5 | Отметка «4.5» недопустима", nothing, mark("4.5")),
    (
        "third mark in a cell | не больше двух отметок",
        _two_marks,
        lambda w, c: entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[0], "3", add=True),
    ),
    (
        "three marks by set_cell | не больше двух отметок",
        nothing,
        lambda w, c: entries.set_cell(
            w.s.teacher, w.lesson, w.s.pupils[0], Cell((MarkEntry(5), MarkEntry(4), MarkEntry(3)))
        ),
    ),
    (
        "mark 6 by set_cell | Отметка «6» недопустима",
        nothing,
        lambda w, c: entries.set_cell(w.s.teacher, w.lesson, w.s.pupils[0], Cell((MarkEntry(6),))),
    ),
    # an absence and a mark in one cell
    ("н then 5 | пропуск «н»: сначала уберите", _absent, mark("5")),
    (
        "5 then н | есть отметка: пропуск поставить нельзя",
        _marked,
        lambda w, c: entries.set_absence(w.s.teacher, w.lesson, w.s.pupils[0], "н"),
    ),
    (
        "5 then б | есть отметка: пропуск поставить нельзя",
        _marked,
        lambda w, c: entries.set_absence(w.s.teacher, w.lesson, w.s.pupils[0], "б"),
    ),
    (
        "н and 5 by set_cell | одновременно пропуска «н» и отметки",
        nothing,
        lambda w, c: entries.set_cell(w.s.teacher, w.lesson, w.s.pupils[0], Cell((MarkEntry(5),), "н")),
    ),
    (
        "unknown absence code | Код пропуска «x»",
        nothing,
        lambda w, c: entries.set_absence(w.s.teacher, w.lesson, w.s.pupils[0], "x"),
    ),
    (
        "unknown absence code п | Код пропуска «п»",
        nothing,
        lambda w, c: entries.set_absence(w.s.teacher, w.lesson, w.s.pupils[0], "п"),
    ),
    (
        "unknown absence by set_cell | Код пропуска «ж»",
        nothing,
        lambda w, c: entries.set_cell(w.s.teacher, w.lesson, w.s.pupils[0], Cell(absence="ж")),
    ),
    # lesson dates
    (
        "lesson in the holidays | 28.10.2026 вне учебных периодов",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, HOLIDAY),
    ),
    (
        "lesson on 04.11 | 04.11.2026 вне учебных периодов",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, dt.date(2026, 11, 4)),
    ),
    (
        "lesson on 26.10 | 26.10.2026 вне учебных периодов",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, dt.date(2026, 10, 26)),
    ),
    (
        "lesson before the year | 31.08.2026 вне учебных периодов",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, dt.date(2026, 8, 31)),
    ),
    (
        "lesson on a Sunday | воскресенье",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, SUNDAY),
    ),
    (
        "lesson moved to a Sunday | воскресенье",
        nothing,
        lambda w, c: entries.update_lesson(w.s.teacher, w.empty_lesson, date=SUNDAY),
    ),
    (
        "lesson moved to the holidays | вне учебных периодов",
        nothing,
        lambda w, c: entries.update_lesson(w.s.teacher, w.empty_lesson, date=HOLIDAY),
    ),
    (
        "lesson with marks moved | дату изменить нельзя",
        nothing,
        lambda w, c: entries.update_lesson(w.s.teacher, w.lesson, date=dt.date(2026, 10, 15)),
    ),
    (
        "lesson moved onto a taken number | Урок №1 на 14.10.2026 по этому курсу уже есть",
        lambda w: {"lesson": _lesson_on(dt.date(2026, 10, 15))(w)},  # №1 of its day
        lambda w, c: entries.update_lesson(w.s.teacher, c["lesson"], date=PAST_DAY),
    ),
    (
        "lesson number 11 | Номер урока",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, MONDAY, number=11),
    ),
    (
        "lesson date not a date | не дата",
        nothing,
        lambda w, c: entries.add_lesson(w.s.teacher, w.s.math_a, "31.02.2026"),
    ),
    # the pupil was not there
    (
        "mark before arrival | 10.11.2026 учащийся не числился",
        _late_arrival,
        lambda w, c: entries.set_mark(w.s.teacher, c["lesson"], c["pupil"], "5"),
    ),
    (
        "absence after leaving | 12.11.2026 учащийся не числился",
        _left,
        lambda w, c: entries.set_absence(w.s.teacher, c["lesson"], w.s.pupils[3], "н"),
    ),
    (
        "mark after leaving | 12.11.2026 учащийся не числился",
        _left,
        lambda w, c: entries.set_mark(w.s.teacher, c["lesson"], w.s.pupils[3], "4"),
    ),
    (
        "mark in a future lesson | ещё не прошёл",
        _future,
        lambda w, c: entries.set_mark(w.s.teacher, c["lesson"], w.s.pupils[0], "5"),
    ),
    (
        "absence in a future lesson | ещё не прошёл",
        _future,
        lambda w, c: entries.set_absence(w.s.teacher, c["lesson"], w.s.pupils[0], "н"),
    ),
    (
        "pupil outside the subgroup | не входит в подгруппу",
        _english,
        lambda w, c: entries.set_mark(w.s.other, c["lesson"], w.s.pupils[1], "5"),
    ),
    (
        "pupil of another class | не числился в классе 5А",
        nothing,
        lambda w, c: entries.set_mark(w.s.teacher, w.lesson, w.s.pupils_b[0], "5"),
    ),
    # class names
    ("class 5Я | Класса 5Я нет", nothing, lambda w, c: find_class("5Я", w.s.year_id)),
    (
        "class 12А | Неверное название класса «12А»",
        nothing,
        lambda w, c: find_class("12А", w.s.year_id),
    ),
    (
        "class А5 | Неверное название класса «А5»",
        nothing,
        lambda w, c: find_class("А5", w.s.year_id),
    ),
    (
        "class 5AB | Неверное название класса",
        nothing,
        lambda w, c: find_class("5АБ", w.s.year_id),
    ),
    (
        "class 5 latin A | Неверное название класса",
        nothing,
        lambda w, c: find_class("5A", w.s.year_id),
    ),
    (
        "create class 12А | Параллель класса",
        nothing,
        lambda w, c: create_class(w.s.admin, w.s.year_id, 12, "А"),
    ),
    (
        "create class 5Q | Литера класса",
        nothing,
        lambda w, c: create_class(w.s.admin, w.s.year_id, 5, "Q"),
    ),
    (
        "create class 5А twice | уже есть",
        nothing,
        lambda w, c: create_class(w.s.admin, w.s.year_id, 5, "А"),
    ),
    # a pupil's card
    ("birth date 31.02 | не дата", nothing, card(birth_date="31.02.2015")),
    ("birth date in the future | ещё не наступила", nothing, card(birth_date="01.01.2030")),
    ("birth date of an adult | неправдоподобна", nothing, card(birth_date="1990-05-01")),
    ("birth date text | не дата", nothing, card(birth_date="вчера")),
    ("phone letters | Телефон", nothing, card(phone="позвонить маме")),
    ("phone too short | Телефон", nothing, card(phone="12-34")),
    ("email without domain | электронную почту", nothing, card(email="mama@")),
    ("email with a space | электронную почту", nothing, card(email="ma ma@mail.ru")),
    ("surname with digits | Фамилия", nothing, card(surname="Иванов2")),
    ("no first name | Не заполнено поле «Имя»", nothing, card(first_name="  ")),
    ("unknown card field | Неизвестные поля", nothing, card(snils="123")),
    ("sex | Пол", nothing, card(sex="x")),
    (
        "arrival outside the year | вне учебного года",
        nothing,
        lambda w, c: roster.add_student(
            w.s.homeroom, w.s.class_a, {"surname": "Жуков", "first_name": "Женя"}, "01.09.2027"
        ),
    ),
    (
        "update with a bad phone | Телефон «abc»",
        nothing,
        lambda w, c: roster.update_student(
            w.s.homeroom, w.s.pupils[1], {"surname": "Борисова-Ким", "phone": "abc"}
        ),
    ),
    (
        "guardian bad e-mail | электронную почту",
        nothing,
        lambda w, c: guardians.add_guardian(
            w.s.homeroom,
            w.s.pupils[1],
            {"surname": "Борисов", "first_name": "Борис", "email": "boris"},
            "отец",
        ),
    ),
    (
        "guardian bad relation | Степень родства",
        nothing,
        lambda w, c: guardians.add_guardian(
            w.s.homeroom, w.s.pupils[1], {"surname": "Борисов", "first_name": "Борис"}, "сосед"
        ),
    ),
    (
        "consent in the future | в будущем",
        nothing,
        lambda w, c: guardians.record_consent(w.s.homeroom, w.s.pupils[1], FUTURE),
    ),
    (
        "transfer before arrival | позже прибытия",
        nothing,
        lambda w, c: roster.transfer_student(w.s.homeroom, w.s.pupils[3], w.s.class_b, dt.date(2026, 9, 1)),
    ),
    (
        "transfer into the same class | уже в этом классе",
        nothing,
        lambda w, c: roster.transfer_student(w.s.homeroom, w.s.pupils[3], w.s.class_a, MONDAY),
    ),
    # final marks
    (
        "final mark 6 | Итоговая отметка «6»",
        nothing,
        lambda w, c: entries.set_final_mark(w.s.teacher, w.s.math_a, w.s.pupils[0], w.s.q1, "6"),
    ),
    (
        "final mark отл | Итоговая отметка «отл»",
        nothing,
        lambda w, c: entries.set_final_mark(w.s.teacher, w.s.math_a, w.s.pupils[0], w.s.q1, "отл"),
    ),
    (
        "year mark 0 | Итоговая отметка «0»",
        nothing,
        lambda w, c: entries.set_final_mark(w.s.teacher, w.s.math_a, w.s.pupils[0], None, "0"),
    ),
    (
        "final mark of a pupil of 5Б | не числился в классе",
        nothing,
        lambda w, c: entries.set_final_mark(w.s.teacher, w.s.math_a, w.s.pupils_b[0], w.s.q1, "5"),
    ),
    (
        "final mark outside the subgroup | не входит в подгруппу",
        nothing,
        lambda w, c: entries.set_final_mark(w.s.other, w.s.english_a1, w.s.pupils[1], w.s.q1, "2"),
    ),
    (
        "year mark outside the subgroup | не входит в подгруппу",
        nothing,
        lambda w, c: entries.set_final_mark(w.s.other, w.s.english_a1, w.s.pupils[3], None, "5"),
    ),
    # excuses
    (
        "excuse as н | Уважительная причина",
        nothing,
        lambda w, c: entries.excuse_absences(w.s.homeroom, [w.absence_id], "н", "справка"),
    ),
    (
        "excuse without document | Укажите документ",
        nothing,
        lambda w, c: entries.excuse_absences(w.s.homeroom, [w.absence_id], "б", "  "),
    ),
    (
        "excuse nothing | ни одного пропуска",
        nothing,
        lambda w, c: entries.excuse_absences(w.s.homeroom, [], "б", "справка"),
    ),
    # nothing is lost
    (
        "delete a lesson with marks | удалить нельзя",
        nothing,
        lambda w, c: entries.delete_lesson(w.s.teacher, w.lesson),
    ),
    (
        "remove a pupil with marks | уже есть отметки",
        nothing,
        lambda w, c: roster.remove_student(w.s.homeroom, w.s.pupils[1]),
    ),
    (
        "remove a pupil with an absence | уже есть пропуски",
        nothing,
        lambda w, c: roster.remove_student(w.s.homeroom, w.s.pupils[2]),
    ),
    (
        "remove a pupil with a diary login | вход в дневник",
        nothing,
        lambda w, c: roster.remove_student(w.s.homeroom, w.s.pupils[0]),
    ),
]


@pytest.mark.parametrize(
    ("setup", "call", "expected"),
    [pytest.param(s, c, name.split(" | ")[1], id=name.split(" | ")[0]) for name, s, c in CASES],
)
def test_bad_input_is_refused_and_writes_nothing(w, setup, call, expected):
    prepared = setup(w)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        call(w, prepared)
    assert expected in refused.value.message  # refused for the reason the case is about
    assert CYRILLIC.search(refused.value.message)
    assert snapshot() == before


def test_the_refusals_say_what_is_wrong(w):
    """A few messages in full, as a teacher reads them."""
    with pytest.raises(ValidationError, match="^Отметка «6» недопустима: ставятся отметки от 1 до 5."):
        entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[0], "6")
    with pytest.raises(ValidationError, match="воскресенье"):
        entries.add_lesson(w.s.teacher, w.s.math_a, SUNDAY)
    with pytest.raises(ValidationError, match="каникулы"):
        entries.add_lesson(w.s.teacher, w.s.math_a, HOLIDAY)
    with pytest.raises(ValidationError, match="^Класса 5Я нет.$"):
        find_class("5Я", w.s.year_id)
    with pytest.raises(ValidationError, match="^Неверное название класса «12А»"):
        find_class("12А", w.s.year_id)
    with pytest.raises(
        ValidationError, match="^Удалить нельзя: у учащегося уже есть отметки. Оформите выбытие"
    ):
        roster.remove_student(w.s.homeroom, w.s.pupils[1])
    with pytest.raises(ValidationError, match="уже есть вход в дневник, согласия"):
        roster.remove_student(w.s.homeroom, w.s.pupils[0])
    with pytest.raises(ValidationError, match="^Урок с отметками или пропусками удалить нельзя"):
        entries.delete_lesson(w.s.teacher, w.lesson)


def test_late_goes_with_a_mark(w):
    """ "о" (late) and a mark share a cell, in either order; it is the only code that may."""
    t, lesson = w.s.teacher, w.lesson
    entries.set_absence(t, lesson, w.s.pupils[0], "о")
    assert entries.set_mark(t, lesson, w.s.pupils[0], "5").after.text() == "о5"
    entries.set_mark(t, lesson, w.s.pupils[3], "4")
    assert entries.set_absence(t, lesson, w.s.pupils[3], "о").after.text() == "о4"
    assert entries.set_cell(t, lesson, w.s.pupils[3], parse_cell("о5/4")).after.text() == "о5/4"
    assert Absence.select().where(Absence.lesson == lesson, Absence.code == "о").count() == 2
    assert Mark.select().where(Mark.lesson == lesson, Mark.student == w.s.pupils[3]).count() == 2


@pytest.mark.parametrize("text", ["6", "0", "x", "5/4/3", "н5", "б4", "5н", "ж", "55", "5/x"])
def test_parse_cell_refuses(text):
    with pytest.raises(ValidationError) as refused:
        parse_cell(text)
    assert CYRILLIC.search(refused.value.message)


@pytest.mark.parametrize(
    ("text", "marks", "absence"),
    [
        ("5", (5,), None),
        ("5/4", (5, 4), None),
        ("5.4", (5, 4), None),
        (" Н ", (), "н"),
        ("о", (), "о"),
        ("о3", (3,), "о"),
        ("", (), None),
    ],
)
def test_parse_cell_accepts(text, marks, absence):
    cell = parse_cell(text)
    assert tuple(m.value for m in cell.marks) == marks
    assert cell.absence == absence
