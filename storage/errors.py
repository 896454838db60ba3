"""Errors that storage raises for a person to read, each with a one-line message."""


class StorageError(Exception):
    """Base of the errors below: the message is written for the user."""


class DatabaseUnusable(StorageError):
    """The database file cannot be used (not SQLite, read-only, newer schema …)."""


class NotFound(StorageError):
    """A code named by the user does not exist."""


class Busy(StorageError):
    """Someone else held the database's write lock for longer than a save waits."""


class Changed(StorageError):
    """Someone saved it after the version the person's change was typed against.

    Nothing is saved: two people saving the same thing never silently
    overwrite each other. The form keeps what was typed and reads again.
    """
