"""The audit log is read by pupil, lesson or account (models/reports/auditlog.py): an index on
(entity, entity_id) finds those entries without a scan of the whole trail."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_index('audit_entry', ('entity', 'entity_id'), False, name='auditentry_entity_entity_id')
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index('audit_entry', 'auditentry_entity_entity_id'))
