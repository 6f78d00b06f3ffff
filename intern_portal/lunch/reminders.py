"""Lunch-date reminders: the evening before (17:00 in each side's zone) and just before."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..links import external_url
from ..models import BookingStatus, LunchBooking, LunchSlot, User
from ..notify.owed import Owed, owed
from ..notify.settings import ReminderTimings
from ..timeutil import at_local, format_local, to_local


def _lunch_link() -> tuple[str, str]:
    return "Your lunch dates", external_url("lunch.index")


def lunch_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """Lunch date tomorrow (the evening before) and starting soon (with the video link)."""
    bookings = db.session.scalars(
        select(LunchBooking).join(LunchBooking.slot)
        .where(LunchBooking.status == BookingStatus.BOOKED, LunchSlot.starts_at > now,
               LunchSlot.starts_at <= now + timedelta(days=2, hours=1))
        .options(contains_eager(LunchBooking.slot).joinedload(LunchSlot.scientist)
                 .lazyload(User.roles), joinedload(LunchBooking.intern).lazyload(User.roles))
    ).unique()
    found: list[Owed] = []
    for booking in bookings:
        slot = booking.slot
        pairs = ((booking.intern, slot.scientist), (slot.scientist, booking.intern))
        for person, other in pairs:
            when = format_local(slot.starts_at, person.time_zone)
            local_day = to_local(slot.starts_at, person.time_zone).date()
            eve = at_local(local_day - timedelta(days=1), t.lunch_day_before_hour,
                           person.time_zone)
            today = to_local(now, person.time_zone).date()
            if eve <= now and today == local_day - timedelta(days=1):
                found.append(owed(
                    "lunch_tomorrow", f"booking:{booking.id}", person, eve,
                    f"Lunch date tomorrow with {other.name}",
                    [f"You have a lunch date with {other.name} tomorrow, {when}.",
                     f"Join by video: {slot.video_url}"], _lunch_link()))
            soon = slot.starts_at - timedelta(minutes=t.lunch_minutes_before)
            if soon <= now:
                found.append(owed(
                    "lunch_soon", f"booking:{booking.id}", person, soon,
                    f"Lunch date with {other.name} in {t.lunch_minutes_before} minutes",
                    [f"Your lunch date with {other.name} starts at {when}."],
                    ("Join the video call", slot.video_url)))
    return found
