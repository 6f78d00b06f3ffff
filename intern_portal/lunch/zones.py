"""Local wall-clock times to UTC and back, honest about DST gaps and repeats."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class LocalTimeError(ValueError):
    """A local time that does not exist on that date (the clocks jumped over it)."""


def exists(day: date, at: time, zone: str) -> bool:
    """True when the wall-clock time happens on that day in that zone."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    back = local.astimezone(UTC).astimezone(ZoneInfo(zone))
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def is_repeated(day: date, at: time, zone: str) -> bool:
    """True when the wall-clock time happens twice that day (the clocks went back)."""
    first = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    second = first.replace(fold=1)
    return first.utcoffset() != second.utcoffset()


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a local time; a repeated time means its first occurrence."""
    if not exists(day, at, zone):
        raise LocalTimeError(
            f"{at:%H:%M} does not exist on {day:%d %b %Y} in {zone}: the clocks skip it."
        )
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and the next one starts."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def local_week_bounds(instant: datetime, zone: str) -> tuple[datetime, datetime]:
    """The UTC bounds of the Monday-to-Sunday week holding the instant, in that zone."""
    local_day = instant.astimezone(ZoneInfo(zone)).date()
    monday = local_day - timedelta(days=local_day.weekday())
    start, _ = local_day_bounds(monday, zone)
    end, _ = local_day_bounds(monday + timedelta(days=7), zone)
    return start, end
