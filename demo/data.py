"""A demonstration school, filled the way a real one fills up from 1 September to today.

`journal demo` calls `build_demo()`. An existing demo store is reused (its logins are kept
in the Setting "demo.logins"); otherwise a school is built in one transaction, so a failed
build leaves no half-made school behind:

- staff, the year, subjects, classes, homerooms, teaching load, subgroups, the weekly
  timetable, the pupils' moves (arrivals, departures, a transfer) and the diary accounts go
  through the services in models/, audited as the administrator or the homeroom teacher;
- the bulk of the journal (lessons, marks, absences, final marks, subgroup membership and,
  for the whole-school size, pupils, guardians, enrollments and consents) is inserted in
  chunks, with one audit entry "demo.build" saying so.

The journal runs from 1 September to today (`full_year`: to the end of the last period, as
if the year were over: for measurements). Marks follow strong, average and weak pupils; the
periods that have ended get the suggested period marks (and the year mark once the year is
over); absences tell the weekly excuse story (н → б/у with a document, some never excused);
a few lessons lack a topic or marks, and one careless course lacks its latest period marks,
so the control reports have something to find. Grade 1 gets no marks (безотметочное
обучение), as in a real school.

Random choices come from fixed seeds, one stream per stage, so the people and logins are the
same on every build and the journal is the same for the same day (the clock's today).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import chunked, fn

from models.core import audit, clock
from models.core.access import SYSTEM, Actor, actor_of
from models.core.db import database
from models.core.errors import ValidationError
from models.core.schema import (
    Absence,
    Consent,
    Enrollment,
    FinalMark,
    Guardian,
    Lesson,
    Mark,
    Setting,
    Student,
    StudentGuardian,
    SubgroupMember,
    User,
    WorkType,
)
from models.core.settings import load as load_settings
from models.core.store import is_initialized, open_store
from models.journal.grading import averages, round_mark, suggest_period_mark
from models.people import accounts, guardians, roster
from models.school.calendar import create_year, periods_for_grade, year_start_for
from models.school.classes import LETTERS, create_class
from models.school.identity import DEMO_LOGINS_KEY, demo_logins, init_school
from models.school.load import create_course, create_subgroups
from models.school.subjects import create_subject
from models.school.timetable import add_timetable_entry

SIZES = ("small", "school")
LOGINS_KEY = DEMO_LOGINS_KEY
SEED = 20260901
SCHOOL_NAME = "МБОУ «Средняя общеобразовательная школа № 7» (демонстрационная)"
PASSWORDS = {
    "admin": "demo-admin-1",
    "homeroom": "demo-homeroom-1",
    "teacher": "demo-teacher-1",
    "guardian": "demo-parent-1",
    "student": "demo-pupil-1",
}
ROLE_ORDER = ("admin", "homeroom", "teacher", "guardian", "student")
DEMO_CLASS = (5, "А")  # the class the printed logins belong to
OTHER_CLASS = (5, "Б")
SMALL_CLASSES = {5: 2}
SCHOOL_CLASSES = {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 3, 9: 2, 10: 2, 11: 2}
CLASS_SIZE = (25, 30)
EXTRA_DIARY_ACCOUNTS = 6  # besides the printed ones: most pupils and parents have none (R2)


@dataclass(frozen=True)
class DemoResult:
    db: str  # where the store is (a path, or the URL without its password)
    logins: list[dict]  # {"role", "login", "password", "name"} in ROLE_ORDER
    seconds: float = 0.0  # build time; 0 when an existing demo was reused

    def as_dict(self) -> dict:
        return {"db": self.db, "logins": [dict(item) for item in self.logins]}


def build_demo(
    url: str | None,
    size: str = "small",
    full_year: bool = False,
    progress: Callable[[str], object] | None = None,
) -> DemoResult:
    """Open (or create) the store at `url` and make sure it holds the demo school."""
    if size not in SIZES:
        raise ValidationError(f"Размер демонстрационной школы: {' или '.join(SIZES)}.")
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    location = open_store(url, create=True)
    if is_initialized():
        logins = stored_logins()
        if logins is None:
            raise ValidationError(
                f"В базе {location.describe()} уже есть школа, и она не демонстрационная: "
                "для демо укажите другой файл (--db)."
            )
        say(f"Демонстрационная школа уже есть в {location.describe()}: используем её.")
        return DemoResult(location.describe(), logins, 0.0)
    say(f"Создаём демонстрационную школу в {location.describe()}…")
    with database.atomic():
        logins = _Builder(size, full_year, say).run()
    seconds = round(time.perf_counter() - started, 1)
    say(f"Готово за {seconds:.1f} с.")
    return DemoResult(location.describe(), logins, seconds)


def stored_logins() -> list[dict] | None:
    return demo_logins() or None


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(";"))


def _hours(text: str) -> list[tuple[str, int]]:
    """ "Русский язык 5; Литература 3" → [("Русский язык", 5), ("Литература", 3)]."""
    pairs = []
    for item in _items(text):
        name, hours = item.rsplit(" ", 1)
        pairs.append((name, int(hours)))
    return pairs


# --- names ----------------------------------------------------------------------------------

BOY_NAMES = _words(
    "Александр Максим Артём Михаил Иван Даниил Дмитрий Кирилл Андрей Егор Никита Илья Алексей "
    "Матвей Тимофей Роман Владимир Ярослав Фёдор Марк Лев Глеб Степан Арсений Денис Богдан "
    "Константин Павел Сергей Тимур Захар Савелий Семён Макар Георгий Николай Всеволод Платон"
)
GIRL_NAMES = _words(
    "Анастасия Мария Дарья Анна Елизавета Полина Виктория Екатерина Софья Александра Варвара "
    "Ксения Алиса Вероника Арина Ульяна Василиса Валерия Милана Алёна Ева Кира Маргарита "
    "Таисия Есения Злата Диана Ольга Вера Мирослава Юлия Татьяна"
)
WOMEN_NAMES = _words(
    "Елена Ольга Наталья Татьяна Ирина Светлана Юлия Анна Екатерина Мария Анастасия Марина "
    "Оксана Евгения Надежда Людмила Вера Галина Ксения Виктория Алёна Дарья Кристина Лариса "
    "Валентина Жанна Инна Любовь"
)
# A man's name → the patronymics it gives a son and a daughter (the irregular ones included).
PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Антон": ("Антонович", "Антоновна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Валерий": ("Валерьевич", "Валерьевна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Виталий": ("Витальевич", "Витальевна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Вячеслав": ("Вячеславович", "Вячеславовна"),
    "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Георгий": ("Георгиевич", "Георгиевна"),
    "Григорий": ("Григорьевич", "Григорьевна"),
    "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Иван": ("Иванович", "Ивановна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"),
    "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"),
    "Леонид": ("Леонидович", "Леонидовна"),
    "Максим": ("Максимович", "Максимовна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Никита": ("Никитич", "Никитична"),
    "Николай": ("Николаевич", "Николаевна"),
    "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Роман": ("Романович", "Романовна"),
    "Руслан": ("Русланович", "Руслановна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Станислав": ("Станиславович", "Станиславовна"),
    "Степан": ("Степанович", "Степановна"),
    "Фёдор": ("Фёдорович", "Фёдоровна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Ярослав": ("Ярославович", "Ярославовна"),
}
MEN_NAMES = tuple(PATRONYMICS)
SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
    "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов "
    "Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин "
    "Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв "
    "Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев "
    "Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов "
    "Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов "
    "Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов "
    "Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов Мальцев Логинов "
    "Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов "
    "Жданов Покровский Успенский Островский Вишневский Богословский Шевченко Бондаренко "
    "Ткаченко Черных Ким Седых Кравец"
)
STREETS = (
    "ул. Ленина",
    "ул. Садовая",
    "ул. Мира",
    "пр. Победы",
    "ул. Школьная",
    "ул. Молодёжная",
    "ул. Лесная",
    "ул. Гагарина",
    "ул. Советская",
    "ул. Заречная",
    "ул. Строителей",
    "ул. Полевая",
)
MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru")
OTHER_SCHOOLS = (
    "МБОУ СОШ № 3",
    "МАОУ «Лицей № 1»",
    "МБОУ «Гимназия № 2»",
    "МБОУ СОШ № 12",
    "школа другого города (переезд)",
)


def feminine(surname: str) -> str:
    """The woman's form of a surname: Иванов → Иванова, Островский → Островская, Ким → Ким."""
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def gendered(surname: str, sex: str) -> str:
    return feminine(surname) if sex == "ж" else surname


def patronymic(father: str, sex: str) -> str:
    son, daughter = PATRONYMICS[father]
    return daughter if sex == "ж" else son


# --- curriculum (ФОП НОО/ООО/СОО, five-day week) ----------------------------------------

SUBJECTS = {
    "Русский язык": "Русский",
    "Литературное чтение": "Лит. чтение",
    "Литература": "Литература",
    "Математика": "Математика",
    "Алгебра": "Алгебра",
    "Геометрия": "Геометрия",
    "Вероятность и статистика": "Вер. и стат.",
    "Окружающий мир": "Окр. мир",
    "Английский язык": "Английский",
    "Информатика": "Информатика",
    "История": "История",
    "Обществознание": "Общество",
    "География": "География",
    "Биология": "Биология",
    "Физика": "Физика",
    "Химия": "Химия",
    "Музыка": "Музыка",
    "Изобразительное искусство": "ИЗО",
    "Технология": "Технология",
    "Основы безопасности и защиты Родины": "ОБЗР",
    "Физическая культура": "Физкультура",
}
# Weekly hours per subject and grade (ФОП НОО/ООО/СОО, five-day week).
_PRIMARY = _hours(
    "Русский язык 5; Литературное чтение 4; Математика 4; Окружающий мир 2; "
    "Английский язык 2; Изобразительное искусство 1; Музыка 1; Технология 1; "
    "Физическая культура 2"
)
_SENIOR = _hours(
    "Русский язык 2; Литература 3; Алгебра 3; Геометрия 2; Вероятность и статистика "
    "1; Информатика 1; История 2; Обществознание 2; География 1; Биология 1; Физика "
    "2; Химия 1; Английский язык 3; Основы безопасности и защиты Родины 1; Физическая "
    "культура 2"
)
CURRICULUM: dict[int, list[tuple[str, int]]] = {
    1: [(s, h) for s, h in _PRIMARY if s != "Английский язык"],
    2: _PRIMARY,
    3: _PRIMARY,
    4: _PRIMARY,
    5: _hours(
        "Русский язык 5; Литература 3; Математика 5; История 2; География 1; Биология 1; "
        "Английский язык 3; Информатика 1; Изобразительное искусство 1; Музыка 1; "
        "Технология 2; Физическая культура 2"
    ),
    6: _hours(
        "Русский язык 6; Литература 3; Математика 5; История 2; Обществознание 1; "
        "География 1; Биология 1; Английский язык 3; Информатика 1; Изобразительное "
        "искусство 1; Музыка 1; Технология 2; Физическая культура 2"
    ),
    7: _hours(
        "Русский язык 4; Литература 2; Алгебра 3; Геометрия 2; Вероятность и статистика "
        "1; Информатика 1; История 2; Обществознание 1; География 2; Биология 1; Физика "
        "2; Английский язык 3; Изобразительное искусство 1; Музыка 1; Технология 2; "
        "Физическая культура 2"
    ),
    8: _hours(
        "Русский язык 3; Литература 2; Алгебра 3; Геометрия 2; Вероятность и статистика "
        "1; Информатика 1; История 2; Обществознание 1; География 2; Биология 2; Физика "
        "2; Химия 2; Английский язык 3; Музыка 1; Технология 1; Основы безопасности и "
        "защиты Родины 1; Физическая культура 2"
    ),
    9: _hours(
        "Русский язык 3; Литература 3; Алгебра 3; Геометрия 2; Вероятность и статистика "
        "1; Информатика 1; История 2; Обществознание 1; География 2; Биология 2; Физика "
        "3; Химия 2; Английский язык 3; Основы безопасности и защиты Родины 1; Физическая "
        "культура 2"
    ),
    10: _SENIOR,
    11: _SENIOR,
}
SPLIT_SUBJECTS = ("Английский язык", "Информатика")  # two subgroups from grade 5
SPLIT_FROM_GRADE = 5
NO_MARKS_GRADE = 1
# In grades 1–4 the class's own teacher teaches these; specialists teach the rest.
HOMEROOM_TAUGHT = (
    "Русский язык",
    "Литературное чтение",
    "Математика",
    "Окружающий мир",
    "Изобразительное искусство",
    "Технология",
)
SPECIALTY = {
    "Русский язык": "rus",
    "Литература": "rus",
    "Математика": "math",
    "Алгебра": "math",
    "Геометрия": "math",
    "Вероятность и статистика": "math",
    "Английский язык": "eng",
    "Информатика": "inf",
    "История": "hist",
    "Обществознание": "hist",
    "География": "geo",
    "Биология": "bio",
    "Физика": "phys",
    "Химия": "chem",
    "Музыка": "music",
    "Изобразительное искусство": "art",
    "Технология": "tech",
    "Основы безопасности и защиты Родины": "obzr",
    "Физическая культура": "pe",
}
# Weekly hours one teacher of a specialty carries (a full post is 18; many carry more).
LOAD_CAP = {
    "rus": 20,
    "math": 20,
    "eng": 20,
    "inf": 18,
    "hist": 20,
    "geo": 18,
    "bio": 18,
    "phys": 20,
    "chem": 18,
    "music": 22,
    "art": 18,
    "tech": 20,
    "obzr": 22,
    "pe": 22,
}
MALE_SHARE = {"pe": 0.6, "obzr": 0.8, "tech": 0.4, "inf": 0.4, "phys": 0.3}
CONTROL_EVERY = {  # a контрольная every n-th lesson of a course (0: none)
    "Русский язык": 10,
    "Математика": 10,
    "Алгебра": 10,
    "Геометрия": 9,
    "Физика": 10,
    "Химия": 10,
    "Английский язык": 10,
    "Литература": 14,
    "История": 14,
    "Обществознание": 14,
    "География": 14,
    "Биология": 14,
    "Информатика": 12,
    "Вероятность и статистика": 12,
    "Окружающий мир": 14,
    "Литературное чтение": 14,
    "Основы безопасности и защиты Родины": 0,
    "Музыка": 0,
    "Изобразительное искусство": 0,
    "Технология": 0,
    "Физическая культура": 0,
}

TOPICS = {  # a year's topics per subject and band (grades 1–4, 5–11 or any), in order
    ("Русский язык", "primary"): _items(
        "Звуки и буквы; Гласные и согласные звуки; Ударение; Перенос слов; Правописание "
        "жи–ши, ча–ща, чу–щу; Имя существительное; Имя прилагательное; Глагол; "
        "Предложение и текст; Безударные гласные в корне; Парные согласные; "
        "Разделительный мягкий знак"
    ),
    ("Русский язык", "main"): _items(
        "Повторение изученного в начальной школе; Орфограммы в корне слова; Чередование "
        "гласных в корне; Правописание приставок; Синтаксис и пунктуация; "
        "Словосочетание; Простое предложение; Однородные члены предложения; Обращение; "
        "Сложное предложение; Прямая речь; Морфемика и словообразование; Лексика; Имя "
        "существительное как часть речи; Склонение существительных; Имя прилагательное"
    ),
    ("Литературное чтение", "primary"): _items(
        "Устное народное творчество; Русские народные сказки; Басни И. А. Крылова; А. "
        "С. Пушкин. Сказки; Стихи о природе; Рассказы Л. Н. Толстого; Н. Н. Носов. "
        "Рассказы; Внеклассное чтение"
    ),
    ("Литература", "main"): _items(
        "Введение. Книга и её роль; Мифы и легенды; Русские народные сказки; "
        "Древнерусская литература; И. А. Крылов. Басни; А. С. Пушкин. Лирика; М. Ю. "
        "Лермонтов. «Бородино»; Н. В. Гоголь. «Вечера на хуторе близ Диканьки»; И. С. "
        "Тургенев. «Муму»; Н. А. Некрасов. Стихотворения; Л. Н. Толстой. «Кавказский "
        "пленник»; А. П. Чехов. Рассказы; Развитие речи. Сочинение; Внеклассное чтение"
    ),
    ("Математика", "primary"): _items(
        "Числа от 1 до 100; Сложение и вычитание; Таблица умножения; Деление; Задачи на "
        "движение; Единицы длины; Периметр и площадь; Порядок действий; Письменное "
        "сложение; Решение задач"
    ),
    ("Математика", "main"): _items(
        "Натуральные числа; Действия с натуральными числами; Степень числа; Делимость "
        "чисел; Обыкновенные дроби; Сложение и вычитание дробей; Умножение и деление "
        "дробей; Десятичные дроби; Проценты; Решение текстовых задач; Наглядная "
        "геометрия; Координатная прямая"
    ),
    ("Алгебра", "main"): _items(
        "Выражения и их преобразования; Линейное уравнение; Системы уравнений; Функции "
        "и графики; Степень с натуральным показателем; Многочлены; Формулы сокращённого "
        "умножения; Квадратные уравнения; Неравенства; Квадратичная функция; "
        "Арифметическая прогрессия; Тригонометрические функции"
    ),
    ("Геометрия", "main"): _items(
        "Начальные понятия геометрии; Треугольники; Признаки равенства треугольников; "
        "Параллельные прямые; Четырёхугольники; Теорема Пифагора; Подобие "
        "треугольников; Окружность; Векторы; Площади фигур"
    ),
    ("Вероятность и статистика", "main"): _items(
        "Представление данных; Описательная статистика; Случайные события; Вероятность "
        "события; Графы; Комбинаторика"
    ),
    ("Окружающий мир", "primary"): _items(
        "Природа и её сезонные изменения; Растения и животные; Наш край; Человек и "
        "общество; Правила безопасного поведения; Россия — наша Родина; Вода и воздух; "
        "Экологические проблемы"
    ),
    ("Английский язык", "primary"): _items(
        "Hello! Знакомство; My family; Colours and numbers; My toys; Animals; Food; My school; Alphabet"
    ),
    ("Английский язык", "main"): _items(
        "School days; Present Simple; That's me; My home, my castle; Present "
        "Continuous; Family ties; Past Simple; Animals from all over the world; Round "
        "the clock; Travel and leisure; Степени сравнения прилагательных; Reading: a "
        "short story"
    ),
    ("Информатика", "main"): _items(
        "Техника безопасности. Компьютер; Информация и информационные процессы; Файлы и "
        "папки; Кодирование информации; Текстовый редактор; Алгоритмы и исполнители; "
        "Системы счисления; Электронные таблицы; Программирование на Python; "
        "Компьютерные сети"
    ),
    ("История", "main"): _items(
        "Введение. Счёт лет в истории; Первобытность; Древний Египет; Древняя "
        "Месопотамия; Древняя Греция; Древний Рим; Русь в IX–XII веках; Раннее Новое "
        "время; Россия в XVIII веке; Россия в XIX веке; Работа с историческими "
        "источниками"
    ),
    ("Обществознание", "main"): _items(
        "Человек и общество; Социальные нормы; Экономика и её роль; Право и "
        "правоотношения; Конституция Российской Федерации; Политика и власть; Духовная "
        "сфера"
    ),
    ("География", "main"): _items(
        "Что изучает география; План и карта; Литосфера; Гидросфера; Атмосфера; "
        "Биосфера; Природа России; Население мира; Практическая работа с картой"
    ),
    ("Биология", "main"): _items(
        "Биология — наука о живой природе; Клетка; Ткани; Растения; Животные; Человек и "
        "его здоровье; Экосистемы; Лабораторная работа с микроскопом"
    ),
    ("Физика", "main"): _items(
        "Физические величины и измерения; Строение вещества; Механическое движение; "
        "Масса и плотность; Силы в природе; Давление; Работа и мощность; Тепловые "
        "явления; Электрические явления; Лабораторная работа"
    ),
    ("Химия", "main"): _items(
        "Предмет химии. Вещества; Атомы и молекулы; Химические формулы; Валентность; "
        "Химические реакции; Кислород. Оксиды; Вода. Растворы; Основные классы "
        "неорганических соединений; Практическая работа"
    ),
    ("Музыка", "any"): _items(
        "Музыка вокруг нас; Русская народная песня; Музыкальные инструменты; Музыка П. "
        "И. Чайковского; Опера и балет; Музыка в кино; Хоровое пение"
    ),
    ("Изобразительное искусство", "any"): _items(
        "Цвет и его оттенки; Рисунок с натуры; Декоративно-прикладное искусство; "
        "Народные промыслы; Пейзаж; Портрет; Натюрморт"
    ),
    ("Технология", "any"): _items(
        "Техника безопасности; Работа с бумагой; Материалы и их свойства; Проектная "
        "деятельность; Технология обработки древесины; Кулинария; Робототехника"
    ),
    ("Основы безопасности и защиты Родины", "main"): _items(
        "Безопасность в повседневной жизни; Первая помощь; Безопасность на дорогах; "
        "Пожарная безопасность; Защита населения в чрезвычайных ситуациях; Основы "
        "военной подготовки"
    ),
    ("Физическая культура", "any"): _items(
        "Лёгкая атлетика: бег; Прыжки в длину; Метание мяча; Гимнастика; Баскетбол; "
        "Волейбол; Подвижные игры; Лыжная подготовка; Сдача нормативов"
    ),
}

LESSON_START = (
    dt.time(8, 30),
    dt.time(9, 25),
    dt.time(10, 30),
    dt.time(11, 35),
    dt.time(12, 35),
    dt.time(13, 35),
    dt.time(14, 30),
    dt.time(15, 25),
    dt.time(16, 20),
    dt.time(17, 10),
)
PUBLIC_HOLIDAYS = ((11, 4), (2, 23), (3, 8), (5, 1), (5, 9))
SHARE_ASKED = {1: (0.5, 0.65), 2: (0.35, 0.45), 0: (0.25, 0.35)}  # by weekly hours
CHUNK_VALUES = 8000  # bound values per INSERT (under both SQLite's and PostgreSQL's limits)


# --- the plan, as plain objects ---------------------------------------------------------------


@dataclass(eq=False)
class PTeacher:
    surname: str
    first_name: str
    patronymic: str
    specialty: str
    load: int = 0
    login: str = ""
    user_id: int = 0

    @property
    def name(self) -> str:
        return f"{self.surname} {self.first_name} {self.patronymic}"


@dataclass(eq=False)
class PCourse:
    subject: str
    hours: int
    teacher: PTeacher
    group: int | None = None  # subgroup number
    id: int = 0
    sloppy: bool = False  # its teacher skips topics and period marks (R14 finds it)


@dataclass(eq=False)
class PClass:
    grade: int
    letter: str
    id: int = 0
    homeroom: PTeacher | None = None
    courses: list[PCourse] = field(default_factory=list)
    subgroups: dict[str, list[int]] = field(default_factory=dict)  # subject → subgroup ids
    timetable: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # weekday → …
    periods: list = field(default_factory=list)  # PeriodInfo

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def key(self) -> tuple[int, str]:
        return (self.grade, self.letter)


@dataclass(eq=False)
class PAdult:
    surname: str
    first_name: str
    patronymic: str
    relation: str
    phone: str
    email: str = ""
    may_receive_credentials: bool = True
    id: int = 0


@dataclass(eq=False)
class PFamily:
    surname: str  # the man's form
    father_name: str  # gives the children's patronymic
    address: str
    adults: list[PAdult] = field(default_factory=list)
    children: list[PPupil] = field(default_factory=list)


@dataclass(eq=False)
class PPupil:
    surname: str
    first_name: str
    patronymic: str
    sex: str
    birth_date: dt.date
    family: PFamily
    level: float  # the pupil's usual mark
    sickly: bool = False
    in_hospital: bool = False  # most of the first period ill: н/а in some subjects
    exempt_pe: bool = False
    phone: str = ""
    notes: str = ""
    stints: list[tuple[PClass, dt.date, dt.date | None, str]] = field(default_factory=list)
    consent: bool = True
    verified_on: dt.date | None = None
    id: int = 0

    @property
    def name(self) -> str:
        return f"{self.surname} {self.first_name} {self.patronymic}"

    def card(self) -> dict:
        return {
            "surname": self.surname,
            "first_name": self.first_name,
            "patronymic": self.patronymic,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "address": self.family.address,
            "phone": self.phone,
            "notes": self.notes,
        }


# --- helpers -------------------------------------------------------------------------------


def _insert(model, fields: Sequence, rows: list[tuple]) -> None:
    """Bulk insert in chunks (the caller holds the transaction)."""
    if not rows:
        return
    size = max(1, CHUNK_VALUES // len(fields))
    for batch in chunked(rows, size):
        model.insert_many(batch, fields=list(fields)).as_rowcount().execute()


def _insert_ids(model, fields: Sequence, rows: list[tuple]) -> list[int]:
    """Bulk insert and return the new ids in the order of `rows` (one writer: we hold the lock)."""
    before = model.select(fn.MAX(model.id)).scalar() or 0
    _insert(model, fields, rows)
    ids = [row[0] for row in model.select(model.id).where(model.id > before).order_by(model.id).tuples()]
    if len(ids) != len(rows):  # pragma: no cover - would mean a concurrent writer
        raise ValidationError("Демонстрационная школа: не удалось сопоставить вставленные строки.")
    return ids


def _at(day: dt.date, hour: int, minute: int = 0, later: int = 0) -> dt.datetime:
    """`day` at hour:minute, plus `later` minutes."""
    return dt.datetime.combine(day, dt.time(hour, minute)) + dt.timedelta(minutes=later)


def _school_days(quarters: Iterable, start: dt.date, end: dt.date) -> list[dt.date]:
    """Monday–Friday inside the quarters, without public holidays (moved off weekends)."""
    holidays: set[dt.date] = set()
    for year in (start.year, start.year + 1):
        for month, day in PUBLIC_HOLIDAYS:
            holiday = dt.date(year, month, day)
            holidays.add(holiday)
            if holiday.weekday() >= 5:
                holidays.add(holiday + dt.timedelta(days=7 - holiday.weekday()))
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in holidays and any(q.start <= day <= q.end for q in quarters):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _phone(rng: random.Random) -> str:
    return (
        f"+7 9{rng.randint(0, 99):02d} {rng.randint(100, 999)}-"
        f"{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
    )


# --- the builder -----------------------------------------------------------------------------


class _Builder:
    def __init__(self, size: str, full_year: bool, say: Callable[[str], object]) -> None:
        self.size = size
        self.full_year = full_year
        self.say = say
        self.today = clock.today()
        self.now = clock.now()
        self.start_year = year_start_for(self.today)
        self.teachers: list[PTeacher] = []
        self.classes: list[PClass] = []
        self.pupils: list[PPupil] = []
        self.families: list[PFamily] = []
        self.used_logins: set[str] = {"admin"}
        self.counts: dict[str, int] = {}
        self.departures: list[tuple[PPupil, dt.date, str]] = []
        self.transfer: tuple[PPupil, PClass, dt.date] | None = None
        self.stints_of: dict[int, list[tuple[PPupil, dt.date, dt.date | None]]] = {}
        self._keepers: dict[int, Actor] = {}

    # -- the whole build

    def run(self) -> list[dict]:
        self.say("Школа, учебный год, предметы…")
        self._school()
        self._plan_classes()
        self._plan_teachers()
        self.say(f"Учителя ({len(self.teachers)}) и их учётные записи…")
        self._create_staff()
        self.say(f"Классы ({len(self.classes)}), нагрузка, подгруппы и расписание…")
        self._create_classes()
        self._plan_timetable()
        self._create_timetable()
        self._plan_people()
        self.say(f"Учащиеся ({len(self.pupils)}) и их родители…")
        self._create_people()
        self._subgroup_members()
        self.say("Уроки, отметки и пропуски с 1 сентября…")
        self._journal()
        self.say("Итоговые отметки за прошедшие периоды…")
        self._final_marks()
        self.say("Учётные записи дневника и логины для входа…")
        logins = self._accounts()
        self._finish(logins)
        return logins

    # -- the frame

    def _school(self) -> None:
        rng = random.Random(SEED)
        admin_id = init_school(SCHOOL_NAME, "admin", PASSWORDS["admin"])
        surname, first, patr = self._adult_name(rng, "ж")
        self.admin_name = f"{surname} {first} {patr}"
        accounts.update_staff_user(SYSTEM, admin_id, surname=surname, first_name=first, patronymic=patr)
        self.admin = actor_of(User.get_by_id(admin_id))
        self.year_id = create_year(self.admin, self.start_year)
        self.subject_ids = {name: create_subject(self.admin, name, short) for name, short in SUBJECTS.items()}
        self.work_types = {wt.name: wt for wt in WorkType.select()}
        self.weights = {wt.id: Decimal(wt.weight) for wt in self.work_types.values()}
        self.default_weight = next(
            (Decimal(wt.weight) for wt in self.work_types.values() if wt.is_default), Decimal(1)
        )
        quarters = [p for p in periods_for_grade(self.year_id, 5) if p.kind == "quarter"]
        last_end = max(
            p.end
            for grade in (5, 10)  # quarters, half-years
            for p in periods_for_grade(self.year_id, grade)
        )
        self.horizon = last_end if self.full_year else min(self.today, last_end)
        year_start = dt.date(self.start_year, 9, 1)
        self.school_days = _school_days(quarters, year_start, self.horizon)
        # the days that have passed (events and consents never lie in the future)
        self.past_days = [d for d in self.school_days if d <= self.today]
        # the day the journal is "as of": today, or the end of the year for --full-year
        self.as_of = self.horizon if self.full_year else self.today

    def _adult_name(self, rng: random.Random, sex: str) -> tuple[str, str, str]:
        surname = gendered(rng.choice(SURNAMES), sex)
        first = rng.choice(WOMEN_NAMES if sex == "ж" else MEN_NAMES)
        return surname, first, patronymic(rng.choice(MEN_NAMES), sex)

    def _plan_classes(self) -> None:
        grades = SMALL_CLASSES if self.size == "small" else SCHOOL_CLASSES
        for grade, count in grades.items():
            for letter in LETTERS[:count]:
                self.classes.append(PClass(grade, letter))
        self.by_key = {c.key: c for c in self.classes}
        self.demo_class = self.by_key[DEMO_CLASS]

    def _plan_teachers(self) -> None:
        """Teaching load: the class teacher in grades 1–4, specialists spread evenly."""
        rng = random.Random(SEED + 1)
        units: dict[str, list[tuple[PClass, int | None, list[tuple[str, int]]]]] = defaultdict(list)
        for c in self.classes:
            bundles: dict[tuple[str, int | None], list[tuple[str, int]]] = defaultdict(list)
            for subject, hours in CURRICULUM[c.grade]:
                if c.grade <= 4 and subject in HOMEROOM_TAUGHT:
                    bundles[("prim", None)].append((subject, hours))
                elif subject in SPLIT_SUBJECTS and c.grade >= SPLIT_FROM_GRADE:
                    for group in (1, 2):
                        bundles[(SPECIALTY[subject], group)].append((subject, hours))
                else:
                    bundles[(SPECIALTY[subject], None)].append((subject, hours))
            for (specialty, group), taught in bundles.items():
                if specialty == "prim":
                    teacher = self._new_teacher(rng, "prim")
                    c.homeroom = teacher
                    self._give(c, teacher, taught, None)
                else:
                    units[specialty].append((c, group, taught))
        for specialty in LOAD_CAP:
            todo = units.get(specialty, [])
            if not todo:
                continue
            total = sum(h for _, _, taught in todo for _, h in taught)
            split = any(group for _, group, _ in todo)
            count = max(2 if split else 1, math.ceil(total / LOAD_CAP[specialty]))
            staff = [self._new_teacher(rng, specialty) for _ in range(count)]
            for c, group, taught in todo:
                taken = {
                    course.teacher
                    for course in c.courses
                    if group is not None and course.subject == taught[0][0]
                }
                teacher = min((t for t in staff if t not in taken), key=lambda t: (t.load, staff.index(t)))
                self._give(c, teacher, taught, group)
        # homerooms of grades 5–11: a teacher of the class (a language or mathematics teacher
        # first, then the one with most hours there), each at most one class
        busy = {c.homeroom for c in self.classes if c.homeroom}
        preference = ("rus", "math", "eng", "hist", "bio", "geo", "phys", "chem", "inf")
        for c in self.classes:
            if c.homeroom:
                continue
            hours: dict[PTeacher, int] = defaultdict(int)
            for course in c.courses:
                hours[course.teacher] += course.hours
            candidates = [t for t in hours if t not in busy]
            if c.key == DEMO_CLASS:  # the printed subject teacher (mathematics) stays free
                math_teachers = {x.teacher for x in c.courses if x.subject == "Математика"}
                candidates = [t for t in candidates if t not in math_teachers] or candidates
            candidates.sort(
                key=lambda t: (
                    preference.index(t.specialty) if t.specialty in preference else 99,
                    -hours[t],
                )
            )
            c.homeroom = candidates[0] if candidates else max(hours, key=hours.get)
            busy.add(c.homeroom)
        # one careless teacher in the demo class: no topics on many lessons, no period marks
        for course in self.demo_class.courses:
            if course.subject == "Музыка":
                course.sloppy = True

    def _new_teacher(self, rng: random.Random, specialty: str) -> PTeacher:
        sex = "м" if rng.random() < MALE_SHARE.get(specialty, 0.12) else "ж"
        surname, first, patr = self._adult_name(rng, sex)
        teacher = PTeacher(surname, first, patr, specialty)
        base = (
            accounts.transliterate(surname)
            + "."
            + (accounts.transliterate(first)[:1] + accounts.transliterate(patr)[:1])
        )
        login, n = base, 2
        while login in self.used_logins:
            login, n = f"{base}{n}", n + 1
        teacher.login = login
        self.used_logins.add(login)
        self.teachers.append(teacher)
        return teacher

    def _give(self, c: PClass, teacher: PTeacher, subjects: list[tuple[str, int]], group: int | None) -> None:
        for subject, hours in subjects:
            c.courses.append(PCourse(subject, hours, teacher, group))
            teacher.load += hours

    def _create_staff(self) -> None:
        homeroom = self.demo_class.homeroom
        teacher = self._printed_teacher()
        for t in self.teachers:
            password = None
            if t is homeroom:
                password = PASSWORDS["homeroom"]
            elif t is teacher:
                password = PASSWORDS["teacher"]
            issued = accounts.create_staff_user(
                self.admin, t.login, "teacher", t.surname, t.first_name, t.patronymic, password
            )
            t.user_id = issued.user_id

    def _printed_teacher(self) -> PTeacher:
        c = self.demo_class
        for course in c.courses:
            if course.subject == "Математика" and course.teacher is not c.homeroom:
                return course.teacher
        return next(x.teacher for x in c.courses if x.teacher is not c.homeroom)

    def _create_classes(self) -> None:
        for c in self.classes:
            info = create_class(self.admin, self.year_id, c.grade, c.letter, c.homeroom.user_id)
            c.id = info.id
            c.periods = periods_for_grade(self.year_id, c.grade)
            for subject in SPLIT_SUBJECTS:
                if c.grade >= SPLIT_FROM_GRADE and any(x.subject == subject for x in c.courses):
                    c.subgroups[subject] = create_subgroups(self.admin, c.id, self.subject_ids[subject], 2)
            for course in c.courses:
                subgroup = c.subgroups[course.subject][course.group - 1] if course.group else None
                course.id = create_course(
                    self.admin,
                    c.id,
                    self.subject_ids[course.subject],
                    course.teacher.user_id,
                    subgroup,
                )

    # -- the weekly timetable

    def _plan_timetable(self) -> None:
        """Per class a compact week (lessons 1…n a day), no teacher in two rooms at once."""
        rng = random.Random(SEED + 2)
        busy: set[tuple[int, int, int]] = set()  # (teacher index, weekday, number)
        index = {t: i for i, t in enumerate(self.teachers)}
        order = sorted(self.classes, key=lambda c: (c.grade <= 4, -c.grade, c.letter))
        self.timetable_gaps = 0
        for c in order:
            items: dict[str, list] = {}
            for course in c.courses:
                entry = items.setdefault(course.subject, [course.hours, set()])
                entry[1].add(index[course.teacher])
            subjects = list(items)
            total = sum(hours for hours, _ in items.values())
            base, extra = divmod(total, 5)
            per_day = {d: base + (1 if d in (2, 3, 4, 1, 5)[:extra] else 0) for d in range(1, 6)}
            best: tuple[int, dict, dict] | None = None
            for _attempt in range(80):
                left = {s: items[s][0] for s in subjects}
                on_day: dict[tuple[str, int], int] = defaultdict(int)
                grid: dict[tuple[int, int], str] = {}
                slots = [(d, n) for d in range(1, 6) for n in range(1, per_day[d] + 1)]
                rng.shuffle(slots)
                for d, n in slots:
                    free = [
                        s for s in subjects if left[s] > 0 and all((t, d, n) not in busy for t in items[s][1])
                    ]
                    pool = [s for s in free if on_day[(s, d)] == 0] or [
                        s for s in free if on_day[(s, d)] == 1 and left[s] > 1
                    ]
                    if not pool:
                        continue
                    pick = max(pool, key=lambda s: (len(items[s][1]), left[s] + rng.random()))
                    grid[(d, n)] = pick
                    left[pick] -= 1
                    on_day[(pick, d)] += 1
                missing = sum(left.values()) + self._holes(grid)
                if best is None or missing < best[0]:
                    best = (missing, grid, left)
                if missing == 0:
                    break
            assert best is not None
            _, grid, left = best
            self._repair(grid, left, items, busy)
            self.timetable_gaps += sum(left.values()) + self._holes(grid)
            c.timetable = defaultdict(list)
            for (d, n), subject in sorted(grid.items()):
                c.timetable[d].append((n, subject))
                for t in items[subject][1]:
                    busy.add((t, d, n))

    @staticmethod
    def _holes(grid: dict[tuple[int, int], str]) -> int:
        """Free lessons in the middle of a day (an "окно" for the pupils)."""
        holes = 0
        for d in range(1, 6):
            numbers = [n for day, n in grid if day == d]
            holes += (max(numbers) - len(numbers)) if numbers else 0
        return holes

    @staticmethod
    def _repair(grid: dict, left: dict, items: dict, busy: set) -> None:
        """Put what did not fit into holes, else after the day's last lesson; close holes."""

        def free(subject: str, d: int, n: int) -> bool:
            return all((t, d, n) not in busy for t in items[subject][1])

        def times(subject: str, d: int) -> int:
            return sum(1 for (day, _), s in grid.items() if day == d and s == subject)

        for subject in [s for s in left if left[s] > 0]:
            while left[subject] > 0:
                lengths = {d: max((n for day, n in grid if day == d), default=0) for d in range(1, 6)}
                spots = [(d, n) for d in range(1, 6) for n in range(1, lengths[d]) if (d, n) not in grid] + [
                    (d, lengths[d] + 1) for d in sorted(lengths, key=lengths.get) if lengths[d] < 8
                ]
                spot = next((x for x in spots if free(subject, *x) and times(subject, x[0]) < 2), None)
                if spot is None:
                    break
                grid[spot] = subject
                left[subject] -= 1
        for d in range(1, 6):  # a hole left: move the day's last lesson into it if it can go
            while True:
                numbers = sorted(n for day, n in grid if day == d)
                hole = next((n for n in range(1, numbers[-1]) if n not in numbers), None) if numbers else None
                if hole is None or not free(grid[(d, numbers[-1])], d, hole):
                    break
                grid[(d, hole)] = grid.pop((d, numbers[-1]))

    def _create_timetable(self) -> None:
        start = dt.date(self.start_year, 9, 1)
        for c in self.classes:
            for weekday, lessons in c.timetable.items():
                for number, subject in lessons:
                    for course in c.courses:
                        if course.subject == subject:
                            add_timetable_entry(self.admin, course.id, weekday, number, start)

    # -- pupils and their families

    def _plan_people(self) -> None:
        rng = random.Random(SEED + 3)
        y = self.start_year
        for c in self.classes:
            for _ in range(rng.randint(*CLASS_SIZE)):
                pupil = self._new_pupil(rng, c)
                pupil.stints.append((c, dt.date(y, 9, 1), None, ""))
        self.demo_pupil = self._pick_demo_pupil()
        # exempt from physical education: one pupil in a few classes
        for c in self.classes[1::4] if self.size == "school" else [self.by_key[OTHER_CLASS]]:
            pupil = rng.choice([p for p in self._initial(c) if p is not self.demo_pupil])
            pupil.exempt_pe = True
            pupil.notes = "Освобождение от физкультуры по справке (до конца учебного года)"
        self._plan_moves(rng)
        wards = self.classes[2::6] if self.size == "school" else [self.by_key[OTHER_CLASS]]
        for c in wards:
            stay = [
                p
                for p in self._initial(c)
                if p is not self.demo_pupil
                and not p.exempt_pe
                and len(p.stints) == 1
                and p.stints[0][2] is None
            ]
            if stay:
                rng.choice(stay).in_hospital = True
        # consents (R4): most families signed in the first days; some still missing
        for pupil in self.pupils:
            pupil.consent = pupil is self.demo_pupil or rng.random() > 0.07
            if rng.random() < 0.7 and self.past_days:
                first = max(pupil.stints[0][1], self.past_days[0])
                days = [d for d in self.past_days if d >= first]
                pupil.verified_on = rng.choice(days) if days else None

    def _initial(self, c: PClass) -> list[PPupil]:
        return [p for p in self.pupils if p.stints and p.stints[0][0] is c and not p.stints[0][3]]

    def _new_pupil(self, rng: random.Random, c: PClass, arrived: bool = False) -> PPupil:
        sex = rng.choice("мж")
        family = None
        if not arrived and self.families and rng.random() < 0.07:
            family = rng.choice(self.families[-120:])
            if len(family.children) >= 3:
                family = None
        if family is None:
            family = self._new_family(rng)
        twin = next((ch for ch in family.children if ch.stints and ch.stints[0][0].grade == c.grade), None)
        y = self.start_year
        if twin is not None:
            born = twin.birth_date
        else:
            age = c.grade + 5 + rng.uniform(0.6, 1.6) + (1 if rng.random() < 0.03 else 0)
            born = dt.date(y, 9, 1) - dt.timedelta(days=int(age * 365.25))
        first = rng.choice(GIRL_NAMES if sex == "ж" else BOY_NAMES)
        while any(ch.first_name == first for ch in family.children):
            first = rng.choice(GIRL_NAMES if sex == "ж" else BOY_NAMES)
        roll = rng.random()
        level = rng.gauss(4.55, 0.15) if roll < 0.22 else rng.gauss(3.95, 0.2)
        if roll >= 0.75:
            level = rng.gauss(3.25, 0.2)
        pupil = PPupil(
            surname=gendered(family.surname, sex),
            first_name=first,
            patronymic=patronymic(family.father_name, sex),
            sex=sex,
            birth_date=born,
            family=family,
            level=level,
            sickly=rng.random() < 0.1,
            phone=_phone(rng) if c.grade >= 5 and rng.random() < 0.6 else "",
        )
        family.children.append(pupil)
        self.pupils.append(pupil)
        return pupil

    def _new_family(self, rng: random.Random) -> PFamily:
        surname = rng.choice(SURNAMES)
        father = rng.choice(MEN_NAMES)
        address = f"{rng.choice(STREETS)}, д. {rng.randint(1, 60)}, кв. {rng.randint(1, 140)}"
        family = PFamily(surname, father, address)
        shape = rng.random()
        translit = accounts.transliterate(surname)
        mother = PAdult(
            feminine(surname) if rng.random() < 0.9 else feminine(rng.choice(SURNAMES)),
            rng.choice(WOMEN_NAMES),
            patronymic(rng.choice(MEN_NAMES), "ж"),
            "мать",
            _phone(rng),
        )
        if rng.random() < 0.45:
            mother.email = f"{translit}{rng.randint(70, 99)}@{rng.choice(MAIL_DOMAINS)}"
        if shape < 0.04:  # grandmother brings the child up
            granny = PAdult(
                feminine(surname),
                rng.choice(("Галина", "Валентина", "Людмила", "Нина", "Тамара")),
                patronymic(rng.choice(MEN_NAMES), "ж"),
                "бабушка",
                _phone(rng),
            )
            family.adults.append(granny)
        elif shape < 0.07:
            guardian = PAdult(*self._adult_name(rng, "ж"), relation="опекун", phone=_phone(rng))
            family.adults.append(guardian)
        else:
            family.adults.append(mother)
            if shape < 0.74:
                dad = PAdult(surname, father, patronymic(rng.choice(MEN_NAMES), "м"), "отец", _phone(rng))
                dad.may_receive_credentials = rng.random() > 0.03
                family.adults.append(dad)
        self.families.append(family)
        return family

    def _pick_demo_pupil(self) -> PPupil:
        """A pupil of 5А living with their mother, an average-to-good one."""
        candidates = [
            p
            for p in self._initial(self.demo_class)
            if p.family.adults[0].relation == "мать" and 3.7 <= p.level <= 4.6
        ]
        with_sibling = [p for p in candidates if len(p.family.children) > 1]
        return (with_sibling or candidates or self._initial(self.demo_class))[0]

    def _plan_moves(self, rng: random.Random) -> None:
        """Arrivals, departures and one transfer, on past school days (none in a short span)."""
        days = self.past_days
        if len(days) < 20:
            return

        def at(share: float) -> dt.date:
            return days[min(len(days) - 1, int(len(days) * share))]

        demo, other = self.demo_class, self.by_key[OTHER_CLASS]
        arrivals = [(demo, at(0.3))]
        departures = [(other, at(0.55))]
        if self.size == "school":
            for i, c in enumerate(self.classes):
                if c in (demo, other):
                    continue
                if i % 3 == 0:
                    arrivals.append((c, at(rng.uniform(0.1, 0.8))))
                if i % 4 == 1:
                    departures.append((c, at(rng.uniform(0.2, 0.9))))
        for c, day in arrivals:
            pupil = self._new_pupil(rng, c, arrived=True)
            pupil.stints.append((c, day, None, rng.choice(OTHER_SCHOOLS)))
        for c, day in departures:
            pupil = rng.choice([p for p in self._initial(c) if p is not self.demo_pupil and not p.exempt_pe])
            pupil.stints[0] = (c, pupil.stints[0][1], day, "")
            self.departures.append((pupil, day, rng.choice(OTHER_SCHOOLS)))
        mover = rng.choice([p for p in self._initial(other) if p.stints[0][2] is None and not p.exempt_pe])
        day = at(0.45)
        first = mover.stints[0]
        mover.stints = [
            (other, first[1], day - dt.timedelta(days=1), ""),
            (demo, day, None, other.name),
        ]
        self.transfer = (mover, demo, day)

    def _create_people(self) -> None:
        if self.size == "small":
            self._people_via_services()
        else:
            self._people_in_bulk()
        # moves through the services, as a homeroom teacher would record them
        for pupil, day, to in self.departures:
            roster.leave_student(self._keeper(pupil.stints[0][0]), pupil.id, day, to)
        if self.transfer:
            pupil, target, day = self.transfer
            roster.transfer_student(self.admin, pupil.id, target.id, day)
        for c in self.classes:
            self.stints_of[c.id] = []
        for p in self.pupils:
            for c, start, end, _ in p.stints:
                self.stints_of[c.id].append((p, start, end))

    def _keeper(self, c: PClass) -> Actor:
        if c.id not in self._keepers:
            self._keepers[c.id] = actor_of(User.get_by_id(c.homeroom.user_id))
        return self._keepers[c.id]

    def _guardian_keeper(self, family: PFamily, c: PClass) -> Actor:
        """Who acts on a family's guardians: the homeroom teacher of `c` while every child is
        in `c` (first and last class), else the admin (models/people/guardians.py)."""
        classes = {stint[0].id for child in family.children for stint in child.stints[:1] + child.stints[-1:]}
        return self._keeper(c) if classes == {c.id} else self.admin

    def _consent_day(self, pupil: PPupil) -> dt.date:
        start = pupil.stints[0][1]
        if start.month == 9 and start.day == 1:
            start = start - dt.timedelta(days=(pupil.id * 7) % 6)  # signed at the end of August
        return min(start, self.today)

    def _people_via_services(self) -> None:
        for pupil in self.pupils:
            c, start, _end, arrived_from = pupil.stints[0]
            keeper = self._keeper(c)
            info = roster.add_student(keeper, c.id, pupil.card(), start, arrived_from)
            pupil.id = info.id
            for adult in pupil.family.adults:
                if adult.id:  # a sibling's parent, already in the school
                    linker = self._guardian_keeper(pupil.family, c)
                    guardians.link_guardian(linker, pupil.id, adult.id, adult.relation)
                    continue
                data = {
                    "surname": adult.surname,
                    "first_name": adult.first_name,
                    "patronymic": adult.patronymic,
                    "phone": adult.phone,
                    "email": adult.email,
                    "address": pupil.family.address,
                    "may_receive_credentials": adult.may_receive_credentials,
                }
                adult.id = guardians.add_guardian(keeper, pupil.id, data, adult.relation).id
            if pupil.consent:
                guardians.record_consent(
                    keeper,
                    pupil.id,
                    self._consent_day(pupil),
                    "Согласие на обработку персональных данных (бумажный бланк)",
                    pupil.family.adults[0].id,
                )
            if pupil.verified_on:
                roster.verify_student(keeper, pupil.id, pupil.verified_on)

    def _people_in_bulk(self) -> None:
        y = self.start_year
        arrivals = [p for p in self.pupils if p.stints[0][3]]
        ordinary = [p for p in self.pupils if not p.stints[0][3]]
        stamp = self.now
        rows = [
            (
                p.surname,
                p.first_name,
                p.patronymic,
                p.birth_date,
                p.sex,
                p.family.address,
                p.phone,
                "",
                p.notes,
                p.verified_on,
                stamp,
            )
            for p in ordinary
        ]
        fields = (
            Student.surname,
            Student.first_name,
            Student.patronymic,
            Student.birth_date,
            Student.sex,
            Student.address,
            Student.phone,
            Student.email,
            Student.notes,
            Student.verified_on,
            Student.created_at,
        )
        for pupil, sid in zip(ordinary, _insert_ids(Student, fields, rows), strict=True):
            pupil.id = sid
        _insert(
            Enrollment,
            (Enrollment.student, Enrollment.school_class, Enrollment.start),
            [(p.id, p.stints[0][0].id, dt.date(y, 9, 1)) for p in ordinary],
        )
        for pupil in arrivals:  # arrivals through the service, as the homeroom teacher
            c, start, _end, arrived_from = pupil.stints[0]
            pupil.id = roster.add_student(self._keeper(c), c.id, pupil.card(), start, arrived_from).id
        adults = [a for f in self.families for a in f.adults if f.children]
        verified = {
            id(a): max((ch.verified_on for ch in f.children if ch.verified_on), default=None)
            for f in self.families
            for a in f.adults
        }
        rows = [
            (
                a.surname,
                a.first_name,
                a.patronymic,
                a.phone,
                a.email,
                f.address,
                a.may_receive_credentials,
                verified[id(a)],
                stamp,
            )
            for f in self.families
            for a in f.adults
            if f.children
        ]
        fields = (
            Guardian.surname,
            Guardian.first_name,
            Guardian.patronymic,
            Guardian.phone,
            Guardian.email,
            Guardian.address,
            Guardian.may_receive_credentials,
            Guardian.verified_on,
            Guardian.created_at,
        )
        for adult, gid in zip(adults, _insert_ids(Guardian, fields, rows), strict=True):
            adult.id = gid
        _insert(
            StudentGuardian,
            (StudentGuardian.student, StudentGuardian.guardian, StudentGuardian.relation),
            [(p.id, a.id, a.relation) for p in self.pupils for a in p.family.adults],
        )
        _insert(
            Consent,
            (Consent.student, Consent.guardian, Consent.given_on, Consent.document),
            [
                (
                    p.id,
                    p.family.adults[0].id,
                    self._consent_day(p),
                    "Согласие на обработку персональных данных (бумажный бланк)",
                )
                for p in self.pupils
                if p.consent
            ],
        )

    def _subgroup_members(self) -> None:
        """Two groups per split subject, per period that has begun; a few move between them."""
        rng = random.Random(SEED + 4)
        self.groups: dict[tuple[int, str, int], int] = {}  # (class id, subject, period) → id
        self.membership: dict[tuple[int, int, int], int] = {}  # (subgroup, pupil, period) → 1
        rows = []
        for c in self.classes:
            if not c.subgroups:
                continue
            for subject, subgroup_ids in c.subgroups.items():
                previous: dict[PPupil, int] = {}
                for period in c.periods:
                    if period.start > self.horizon:
                        break
                    members = [
                        p
                        for p, start, end in self.stints_of[c.id]
                        if start <= period.end and (end is None or end >= period.start)
                    ]
                    members.sort(key=lambda p: (p.surname, p.first_name))
                    counts = [0, 0]
                    for p in members:
                        if p in previous:
                            group = previous[p]
                            if rng.random() < 0.04:
                                group = 1 - group
                        elif subject == "Информатика" and period is c.periods[0]:
                            # informatics: the first half of the list, then the second
                            group = 0 if members.index(p) < (len(members) + 1) // 2 else 1
                        else:  # English, and later arrivals: into the smaller group
                            group = 0 if counts[0] <= counts[1] else 1
                        counts[group] += 1
                        previous[p] = group
                        rows.append((subgroup_ids[group], p.id, period.id))
                        self.membership[(subgroup_ids[group], p.id, period.id)] = 1
        _insert(
            SubgroupMember,
            (SubgroupMember.subgroup, SubgroupMember.student, SubgroupMember.period),
            rows,
        )
        self.counts["subgroup_members"] = len(rows)

    # -- the journal: lessons, marks, absences

    def _journal(self) -> None:
        rng = random.Random(SEED + 5)
        lessons, meta = self._plan_lessons(rng)
        fields = (
            Lesson.course,
            Lesson.date,
            Lesson.number,
            Lesson.topic,
            Lesson.homework,
            Lesson.work_type,
            Lesson.created_at,
        )
        ids = _insert_ids(Lesson, fields, lessons)
        self.counts["lessons"] = len(ids)
        days_off = self._plan_days_off(rng)
        self.period_marks: dict[tuple[int, str, int], list[tuple[int, Decimal]]] = defaultdict(list)
        mark_rows: list[tuple] = []
        absence_rows: list[tuple] = []
        marked: dict[tuple[int, int, int], int] = defaultdict(int)  # (course, period, pupil)
        present_cache: dict[tuple[int, dt.date], list[PPupil]] = {}
        control = self.work_types["Контрольная работа"]
        homework_type = self.work_types["Домашняя работа"]
        for lesson_id, item in zip(ids, meta, strict=True):
            c, course, day, number, kind, no_marks, period, closing = item
            key = (c.id, day)
            if key not in present_cache:
                present_cache[key] = [
                    p
                    for p, start, end in self.stints_of[c.id]
                    if start <= day and (end is None or day <= end)
                ]
            pupils = present_cache[key]
            if course.group:
                subgroup = c.subgroups[course.subject][course.group - 1]
                pupils = [p for p in pupils if (subgroup, p.id, period.id) in self.membership]
            teacher_id = course.teacher.user_id
            start = dt.datetime.combine(day, LESSON_START[number - 1])
            if start > self.now and not self.full_year:
                continue  # later today: the lesson has not happened yet
            present = []
            for p in pupils:
                off = days_off.get((p.id, day))
                code = None
                if off is not None:
                    code = off
                elif rng.random() < (0.004 if p.level < 3.4 else 0.0008):
                    code = ("н", "", None)  # skipped one lesson: stays unexcused
                elif rng.random() < (0.012 if number == 1 else 0.002):
                    code = ("о", "", None)
                if code is not None:
                    letter, document, excused = code
                    absence_rows.append(
                        (
                            lesson_id,
                            p.id,
                            letter,
                            document,
                            c.homeroom.user_id if excused else None,
                            excused,
                            teacher_id,
                            self._entered(rng, day, start),
                        )
                    )
                    if letter != "о":
                        continue
                if not (course.subject == "Физическая культура" and p.exempt_pe):
                    present.append(p)
            if no_marks or c.grade == NO_MARKS_GRADE or not present:
                continue
            if kind == "control":
                chosen = [p for p in present if rng.random() > 0.05]
            else:
                # a teacher asks a third of the class; fewer lessons a week, more per lesson
                low, high = SHARE_ASKED.get(course.hours, SHARE_ASKED[0])
                if kind == "small":
                    low, high = 0.5, 0.7
                count = max(1, round(len(present) * rng.uniform(low, high)))
                chosen = sorted(
                    present,
                    key=lambda p: marked[(course.id, period.id, p.id)] + rng.random() * 2.5,
                )[:count]
                if closing:
                    chosen += [
                        p for p in present if p not in chosen and marked[(course.id, period.id, p.id)] < 3
                    ]
            entered = self._entered(rng, day, start)
            lesson_weight = self.weights[control.id] if kind == "control" else self._kind_weight(kind)
            for p in chosen:
                marked[(course.id, period.id, p.id)] += 1
                mu = p.level + self._subject_bias(p, course.subject) + (0.2 if c.grade <= 4 else 0)
                spread = 0.85 if kind == "control" else 0.7
                value = self._mark(rng, mu, spread)
                work_type = None
                weight = lesson_weight
                if kind == "plain" and rng.random() < 0.12:
                    work_type = homework_type.id
                    weight = self.weights[homework_type.id]
                mark_rows.append((lesson_id, p.id, 1, value, work_type, teacher_id, entered))
                self.period_marks[(p.id, course.subject, period.id)].append((value, weight))
                if kind == "control" and course.subject == "Русский язык" and rng.random() < 0.6:
                    second = max(2, min(5, value + rng.choice((-1, -1, 0, 0, 1))))
                    mark_rows.append((lesson_id, p.id, 2, second, None, teacher_id, entered))
                    self.period_marks[(p.id, course.subject, period.id)].append((second, lesson_weight))
        _insert(
            Mark,
            (
                Mark.lesson,
                Mark.student,
                Mark.position,
                Mark.value,
                Mark.work_type,
                Mark.entered_by,
                Mark.entered_at,
            ),
            mark_rows,
        )
        _insert(
            Absence,
            (
                Absence.lesson,
                Absence.student,
                Absence.code,
                Absence.document,
                Absence.excused_by,
                Absence.excused_at,
                Absence.entered_by,
                Absence.entered_at,
            ),
            absence_rows,
        )
        self.counts["marks"] = len(mark_rows)
        self.counts["absences"] = len(absence_rows)

    def _kind_weight(self, kind: str) -> Decimal:
        if kind == "small":
            return self.weights[self.work_types["Самостоятельная работа"].id]
        return self.default_weight

    def _subject_bias(self, p: PPupil, subject: str) -> float:
        # a stable per pupil × subject offset (crc32: unlike hash(), the same in every run)
        return ((zlib.crc32(f"{p.id}|{subject}".encode()) % 1000) / 1000 - 0.5) * 0.7

    @staticmethod
    def _mark(rng: random.Random, mu: float, spread: float) -> int:
        raw = rng.gauss(mu, spread)
        if raw < 1.2 and rng.random() < 0.3:
            return 1
        return max(2, min(5, round(raw)))

    def _entered(self, rng: random.Random, day: dt.date, start: dt.datetime) -> dt.datetime:
        roll = rng.random()
        if roll < 0.75:
            moment = start + dt.timedelta(minutes=35 + rng.randint(0, 10))
        elif roll < 0.95:
            moment = _at(day, 17, 0, rng.randint(0, 240))
        else:
            moment = _at(day + dt.timedelta(days=rng.randint(1, 5)), 19)
        if day <= self.today and moment > self.now:
            moment = max(start, self.now)
        return moment

    def _period(self, c: PClass, day: dt.date):
        for period in c.periods:
            if period.start <= day <= period.end:
                return period
        raise AssertionError(f"{day} вне периодов {c.name}")

    def _plan_lessons(self, rng: random.Random) -> tuple[list[tuple], list[tuple]]:
        rows: list[tuple] = []
        meta: list[tuple] = []
        control = self.work_types["Контрольная работа"].id
        small = self.work_types["Самостоятельная работа"].id
        recent = self.as_of - dt.timedelta(days=10)
        last: dict[tuple[int, int], list[int]] = defaultdict(list)
        for c in self.classes:
            days = [d for d in self.school_days if any(p.contains(d) for p in c.periods)]
            state: dict[int, list[int]] = {}
            offsets = {course.id: rng.randint(0, 6) for course in c.courses}
            for day in days:
                for number, subject in c.timetable.get(day.isoweekday(), []):
                    for course in c.courses:
                        if course.subject != subject:
                            continue
                        count = state.setdefault(course.id, [0, 0])
                        count[0] += 1
                        index = count[0] + offsets[course.id]
                        every = CONTROL_EVERY.get(subject, 0)
                        kind = "plain"
                        if c.grade > NO_MARKS_GRADE and every and index % every == 0:
                            kind = "control"
                            count[1] += 1
                        elif c.grade > NO_MARKS_GRADE and every and index % 7 == 3:
                            kind = "small"
                        topic = self._topic(c, subject, index, kind, count[1])
                        homework = self._homework(c, subject, index, rng)
                        late = day > recent or day == self.as_of
                        skip_topic = rng.random() < (0.1 if late else 0.012) or (
                            course.sloppy and rng.random() < 0.35
                        )
                        if skip_topic and kind == "plain":
                            topic = homework = ""
                        no_marks = kind == "plain" and rng.random() < (0.08 if late else 0.01)
                        work_type = {"control": control, "small": small}.get(kind)
                        period = self._period(c, day)
                        rows.append((course.id, day, number, topic, homework, work_type, _at(day, 7, 45)))
                        meta.append([c, course, day, number, kind, no_marks, period, False])
                        last[(course.id, period.id)].append(len(meta) - 1)
        # the last two lessons of an ended period: the teacher makes sure everyone has marks
        for indexes in last.values():
            period = meta[indexes[0]][6]
            if period.end < self.today or (self.full_year and period.end <= self.horizon):
                for index in indexes[-2:]:
                    meta[index][5] = False
                    meta[index][7] = True
        return rows, meta

    def _topic(self, c: PClass, subject: str, index: int, kind: str, controls: int) -> str:
        band = "primary" if c.grade <= 4 else "main"
        topics = (
            TOPICS.get((subject, band))
            or TOPICS.get((subject, "any"))
            or TOPICS.get((subject, "main"))
            or (subject,)
        )
        topic = topics[(index // 2) % len(topics)]
        if kind == "control":
            if subject == "Русский язык":
                return f"Контрольный диктант № {controls}"
            return f"Контрольная работа № {controls} «{topic}»"
        if kind == "small":
            return f"{topic}. Самостоятельная работа"
        return topic

    def _homework(self, c: PClass, subject: str, index: int, rng: random.Random) -> str:
        if c.grade == 1 or rng.random() < 0.1:
            return ""
        paragraph = 1 + index // 2
        exercise = 10 + index * 4 + c.grade
        page = 6 + index * 3
        if subject == "Русский язык":
            return f"§ {paragraph}, упр. {exercise}" if c.grade >= 5 else f"Упр. {exercise // 3}"
        if subject in ("Литература", "Литературное чтение"):
            return rng.choice(
                (
                    f"Прочитать стр. {page}–{page + 8}",
                    f"Ответить на вопросы на стр. {page}",
                    "Выучить стихотворение наизусть",
                )
            )
        if subject in ("Математика", "Алгебра", "Геометрия", "Вероятность и статистика"):
            return f"№ {exercise}, {exercise + 3}, {exercise + 7}"
        if subject == "Английский язык":
            return f"Стр. {page}, упр. {1 + index % 6}; выучить слова"
        if subject in ("Музыка", "Физическая культура", "Изобразительное искусство", "Технология"):
            return "" if rng.random() < 0.85 else "Подготовить материалы к следующему уроку"
        return f"§ {paragraph}, вопросы после параграфа"

    def _plan_days_off(self, rng: random.Random) -> dict[tuple[int, dt.date], tuple]:
        """Illness (whole days; б with a certificate once brought, else н) and family days (у)."""
        off: dict[tuple[int, dt.date], tuple] = {}
        days = self.school_days
        for p in self.pupils:
            first = p.stints[0][0].periods[0]
            if p.in_hospital and first.end < self.as_of:
                stay = [d for d in days if first.start <= d <= first.end][-24:]
                back = stay[-1] + dt.timedelta(days=1)
                document = f"Выписка из стационара от {back:%d.%m.%Y} (детская больница № 1)"
                for d in stay:
                    off[(p.id, d)] = ("б", document, _at(back + dt.timedelta(days=2), 15))
            chance = 0.03 if p.sickly else 0.011
            i = 0
            while i < len(days):
                day = days[i]
                if (p.id, day) not in off and rng.random() < chance:
                    length = rng.randint(3, 8)
                    episode = days[i : i + length]
                    back = days[i + length] if i + length < len(days) else episode[-1]
                    if back + dt.timedelta(days=4) <= self.as_of and rng.random() < 0.94:
                        # the certificate came back with the pupil; the homeroom corrected н → б
                        excused = _at(back + dt.timedelta(days=rng.randint(0, 3)), 15, 30)
                        if back <= self.today:
                            excused = min(excused, self.now)
                        code = (
                            "б",
                            f"Справка № {rng.randint(100, 999)} от {back:%d.%m.%Y}, "
                            f"детская поликлиника № {rng.randint(1, 4)}",
                            excused,
                        )
                    else:
                        code = ("н", "", None)
                    for d in episode:
                        off.setdefault((p.id, d), code)
                    i += length + 5
                    continue
                if (
                    (p.id, day) not in off
                    and rng.random() < 0.002
                    and day + dt.timedelta(days=2) <= self.as_of
                ):
                    note = f"Заявление родителей от {day - dt.timedelta(days=1):%d.%m.%Y}"
                    when = _at(day, 16)
                    off[(p.id, day)] = ("у", f"{note} (семейные обстоятельства)", when)
                i += 1
        return off

    # -- final marks of the periods that have ended

    def _final_marks(self) -> None:
        rng = random.Random(SEED + 6)
        settings = load_settings()
        rows = []
        given: dict[tuple[int, str], list[str]] = defaultdict(list)  # (pupil, subject) → marks
        for c in self.classes:
            if c.grade == NO_MARKS_GRADE:
                continue
            ended = [
                period
                for period in c.periods
                if period.end < self.today or (self.full_year and period.end <= self.horizon)
            ]
            for period in ended:
                # pupils in the class when the period ended (those who left get no mark)
                pupils = [
                    p
                    for p, start, end in self.stints_of[c.id]
                    if start <= period.end and (end is None or end >= period.end)
                ]
                for p in pupils:
                    for course in c.courses:
                        if course.sloppy and period is ended[-1]:
                            continue  # the careless teacher is late with the latest ones
                        if course.group:
                            subgroup = c.subgroups[course.subject][course.group - 1]
                            if (subgroup, p.id, period.id) not in self.membership:
                                continue
                        if course.subject == "Физическая культура" and p.exempt_pe:
                            value = "осв"
                        else:
                            marks = self.period_marks.get((p.id, course.subject, period.id), [])
                            value = suggest_period_mark(
                                averages(marks),
                                settings.rounding_threshold,
                                settings.min_marks_for_period,
                            )
                        entered = _at(
                            max(period.start, period.end - dt.timedelta(days=rng.randint(0, 4))),
                            16,
                            0,
                            rng.randint(0, 180),
                        )
                        given[(p.id, course.subject)].append(value)
                        rows.append(
                            (
                                p.id,
                                self.subject_ids[course.subject],
                                self.year_id,
                                period.id,
                                f"P{period.id}",
                                value,
                                course.teacher.user_id,
                                min(entered, self.now) if period.end < self.today else entered,
                            )
                        )
            if ended and len(ended) == len(c.periods):
                rows += self._year_marks(c, ended[-1], given, settings.rounding_threshold)
        _insert(
            FinalMark,
            (
                FinalMark.student,
                FinalMark.subject,
                FinalMark.year,
                FinalMark.period,
                FinalMark.scope,
                FinalMark.value,
                FinalMark.entered_by,
                FinalMark.entered_at,
            ),
            rows,
        )
        self.counts["final_marks"] = len(rows)

    def _year_marks(self, c: PClass, last, given: dict, threshold: Decimal) -> list[tuple]:
        """The year mark from the period marks, once the year's last period has ended."""
        rows = []
        for p, start, end in self.stints_of[c.id]:
            if start > last.end or (end is not None and end < last.end):
                continue
            for course in c.courses:
                if course.sloppy:
                    continue
                if course.group:
                    subgroup = c.subgroups[course.subject][course.group - 1]
                    if (subgroup, p.id, last.id) not in self.membership:
                        continue
                marks = given.get((p.id, course.subject), [])
                numbers = [int(m) for m in marks if m.isdigit()]
                if not marks:
                    continue
                if numbers:
                    value = str(round_mark(Decimal(sum(numbers)) / len(numbers), threshold))
                else:
                    value = marks[-1]  # осв or н/а all year
                rows.append(
                    (
                        p.id,
                        self.subject_ids[course.subject],
                        self.year_id,
                        None,
                        f"Y{self.year_id}",
                        value,
                        course.teacher.user_id,
                        _at(last.end, 17),
                    )
                )
        return rows

    # -- accounts and the record of the build

    def _accounts(self) -> list[dict]:
        c = self.demo_class
        keeper = self._keeper(c)
        pupil = self.demo_pupil
        parent = pupil.family.adults[0]
        g_login = self._diary_login(
            self._guardian_keeper(pupil.family, c), PASSWORDS["guardian"], guardian_id=parent.id
        )
        s_login = self._diary_login(keeper, PASSWORDS["student"], student_id=pupil.id)
        # a handful more, with one-time passwords never shown: most have no login yet (R2)
        others = [p for p in self._initial(c) if p is not pupil and not p.stints[0][2]]
        for p in others[: EXTRA_DIARY_ACCOUNTS // 2]:
            accounts.issue_credentials(keeper, student_id=p.id)
            adult = p.family.adults[0]
            if adult.may_receive_credentials and adult is not parent:
                accounts.issue_credentials(self._guardian_keeper(p.family, c), guardian_id=adult.id)
        homeroom, teacher = c.homeroom, self._printed_teacher()
        return [
            {
                "role": "admin",
                "login": "admin",
                "password": PASSWORDS["admin"],
                "name": self.admin_name,
            },
            {
                "role": "homeroom",
                "login": homeroom.login,
                "password": PASSWORDS["homeroom"],
                "name": homeroom.name,
            },
            {
                "role": "teacher",
                "login": teacher.login,
                "password": PASSWORDS["teacher"],
                "name": teacher.name,
            },
            {
                "role": "guardian",
                "login": g_login,
                "password": PASSWORDS["guardian"],
                "name": f"{parent.surname} {parent.first_name} {parent.patronymic}",
            },
            {
                "role": "student",
                "login": s_login,
                "password": PASSWORDS["student"],
                "name": pupil.name,
            },
        ]

    def _diary_login(self, keeper: Actor, password: str, **person: int) -> str:
        """Issue a diary login and set its known password, as the person would on first login."""
        issued = accounts.issue_credentials(keeper, **person)
        accounts.change_password(actor_of(User.get_by_id(issued.user_id)), issued.password, password)
        return issued.login

    def _finish(self, logins: list[dict]) -> None:
        Setting.insert(key=LOGINS_KEY, value=json.dumps(logins, ensure_ascii=False)).execute()
        audit.record(
            SYSTEM,
            "demo.build",
            "school",
            None,
            new={
                "size": self.size,
                "full_year": self.full_year,
                "as_of": self.as_of,
                "bulk": (
                    "уроки, отметки, пропуски, итоговые отметки и состав подгрупп"
                    + (", учащиеся, родители, зачисления и согласия" if self.size == "school" else "")
                    + " вставлены пакетно, без записи о каждой строке"
                ),
                "timetable_gaps": self.timetable_gaps,
                **self.counts,
            },
        )
