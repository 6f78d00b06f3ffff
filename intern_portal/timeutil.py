"""Time-zone helpers: UTC in the database, the viewer's zone on the page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted, without the legacy aliases people never pick."""
    names = sorted(available_timezones())
    return tuple(n for n in names if "/" in n or n == "UTC")


def time_zone_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a time-zone select, with spaces for underscores."""
    return [(z, z.replace("_", " ")) for z in time_zone_names()]


def is_time_zone(name: str | None) -> bool:
    return bool(name) and name in available_timezones()


def to_local(value: datetime, zone: str) -> datetime:
    """Convert an aware UTC datetime to the given zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone))


def format_local(value: datetime | None, zone: str, with_zone: bool = True) -> str:
    if value is None:
        return ""
    local = to_local(value, zone)
    text = local.strftime("%a %d %b %Y, %H:%M")
    return f"{text} {local.tzname()}" if with_zone else text


def format_date(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def local_now(zone: str) -> datetime:
    return datetime.now(ZoneInfo(zone))
