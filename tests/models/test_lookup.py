"""models/core/lookup.py: a row by id or NotFound in its sentence; a delete refused while used."""

from __future__ import annotations

import pytest

from models.core.errors import NotFound, ValidationError
from models.core.lookup import MISSING, get_or_refuse, refuse_while_used
from models.core.schema import Course, Lesson, Mark, SchoolClass, Student, Subgroup
from tests.shared import small, small_once  # noqa: F401 (fixtures)

NOBODY = 987654  # an id no row has


def test_the_row_itself(small):
    found = get_or_refuse(SchoolClass, small.class_a)
    assert isinstance(found, SchoolClass) and found.id == small.class_a and found.name == "5А"


@pytest.mark.parametrize("model", list(MISSING), ids=lambda m: m.__name__)
def test_a_missing_row_is_refused_in_its_sentence(small, model):
    with pytest.raises(NotFound) as refused:
        get_or_refuse(model, NOBODY)
    assert refused.value.message == MISSING[model]


def test_the_sentences_are_the_services_own(small):
    assert MISSING[SchoolClass] == "Такого класса нет."
    assert MISSING[Student] == "Такого учащегося нет."
    assert MISSING[Course] == "Такой нагрузки нет."


def test_another_sentence_for_the_same_row(small):
    with pytest.raises(NotFound, match="^Учащегося с номером 987654 нет.$"):
        get_or_refuse(Student, NOBODY, f"Учащегося с номером {NOBODY} нет.")


def test_nothing_refers_to_it(small):
    refuse_while_used(
        {
            "уроки": Lesson.select().where(Lesson.course == NOBODY),
            "отметки": Mark.select().where(Mark.student == NOBODY),
        },
        lambda used: f"нельзя: {used}",
    )


def test_the_refusal_names_every_kind_that_refers_to_it_in_order(small):
    with pytest.raises(ValidationError) as refused:
        refuse_while_used(
            {
                "нагрузка": Course.select().where(Course.school_class == small.class_a),
                "уроки": Lesson.select().where(Lesson.course == NOBODY),
                "подгруппы": Subgroup.select().where(Subgroup.school_class == small.class_a),
            },
            lambda used: f"Класс 5А удалить нельзя: у него есть {used}.",
        )
    assert refused.value.message == "Класс 5А удалить нельзя: у него есть нагрузка, подгруппы."
