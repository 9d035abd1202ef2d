"""Column types shared by both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator

CHINA_OFFSET_MINUTES = 8 * 60  # Asia/Shanghai: no daylight saving since 1991


def in_offset(moment: datetime | None, minutes: int | None) -> datetime | None:
    """`moment` (an instant) shown in the zone a page gave it: `minutes` east of UTC, Beijing time when the
    page said nothing else (None)."""
    if moment is None:
        return None
    offset = CHINA_OFFSET_MINUTES if minutes is None else minutes
    return moment.astimezone(timezone(timedelta(minutes=offset)))


def offset_minutes(moment: datetime | None) -> int | None:
    """The UTC offset of an aware datetime in minutes (what `in_offset` takes back)."""
    offset = moment.utcoffset() if moment is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC.

    SQLite has no time zone type and SQLAlchemy's `DateTime(timezone=True)` silently drops the offset
    there, so every value is normalised to UTC on the way in and comes back aware on the way out.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: archive times must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)
