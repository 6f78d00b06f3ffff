"""The scientist's side: weekly windows, one-off slots, edits, withdrawals, blocked dates, cap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select

from .. import audit, timeutil
from ..authz import require
from ..extensions import db
from ..kernel import Refusal, finish, lock, refusing
from ..models import (
    BookingStatus,
    Cohort,
    LunchBlackout,
    LunchBooking,
    LunchSlot,
    LunchWindow,
    MentorProfile,
    SlotStatus,
    User,
    utcnow,
)
from ..timeutil import is_time_zone

MAX_WINDOW_DAYS = 200
MAX_SEATS = 20
SLOT_FIELDS = ("starts_at", "ends_at", "seats", "video_url", "topic", "status")
WINDOW_FIELDS = ("weekdays", "start_time", "end_time", "time_zone", "valid_from", "valid_until",
                 "slot_minutes", "seats", "video_url", "topic")
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class OfferError(Refusal):
    """A change to a scientist's slots was refused; field names the form field at fault."""


@dataclass
class WindowResult:
    window: LunchWindow
    created: int
    skipped_missing: list[str]
    skipped_clash: int


def live_bookings(slot_id: int) -> int:
    """How many seats of a slot are held right now."""
    return db.session.scalar(
        select(func.count()).select_from(LunchBooking).where(
            LunchBooking.slot_id == slot_id, LunchBooking.status != BookingStatus.CANCELLED
        )
    ) or 0


def _is_live_booked():
    return exists().where(LunchBooking.slot_id == LunchSlot.id,
                          LunchBooking.status != BookingStatus.CANCELLED)


def _check_common(*, time_zone: str, minutes: int, seats: int, video_url: str) -> None:
    if not is_time_zone(time_zone):
        raise OfferError("Pick a time zone from the list.", "time_zone")
    if not 10 <= minutes <= 240:
        raise OfferError("A lunch date lasts from 10 to 240 minutes.", "slot_minutes")
    if not 1 <= seats <= MAX_SEATS:
        raise OfferError(f"A slot seats from 1 to {MAX_SEATS} interns.", "seats")
    if not video_url.startswith(("https://", "http://")):
        raise OfferError("Give the video-meeting link, starting with https://.", "video_url")


def _own_slots_between(scientist_id: int, start: datetime, end: datetime,
                       exclude_id: int | None = None) -> list[tuple[datetime, datetime]]:
    query = select(LunchSlot.starts_at, LunchSlot.ends_at).where(
        LunchSlot.scientist_id == scientist_id, LunchSlot.status == SlotStatus.OPEN,
        LunchSlot.starts_at < end, LunchSlot.ends_at > start,
    )
    if exclude_id is not None:
        query = query.where(LunchSlot.id != exclude_id)
    return list(db.session.execute(query).tuples())


def _blocked_days(scientist_id: int, first: date, last: date) -> set[date]:
    return set(db.session.scalars(
        select(LunchBlackout.day).where(LunchBlackout.scientist_id == scientist_id,
                                        LunchBlackout.day.between(first, last))
    ))


def create_window(scientist: User, *, weekdays: set[int], start_time: time, end_time: time,
                  time_zone: str, valid_from: date | None, valid_until: date | None,
                  slot_minutes: int, seats: int, video_url: str, topic: str = "",
                  cohort_id: int | None = None, now: datetime | None = None) -> WindowResult:
    """Offer a weekly window in the scientist's zone and cut it into slots of slot_minutes."""
    now = now or utcnow()
    _check_common(time_zone=time_zone, minutes=slot_minutes, seats=seats, video_url=video_url)
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    valid_from = valid_from or (cohort.start_date if cohort else None)
    valid_until = valid_until or (cohort.end_date if cohort else None)
    if valid_from is None or valid_until is None:
        raise OfferError("Give the first and last dates, or pick a cohort.", "valid_from")
    if not weekdays or not weekdays <= set(range(7)):
        raise OfferError("Pick at least one weekday.", "weekdays")
    if end_time <= start_time:
        raise OfferError("The window must end after it starts.", "end_time")
    minutes_open = (datetime.combine(date.min, end_time) - datetime.combine(date.min, start_time))
    if minutes_open < timedelta(minutes=slot_minutes):
        raise OfferError("The window is shorter than one lunch date.", "end_time")
    if valid_until < valid_from:
        raise OfferError("The last date must not be before the first.", "valid_until")
    if (valid_until - valid_from).days > MAX_WINDOW_DAYS:
        raise OfferError(f"A window spans at most {MAX_WINDOW_DAYS} days.", "valid_until")

    window = LunchWindow(
        scientist_id=scientist.id, cohort_id=cohort.id if cohort else None,
        weekdays=sum(1 << d for d in weekdays), start_time=start_time, end_time=end_time,
        time_zone=time_zone, valid_from=valid_from, valid_until=valid_until,
        slot_minutes=slot_minutes, seats=seats, video_url=video_url, topic=topic.strip(),
    )
    db.session.add(window)
    blocked = _blocked_days(scientist.id, valid_from, valid_until)
    first_utc, _ = timeutil.local_day_bounds(valid_from, time_zone)
    _, last_utc = timeutil.local_day_bounds(valid_until, time_zone)
    taken = _own_slots_between(scientist.id, first_utc, last_utc)
    length = timedelta(minutes=slot_minutes)
    created, clashes, missing = 0, 0, []
    day = valid_from
    while day <= valid_until:
        if day.weekday() in weekdays and day not in blocked:
            at = datetime.combine(day, start_time)
            while at + length <= datetime.combine(day, end_time):
                if not timeutil.exists(day, at.time(), time_zone):
                    missing.append(f"{day:%d %b %Y} {at:%H:%M}")
                else:
                    starts = timeutil.to_utc(day, at.time(), time_zone)
                    ends = starts + length
                    if starts <= now:
                        pass  # a window may begin in the past; only future slots are offered
                    elif any(s < ends and e > starts for s, e in taken):
                        clashes += 1
                    else:
                        db.session.add(LunchSlot(
                            scientist_id=scientist.id, window=window, starts_at=starts,
                            ends_at=ends, time_zone=time_zone, seats=seats,
                            video_url=video_url, topic=window.topic, status=SlotStatus.OPEN,
                        ))
                        taken.append((starts, ends))
                        created += 1
                at += length
        day += timedelta(days=1)
    audit.record(scientist.id, "create", window,
                 f"Offered weekly lunch window ({created} slots)", None,
                 {k: v.isoformat() if isinstance(v, time) else v
                  for k, v in audit.snapshot(window, WINDOW_FIELDS).items()})
    finish(kind=OfferError)
    return WindowResult(window, created, missing, clashes)


def _slot_times(day: date, start_time: time, minutes: int, zone: str,
                now: datetime) -> tuple[datetime, datetime]:
    try:
        starts = timeutil.to_utc(day, start_time, zone)
    except timeutil.LocalTimeError as error:
        raise OfferError(str(error), "start_time") from error
    if starts <= now:
        raise OfferError("That time has passed; pick a time in the future.", "day")
    return starts, starts + timedelta(minutes=minutes)


def create_slot(scientist: User, *, day: date, start_time: time, minutes: int, time_zone: str,
                seats: int, video_url: str, topic: str = "",
                now: datetime | None = None) -> LunchSlot:
    """Offer one slot at a local date and time in the scientist's zone."""
    _check_common(time_zone=time_zone, minutes=minutes, seats=seats, video_url=video_url)
    starts, ends = _slot_times(day, start_time, minutes, time_zone, now or utcnow())
    if _blocked_days(scientist.id, day, day):
        raise OfferError("You blocked that date for lunch dates.", "day")
    if _own_slots_between(scientist.id, starts, ends):
        raise OfferError("You already offer a slot overlapping that time.", "start_time")
    slot = LunchSlot(scientist_id=scientist.id, starts_at=starts, ends_at=ends,
                     time_zone=time_zone, seats=seats, video_url=video_url, topic=topic.strip(),
                     status=SlotStatus.OPEN)
    db.session.add(slot)
    audit.record(scientist.id, "create", slot, "Offered a lunch slot", None,
                 audit.snapshot(slot, SLOT_FIELDS))
    _commit("You already offer a slot at that time.", "start_time")
    return slot


def _commit(message: str, field: str | None) -> None:
    finish(message, field, kind=OfferError)


def _lock_slot(slot_id: int) -> LunchSlot | None:
    """Load a slot for a change, held against bookings arriving meanwhile (both databases)."""
    return lock(LunchSlot, slot_id)


def update_slot(slot: LunchSlot, actor: User, *, day: date, start_time: time, minutes: int,
                seats: int, video_url: str, topic: str = "",
                now: datetime | None = None) -> LunchSlot:
    """Change an unbooked slot's time, length, seats, link or topic."""
    require(slot.scientist_id == actor.id, "Only the scientist who offers a slot can change it.")
    slot = _lock_slot(slot.id) or slot
    if slot.status != SlotStatus.OPEN:
        raise OfferError("This slot was withdrawn.")
    if live_bookings(slot.id):
        raise OfferError("An intern has booked this slot; cancel the booking before changing it.")
    _check_common(time_zone=slot.time_zone, minutes=minutes, seats=seats, video_url=video_url)
    starts, ends = _slot_times(day, start_time, minutes, slot.time_zone, now or utcnow())
    if _blocked_days(slot.scientist_id, day, day):
        raise OfferError("You blocked that date for lunch dates.", "day")
    if _own_slots_between(slot.scientist_id, starts, ends, exclude_id=slot.id):
        raise OfferError("You already offer a slot overlapping that time.", "start_time")
    before = audit.snapshot(slot, SLOT_FIELDS)
    slot.starts_at, slot.ends_at, slot.seats = starts, ends, seats
    slot.video_url, slot.topic = video_url, topic.strip()
    old, new = audit.changed(before, audit.snapshot(slot, SLOT_FIELDS))
    if new:
        audit.record(actor.id, "update", slot, "Changed a lunch slot", old, new)
    _commit("You already offer a slot at that time.", "start_time")
    return slot


def withdraw_slot(slot: LunchSlot, actor: User) -> None:
    """Withdraw an unbooked slot so nobody can book it."""
    require(slot.scientist_id == actor.id, "Only the scientist who offers a slot can withdraw it.")
    slot = _lock_slot(slot.id) or slot
    if slot.status == SlotStatus.WITHDRAWN:
        return
    if live_bookings(slot.id):
        raise OfferError("An intern has booked this slot; cancel the booking to free it first.")
    slot.status = SlotStatus.WITHDRAWN
    audit.record(actor.id, "withdraw", slot, "Withdrew a lunch slot",
                 {"status": "open"}, {"status": "withdrawn"})
    finish(kind=OfferError)


def _withdraw_unbooked(query) -> tuple[int, int]:
    """Withdraw the matched open slots nobody booked; count withdrawn and kept (booked)."""
    slots = list(db.session.scalars(query.where(LunchSlot.status == SlotStatus.OPEN)))
    booked = set(db.session.scalars(
        select(LunchBooking.slot_id).where(
            LunchBooking.slot_id.in_([s.id for s in slots]),
            LunchBooking.status != BookingStatus.CANCELLED)
    )) if slots else set()
    for slot in slots:
        if slot.id not in booked:
            slot.status = SlotStatus.WITHDRAWN
    return len(slots) - len(booked), len(booked)


def withdraw_window(window: LunchWindow, actor: User,
                    now: datetime | None = None) -> tuple[int, int]:
    """Withdraw a window's future unbooked slots; booked ones stay. Returns (withdrawn, kept)."""
    require(window.scientist_id == actor.id, "Only the scientist who offers a window can end it.")
    withdrawn, kept = _withdraw_unbooked(
        select(LunchSlot).where(LunchSlot.window_id == window.id,
                                LunchSlot.starts_at > (now or utcnow())))
    audit.record(actor.id, "withdraw", window, f"Withdrew {withdrawn} slots of a lunch window",
                 reason=f"{kept} booked slots kept")
    finish(kind=OfferError)
    return withdrawn, kept


def block_date(scientist: User, day: date, now: datetime | None = None) -> tuple[int, int]:
    """Host no lunch dates on a local day; withdraw its unbooked slots (withdrawn, kept)."""
    if day < (now or utcnow()).astimezone(ZoneInfo(scientist.time_zone)).date():
        raise OfferError("That date has passed.", "day")
    blackout = LunchBlackout(scientist_id=scientist.id, day=day)
    with refusing("That date is already blocked.", "day", kind=OfferError):
        db.session.add(blackout)
        db.session.flush()
    start, end = timeutil.local_day_bounds(day, scientist.time_zone)
    withdrawn, kept = _withdraw_unbooked(
        select(LunchSlot).where(LunchSlot.scientist_id == scientist.id,
                                LunchSlot.starts_at >= start, LunchSlot.starts_at < end))
    audit.record(scientist.id, "create", blackout, f"Blocked {day:%d %b %Y} for lunch dates",
                 None, {"day": day.isoformat()})
    finish(kind=OfferError)
    return withdrawn, kept


def host_profile(scientist: User) -> MentorProfile:
    """The scientist's profile, created on first use."""
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == scientist.id))
    if profile is None:
        profile = MentorProfile(user_id=scientist.id, capacity=2)
        db.session.add(profile)
        db.session.flush()
    return profile


def set_host_cap(scientist: User, cap: int | None) -> None:
    """Cap how many lunch dates the scientist hosts per week (None: no cap)."""
    if cap is not None and cap < 0:
        raise OfferError("The cap can't be negative.", "cap")
    profile = host_profile(scientist)
    before = {"lunch_weekly_cap": profile.lunch_weekly_cap}
    profile.lunch_weekly_cap = cap
    audit.record(scientist.id, "update", profile, "Changed the weekly lunch-date cap", before,
                 {"lunch_weekly_cap": cap})
    finish(kind=OfferError)


def weekday_label(mask: int) -> str:
    """Mon, Tue … for a weekday bit mask."""
    return ", ".join(n for i, n in enumerate(WEEKDAY_NAMES) if mask & (1 << i))
