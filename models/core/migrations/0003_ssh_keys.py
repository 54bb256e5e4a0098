"""Public keys for logging in to `journal serve ssh` (models/core/schema.py: SshKey)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class SshKey(Model):
        user = ForeignKeyField(User, on_delete='RESTRICT')
        algorithm = CharField()
        key_data = TextField()
        fingerprint = CharField()
        comment = CharField(default='')
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'ssh_key'
            indexes = ((('user', 'fingerprint'), True),)
    db.create_tables([SshKey])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('ssh_key'))
