"""Sessions end when their account changes (app_user.session_epoch); unknown logins are
throttled like known ones (login_throttle, app_user.failed_at), so the answers reveal no login."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('app_user', 'session_epoch', IntegerField(default=0)),
        migrator.add_column('app_user', 'failed_at', DateTimeField(null=True)),
    )

    class LoginThrottle(Model):
        login = CharField(primary_key=True)
        failed_attempts = SmallIntegerField(default=0)
        lockouts = SmallIntegerField(default=0)
        locked_until = DateTimeField(null=True)
        failed_at = DateTimeField(null=True, index=True)
        class Meta:
            database = db
            table_name = 'login_throttle'
    db.create_tables([LoginThrottle])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('login_throttle'), migrator.drop_column('app_user', 'session_epoch'),
                     migrator.drop_column('app_user', 'failed_at'))
