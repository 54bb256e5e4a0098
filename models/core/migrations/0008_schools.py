"""Schools in one database (issue 20): every school-owned row carries its school_id, every
unique key begins with it, and an index on it per table. A one-school database keeps its
data: every row goes to its school. The district's own rows (the district administrator's
account, their audit entries, logins naming no account) have no school (NULL).

SQLite adds the column without a foreign key (SQLite refuses a REFERENCES column with a
non-NULL default); one SQLite file holds one school anyway. PostgreSQL gets the foreign key.
The settings table is rebuilt: its key alone was the primary key."""
from peewee import *

# table, index prefix (the model's name in lower case), NULL allowed (the district's rows)
TABLES = (
    ('school_year', 'schoolyear', False),
    ('period', 'period', False),
    ('student', 'student', False),
    ('guardian', 'guardian', False),
    ('student_guardian', 'studentguardian', False),
    ('consent', 'consent', False),
    ('app_user', 'user', True),
    ('school_class', 'schoolclass', False),
    ('enrollment', 'enrollment', False),
    ('subject', 'subject', False),
    ('work_type', 'worktype', False),
    ('subgroup', 'subgroup', False),
    ('subgroup_member', 'subgroupmember', False),
    ('course', 'course', False),
    ('timetable_entry', 'timetableentry', False),
    ('lesson', 'lesson', False),
    ('plan_item', 'planitem', False),
    ('mark', 'mark', False),
    ('absence', 'absence', False),
    ('final_mark', 'finalmark', False),
    ('correction', 'correction', False),
    ('audit_entry', 'auditentry', True),
    ('diary_view', 'diaryview', False),
    ('week_acknowledgement', 'weekacknowledgement', False),
    ('login_event', 'loginevent', True),
    ('ssh_key', 'sshkey', False),
)

# the unique keys that now begin with the school: table, old index, columns after school_id
UNIQUE = (
    ('school_year', 'schoolyear_name', ('name',)),
    ('period', 'period_year_id_kind_number_grade_from', ('year_id', 'kind', 'number', 'grade_from')),
    ('student_guardian', 'studentguardian_student_id_guardian_id', ('student_id', 'guardian_id')),
    ('school_class', 'schoolclass_year_id_grade_letter', ('year_id', 'grade', 'letter')),
    ('subject', 'subject_name', ('name',)),
    ('work_type', 'worktype_name', ('name',)),
    ('subgroup', 'subgroup_school_class_id_subject_id_number', ('school_class_id', 'subject_id', 'number')),
    ('subgroup_member', 'subgroupmember_subgroup_id_student_id_period_id', ('subgroup_id', 'student_id', 'period_id')),
    ('lesson', 'lesson_course_id_date_number', ('course_id', 'date', 'number')),
    ('plan_item', 'planitem_course_id_position', ('course_id', 'position')),
    ('mark', 'mark_lesson_id_student_id_position', ('lesson_id', 'student_id', 'position')),
    ('absence', 'absence_lesson_id_student_id', ('lesson_id', 'student_id')),
    ('final_mark', 'finalmark_student_id_subject_id_scope', ('student_id', 'subject_id', 'scope')),
    ('week_acknowledgement', 'weekacknowledgement_student_id_monday_user_id', ('student_id', 'monday', 'user_id')),
    ('ssh_key', 'sshkey_user_id_fingerprint', ('user_id', 'fingerprint')),
)


def _prefix(table):
    return next(prefix for name, prefix, _ in TABLES if name == table)


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase) or 'postgres' in type(db).__name__.lower()
    row = db.execute_sql('SELECT MIN(id) FROM school').fetchone()
    school = row[0] if row and row[0] is not None else 1
    for table, prefix, nullable in TABLES:
        if postgres:
            db.execute_sql(
                f'ALTER TABLE "{table}" ADD COLUMN school_id INTEGER REFERENCES school (id) ON DELETE RESTRICT'
            )
            db.execute_sql(f'UPDATE "{table}" SET school_id = %s', (school,))
            if not nullable:
                db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN school_id SET NOT NULL')
        elif nullable:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN school_id INTEGER')
            db.execute_sql(f'UPDATE "{table}" SET school_id = ?', (school,))
        else:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN school_id INTEGER NOT NULL DEFAULT {int(school)}')
        db.execute_sql(f'CREATE INDEX "{prefix}_school_id" ON "{table}" (school_id)')
    for table, old, columns in UNIQUE:
        db.execute_sql(f'DROP INDEX "{old}"')
        name = f'{_prefix(table)}_school_id_' + '_'.join(columns)
        listed = ', '.join(('school_id',) + columns)
        db.execute_sql(f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({listed})')

    class School(Model):
        class Meta:
            database = db
            table_name = 'school'

    class Setting(Model):
        school = ForeignKeyField(School, on_delete='RESTRICT', index=True)
        key = CharField()
        value = TextField()

        class Meta:
            database = db
            table_name = 'setting_new'
            indexes = ((('school', 'key'), True),)

    db.create_tables([Setting])
    param = '%s' if postgres else '?'
    db.execute_sql(f'INSERT INTO setting_new (school_id, key, value) SELECT {param}, key, value FROM setting', (school,))
    db.execute_sql('DROP TABLE setting')
    db.execute_sql('ALTER TABLE setting_new RENAME TO setting')
    if postgres:  # the rebuilt table's own names
        db.execute_sql('ALTER SEQUENCE setting_new_id_seq RENAME TO setting_id_seq')
        db.execute_sql('ALTER TABLE setting RENAME CONSTRAINT setting_new_pkey TO setting_pkey')
        db.execute_sql('ALTER TABLE setting RENAME CONSTRAINT setting_new_school_id_fkey TO setting_school_id_fkey')
