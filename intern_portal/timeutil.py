"""Time: UTC in the database, each person's zone on the page, and local wall-clock times to UTC.

Two ways from a local time to UTC, both taking the first of a time that happens twice:
- `to_utc` is for times a person chose (a lunch slot, a cohort event): a time the clocks skip
  does not exist, so it is refused with the reason;
- `at_local` is for times the portal computes (a reminder at 09:00, the start of a day): a
  skipped time means the moment the clocks jump to, so the reminder still goes out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from .kernel import Refusal


class LocalTimeError(Refusal):
    """A local time that does not exist on that date (the clocks jumped over it)."""


@cache
def zone_set() -> frozenset[str]:
    """Every IANA zone name this machine knows, read once."""
    return frozenset(available_timezones())


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted, without the legacy aliases people never pick."""
    return tuple(n for n in sorted(zone_set()) if "/" in n or n == "UTC")


def time_zone_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a time-zone select, with spaces for underscores."""
    return [(z, z.replace("_", " ")) for z in time_zone_names()]


def is_time_zone(name: str | None) -> bool:
    return bool(name) and name in zone_set()


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(value: datetime, zone_name: str) -> datetime:
    """Convert an aware UTC datetime to the given zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone(zone_name))


def format_local(value: datetime | None, zone_name: str, with_zone: bool = True) -> str:
    if value is None:
        return ""
    local = to_local(value, zone_name)
    text = local.strftime("%a %d %b %Y, %H:%M")
    return f"{text} {local.tzname()}" if with_zone else text


def format_date(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def local_now(zone_name: str) -> datetime:
    return datetime.now(zone(zone_name))


def local_today(zone_name: str, now: datetime | None = None) -> date:
    """The date it is now in the zone."""
    return (now or datetime.now(UTC)).astimezone(zone(zone_name)).date()


def exists(day: date, at: time, zone_name: str) -> bool:
    """True when the wall-clock time happens on that day in that zone."""
    local = datetime.combine(day, at, tzinfo=zone(zone_name))
    back = local.astimezone(UTC).astimezone(zone(zone_name))
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def is_repeated(day: date, at: time, zone_name: str) -> bool:
    """True when the wall-clock time happens twice that day (the clocks went back)."""
    first = datetime.combine(day, at, tzinfo=zone(zone_name))
    return first.utcoffset() != first.replace(fold=1).utcoffset()


def to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of a local time a person chose; refuse one the clocks skip."""
    if not exists(day, at, zone_name):
        raise LocalTimeError(
            f"{at:%H:%M} does not exist on {day:%d %b %Y} in {zone_name}: the clocks skip it."
        )
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


@lru_cache(maxsize=8192)
def at_local(day: date, at: time | int, zone_name: str) -> datetime:
    """The UTC instant of a computed local time (an hour, or a time); a skipped one moves on.

    A skipped time is read with the offset before the jump, so it lands as far after the
    jump as it was after the gap's start: where 02:00 jumps to 03:00, 02:30 means 03:30.
    """
    clock = time(at) if isinstance(at, int) else at
    return datetime.combine(day, clock, tzinfo=zone(zone_name)).astimezone(UTC)


def day_start(day: date, zone_name: str) -> datetime:
    """The UTC instant a local day begins (where the clocks skip midnight, the jump's end)."""
    return at_local(day, time(0), zone_name)


def local_day_bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and the next one starts."""
    return day_start(day, zone_name), day_start(day + timedelta(days=1), zone_name)


def local_week_bounds(instant: datetime, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC bounds of the Monday-to-Sunday week holding the instant, in that zone."""
    local_day = to_local(instant, zone_name).date()
    monday = local_day - timedelta(days=local_day.weekday())
    return day_start(monday, zone_name), day_start(monday + timedelta(days=7), zone_name)
