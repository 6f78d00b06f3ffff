"""What interns and scientists see: open slots in the viewer's zone, lunch dates, met counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, extract, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import timeutil
from ..extensions import db
from ..models import (
    BookingStatus,
    LunchBlackout,
    LunchBooking,
    LunchSlot,
    LunchWindow,
    MentorProfile,
    Org,
    SlotStatus,
    Team,
    User,
    utcnow,
)
from .settings import LunchRules, rules

PER_PAGE = 25


def _offset_periods(zone: str, start: datetime, days: int = 3 * 366) -> list[tuple[datetime, int]]:
    """(from, UTC offset in minutes) for each offset a zone has over the coming years."""
    tz = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        return int((at.astimezone(tz).utcoffset() or timedelta()).total_seconds() // 60)

    periods = [(start, offset(start))]
    day = start
    for _ in range(days):
        following = day + timedelta(days=1)
        if offset(following) != periods[-1][1]:
            low, high = day, following  # the change happens within this day: bisect to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == periods[-1][1] else (low, middle)
            periods.append((high, offset(following)))
        day = following
    return periods


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _utc_clock_ranges(first: int, last: int, offset: int) -> list[tuple[str, str]]:
    """UTC 'HH:MM' ranges holding local minutes-of-day [first, last) at a UTC offset."""
    start, end = first - offset, last - offset
    ranges = []
    for shift in (-1440, 0, 1440):
        low, high = max(start + shift, 0), min(end + shift, 1440)
        if low < high:
            ranges.append((_clock(low), "24:00" if high == 1440 else _clock(high)))
    return ranges


def in_local_hours(column: Any, zone: str, hour_from: int | None, hour_to: int | None,
                   now: datetime | None = None) -> Any:
    """SQL: the UTC timestamp column falls from hour_from to before hour_to on a zone's clock."""
    first, last = (hour_from or 0) * 60, (hour_to if hour_to is not None else 24) * 60
    if db.session.get_bind().dialect.name == "postgresql":
        minute = (extract("hour", func.timezone(zone, column)) * 60
                  + extract("minute", func.timezone(zone, column)))
        return and_(minute >= first, minute < last)
    # SQLite has no zone data and stores 'YYYY-MM-DD HH:MM:SS': for each period of one UTC
    # offset, compare the stored clock text with the UTC ranges the local hours map to.
    periods = _offset_periods(zone, (now or utcnow()) - timedelta(days=1))
    clock = func.substr(column, 12, 5)
    clauses = []
    for i, (begins, offset) in enumerate(periods):
        ranges = [and_(clock >= low, clock < high)
                  for low, high in _utc_clock_ranges(first, last, offset)]
        bounds = [column >= begins] if i else []
        if i + 1 < len(periods):
            bounds.append(column < periods[i + 1][0])
        clauses.append(and_(*bounds, or_(*ranges) if ranges else false()))
    return or_(*clauses)


@dataclass
class SlotFilter:
    scientist: str = ""
    scientist_id: int | None = None
    org_id: int | None = None
    team_id: int | None = None
    area: str = ""
    day: date | None = None
    hour_from: int | None = None
    hour_to: int | None = None
    not_met: bool = False


@dataclass
class SlotRow:
    slot: LunchSlot
    scientist: User
    profile: MentorProfile | None
    team: Team | None
    org: Org | None
    held: int
    outside_hours: bool
    met_before: bool

    @property
    def free(self) -> int:
        return self.slot.seats - self.held


@dataclass
class Page:
    """One page of rows; has_next is known by fetching one row more than shown."""

    items: list[Any]
    page: int
    has_next: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def held_seats():
    """Correlated SQL counting the live bookings of the outer slot."""
    return (select(func.count()).select_from(LunchBooking)
            .where(LunchBooking.slot_id == LunchSlot.id,
                   LunchBooking.status != BookingStatus.CANCELLED)
            .correlate(LunchSlot).scalar_subquery())


def _booked_scientists(intern_id: int):
    return (select(LunchSlot.scientist_id).join(LunchBooking.slot)
            .where(LunchBooking.intern_id == intern_id,
                   LunchBooking.status == BookingStatus.BOOKED))


def outside_hours(slot: LunchSlot, zone: str, settings: LunchRules) -> bool:
    """True when a slot starts before or ends after the program's working hours in a zone."""
    start = slot.starts_at.astimezone(ZoneInfo(zone))
    end = slot.ends_at.astimezone(ZoneInfo(zone))
    ends_late = ((end.hour, end.minute) > (settings.working_hours_end, 0)
                 or end.date() > start.date())
    return start.hour < settings.working_hours_start or ends_late


def open_slots(viewer: User, filters: SlotFilter, page: int = 1,
               now: datetime | None = None) -> Page:
    """Bookable slots with a free seat, soonest first, filtered, in a fixed number of queries."""
    now = now or utcnow()
    settings = rules()
    zone = viewer.time_zone
    held = held_seats()
    query = (
        select(LunchSlot, User, MentorProfile, Team, Org, held.label("held"))
        .join(User, User.id == LunchSlot.scientist_id)
        .outerjoin(MentorProfile, MentorProfile.user_id == LunchSlot.scientist_id)
        .outerjoin(Team, Team.id == MentorProfile.team_id)
        .outerjoin(Org, Org.id == Team.org_id)
        .where(LunchSlot.status == SlotStatus.OPEN,
               LunchSlot.starts_at >= now + timedelta(hours=settings.lead_time_hours),
               LunchSlot.seats > held, LunchSlot.scientist_id != viewer.id)
        .order_by(LunchSlot.starts_at, LunchSlot.id)
    )
    if filters.scientist_id:
        query = query.where(LunchSlot.scientist_id == filters.scientist_id)
    if filters.scientist.strip():
        query = query.where(User.name.icontains(filters.scientist.strip(), autoescape=True))
    if filters.org_id:
        query = query.where(Team.org_id == filters.org_id)
    if filters.team_id:
        query = query.where(MentorProfile.team_id == filters.team_id)
    if filters.area.strip():
        query = query.where(
            MentorProfile.expertise.icontains(filters.area.strip(), autoescape=True))
    if filters.day:
        start, end = timeutil.local_day_bounds(filters.day, zone)
        query = query.where(LunchSlot.starts_at >= start, LunchSlot.starts_at < end)
    if filters.hour_from is not None or filters.hour_to is not None:
        query = query.where(in_local_hours(LunchSlot.starts_at, zone, filters.hour_from,
                                           filters.hour_to, now))
    if filters.not_met:
        query = query.where(LunchSlot.scientist_id.not_in(_booked_scientists(viewer.id)))
    page = max(page, 1)
    rows = db.session.execute(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    met = set(db.session.scalars(_booked_scientists(viewer.id)))
    items = [
        SlotRow(slot, person, profile, team, org, n, outside_hours(slot, zone, settings),
                person.id in met)
        for slot, person, profile, team, org, n in rows[:PER_PAGE]
    ]
    return Page(items, page, len(rows) > PER_PAGE)


def filter_choices() -> tuple[list[Org], list[Team]]:
    """Orgs and teams for the slot filters."""
    orgs = list(db.session.scalars(select(Org).order_by(Org.name)))
    teams = list(db.session.scalars(select(Team).options(joinedload(Team.org))
                                    .order_by(Team.name)))
    return orgs, teams


def met_count(intern_id: int, now: datetime | None = None) -> int:
    """Distinct scientists an intern has met: booked lunch dates that are over, not no-shows."""
    return db.session.scalar(
        select(func.count(func.distinct(LunchSlot.scientist_id))).join(LunchBooking.slot)
        .where(LunchBooking.intern_id == intern_id, LunchBooking.status == BookingStatus.BOOKED,
               LunchSlot.ends_at <= (now or utcnow()))
    ) or 0


def _bookings():
    return (select(LunchBooking).join(LunchBooking.slot)
            .options(joinedload(LunchBooking.intern),
                     joinedload(LunchBooking.slot).joinedload(LunchSlot.scientist)))


def intern_lunches(intern: User, now: datetime | None = None) -> dict[str, Any]:
    """An intern's upcoming and past lunch dates, and scientists met against the goal."""
    now = now or utcnow()
    mine = _bookings().where(LunchBooking.intern_id == intern.id)
    upcoming = db.session.scalars(
        mine.where(LunchBooking.status == BookingStatus.BOOKED, LunchSlot.ends_at > now)
        .order_by(LunchSlot.starts_at))
    past = db.session.scalars(
        mine.where(LunchBooking.status != BookingStatus.CANCELLED, LunchSlot.ends_at <= now)
        .order_by(LunchSlot.starts_at.desc()).limit(50))
    return {"upcoming": list(upcoming), "past": list(past),
            "met": met_count(intern.id, now), "goal": rules().goal_scientists}


def host_lunches(scientist: User, page: int = 1, now: datetime | None = None) -> dict[str, Any]:
    """A scientist's upcoming slots with their bookings, past lunch dates, windows and blocks."""
    now = now or utcnow()
    page = max(page, 1)
    slots = list(db.session.scalars(
        select(LunchSlot)
        .where(LunchSlot.scientist_id == scientist.id, LunchSlot.status == SlotStatus.OPEN,
               LunchSlot.ends_at > now)
        .options(selectinload(LunchSlot.bookings).joinedload(LunchBooking.intern))
        .order_by(LunchSlot.starts_at).limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
    ))
    past = db.session.scalars(
        _bookings().where(LunchSlot.scientist_id == scientist.id,
                          LunchBooking.status != BookingStatus.CANCELLED,
                          LunchSlot.ends_at <= now)
        .order_by(LunchSlot.starts_at.desc()).limit(50))
    local_today = now.astimezone(ZoneInfo(scientist.time_zone)).date()
    windows = db.session.scalars(
        select(LunchWindow).where(LunchWindow.scientist_id == scientist.id,
                                  LunchWindow.valid_until >= local_today)
        .order_by(LunchWindow.valid_from))
    blocked = db.session.scalars(
        select(LunchBlackout.day).where(LunchBlackout.scientist_id == scientist.id,
                                        LunchBlackout.day >= local_today)
        .order_by(LunchBlackout.day))
    cap = db.session.scalar(
        select(MentorProfile.lunch_weekly_cap).where(MentorProfile.user_id == scientist.id))
    return {"slots": Page(slots[:PER_PAGE], page, len(slots) > PER_PAGE), "past": list(past),
            "windows": list(windows), "blocked": list(blocked), "cap": cap}


def live(booking_list: list[LunchBooking]) -> list[LunchBooking]:
    """The bookings of a slot that still hold a seat."""
    return [b for b in booking_list if b.status != BookingStatus.CANCELLED]
