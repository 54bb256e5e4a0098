"""The journal's failures, one type per kind, each with a message a teacher can read."""


class JournalError(Exception):
    """Base of every failure the journal reports to a user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PermissionDenied(JournalError):
    """The acting user may not do this."""


class SessionEnded(PermissionDenied):
    """The acting account was disabled, its role changed or its password reset after the
    session began: nothing is done in its name any more, and the session must end."""


class ValidationError(JournalError):
    """The input is wrong; nothing was written."""


class NotFound(ValidationError):
    """The thing referred to does not exist (an unknown class, pupil, lesson …)."""


class AuthenticationError(JournalError):
    """Wrong login or password, or the account may not log in now."""


class StorageError(JournalError):
    """The database could not be read or written (locked, full disk, unreachable)."""


class StoreBusy(StorageError):
    """Another writer holds the store right now, and this write was asked not to wait for it
    (models.core.db.without_waiting): nothing was done; the caller writes it later."""


class SchemaOutdated(StorageError):
    """The database was made by an older version: `journal migrate` brings it up to date."""
