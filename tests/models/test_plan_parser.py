"""The parser of a calendar-thematic plan (КТП; models/imports/lesson_plan.py, files read by
exports/plan_import.py): headers as teachers write them, sections, totals, ranges «5-6»,
numbering by hours and by topics, every problem with its message, «14.10» placed in the
school year, and csv (Windows-1251, «;»), xlsx and ods files. Values worked by hand; no
database."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from exports import plan_import
from models.core import clock
from models.core.errors import ValidationError
from models.imports.lesson_plan import (
    MAX_ROWS,
    ParsedPlan,
    PlanEntry,
    entry_summary,
    header_score,
    parse_rows,
)

HEADERS = ["№ урока", "Тема урока", "Кол-во часов", "Дата по плану", "Дата факт", "Домашнее задание"]
SHORT = ["№", "Тема", "Часы", "Д/з", "Вид работы", "Дата"]
SECTION_1 = "Раздел 1. Натуральные числа — 20 ч"

KTP = [
    ["Календарно-тематическое планирование по математике"],
    ["5 класс, 2026/2027 учебный год", None, None, "Учитель: Иванова М. П."],
    [],
    HEADERS,
    [SECTION_1, None, None, None, None, None],  # merged across the row: in the number cell
    [1, "Обозначение натуральных чисел", 1, "02.09", "03.09", "№ 1, 2"],
    [2.0, "Отрезок.   Длина отрезка", "2 ч", "03.09", "", "№ 15, 17"],
    ["4-5", "Сравнение натуральных чисел", "", "14.10", "", "п. 3"],
    ["", "Глава 2. Сложение и вычитание", "", "", "", ""],
    [6, "Сложение натуральных чисел", "", dt.datetime(2026, 10, 16), "", ""],
    [7, "Раздел 3. Повторение", 1, "14.01", "", ""],  # a section's words, but a number: a lesson
    ["", "Итого за год: 170 ч", 170, "", "", ""],
]


def plan(headers: list, rows: list[list], **kw) -> ParsedPlan:
    return parse_rows([headers, *rows], kw.pop("fmt", "xlsx"), year_start=kw.pop("year_start", 2026))


def entry(row: list, headers: list = SHORT, **kw) -> PlanEntry:
    return plan(headers, [row], **kw).entries[0]


def problems(p: ParsedPlan) -> dict[int, tuple[str, ...]]:
    return {e.line: e.problems for e in p.entries if e.problems}


def numbered(numbers_hours: list[tuple[object, object]]) -> ParsedPlan:
    return plan(["№", "Тема", "Часы"], [[n, f"Тема {i}", h] for i, (n, h) in enumerate(numbers_hours)])


# --- a real-looking plan ---------------------------------------------------------------------


def test_a_real_plan_with_title_rows_sections_and_a_total():
    p = parse_rows(KTP, "xlsx", year_start=2026)
    assert p.columns == ("№ урока", "Тема урока", "Кол-во часов", "Дата по плану", "Домашнее задание")
    assert p.ignored == ("Дата факт",)
    assert p.sections == (SECTION_1, "Глава 2. Сложение и вычитание")
    glava = "Глава 2. Сложение и вычитание"
    assert [
        (e.line, e.number, e.topic, e.hours, e.planned_date, e.homework, e.section) for e in p.entries
    ] == [
        (6, 1, "Обозначение натуральных чисел", 1, dt.date(2026, 9, 2), "№ 1, 2", SECTION_1),
        (7, 2, "Отрезок. Длина отрезка", 2, dt.date(2026, 9, 3), "№ 15, 17", SECTION_1),
        (8, 4, "Сравнение натуральных чисел", 2, dt.date(2026, 10, 14), "п. 3", SECTION_1),
        (10, 6, "Сложение натуральных чисел", 1, dt.date(2026, 10, 16), "", glava),
        (11, 7, "Раздел 3. Повторение", 1, dt.date(2027, 1, 14), "", glava),
    ]
    assert p.hours == 1 + 2 + 2 + 1 + 1
    assert p.problems == () and p.invalid == () and p.valid
    assert p.fmt == "xlsx"


def test_headers_as_teachers_write_them():
    row = ["12", "Сложение дробей", "2", "№ 45", "контрольная", "14.10.2026"]
    for headers in (
        SHORT,
        [
            "№ п/п",
            "Наименование темы",
            "Количество часов",
            "Задание на дом",
            "Форма контроля",
            "Дата проведения",
        ],
        ["N", "Содержание", "Ч", "ДЗ", "Вид контроля", "Планируемая дата"],
        ["#", "Тема занятия", "Час", "Домашнее задание", "Контроль", "Дата план"],
        ["Номер урока", "Название темы", "Часов", "Д/З", "Тип работы", "Дата по плану"],
        ["Урок", "Тема урока (раздел)", "Кол-во ч.", "Дом. задание", "Формы контроля", "Дата"],
        ["Номер", "Наименование разделов и тем", "Кол-во часов на тему", "Д/з", "Виды контроля", "Дата"],
    ):
        p = plan(["Примечание", *headers], [["", *row]])
        assert p.columns == tuple(headers), headers
        assert p.ignored == ("Примечание",)
        e = p.entries[0]
        assert (e.number, e.topic, e.hours, e.homework, e.work_type, e.planned_date) == (
            12,
            "Сложение дробей",
            2,
            "№ 45",
            "контрольная",
            dt.date(2026, 10, 14),
        ), headers
        assert entry_summary(e) == "12. Сложение дробей (2 ч), д/з: № 45, контрольная, 14.10"


def test_plan_and_fact_dates_side_by_side_are_not_two_columns_of_one_thing():
    for plan_header, fact_header in (
        ("Дата по плану", "Дата факт"),
        ("Планируемая дата", "Фактическая дата"),
        ("Дата", "Дата по факту"),
        ("Дата (план)", "Дата (факт)"),
    ):
        p = plan(["№", "Тема", fact_header, plan_header], [[1, "Тема", "16.10", "14.10"]])
        assert p.columns == ("№", "Тема", plan_header)
        assert p.ignored == (fact_header,)
        assert p.entries[0].planned_date == dt.date(2026, 10, 14)
    # one column for both: the first date is the plan's
    p = plan(["№", "Тема", "Дата план/факт"], [[1, "Тема", "14.10/16.10"]])
    assert p.entries[0].planned_date == dt.date(2026, 10, 14)
    # «Тема урока» beside «Содержание»: the topic is the «Тема»
    p = plan(["№", "Содержание", "Тема урока"], [[1, "Числа от 1 до 10", "Счёт"]])
    assert (p.columns, p.ignored, p.entries[0].topic) == (("№", "Тема урока"), ("Содержание",), "Счёт")
    with pytest.raises(ValidationError, match="Столбцы «Дата» и «Дата по плану» означают одно и то же"):
        plan(["№", "Тема", "Дата", "Дата по плану"], [[1, "Тема", "14.10", "14.10"]])


def test_rows_that_only_repeat_the_header_are_left_out():
    """A two-line header (план / факт under a merged «Дата»), the columns' numbers, and the
    header again after a page break of a document."""
    rows = [
        ["", "", "", "план", "факт"],
        ["1", "2", "3", "4", "5"],
        [1, "Доли", "", "14.10", "15.10"],
        ["№", "Тема", "Часы", "Дата", ""],
        [2, "Дроби", "", "16.10", ""],
    ]
    p = plan(["№", "Тема", "Часы", "Дата", None], rows)
    assert [(e.line, e.number, e.topic, e.planned_date) for e in p.entries] == [
        (4, 1, "Доли", dt.date(2026, 10, 14)),
        (6, 2, "Дроби", dt.date(2026, 10, 16)),
    ]
    assert p.valid


def test_sections_in_a_column_of_their_own_or_by_their_hours():
    p = plan(
        ["№", "Раздел", "Тема урока", "Часы"],
        [
            [1, "Числа", "Счёт", ""],
            [2, None, "Запись чисел", ""],  # the section's cell merged down
            [None, "Дроби", None, None],  # the section alone
            [3, "Дроби", "Доли", ""],
            ["", "", "Повторение", 12],  # more hours than a topic has: a section
            [4, "", "Итоговая контрольная работа", 1],
        ],
    )
    assert p.sections == ("Числа", "Дроби", "Повторение")
    assert [(e.number, e.section) for e in p.entries] == [
        (1, "Числа"),
        (2, "Числа"),
        (3, "Дроби"),
        (4, "Повторение"),
    ]
    assert p.valid
    kinds = [
        "Модуль 2",
        "Блок А. Геометрия",
        "Часть 1",
        "Тема 3. Дроби",
        "Тема №4: Углы",
        "Повторение (6 часов)",
    ]
    p = plan(["№", "Тема"], [["", kind] for kind in kinds] + [[1, "Урок"]])
    assert p.sections == tuple(kinds)
    assert [e.section for e in p.entries] == ["Повторение (6 часов)"]
    assert plan(["№", "Тема"], [["", "Всего часов: 34"], [1, "Урок"]]).sections == ()


# --- hours, ranges, numbering ----------------------------------------------------------------


def test_hours_as_written_and_ranges():
    p = numbered(
        [(1, "2"), (3, "2 ч"), (5, "2,0"), (7, 2.0), (9, ""), ("10-11", ""), ("12–13", 2), ("14—16", "")]
    )
    assert [(e.number, e.hours) for e in p.entries] == [
        (1, 2),
        (3, 2),
        (5, 2),
        (7, 2),
        (9, 1),
        (10, 2),
        (12, 2),
        (14, 3),
    ]
    assert p.hours == 16 and p.valid
    without_hours = plan(["№", "Тема"], [[1, "Счёт"], ["2-3", "Запись"], [4.0, "Сравнение"]])
    assert [(e.number, e.hours) for e in without_hours.entries] == [(1, 1), (2, 2), (4, 1)]
    assert without_hours.valid


def test_numbering_by_hours_and_by_topics_are_both_accepted():
    by_hours = numbered([(1, 2), (3, 1), (4, 3), (7, 1), ("8-9", ""), (10, 1)])
    by_topics = numbered([(1, 2), (2, 1), (3, 3), (4, 1), ("5-6", ""), (7, 1)])
    assert by_hours.valid and by_topics.valid
    assert by_hours.hours == by_topics.hours == 10
    # numbering that starts again at 1 in every section
    p = plan(["№", "Тема"], [["Раздел 1", ""], [1, "А"], [2, "Б"], ["Раздел 2", ""], [1, "В"], [2, "Г"]])
    assert [(e.number, e.section) for e in p.entries] == [
        (1, "Раздел 1"),
        (2, "Раздел 1"),
        (1, "Раздел 2"),
        (2, "Раздел 2"),
    ]
    assert p.valid


def test_numbering_gaps_repeats_and_steps_back():
    p = numbered([(1, 1), (2, 1), (3, 1), (6, 1), (7, 1), (9, 1), (5, 1), (10, 1), (10, 1), (11, 1)])
    assert problems(p) == {
        5: ("Пропущены номера 4–5: после урока 3 идёт 6.",),
        7: ("Пропущен номер 8: после урока 7 идёт 9.",),
        8: ("Номер 5 меньше предыдущего (9).",),
        10: ("Номер 10 уже был (строка 9).",),
    }
    assert not p.valid and p.problems == ()
    # the gap after a topic of two hours, as the file numbers them
    assert problems(numbered([(1, 2), (3, 2), (7, 1)])) == {
        4: ("Пропущены номера 5–6: после урока 3 идёт 7.",)
    }
    assert problems(numbered([(1, 2), (2, 2), (5, 1)])) == {
        4: ("Пропущены номера 3–4: после урока 2 идёт 5.",)
    }
    assert problems(numbered([("4-5", ""), (8, 1)]))[3] == ("Пропущены номера 6–7: после урока 4–5 идёт 8.",)
    assert problems(numbered([("4-5", ""), (5, 1)]))[3] == ("Номер 5 уже был (строка 2).",)
    # a row without a readable number: the next one is not blamed for the gap
    assert problems(numbered([(1, 1), ("2а", 1), (3, 1)])) == {3: ("Номер урока «2а» — не число.",)}


def test_a_plan_that_does_not_start_at_one():
    assert numbered([(3, 1), (4, 1)]).problems == (
        "Нет уроков 1–2: нумерация начинается с 3. Проверьте, весь ли план в файле.",
    )
    p = numbered([(2, 1)])
    assert p.problems == ("Нет урока 1: нумерация начинается с 2. Проверьте, весь ли план в файле.",)
    assert p.invalid == () and not p.valid


# --- a row's problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["", "Тема без номера", "", "", "", ""], "Нет номера урока."),
        (["5а", "Тема", "", "", "", ""], "Номер урока «5а» — не число."),
        (["пятый", "Тема", "", "", "", ""], "Номер урока «пятый» — не число."),
        (["0", "Тема", "", "", "", ""], "Номер урока «0»: номера начинаются с 1."),
        (["6-5", "Тема", "", "", "", ""], "Номер урока «6-5»: конец диапазона меньше начала."),
        (
            [dt.datetime(2026, 6, 5), "Тема", "", "", "", ""],
            "Номер урока «05.06.2026» — дата, а не номер: Excel делает из «5-6» дату; "
            "введите номер как текст (формат ячейки «Текстовый»).",
        ),
        ([1, "", "", "№ 3", "", ""], "Нет темы урока."),
        ([1, "Тема " + "а" * 607, "", "", "", ""], "Тема длиннее 500 знаков (612): сократите её."),
        ([1, "Тема", "99", "", "", ""], "Часов «99»: от 1 до 8."),
        ([1, "Тема", 0, "", "", ""], "Часов «0»: от 1 до 8."),
        ([1, "Тема", "-1", "", "", ""], "Часов «-1»: от 1 до 8."),
        ([1, "Тема", "1,5", "", "", ""], "Часов «1,5»: от 1 до 8."),
        ([1, "Тема", 1.5, "", "", ""], "Часов «1.5»: от 1 до 8."),
        ([1, "Тема", "два", "", "", ""], "Часов «два»: от 1 до 8."),
        (["1-2", "Тема", 3, "", "", ""], "Уроки 1–2 — это 2 ч, а часов указано 3."),
        (
            ["1-10", "Тема", "", "", "", ""],
            "Уроки 1–10 в одной строке — это 10 ч, а на одну тему можно от 1 до 8.",
        ),
        ([1, "Тема", "", "а" * 2001, "", ""], "Домашнее задание длиннее 2000 знаков (2001): сократите его."),
        ([1, "Тема", "", "", "к" * 101, ""], "Вид работы длиннее 100 знаков (101): сократите его."),
        ([1, "Тема", "", "", "", "32.10"], "Дата «32.10» не распознана: ДД.ММ.ГГГГ."),
        ([1, "Тема", "", "", "", "14.13.2026"], "Дата «14.13.2026» не распознана: ДД.ММ.ГГГГ."),
        ([1, "Тема", "", "", "", "сентябрь"], "Дата «сентябрь» не распознана: ДД.ММ.ГГГГ."),
        ([1, "Тема", "", "", "", "14.10.2026г"], "Дата «14.10.2026г» не распознана: ДД.ММ.ГГГГ."),
    ],
)
def test_a_row_problem_and_its_message(row, expected):
    p = plan(SHORT, [row])
    assert [e.problems for e in p.entries] == [(expected,)]
    assert not p.valid


def test_a_row_with_several_problems_keeps_them_all_and_the_rest_of_the_row():
    e = entry(["x", "", "12", "№ 5", "с/р", "1 неделя"])
    assert e.problems == (
        "Номер урока «x» — не число.",
        "Нет темы урока.",
        "Часов «12»: от 1 до 8.",
        "Дата «1 неделя» не распознана: ДД.ММ.ГГГГ.",
    )
    assert (e.number, e.hours, e.homework, e.work_type, e.planned_date) == (None, 1, "№ 5", "с/р", None)
    assert entry_summary(e) == "(без номера) (без темы), д/з: № 5, с/р"


# --- dates -----------------------------------------------------------------------------------


def test_dates_in_every_form_and_day_month_in_the_school_year():
    written = {
        "14.10": dt.date(2026, 10, 14),
        "14.10.": dt.date(2026, 10, 14),
        "01.09": dt.date(2026, 9, 1),
        "31.12": dt.date(2026, 12, 31),
        "14.01": dt.date(2027, 1, 14),
        "31.08": dt.date(2027, 8, 31),
        "14.10.2026": dt.date(2026, 10, 14),
        "14.10.26": dt.date(2026, 10, 14),
        "2026-10-14": dt.date(2026, 10, 14),
        "14/10/2026": dt.date(2026, 10, 14),
        "14.10/16.10": dt.date(2026, 10, 14),
        "14.10.2026 - 16.10.2026": dt.date(2026, 10, 14),
        "14.10 16.10": dt.date(2026, 10, 14),
        dt.datetime(2026, 10, 14, 0, 0): dt.date(2026, 10, 14),
        dt.date(2026, 10, 14): dt.date(2026, 10, 14),
        "": None,
    }
    p = plan(["№", "Тема", "Дата"], [[i + 1, "Тема", value] for i, value in enumerate(written)])
    assert [e.planned_date for e in p.entries] == list(written.values())
    assert p.valid
    # 29 February is in the school year only when its spring has one
    assert entry([1, "Тема", "29.02"], ["№", "Тема", "Дата"], year_start=2027).planned_date == dt.date(
        2028, 2, 29
    )
    assert entry([1, "Тема", "29.02"], ["№", "Тема", "Дата"]).problems == (
        "Дата «29.02» не распознана: ДД.ММ.ГГГГ.",
    )


def test_day_month_falls_in_the_school_year_of_today_by_default():
    rows = [["№", "Тема", "Дата"], [1, "А", "14.10"], [2, "Б", "14.01"]]

    def dates() -> list:
        return [e.planned_date for e in parse_rows(rows).entries]

    assert clock.today() == dt.date(2026, 11, 28)  # tests/conftest.py
    assert dates() == [dt.date(2026, 10, 14), dt.date(2027, 1, 14)]
    clock.freeze(dt.date(2027, 8, 31))
    assert dates() == [dt.date(2026, 10, 14), dt.date(2027, 1, 14)]
    clock.freeze(dt.date(2027, 9, 1))
    assert dates() == [dt.date(2027, 10, 14), dt.date(2028, 1, 14)]
    assert [e.planned_date for e in parse_rows(rows, year_start=2025).entries] == [
        dt.date(2025, 10, 14),
        dt.date(2026, 1, 14),
    ]


# --- tables that are no plan -------------------------------------------------------------


def test_tables_that_are_not_a_plan():
    with pytest.raises(ValidationError, match="Файл пуст"):
        parse_rows([[], ["", None]])
    hint = "проверьте кодировку (UTF-8 или Windows-1251) и разделитель"
    with pytest.raises(ValidationError, match="«№ урока» и «Тема урока»") as refused:
        parse_rows([["Класс", "Предмет"], ["5А", "Математика"]], "csv")
    assert hint in str(refused.value)
    with pytest.raises(ValidationError, match="Не найдена строка заголовков плана") as refused:
        parse_rows([["Тема урока", "Часы"], ["Доли", 1]], "xlsx")  # no number column
    assert hint not in str(refused.value)
    # the header eleven rows down is not looked for
    with pytest.raises(ValidationError, match="Не найдена строка заголовков"):
        parse_rows([["Заголовок"]] * 10 + [["№", "Тема"], [1, "Доли"]])
    long = [[i + 1, f"Тема {i + 1}"] for i in range(MAX_ROWS)]
    assert len(parse_rows([["№", "Тема"], *long]).entries) == MAX_ROWS
    with pytest.raises(ValidationError, match="В файле больше 1000 строк: проверьте, тот ли это файл."):
        parse_rows([["№", "Тема"], *long, [MAX_ROWS + 1, "Лишняя"]])
    only_header = parse_rows([["№", "Тема"], ["Раздел 1", ""], ["Итого", ""]])
    assert only_header.entries == () and only_header.sections == ("Раздел 1",)
    assert only_header.problems == (
        "В плане нет ни одного урока: под строкой заголовков нет строк с номером и темой.",
    )
    assert not only_header.valid


def test_header_score_counts_the_plans_columns():
    assert header_score([["Заголовок"], HEADERS, [1, "Доли"]]) == 5
    assert header_score([["№;Тема урока;Часы"]]) == 0
    assert header_score([["Тема", "Часы"]]) == 0


def test_entry_summary():
    e = PlanEntry(12, 12, "Сложение дробей", 2, "№45", "контрольная", dt.date(2026, 10, 14))
    assert entry_summary(e) == "12. Сложение дробей (2 ч), д/з: №45, контрольная, 14.10"
    assert entry_summary(PlanEntry(3, 1, "Доли", 1)) == "1. Доли"


# --- files -----------------------------------------------------------------------------------


def csv_bytes(rows: list[list], sep: str = ";", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(sep.join(str(v) for v in row) for row in rows).encode(encoding)


def test_a_windows_1251_csv_with_semicolons(tmp_path):
    path = tmp_path / "ктп.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Календарно-тематическое планирование", "", "", "", "", ""],
                HEADERS,
                [SECTION_1, "", "", "", "", ""],
                ["1", "Обозначение натуральных чисел", "1", "02.09", "", '"№ 1, 2; № 3"'],
                ["2", "Отрезок, длина отрезка", "2", "03.09.2026", "", ""],
                ["", "Итого", "3", "", "", ""],
            ],
            encoding="cp1251",
        )
    )
    p = plan_import.read_plan(path, year_start=2026)
    assert p.fmt == "csv"
    assert p.columns == ("№ урока", "Тема урока", "Кол-во часов", "Дата по плану", "Домашнее задание")
    assert [
        (e.line, e.number, e.topic, e.hours, e.planned_date, e.homework, e.section) for e in p.entries
    ] == [
        (4, 1, "Обозначение натуральных чисел", 1, dt.date(2026, 9, 2), "№ 1, 2; № 3", SECTION_1),
        (5, 2, "Отрезок, длина отрезка", 2, dt.date(2026, 9, 3), "", SECTION_1),
    ]
    assert p.valid
    # the same with commas in UTF-8
    comma = csv_bytes([["№", "Тема", "Часы"], ["1", "Доли", "1"]], ",")
    assert plan_import.parse_bytes(comma, "ктп.csv").columns == ("№", "Тема", "Часы")
    with pytest.raises(ValidationError, match="Не найдена строка заголовков плана.*разделитель"):
        plan_import.parse_bytes(csv_bytes([["Класс", "Предмет"]]), "x.csv")


def test_an_xlsx_with_title_rows_and_a_merged_section_row(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Календарно-тематическое планирование по математике, 5 класс"])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append([SECTION_1])
    sheet.merge_cells("A4:F4")
    sheet.append([1.0, "Обозначение натуральных чисел", 1, dt.datetime(2026, 9, 2), None, "№ 1"])
    sheet.append(["2-3", "Отрезок", None, "03.09", None, "№ 15"])
    sheet.append([4, "Плоскость", 1.0, "14.01", None, None])
    path = tmp_path / "ктп.xlsx"
    book.save(path)
    p = plan_import.read_plan(path, year_start=2026)
    assert p.fmt == "xlsx" and p.ignored == ("Дата факт",)
    assert [(e.line, e.number, e.hours, e.planned_date, e.homework, e.section) for e in p.entries] == [
        (5, 1, 1, dt.date(2026, 9, 2), "№ 1", SECTION_1),
        (6, 2, 2, dt.date(2026, 9, 3), "№ 15", SECTION_1),
        (7, 4, 1, dt.date(2027, 1, 14), "", SECTION_1),
    ]
    assert p.valid and p.hours == 4


def test_an_ods(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="КТП")
    for values in [
        ["№", "Тема урока", "Часы", "Дата"],
        [1, "Доли", 2, dt.date(2026, 9, 2)],
        ["Итого", "", 2, ""],
    ]:
        tr = TableRow()
        for value in values:
            if isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
            elif isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    path = tmp_path / "ктп.ods"
    path.write_bytes(out.getvalue())
    p = plan_import.read_plan(path)
    assert p.fmt == "ods"
    assert [(e.line, e.number, e.topic, e.hours, e.planned_date) for e in p.entries] == [
        (2, 1, "Доли", 2, dt.date(2026, 9, 2))
    ]
    assert p.valid


def test_files_that_cannot_be_read(tmp_path):
    broken = tmp_path / "ктп.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(ValidationError, match="Файл «ктп.xlsx» повреждён: архив таблицы не читается"):
        plan_import.read_plan(broken)
    with pytest.raises(ValidationError, match="старом формате Excel 97–2003 \\(xls\\)"):
        plan_import.parse_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "ктп.xls")
    with pytest.raises(ValidationError, match="не является книгой Excel"):
        plan_import.parse_bytes(b"just text", "ктп.xlsx")
    with pytest.raises(ValidationError, match="пуст"):
        plan_import.parse_bytes(b"", "ктп.csv")
    with pytest.raises(ValidationError, match="Файла «.*nope.csv» нет"):
        plan_import.read_plan(tmp_path / "nope.csv")
    assert plan_import.TOO_BIG.format(name="ктп.xlsx", mb=12) == (
        "Файл «ктп.xlsx» слишком большой для календарно-тематического плана (12 МБ; можно до 10 МБ): "
        "проверьте, тот ли это файл."
    )
