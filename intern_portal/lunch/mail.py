"""Lunch-date emails: confirmation, move and cancellation, each with its iCalendar invitation."""

from __future__ import annotations

from datetime import datetime

from flask import render_template

from ..calendar.ics import CalendarItem, Person, invitation
from ..links import external_url
from ..models import BookingStatus, LunchBooking, LunchSlot, User
from ..notify.outbox import dedupe_key, enqueue
from ..timeutil import format_local

SUBJECTS = {
    "booked": "Lunch date booked: {intern} and {scientist}, {when}",
    "rescheduled": "Lunch date moved: {intern} and {scientist}, now {when}",
    "cancelled": "Lunch date cancelled: {intern} and {scientist}, {when}",
}


def calendar_item(booking: LunchBooking, slot: LunchSlot, intern: User, scientist: User,
                  stamp: datetime) -> CalendarItem:
    """The lunch date as a calendar item: organised by the scientist, attended by the intern."""
    description = f"Join: {slot.video_url}"
    if slot.topic:
        description = f"Topic: {slot.topic}\n{description}"
    return CalendarItem(
        uid=booking.uid,
        summary=f"Lunch date: {intern.name} and {scientist.name}",
        start=slot.starts_at,
        end=slot.ends_at,
        sequence=booking.sequence,
        description=description,
        location=slot.video_url,
        url=slot.video_url,
        cancelled=booking.status == BookingStatus.CANCELLED,
        organizer=Person(scientist.name, scientist.email),
        attendees=(Person(intern.name, intern.email),),
        last_modified=stamp,
    )


def send_invitation(booking: LunchBooking, slot: LunchSlot, intern: User, scientist: User,
                    event: str, now: datetime, cancelled_by: User | None = None) -> None:
    """Owe both sides an email for this change, with the invitation or cancellation attached."""
    ics = invitation(calendar_item(booking, slot, intern, scientist, now), stamp=now).decode()
    for recipient, other in ((intern, scientist), (scientist, intern)):
        when = format_local(slot.starts_at, recipient.time_zone)
        context = {
            "recipient": recipient, "other": other, "slot": slot, "booking": booking,
            "when": when, "until": format_local(slot.ends_at, recipient.time_zone),
            "is_host": recipient.id == scientist.id, "cancelled_by": cancelled_by,
            "lunch_url": external_url("lunch.hosting" if recipient.id == scientist.id
                                       else "lunch.index"),
        }
        enqueue(
            kind=f"lunch_{event}",
            key=dedupe_key(f"lunch_{event}", f"{booking.uid}:{booking.sequence}:{recipient.id}",
                           now),
            recipient=recipient,
            subject=SUBJECTS[event].format(intern=intern.name, scientist=scientist.name,
                                           when=when),
            body_text=render_template(f"email/lunch_{event}.txt", **context),
            body_html=render_template(f"email/lunch_{event}.html", **context),
            ics=ics,
            due_at=now,
        )
