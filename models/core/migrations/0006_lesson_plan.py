"""Closing a lesson and the calendar-thematic plan (issue 17): a lesson's «без д/з», when its
homework was set, whether attendance was taken and when it was closed; a topic of up to 500
characters; the course's plan (plan_item), one row per hour, in the plan's order."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('lesson', 'no_homework', BooleanField(default=False)),
        migrator.add_column('lesson', 'homework_at', DateTimeField(null=True)),
        migrator.add_column('lesson', 'attendance_taken', BooleanField(default=False)),
        migrator.add_column('lesson', 'closed_at', DateTimeField(null=True)),
    )
    if isinstance(db, PostgresqlDatabase):  # SQLite does not hold a VARCHAR to its length
        db.execute_sql('ALTER TABLE lesson ALTER COLUMN topic TYPE VARCHAR(500)')
    # absences typed before: attendance was taken on those lessons
    db.execute_sql(
        'UPDATE lesson SET attendance_taken = TRUE '
        'WHERE EXISTS (SELECT 1 FROM absence WHERE absence.lesson_id = lesson.id)'
    )

    class Course(Model):
        class Meta:
            database = db
            table_name = 'course'

    class WorkType(Model):
        class Meta:
            database = db
            table_name = 'work_type'

    class PlanItem(Model):
        course = ForeignKeyField(Course, on_delete='CASCADE')
        position = SmallIntegerField()
        number = SmallIntegerField()
        section = CharField(max_length=500, default='')
        topic = CharField(max_length=500)
        homework = TextField(default='')
        work_type = ForeignKeyField(WorkType, null=True, on_delete='RESTRICT')
        planned_date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'plan_item'
            indexes = ((('course', 'position'), True),)
    db.create_tables([PlanItem])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('plan_item'),
        migrator.drop_column('lesson', 'no_homework'),
        migrator.drop_column('lesson', 'homework_at'),
        migrator.drop_column('lesson', 'attendance_taken'),
        migrator.drop_column('lesson', 'closed_at'),
    )
