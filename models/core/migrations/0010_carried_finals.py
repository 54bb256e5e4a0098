"""The final marks of the year's earlier periods that travel with a pupil moving between
schools of a district (issue 20): subject by name, the period by its place in the sending
school's year (of how many), its name, the value. They become the receiving school's final
marks when it enrols the pupil, where its year has the same periods."""
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

    class CarriedFinal(Model):
        school = ForeignKeyField(School, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        subject = CharField()
        period_number = SmallIntegerField()
        periods_in_year = SmallIntegerField()
        period_name = CharField(default='')
        value = CharField(max_length=8)
        class Meta:
            database = db
            table_name = 'carried_final'
            indexes = ((('school', 'student'), False),)

    db.create_tables([CarriedFinal])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('carried_final'))
