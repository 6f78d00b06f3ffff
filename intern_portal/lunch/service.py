"""Lunch-date booking rules: one live booking per seat, no overlaps, caps, lead time."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import audit, timeutil
from ..authz import require
from ..extensions import db
from ..kernel import Refusal, finish, for_change, lock_ids
from ..models import (
    BookingStatus,
    LunchBooking,
    LunchSlot,
    MentorProfile,
    SlotStatus,
    User,
    utcnow,
)
from . import mail
from .settings import rules

BOOKING_FIELDS = ("slot_id", "seat", "status", "sequence", "cancel_reason")


class BookingRefused(Refusal):
    """A booking, cancellation or reschedule was refused, with the reason shown to the person."""


class SlotTaken(BookingRefused):
    """Every seat went to someone else first; alternatives are the next free slots."""

    def __init__(self, alternatives: list[LunchSlot]):
        super().__init__("Just taken: someone booked this slot a moment before you.")
        self.alternatives = alternatives


def _lock_people(*user_ids: int) -> None:
    """Serialise one person's bookings: their rows held, so checks and insert take turns."""
    lock_ids(User.id, user_ids)


def _load_slot(slot_id: int) -> LunchSlot | None:
    """The slot, shared-held: bookings of it go on together, an edit of it waits for them."""
    query = (select(LunchSlot).where(LunchSlot.id == slot_id)
             .options(joinedload(LunchSlot.scientist))
             .execution_options(populate_existing=True))
    return db.session.scalar(for_change(query, of=LunchSlot, shared=True))


def _host_cap(scientist_id: int) -> int | None:
    return db.session.scalar(
        select(MentorProfile.lunch_weekly_cap).where(MentorProfile.user_id == scientist_id)
    )


def _live_count(*where) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LunchBooking).join(LunchBooking.slot)
        .where(LunchBooking.status != BookingStatus.CANCELLED, *where)
    ) or 0


def _host_of(slot_id: int) -> tuple[int, int | None] | None:
    """The scientist of a slot and their weekly cap, before any lock is taken."""
    row = db.session.execute(
        select(LunchSlot.scientist_id, MentorProfile.lunch_weekly_cap)
        .outerjoin(MentorProfile, MentorProfile.user_id == LunchSlot.scientist_id)
        .where(LunchSlot.id == slot_id)
    ).first()
    return (row[0], row[1]) if row else None


def _check_bookable(intern: User, slot: LunchSlot, now: datetime, cap: int | None,
                    moving: LunchBooking | None = None) -> None:
    """Refuse a slot the intern may not take; moving is the booking being rescheduled."""
    settings = rules()
    if slot.status != SlotStatus.OPEN:
        raise BookingRefused("The scientist withdrew this slot.")
    if slot.starts_at <= now:
        raise BookingRefused("This slot is in the past.")
    if slot.starts_at < now + timedelta(hours=settings.lead_time_hours):
        raise BookingRefused(
            f"Book at least {settings.lead_time_hours} hours ahead, so the scientist can plan.")
    if slot.scientist_id == intern.id:
        raise BookingRefused("You can't book your own slot.")
    others = (LunchBooking.id != moving.id,) if moving else ()
    week = timeutil.local_week_bounds(slot.starts_at, intern.time_zone)
    overlapping, in_week = db.session.execute(
        select(func.count().filter(LunchSlot.starts_at < slot.ends_at,
                                   LunchSlot.ends_at > slot.starts_at),
               func.count().filter(LunchSlot.starts_at >= week[0],
                                   LunchSlot.starts_at < week[1]))
        .select_from(LunchBooking).join(LunchBooking.slot)
        .where(LunchBooking.status != BookingStatus.CANCELLED,
               LunchBooking.intern_id == intern.id, *others)
    ).one()
    if overlapping:
        raise BookingRefused("You already have a lunch date overlapping this time.")
    if in_week >= settings.intern_weekly_cap:
        raise BookingRefused(
            f"The program allows {settings.intern_weekly_cap} lunch dates a week; "
            "that week is full for you.")
    if cap is not None:
        host_week = timeutil.local_week_bounds(slot.starts_at, slot.time_zone)
        if _live_count(LunchSlot.scientist_id == slot.scientist_id,
                       LunchSlot.starts_at >= host_week[0], LunchSlot.starts_at < host_week[1],
                       *others) >= cap:
            raise BookingRefused(
                f"{slot.scientist.name} hosts at most {cap} lunch dates a week, and that week "
                "is full.")


def next_free_slots(after: datetime, limit: int = 5, exclude_id: int | None = None,
                    now: datetime | None = None) -> list[LunchSlot]:
    """The next open slots with a free seat, from a time onward."""
    now = now or utcnow()
    earliest = max(after, now + timedelta(hours=rules().lead_time_hours))
    held = (select(func.count()).select_from(LunchBooking)
            .where(LunchBooking.slot_id == LunchSlot.id,
                   LunchBooking.status != BookingStatus.CANCELLED)
            .correlate(LunchSlot).scalar_subquery())
    query = (select(LunchSlot).options(joinedload(LunchSlot.scientist))
             .where(LunchSlot.status == SlotStatus.OPEN, LunchSlot.starts_at >= earliest,
                    LunchSlot.seats > held)
             .order_by(LunchSlot.starts_at, LunchSlot.id).limit(limit))
    if exclude_id is not None:
        query = query.where(LunchSlot.id != exclude_id)
    return list(db.session.scalars(query))


def _free_seats(slot: LunchSlot) -> list[int]:
    held = set(db.session.scalars(
        select(LunchBooking.seat).where(LunchBooking.slot_id == slot.id,
                                        LunchBooking.status != BookingStatus.CANCELLED)
    ))
    return [s for s in range(1, slot.seats + 1) if s not in held]


def _take_seat(booking: LunchBooking, slot: LunchSlot) -> None:
    """Put the booking on the lowest free seat; the unique index decides any race."""
    for seat in _free_seats(slot):
        try:
            with db.session.begin_nested():
                booking.slot_id, booking.seat = slot.id, seat
                db.session.add(booking)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise SlotTaken([])


def _refuse_taken(slot: LunchSlot, now: datetime) -> SlotTaken:
    starts_at = slot.starts_at
    db.session.rollback()
    return SlotTaken(next_free_slots(starts_at, exclude_id=slot.id, now=now))


def book(intern: User, slot_id: int, now: datetime | None = None) -> LunchBooking:
    """Book a seat at a slot for an intern, or refuse with the reason."""
    now = now or utcnow()
    host = _host_of(slot_id)
    if host is None:
        raise BookingRefused("That slot does not exist.")
    # The host's row is locked only when a host cap needs counting; the seat race itself is
    # settled by the unique index on live seats.
    scientist_id, cap = host
    _lock_people(intern.id, *((scientist_id,) if cap is not None else ()))
    slot = _load_slot(slot_id)
    if slot is None:
        raise BookingRefused("That slot does not exist.")
    _check_bookable(intern, slot, now, cap)
    booking = LunchBooking(intern_id=intern.id, status=BookingStatus.BOOKED, sequence=0,
                           uid=f"lunch-{uuid.uuid4().hex}@intern-portal", booked_at=now)
    try:
        _take_seat(booking, slot)
    except SlotTaken:
        raise _refuse_taken(slot, now) from None
    audit.record(intern.id, "book", booking,
                 f"Booked a lunch date with {slot.scientist.name}", None,
                 audit.snapshot(booking, BOOKING_FIELDS))
    mail.send_invitation(booking, slot, intern, slot.scientist, "booked", now)
    try:
        db.session.commit()
    except IntegrityError:
        raise _refuse_taken(slot, now) from None
    return booking


def _booking(booking_id: int) -> LunchBooking | None:
    return db.session.scalar(
        select(LunchBooking).where(LunchBooking.id == booking_id)
        .options(joinedload(LunchBooking.intern),
                 joinedload(LunchBooking.slot).joinedload(LunchSlot.scientist))
    )


def _party(booking: LunchBooking, actor: User) -> None:
    require(actor.id in (booking.intern_id, booking.slot.scientist_id),
            "Only the intern and the scientist of a lunch date can change it.")


def cancel(booking: LunchBooking, actor: User, reason: str,
           now: datetime | None = None) -> LunchBooking:
    """Cancel a lunch date (either side, with a reason); both get a cancellation."""
    now = now or utcnow()
    _party(booking, actor)
    if not reason.strip():
        raise BookingRefused("Say why you cancel; the other side will read it.", "reason")
    if booking.status != BookingStatus.BOOKED:
        raise BookingRefused("This lunch date is not booked any more.")
    if booking.slot.starts_at <= now:
        raise BookingRefused("This lunch date has already started.")
    before = audit.snapshot(booking, BOOKING_FIELDS)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at, booking.cancelled_by_id = now, actor.id
    booking.cancel_reason = reason.strip()
    booking.sequence += 1
    old, new = audit.changed(before, audit.snapshot(booking, BOOKING_FIELDS))
    audit.record(actor.id, "cancel", booking, "Cancelled a lunch date", old, new,
                 reason=booking.cancel_reason)
    mail.send_invitation(booking, booking.slot, booking.intern, booking.slot.scientist,
                         "cancelled", now, cancelled_by=actor)
    finish(kind=BookingRefused)
    return booking


def reschedule(booking: LunchBooking, actor: User, slot_id: int,
               now: datetime | None = None) -> LunchBooking:
    """Move an intern's lunch date to another slot of the same scientist (same UID)."""
    now = now or utcnow()
    require(actor.id == booking.intern_id, "Only the intern who booked can move a lunch date.")
    if booking.status != BookingStatus.BOOKED or booking.slot.starts_at <= now:
        raise BookingRefused("Only an upcoming booked lunch date can be moved.")
    scientist_id = booking.slot.scientist_id
    cap = _host_cap(scientist_id)
    _lock_people(actor.id, *((scientist_id,) if cap is not None else ()))
    slot = _load_slot(slot_id)
    if slot is None or slot.scientist_id != scientist_id:
        raise BookingRefused("Pick another slot of the same scientist.", "slot_id")
    if slot.id == booking.slot_id:
        raise BookingRefused("That is the slot you already have.", "slot_id")
    _check_bookable(actor, slot, now, cap, moving=booking)
    before = audit.snapshot(booking, BOOKING_FIELDS)
    try:
        _take_seat(booking, slot)
    except SlotTaken:
        raise _refuse_taken(slot, now) from None
    booking.sequence += 1
    old, new = audit.changed(before, audit.snapshot(booking, BOOKING_FIELDS))
    audit.record(actor.id, "reschedule", booking, "Moved a lunch date", old, new)
    db.session.flush()
    db.session.refresh(booking, ["slot"])
    mail.send_invitation(booking, slot, actor, slot.scientist, "rescheduled", now)
    try:
        db.session.commit()
    except IntegrityError:
        raise _refuse_taken(slot, now) from None
    return booking


def mark_no_show(booking: LunchBooking, actor: User, now: datetime | None = None) -> None:
    """Record that a lunch date did not happen, so it does not count as met."""
    now = now or utcnow()
    _party(booking, actor)
    if booking.status != BookingStatus.BOOKED:
        raise BookingRefused("Only a booked lunch date can be marked as a no-show.")
    if booking.slot.starts_at > now:
        raise BookingRefused("A lunch date can be marked as a no-show once it has started.")
    booking.status = BookingStatus.NO_SHOW
    audit.record(actor.id, "no_show", booking, "Marked a lunch date as a no-show",
                 {"status": "booked"}, {"status": "no_show"})
    finish(kind=BookingRefused)


def get_booking(booking_id: int) -> LunchBooking | None:
    """A booking with its slot, scientist and intern loaded."""
    return _booking(booking_id)
