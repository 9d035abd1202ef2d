"""What a failed database call means: a conflict worth retrying, or an archive that cannot take writes.

Retrying is right for lock conflicts and uniqueness races (another writer got there first). It is wrong for
a full disk, a read-only or corrupt file, missing permissions or an unreachable server: retrying those only
stalls the crawl for minutes while it logs nothing useful. Those fail fast with `ArchiveUnavailable`, whose
message names the archive (password masked) and the cause in one line.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError


class Cause(StrEnum):
    DISK_FULL = "disk full"
    READ_ONLY = "read-only"
    CORRUPT = "not a database or corrupt"
    PERMISSION = "permission denied"
    CANNOT_OPEN = "cannot open"
    UNREACHABLE = "server unreachable"
    IO_ERROR = "I/O error"


class ArchiveUnavailable(RuntimeError):
    """The archive cannot be written (or opened) at all; retrying would not help."""

    def __init__(self, cause: Cause, archive: str, detail: str) -> None:
        self.cause, self.archive, self.detail = cause, archive, detail
        super().__init__(f"archive {archive}: {cause} ({detail})")

    def __reduce__(self) -> tuple[type[ArchiveUnavailable], tuple[Cause, str, str]]:
        return ArchiveUnavailable, (self.cause, self.archive, self.detail)  # it travels between processes


class Retry(StrEnum):
    CONFLICT = "conflict"  # locked, busy, deadlock, serialization failure, unique violation: retry
    TRANSIENT = "transient"  # a connection that dropped: retry a few times, then give up as unreachable
    NEVER = "never"  # a bug (NOT NULL, foreign key ...): raise at once


# SQLite primary result codes (sqlite3 errors carry them as `sqlite_errorcode` since Python 3.11).
_SQLITE_FATAL = {
    3: Cause.PERMISSION,  # SQLITE_PERM
    8: Cause.READ_ONLY,  # SQLITE_READONLY
    10: Cause.IO_ERROR,  # SQLITE_IOERR
    11: Cause.CORRUPT,  # SQLITE_CORRUPT
    13: Cause.DISK_FULL,  # SQLITE_FULL
    14: Cause.CANNOT_OPEN,  # SQLITE_CANTOPEN
    23: Cause.PERMISSION,  # SQLITE_AUTH
    26: Cause.CORRUPT,  # SQLITE_NOTADB
}
_SQLITE_CONFLICT = {5, 6, 17}  # SQLITE_BUSY, SQLITE_LOCKED, SQLITE_SCHEMA
# PostgreSQL SQLSTATEs (psycopg errors carry them as `sqlstate`).
_PG_FATAL = {
    "53100": Cause.DISK_FULL,
    "25006": Cause.READ_ONLY,
    "42501": Cause.PERMISSION,
    "28000": Cause.PERMISSION,
    "28P01": Cause.PERMISSION,
    "3D000": Cause.CANNOT_OPEN,  # database does not exist
    "58030": Cause.IO_ERROR,
    "XX001": Cause.CORRUPT,
    "XX002": Cause.CORRUPT,
}
_PG_CONFLICT = {"40001", "40P01", "55P03", "23505"}


def fatal_cause(error: BaseException) -> Cause | None:
    """The cause when `error` means the archive cannot be used at all, else None."""
    original = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_FATAL.get(code & 0xFF)
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str):
        return _PG_FATAL.get(state)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return None
    text = str(original).lower()
    if "connection refused" in text or "could not translate host" in text or "connection failed" in text:
        return Cause.UNREACHABLE
    return None


def retry_kind(error: DBAPIError) -> Retry:
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in _SQLITE_CONFLICT or (isinstance(error, IntegrityError) and "UNIQUE" in str(original)):
            return Retry.CONFLICT
        return Retry.NEVER
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str):
        return Retry.CONFLICT if state in _PG_CONFLICT else Retry.NEVER
    if error.connection_invalidated:
        return Retry.TRANSIENT
    # No code at all: an older driver or a message-only error. Locks and uniqueness are the usual ones.
    text = str(original).lower()
    if "locked" in text or "busy" in text or "unique" in text or "deadlock" in text:
        return Retry.CONFLICT
    return Retry.NEVER


def describe_archive(url: str) -> str:
    """The archive URL for messages: the password masked, a SQLite path as given (not the URI form a
    read-only archive is opened with)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return repr(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database.startswith("file:"):
        return "sqlite:///" + database.removeprefix("file:").split("?", 1)[0]
    return parsed.render_as_string(hide_password=True)


def unavailable(error: BaseException, url: str) -> ArchiveUnavailable | None:
    """`error` as ArchiveUnavailable when it means the archive cannot be used, else None."""
    cause = fatal_cause(error)
    if cause is None:
        return None
    original = error.orig if isinstance(error, DBAPIError) else error
    detail = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return ArchiveUnavailable(cause, describe_archive(url), detail)
