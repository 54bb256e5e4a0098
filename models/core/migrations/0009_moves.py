"""A pupil moving between schools of a district (issue 20): the receiving school's record of
where the pupil came from (arrival), and the marks of the period that travel with the pupil
(carried_mark: subject by name, day, value, weight ×100, the sending school's work type)."""
from peewee import *


def up(migrator, db):
    class School(Model):
        class Meta:
            database = db
            table_name = 'school'

    class Student(Model):
        class Meta:
            database = db
            table_name = 'student'

    class Arrival(Model):
        school = ForeignKeyField(School, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        from_school = ForeignKeyField(School, on_delete='RESTRICT', backref='+')
        from_student_id = IntegerField()
        from_class = CharField(default='')
        left_on = DateField()
        enrolled_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'arrival'
            indexes = ((('school', 'student'), True),)

    class CarriedMark(Model):
        school = ForeignKeyField(School, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        subject = CharField()
        date = DateField()
        value = SmallIntegerField()
        weight = IntegerField()  # ×100
        work_type = CharField(default='')
        class Meta:
            database = db
            table_name = 'carried_mark'
            indexes = ((('school', 'student', 'date'), False),)

    db.create_tables([Arrival, CarriedMark])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('carried_mark'), migrator.drop_table('arrival'))
