"""The first schema of the journal (a frozen copy of models/core/schema.py as it was)."""
from peewee import *


def up(migrator, db):
    class SchoolYear(Model):
        name = CharField(unique=True)
        start = DateField()
        end = DateField()
        class Meta:
            database = db
            table_name = 'school_year'
    db.create_tables([SchoolYear])

    class Student(Model):
        surname = CharField()
        first_name = CharField()
        patronymic = CharField(default='')
        birth_date = DateField(null=True)
        sex = CharField(default='')
        address = CharField(default='')
        phone = CharField(default='')
        email = CharField(default='')
        notes = TextField(default='')
        verified_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'student'
            indexes = ((('surname', 'first_name'), False),)
    db.create_tables([Student])

    class Guardian(Model):
        surname = CharField()
        first_name = CharField()
        patronymic = CharField(default='')
        phone = CharField(default='')
        email = CharField(default='')
        address = CharField(default='')
        may_receive_credentials = BooleanField(default=True)
        verified_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'guardian'
    db.create_tables([Guardian])

    class User(Model):
        login = CharField(unique=True)
        password_hash = CharField(null=True)
        role = CharField(index=True)
        surname = CharField(default='')
        first_name = CharField(default='')
        patronymic = CharField(default='')
        student = ForeignKeyField(Student, null=True, on_delete='RESTRICT')
        guardian = ForeignKeyField(Guardian, null=True, on_delete='RESTRICT')
        must_change_password = BooleanField(default=True)
        active = BooleanField(default=True)
        failed_attempts = SmallIntegerField(default=0)
        lockouts = SmallIntegerField(default=0)
        locked_until = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)
        last_login_source = CharField(default='')
        password_changed_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'app_user'
    db.create_tables([User])

    class SchoolClass(Model):
        year = ForeignKeyField(SchoolYear, on_delete='RESTRICT')
        grade = SmallIntegerField()
        letter = CharField()
        homeroom = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'school_class'
            indexes = ((('year', 'grade', 'letter'), True),)
    db.create_tables([SchoolClass])

    class Subject(Model):
        name = CharField(unique=True)
        short_name = CharField(default='')
        class Meta:
            database = db
            table_name = 'subject'
    db.create_tables([Subject])

    class Subgroup(Model):
        school_class = ForeignKeyField(SchoolClass, on_delete='RESTRICT')
        subject = ForeignKeyField(Subject, on_delete='RESTRICT')
        number = SmallIntegerField()
        name = CharField(default='')
        class Meta:
            database = db
            table_name = 'subgroup'
            indexes = ((('school_class', 'subject', 'number'), True),)
    db.create_tables([Subgroup])

    class Course(Model):
        school_class = ForeignKeyField(SchoolClass, on_delete='RESTRICT')
        subject = ForeignKeyField(Subject, on_delete='RESTRICT')
        teacher = ForeignKeyField(User, on_delete='RESTRICT')
        subgroup = ForeignKeyField(Subgroup, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'course'
            indexes = ((('school_class', 'subject', 'subgroup'), False),)
    db.create_tables([Course])

    class WorkType(Model):
        name = CharField(unique=True)
        weight = DecimalField(max_digits=4, decimal_places=2, default=1)
        is_default = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'work_type'
    db.create_tables([WorkType])

    class Lesson(Model):
        course = ForeignKeyField(Course, on_delete='RESTRICT')
        date = DateField()
        number = SmallIntegerField(default=1)
        topic = CharField(default='')
        homework = TextField(default='')
        work_type = ForeignKeyField(WorkType, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'lesson'
            indexes = ((('course', 'date', 'number'), True), (('date',), False))
    db.create_tables([Lesson])

    class Absence(Model):
        lesson = ForeignKeyField(Lesson, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        code = CharField(max_length=1)
        document = CharField(default='')
        excused_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        excused_at = DateTimeField(null=True)
        entered_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        entered_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'absence'
            indexes = ((('lesson', 'student'), True), (('student',), False))
    db.create_tables([Absence])

    class AuditEntry(Model):
        at = DateTimeField(index=True)
        user = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        action = CharField(index=True)
        entity = CharField()
        entity_id = IntegerField(null=True)
        old = TextField(default='')
        new = TextField(default='')
        source = CharField(default='')
        class Meta:
            database = db
            table_name = 'audit_entry'
    db.create_tables([AuditEntry])

    class Consent(Model):
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        guardian = ForeignKeyField(Guardian, null=True, on_delete='RESTRICT')
        given_on = DateField()
        document = CharField(default='')
        withdrawn_on = DateField(null=True)
        recorded_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'consent'
    db.create_tables([Consent])

    class DiaryView(Model):
        at = DateTimeField()
        user = ForeignKeyField(User, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        what = CharField()
        ref = CharField(default='')
        class Meta:
            database = db
            table_name = 'diary_view'
            indexes = ((('student', 'at'), False),)
    db.create_tables([DiaryView])

    class Enrollment(Model):
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        school_class = ForeignKeyField(SchoolClass, on_delete='RESTRICT')
        start = DateField()
        end = DateField(null=True)
        arrived_from = CharField(default='')
        left_to = CharField(default='')
        end_reason = CharField(default='')
        class Meta:
            database = db
            table_name = 'enrollment'
            indexes = ((('school_class', 'start'), False),)
    db.create_tables([Enrollment])

    class Period(Model):
        year = ForeignKeyField(SchoolYear, on_delete='RESTRICT')
        kind = CharField()
        number = SmallIntegerField()
        name = CharField()
        start = DateField()
        end = DateField()
        grade_from = SmallIntegerField(default=1)
        grade_to = SmallIntegerField(default=11)
        closed = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'period'
            indexes = ((('year', 'kind', 'number', 'grade_from'), True),)
    db.create_tables([Period])

    class FinalMark(Model):
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        subject = ForeignKeyField(Subject, on_delete='RESTRICT')
        year = ForeignKeyField(SchoolYear, on_delete='RESTRICT')
        period = ForeignKeyField(Period, null=True, on_delete='RESTRICT')
        scope = CharField()
        value = CharField(max_length=8)
        entered_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        entered_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'final_mark'
            indexes = ((('student', 'subject', 'scope'), True),)
    db.create_tables([FinalMark])

    class LoginEvent(Model):
        at = DateTimeField(index=True)
        login = CharField()
        user = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        success = BooleanField()
        reason = CharField(default='')
        source = CharField(default='')
        class Meta:
            database = db
            table_name = 'login_event'
    db.create_tables([LoginEvent])

    class Mark(Model):
        lesson = ForeignKeyField(Lesson, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        position = SmallIntegerField(default=1)
        value = SmallIntegerField()
        work_type = ForeignKeyField(WorkType, null=True, on_delete='RESTRICT')
        comment = CharField(default='')
        entered_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        entered_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'mark'
            indexes = ((('lesson', 'student', 'position'), True), (('student',), False))
    db.create_tables([Mark])

    class School(Model):
        name = CharField()
        address = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'school'
    db.create_tables([School])

    class Setting(Model):
        key = CharField(primary_key=True)
        value = TextField()
        class Meta:
            database = db
            table_name = 'setting'
    db.create_tables([Setting])

    class StudentGuardian(Model):
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        guardian = ForeignKeyField(Guardian, on_delete='RESTRICT')
        relation = CharField(default='')
        class Meta:
            database = db
            table_name = 'student_guardian'
            indexes = ((('student', 'guardian'), True),)
    db.create_tables([StudentGuardian])

    class SubgroupMember(Model):
        subgroup = ForeignKeyField(Subgroup, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        period = ForeignKeyField(Period, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'subgroup_member'
            indexes = ((('subgroup', 'student', 'period'), True), (('student', 'period'), False))
    db.create_tables([SubgroupMember])

    class TimetableEntry(Model):
        course = ForeignKeyField(Course, on_delete='RESTRICT')
        weekday = SmallIntegerField()
        number = SmallIntegerField()
        valid_from = DateField()
        valid_to = DateField(null=True)
        class Meta:
            database = db
            table_name = 'timetable_entry'
    db.create_tables([TimetableEntry])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('timetable_entry'))
    migrator.migrate(migrator.drop_table('subgroup_member'))
    migrator.migrate(migrator.drop_table('student_guardian'))
    migrator.migrate(migrator.drop_table('setting'))
    migrator.migrate(migrator.drop_table('school'))
    migrator.migrate(migrator.drop_table('mark'))
    migrator.migrate(migrator.drop_table('login_event'))
    migrator.migrate(migrator.drop_table('final_mark'))
    migrator.migrate(migrator.drop_table('period'))
    migrator.migrate(migrator.drop_table('enrollment'))
    migrator.migrate(migrator.drop_table('diary_view'))
    migrator.migrate(migrator.drop_table('consent'))
    migrator.migrate(migrator.drop_table('audit_entry'))
    migrator.migrate(migrator.drop_table('absence'))
    migrator.migrate(migrator.drop_table('lesson'))
    migrator.migrate(migrator.drop_table('work_type'))
    migrator.migrate(migrator.drop_table('course'))
    migrator.migrate(migrator.drop_table('subgroup'))
    migrator.migrate(migrator.drop_table('subject'))
    migrator.migrate(migrator.drop_table('school_class'))
    migrator.migrate(migrator.drop_table('app_user'))
    migrator.migrate(migrator.drop_table('guardian'))
    migrator.migrate(migrator.drop_table('student'))
    migrator.migrate(migrator.drop_table('school_year'))
