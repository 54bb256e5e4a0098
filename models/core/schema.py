"""The school as Peewee models (names follow DOMAIN.md's glossary).

Only structure lives here: every write goes through a service module, and every read a
screen needs is a bulk query in a service module too.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    Expression,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelAlias,
    ModelSelect,
    SmallIntegerField,
    TextField,
)

from models.core import clock, tenancy
from models.core.db import database


def now() -> dt.datetime:
    return clock.now()


class SchoolSelect(ModelSelect):
    """A select whose joins between two school-owned tables also join on the school
    (`… ON mark.lesson_id = lesson.id AND mark.school_id = lesson.school_id`): every table of
    a school's query is held to the one school, and a cluster distributed by school (Citus)
    can run the whole query on the school's node."""

    def _normalize_join(self, src, dest, on, attr):
        on, attr, constructor, join_ctx = super()._normalize_join(src, dest, on, attr)
        left, right = _school_column(src), _school_column(dest)
        if left is not None and right is not None and isinstance(on, Expression):
            on = on & (left == right)
        return on, attr, constructor, join_ctx


def _school_column(source: object):
    """The school column of a joined model or alias whose rows always have a school."""
    model = source.model if isinstance(source, ModelAlias) else source
    if isinstance(model, type) and getattr(model, "_strictly_school_owned", False):
        return source.school  # type: ignore[attr-defined]
    return None


class BaseModel(Model):
    """Each model spells out, for the type checker only, the attributes Peewee adds by itself:
    `id: AutoField[int]` (a field in queries, an int on a row) and, below each foreign key `x`,
    `x_id: int` (the row's raw id; in queries use the field `x`). Peewee ignores annotations."""

    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def select(cls, *fields):
        return SchoolSelect(cls, fields or cls._meta.sorted_fields, is_default=not fields)


# --- the school and its calendar -------------------------------------------------------


class School(BaseModel):
    id: AutoField[int]
    name = CharField()
    address = CharField(default="")
    created_at = DateTimeField(default=now)


class SchoolOwned(BaseModel):
    """A row that belongs to one school (models.core.tenancy): it takes the school in scope
    when inserted, and every select, update and delete of it stays within that school."""

    _strictly_school_owned = True
    school = ForeignKeyField(School, default=tenancy.current, backref="+", on_delete="RESTRICT")
    school_id: int

    @classmethod
    def select(cls, *fields):
        return cls._within_school(super().select(*fields))

    @classmethod
    def update(cls, __data=None, **update):
        return cls._within_school(super().update(__data, **update))

    @classmethod
    def delete(cls):
        return cls._within_school(super().delete())

    @classmethod
    def _within_school(cls, query):
        school = tenancy.filter_value()
        return query if school is None else query.where(cls.school == school)


class DistrictOrSchool(SchoolOwned):
    """A row of a school or, with no school, of the district itself: an account (the district
    administrator's has none), an audit entry, a login attempt."""

    _strictly_school_owned = False
    school = ForeignKeyField(  # type: ignore[assignment]
        School, null=True, default=tenancy.current_or_none, backref="+", on_delete="RESTRICT"
    )
    school_id: int | None  # type: ignore[assignment]


class Setting(SchoolOwned):
    """Per-school settings as key/value text; models.core.settings knows the types and defaults."""

    id: AutoField[int]
    key = CharField()
    value = TextField()

    class Meta:
        indexes = ((("school", "key"), True),)


class SchoolYear(SchoolOwned):
    id: AutoField[int]
    name = CharField()  # "2026/2027"
    start = DateField()
    end = DateField()

    class Meta:
        indexes = ((("school", "name"), True),)


class Period(SchoolOwned):
    """A quarter, half-year or trimester of a year, for a range of grades."""

    id: AutoField[int]
    year = ForeignKeyField(SchoolYear, backref="periods", on_delete="RESTRICT")
    year_id: int
    kind = CharField()  # quarter | half | trimester
    number = SmallIntegerField()
    name = CharField()  # "1 четверть"
    start = DateField()
    end = DateField()
    grade_from = SmallIntegerField(default=1)
    grade_to = SmallIntegerField(default=11)
    closed = BooleanField(default=False)

    class Meta:
        indexes = ((("school", "year", "kind", "number", "grade_from"), True),)


# --- people ------------------------------------------------------------------------------


class Student(SchoolOwned):
    id: AutoField[int]
    surname = CharField()
    first_name = CharField()
    patronymic = CharField(default="")
    birth_date = DateField(null=True)
    sex = CharField(default="")  # "м" | "ж" | ""
    address = CharField(default="")
    phone = CharField(default="")
    email = CharField(default="")
    notes = TextField(default="")
    verified_on = DateField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("surname", "first_name"), False),)


class Guardian(SchoolOwned):
    id: AutoField[int]
    surname = CharField()
    first_name = CharField()
    patronymic = CharField(default="")
    phone = CharField(default="")
    email = CharField(default="")
    address = CharField(default="")
    may_receive_credentials = BooleanField(default=True)
    verified_on = DateField(null=True)
    created_at = DateTimeField(default=now)


class StudentGuardian(SchoolOwned):
    id: AutoField[int]
    student = ForeignKeyField(Student, backref="guardian_links", on_delete="RESTRICT")
    student_id: int
    guardian = ForeignKeyField(Guardian, backref="student_links", on_delete="RESTRICT")
    guardian_id: int
    relation = CharField(default="")  # мать, отец, опекун, …

    class Meta:
        indexes = ((("school", "student", "guardian"), True),)


class Consent(SchoolOwned):
    """Consent to personal-data processing (152-FZ), given by a guardian or an adult pupil."""

    id: AutoField[int]
    student = ForeignKeyField(Student, backref="consents", on_delete="RESTRICT")
    student_id: int
    guardian = ForeignKeyField(Guardian, null=True, backref="consents", on_delete="RESTRICT")
    guardian_id: int | None
    given_on = DateField()
    document = CharField(default="")  # form of the document: "заявление", number, …
    withdrawn_on = DateField(null=True)
    recorded_at = DateTimeField(default=now)


class User(DistrictOrSchool):
    """A personal account: staff (admin, teacher) or a diary reader (student, guardian)."""

    id: AutoField[int]
    login = CharField(unique=True)
    password_hash = CharField(null=True)  # argon2id; NULL: no credential issued yet
    role = CharField(index=True)  # admin | teacher | student | guardian
    surname = CharField(default="")
    first_name = CharField(default="")
    patronymic = CharField(default="")
    student = ForeignKeyField(Student, null=True, backref="accounts", on_delete="RESTRICT")
    student_id: int | None
    guardian = ForeignKeyField(Guardian, null=True, backref="accounts", on_delete="RESTRICT")
    guardian_id: int | None
    must_change_password = BooleanField(default=True)
    active = BooleanField(default=True)
    failed_attempts = SmallIntegerField(default=0)
    lockouts = SmallIntegerField(default=0)  # grows the lockout delay
    locked_until = DateTimeField(null=True)
    failed_at = DateTimeField(null=True)  # the last failed login: counters reset a day after
    last_login_at = DateTimeField(null=True)
    last_login_source = CharField(default="")
    password_changed_at = DateTimeField(null=True)
    # grows whenever the account's sessions must end (disabled, role changed, password reset
    # or changed): a session carries the value it logged in with (models.core.access.Actor.epoch)
    session_epoch = IntegerField(default=0)
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "app_user"


# --- classes, subjects, teaching load --------------------------------------------------


class SchoolClass(SchoolOwned):
    id: AutoField[int]
    year = ForeignKeyField(SchoolYear, backref="classes", on_delete="RESTRICT")
    year_id: int
    grade = SmallIntegerField()
    letter = CharField()
    homeroom = ForeignKeyField(User, null=True, backref="homeroom_classes", on_delete="RESTRICT")
    homeroom_id: int | None

    class Meta:
        indexes = ((("school", "year", "grade", "letter"), True),)

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


class Enrollment(SchoolOwned):
    """A pupil's membership of a class from `start` to `end` (inclusive; NULL: still there)."""

    id: AutoField[int]
    student = ForeignKeyField(Student, backref="enrollments", on_delete="RESTRICT")
    student_id: int
    school_class = ForeignKeyField(SchoolClass, backref="enrollments", on_delete="RESTRICT")
    school_class_id: int
    start = DateField()
    end = DateField(null=True)
    arrived_from = CharField(default="")
    left_to = CharField(default="")
    end_reason = CharField(default="")  # transfer | departure | graduation

    class Meta:
        indexes = ((("school_class", "start"), False),)


class Subject(SchoolOwned):
    id: AutoField[int]
    name = CharField()
    short_name = CharField(default="")

    class Meta:
        indexes = ((("school", "name"), True),)


class WorkType(SchoolOwned):
    id: AutoField[int]
    name = CharField()
    weight = DecimalField(max_digits=4, decimal_places=2, default=1)
    is_default = BooleanField(default=False)

    class Meta:
        indexes = ((("school", "name"), True),)


class Subgroup(SchoolOwned):
    id: AutoField[int]
    school_class = ForeignKeyField(SchoolClass, backref="subgroups", on_delete="RESTRICT")
    school_class_id: int
    subject = ForeignKeyField(Subject, on_delete="RESTRICT")
    subject_id: int
    number = SmallIntegerField()
    name = CharField(default="")

    class Meta:
        indexes = ((("school", "school_class", "subject", "number"), True),)


class SubgroupMember(SchoolOwned):
    id: AutoField[int]
    subgroup = ForeignKeyField(Subgroup, backref="members", on_delete="RESTRICT")
    subgroup_id: int
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    period = ForeignKeyField(Period, on_delete="RESTRICT")
    period_id: int

    class Meta:
        indexes = ((("school", "subgroup", "student", "period"), True), (("student", "period"), False))


class Course(SchoolOwned):
    """Teaching load (нагрузка): a class × subject × teacher, for a subgroup where split."""

    id: AutoField[int]
    school_class = ForeignKeyField(SchoolClass, backref="courses", on_delete="RESTRICT")
    school_class_id: int
    subject = ForeignKeyField(Subject, on_delete="RESTRICT")
    subject_id: int
    teacher = ForeignKeyField(User, backref="courses", on_delete="RESTRICT")
    teacher_id: int
    subgroup = ForeignKeyField(Subgroup, null=True, on_delete="RESTRICT")
    subgroup_id: int | None

    class Meta:
        indexes = ((("school_class", "subject", "subgroup"), False),)


class TimetableEntry(SchoolOwned):
    """The weekly template: a course on a weekday (1 = Monday) at a lesson number."""

    id: AutoField[int]
    course = ForeignKeyField(Course, backref="timetable", on_delete="RESTRICT")
    course_id: int
    weekday = SmallIntegerField()
    number = SmallIntegerField()
    valid_from = DateField()
    valid_to = DateField(null=True)


# --- the journal itself ------------------------------------------------------------------


class Lesson(SchoolOwned):
    id: AutoField[int]
    course = ForeignKeyField(Course, backref="lessons", on_delete="RESTRICT")
    course_id: int
    date = DateField()
    number = SmallIntegerField(default=1)  # lesson number in the day
    topic = CharField(max_length=500, default="")
    homework = TextField(default="")
    no_homework = BooleanField(default=False)  # «без д/з», said explicitly
    homework_at = DateTimeField(null=True)  # when the homework (or «без д/з») was last set
    attendance_taken = BooleanField(default=False)  # absences typed or «все присутствуют»
    closed_at = DateTimeField(null=True)  # when topic, homework and attendance were all there
    work_type = ForeignKeyField(WorkType, null=True, on_delete="RESTRICT")
    work_type_id: int | None
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "course", "date", "number"), True), (("date",), False))


class PlanItem(SchoolOwned):
    """One lesson (one hour) of a course's calendar-thematic plan (КТП), in the plan's order:
    `position` 1, 2, … goes to the course's lessons of the year in date order."""

    id: AutoField[int]
    course = ForeignKeyField(Course, backref="plan", on_delete="CASCADE")
    course_id: int
    position = SmallIntegerField()
    number = SmallIntegerField()  # the plan's own lesson number (a 2-hour topic: one number)
    section = CharField(max_length=500, default="")
    topic = CharField(max_length=500)
    homework = TextField(default="")
    work_type = ForeignKeyField(WorkType, null=True, on_delete="RESTRICT")
    work_type_id: int | None
    planned_date = DateField(null=True)

    class Meta:
        table_name = "plan_item"
        indexes = ((("school", "course", "position"), True),)


class Mark(SchoolOwned):
    """A current mark: 1–5, one or two per cell (position 1 and 2)."""

    id: AutoField[int]
    lesson = ForeignKeyField(Lesson, backref="marks", on_delete="RESTRICT")
    lesson_id: int
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    position = SmallIntegerField(default=1)
    value = SmallIntegerField()
    work_type = ForeignKeyField(WorkType, null=True, on_delete="RESTRICT")
    work_type_id: int | None
    comment = CharField(default="")
    entered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    entered_by_id: int | None
    entered_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "lesson", "student", "position"), True), (("student",), False))


class Absence(SchoolOwned):
    """н / б / у / о in a lesson, with the excuse document once corrected (R13)."""

    id: AutoField[int]
    lesson = ForeignKeyField(Lesson, backref="absences", on_delete="RESTRICT")
    lesson_id: int
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    code = CharField(max_length=1)
    document = CharField(default="")
    excused_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    excused_by_id: int | None
    excused_at = DateTimeField(null=True)
    entered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    entered_by_id: int | None
    entered_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "lesson", "student"), True), (("student",), False))


class FinalMark(SchoolOwned):
    """A period or year mark per pupil and subject; `scope` is "P<period id>" or "Y<year id>"."""

    id: AutoField[int]
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    subject = ForeignKeyField(Subject, on_delete="RESTRICT")
    subject_id: int
    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    year_id: int
    period = ForeignKeyField(Period, null=True, on_delete="RESTRICT")
    period_id: int | None
    scope = CharField()
    value = CharField(max_length=8)  # 5 4 3 2 1 н/а осв зач незач
    entered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    entered_by_id: int | None
    entered_at = DateTimeField(default=now)
    # a period mark freezes the period's current marks of the pupil in the subject; the admin
    # may open them again (models/journal/corrections.py), until the mark is set anew
    reopened = BooleanField(default=False)

    class Meta:
        indexes = ((("school", "student", "subject", "scope"), True),)


class Correction(SchoolOwned):
    """A mark changed after the edit window, with its reason (R21): the diary shows it on
    the mark, R14's control counts it. `after_final`: the period mark was already set."""

    id: AutoField[int]
    lesson = ForeignKeyField(Lesson, on_delete="CASCADE")
    lesson_id: int
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    at = DateTimeField(default=now)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_id: int | None
    before = CharField(max_length=16)  # "5/4" as the cell read
    after = CharField(max_length=16)
    reason = CharField(max_length=300)
    after_final = BooleanField(default=False)

    class Meta:
        indexes = ((("lesson", "student"), False), (("at",), False))


# --- what happened -----------------------------------------------------------------------


class AuditEntry(DistrictOrSchool):
    id: AutoField[int]
    at = DateTimeField(default=now, index=True)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_id: int | None
    action = CharField(index=True)
    entity = CharField()
    entity_id = IntegerField(null=True)
    old = TextField(default="")
    new = TextField(default="")
    source = CharField(default="")

    class Meta:
        # the audit log reads a pupil's, a lesson's or an account's entries (models/reports/auditlog.py)
        indexes = ((("entity", "entity_id"), False),)


class DiaryView(SchoolOwned):
    id: AutoField[int]
    at = DateTimeField(default=now)
    user = ForeignKeyField(User, on_delete="RESTRICT")
    user_id: int
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    what = CharField()  # open | week | period
    ref = CharField(default="")  # the week's Monday or the period id

    class Meta:
        indexes = ((("student", "at"), False),)


class WeekAcknowledgement(SchoolOwned):
    """A guardian's «Ознакомлен(а)» with a pupil's week in the diary (R6)."""

    id: AutoField[int]
    user = ForeignKeyField(User, on_delete="RESTRICT")
    user_id: int
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    student_id: int
    monday = DateField()
    at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "student", "monday", "user"), True),)


class LoginEvent(DistrictOrSchool):
    id: AutoField[int]
    at = DateTimeField(default=now, index=True)
    login = CharField()
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_id: int | None
    success = BooleanField()
    reason = CharField(default="")
    source = CharField(default="")


class LoginThrottle(BaseModel):
    """The failure counters of a login that names no account, kept like an account's own
    (User.failed_attempts, lockouts, locked_until): an unknown login then answers exactly as
    a known one in every state, and the answers tell nobody which logins exist."""

    login = CharField(primary_key=True)
    failed_attempts = SmallIntegerField(default=0)
    lockouts = SmallIntegerField(default=0)
    locked_until = DateTimeField(null=True)
    failed_at = DateTimeField(null=True, index=True)


class SshKey(SchoolOwned):
    """A public key a staff member registered for logging in to `journal serve ssh`."""

    id: AutoField[int]
    user = ForeignKeyField(User, backref="ssh_keys", on_delete="RESTRICT")
    user_id: int
    algorithm = CharField()  # ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …
    key_data = TextField()  # the base64 blob, as in authorized_keys
    fingerprint = CharField()  # SHA256:… as `ssh-keygen -l` prints it
    comment = CharField(default="")
    created_at = DateTimeField(default=now)
    last_used_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("school", "user", "fingerprint"), True),)


class Arrival(SchoolOwned):
    """A pupil who came from another school of the district (models.people.moves): where
    from, when they left there, and when this school enrolled them in a class."""

    id: AutoField[int]
    student = ForeignKeyField(Student, backref="+", on_delete="RESTRICT")
    student_id: int
    from_school = ForeignKeyField(School, backref="+", on_delete="RESTRICT")
    from_school_id: int
    from_student_id = IntegerField()
    from_class = CharField(default="")
    left_on = DateField()
    enrolled_on = DateField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "student"), True),)


class CarriedMark(SchoolOwned):
    """A mark of the period given in the pupil's previous school: it counts here as a mark
    from another class does (models.reports.analysis's PERIOD_RULE), in the subject of the
    same name."""

    id: AutoField[int]
    student = ForeignKeyField(Student, backref="+", on_delete="RESTRICT")
    student_id: int
    subject = CharField()
    date = DateField()
    value = SmallIntegerField()
    weight = IntegerField()  # ×100, as the sending school weighed it
    work_type = CharField(default="")

    class Meta:
        indexes = ((("school", "student", "date"), False),)


class CarriedFinal(SchoolOwned):
    """A final mark of an earlier period of the year given in the pupil's previous school:
    it becomes this school's final mark of the period in the same place of the year when the
    pupil is enrolled here (models.people.moves.enrol_arrival)."""

    id: AutoField[int]
    student = ForeignKeyField(Student, backref="+", on_delete="RESTRICT")
    student_id: int
    subject = CharField()
    period_number = SmallIntegerField()  # 1: the year's first period
    periods_in_year = SmallIntegerField()  # of how many (4 quarters, 2 half-years)
    period_name = CharField(default="")
    value = CharField(max_length=8)

    class Meta:
        indexes = ((("school", "student"), False),)


ALL_MODELS: tuple[type[BaseModel], ...] = (
    School,
    Setting,
    SchoolYear,
    Period,
    Student,
    Guardian,
    StudentGuardian,
    Consent,
    User,
    SchoolClass,
    Enrollment,
    Subject,
    WorkType,
    Subgroup,
    SubgroupMember,
    Course,
    TimetableEntry,
    Lesson,
    PlanItem,
    Mark,
    Absence,
    FinalMark,
    Correction,
    AuditEntry,
    DiaryView,
    WeekAcknowledgement,
    LoginEvent,
    LoginThrottle,
    SshKey,
    Arrival,
    CarriedMark,
    CarriedFinal,
)
