"""Lunch-date emails carry invitations an independent iCalendar parser (vobject) reads back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import vobject
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.lunch import service
from intern_portal.models import OutboxMessage, Role

from . import factories

START = (datetime.now(UTC) + timedelta(days=5)).replace(hour=19, minute=0, second=0,
                                                         microsecond=0)


def setup_booking():
    scientist = factories.mentor(name="Sam Scientist", email="sam@example.com")
    intern = factories.user(Role.INTERN, name="Ira Intern", email="ira@example.com",
                            time_zone="Asia/Kolkata")
    slot = factories.lunch_slot(scientist, starts_at=START, topic="Causal inference")
    return scientist, intern, slot, service.book(intern, slot.id)


def messages(kind: str) -> dict[str, OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    return {m.to_email: m for m in rows}


def parse(ics: str):
    calendar = vobject.readOne(ics)
    return calendar, calendar.vevent


def test_booking_sends_both_sides_a_request_invitation(app):
    scientist, intern, slot, booking = setup_booking()
    sent = messages("lunch_booked")
    assert set(sent) == {"sam@example.com", "ira@example.com"}
    calendar, event = parse(sent["ira@example.com"].ics)
    assert calendar.method.value == "REQUEST"
    assert event.uid.value == booking.uid
    assert int(event.sequence.value) == 0
    assert event.dtstart.value == START and event.dtend.value == START + timedelta(minutes=30)
    assert event.organizer.value == "mailto:sam@example.com"
    assert event.attendee.value == "mailto:ira@example.com"
    assert event.location.value == slot.video_url and event.url.value == slot.video_url
    assert sent["sam@example.com"].ics == sent["ira@example.com"].ics


def test_each_side_reads_the_time_in_their_own_zone(app):
    scientist, intern, slot, booking = setup_booking()
    sent = messages("lunch_booked")
    assert "IST" in sent["ira@example.com"].body_text
    assert ("PST" in sent["sam@example.com"].body_text
            or "PDT" in sent["sam@example.com"].body_text)
    assert "Causal inference" in sent["ira@example.com"].body_html
    assert slot.video_url in sent["ira@example.com"].body_text


def test_cancellation_has_the_same_uid_and_a_higher_sequence(app):
    scientist, intern, slot, booking = setup_booking()
    service.cancel(booking, intern, "My manager moved our review")
    sent = messages("lunch_cancelled")
    assert set(sent) == {"sam@example.com", "ira@example.com"}
    calendar, event = parse(sent["sam@example.com"].ics)
    assert calendar.method.value == "CANCEL"
    assert event.uid.value == booking.uid
    assert int(event.sequence.value) == 1
    assert event.status.value == "CANCELLED"
    assert "My manager moved our review" in sent["sam@example.com"].body_text


def test_rescheduling_moves_the_same_uid_with_a_higher_sequence(app):
    scientist, intern, slot, booking = setup_booking()
    later = factories.lunch_slot(scientist, starts_at=START + timedelta(days=1))
    service.reschedule(booking, intern, later.id)
    calendar, event = parse(messages("lunch_rescheduled")["ira@example.com"].ics)
    assert calendar.method.value == "REQUEST"
    assert event.uid.value == booking.uid
    assert int(event.sequence.value) == 1
    assert event.dtstart.value == START + timedelta(days=1)
