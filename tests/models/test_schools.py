"""Schools in one database (issue 20): every school-owned row belongs to its school, and every
query — select, update, delete, join — stays within the school in scope (models.core.tenancy)."""

from __future__ import annotations

import pytest

from models.core import tenancy
from models.core.errors import JournalError
from models.core.schema import Mark, School, Student, Subject
from models.journal import entries
from tests.factory import past_lesson


@pytest.fixture
def two_schools(small):
    """The small school (scope) and a second school of the same database with one pupil and
    a subject of the same name as the first school's."""
    first = tenancy.current()
    second = School.create(name="Школа № 2").id
    with tenancy.within(second):
        Student.create(surname="Другой", first_name="Ученик")
        Subject.create(name="Математика")
    return small, first, second


def test_each_school_sees_only_its_own_rows(two_schools):
    small, first, second = two_schools
    with tenancy.within(second):
        assert [s.surname for s in Student.select()] == ["Другой"]
        assert Subject.select().count() == 1  # the same name as the first school's: allowed
        assert Student.get_or_none(Student.id == small.pupils[0]) is None
    assert Student.select().count() == len(small.pupils) + len(small.pupils_b)
    with tenancy.district():
        assert Student.select().count() == len(small.pupils) + len(small.pupils_b) + 1


def test_a_write_from_another_school_changes_nothing(two_schools):
    small, first, second = two_schools
    lesson = past_lesson(small)
    entries.set_mark(small.teacher, lesson, small.pupils[0], 5)
    with tenancy.within(second):
        # the first school's teacher, in the second school's scope: the account is not found
        with pytest.raises(JournalError):
            entries.set_mark(small.teacher, lesson, small.pupils[0], 2)
        # a bulk update or delete of marks touches only the school in scope
        assert Mark.update(value=1).execute() == 0
        assert Mark.delete().execute() == 0
    assert [m.value for m in Mark.select()] == [5]


def test_no_school_in_scope_reads_nothing(two_schools):
    tenancy.enter(None)
    with pytest.raises(tenancy.NoSchool):
        Student.select().count()


def test_migrate_brings_a_one_school_database_into_the_schools_schema(tmp_path):
    """A database of schema 0007 (one school, no school_id) keeps its rows, each now of its
    school, and its settings; a second subject of the same name is refused within the school."""
    import peewee

    from models.core import db as dbmod
    from models.core import store

    path = tmp_path / "old.sqlite"
    location = dbmod.resolve(str(path))
    db = dbmod.bind(location)
    store._runner(db).up(target="0007_honest_marks")
    db.execute_sql("INSERT INTO school (name, address, created_at) VALUES ('Старая школа', '', '2026-09-01')")
    db.execute_sql("INSERT INTO subject (name, short_name) VALUES ('Физика', 'физ')")
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('min_marks_for_period', '4')")
    assert "0008_schools" in store.migrate(str(path))
    store.open_store(str(path))
    school = School.get().id
    assert tenancy.current() == school
    assert [(s.name, s.school_id) for s in Subject.select()] == [("Физика", school)]
    from models.core.settings import load

    assert load().min_marks_for_period == 4
    with pytest.raises(peewee.IntegrityError):
        Subject.create(name="Физика")
    dbmod.close()
