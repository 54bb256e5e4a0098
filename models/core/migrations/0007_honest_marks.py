"""Honest marks (issue 18): a period mark that the admin opened again (final_mark.reopened);
the corrections made after the edit window, with their reasons (correction); a guardian's
acknowledgement of a pupil's week in the diary (week_acknowledgement)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('final_mark', 'reopened', BooleanField(default=False)))

    class Lesson(Model):
        class Meta:
            database = db
            table_name = 'lesson'

    class Student(Model):
        class Meta:
            database = db
            table_name = 'student'

    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class Correction(Model):
        lesson = ForeignKeyField(Lesson, on_delete='CASCADE')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        at = DateTimeField()
        user = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        before = CharField(max_length=16)
        after = CharField(max_length=16)
        reason = CharField(max_length=300)
        after_final = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'correction'
            indexes = ((('lesson', 'student'), False), (('at',), False))

    class WeekAcknowledgement(Model):
        user = ForeignKeyField(User, on_delete='RESTRICT')
        student = ForeignKeyField(Student, on_delete='RESTRICT')
        monday = DateField()
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'week_acknowledgement'
            indexes = ((('student', 'monday', 'user'), True),)

    db.create_tables([Correction, WeekAcknowledgement])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('week_acknowledgement'),
        migrator.drop_table('correction'),
        migrator.drop_column('final_mark', 'reopened'),
    )
