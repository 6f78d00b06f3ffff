"""Booking a lunch date: one booking per seat, and every rule that refuses a booking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.lunch import browse, service
from intern_portal.lunch.settings import LunchRules, rules, save_rules
from intern_portal.models import (
    BookingStatus,
    LunchBooking,
    MentorProfile,
    OutboxMessage,
    Role,
    SlotStatus,
)

from . import factories


def intern(name: str | None = None):
    return factories.user(Role.INTERN, name=name, time_zone="Asia/Kolkata")


def week_ahead(weeks: int = 2) -> datetime:
    """Monday 12:00 in Bengaluru, some weeks ahead, as UTC."""
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    return datetime(monday.year, monday.month, monday.day, 12, tzinfo=ZoneInfo("Asia/Kolkata")
                    ).astimezone(UTC)


def live_bookings() -> int:
    return db.session.scalar(select(func.count()).select_from(LunchBooking).where(
        LunchBooking.status != BookingStatus.CANCELLED))


def test_intern_books_a_free_slot_and_both_sides_are_emailed(app):
    slot = factories.lunch_slot()
    person = intern()
    booking = service.book(person, slot.id)
    assert booking.status == BookingStatus.BOOKED and booking.seat == 1
    assert booking.uid.endswith("@intern-portal")
    recipients = set(db.session.scalars(select(OutboxMessage.to_email)))
    assert recipients == {person.email, slot.scientist.email}


def test_second_intern_is_told_just_taken_with_the_next_free_slots(app):
    slot = factories.lunch_slot()
    later = factories.lunch_slot(starts_at=slot.starts_at + timedelta(hours=2))
    service.book(intern(), slot.id)
    with pytest.raises(service.SlotTaken) as taken:
        service.book(intern(), slot.id)
    assert "Just taken" in str(taken.value)
    assert [s.id for s in taken.value.alternatives] == [later.id]
    assert live_bookings() == 1


def test_just_taken_page_answers_409_and_offers_the_next_slot(client, auth):
    slot = factories.lunch_slot()
    factories.lunch_slot(starts_at=slot.starts_at + timedelta(hours=1), topic="Graph neural nets")
    service.book(intern(), slot.id)
    auth.login_as(intern())
    response = client.post(f"/lunch/slots/{slot.id}/book")
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Just taken" in body and "The next free slots" in body


def test_group_slot_holds_as_many_bookings_as_seats(app):
    slot = factories.lunch_slot(seats=2)
    first, second = service.book(intern(), slot.id), service.book(intern(), slot.id)
    assert {first.seat, second.seat} == {1, 2}
    with pytest.raises(service.SlotTaken):
        service.book(intern(), slot.id)


def test_cancelled_seat_can_be_booked_again(app):
    slot = factories.lunch_slot()
    first = intern()
    booking = service.book(first, slot.id)
    service.cancel(booking, first, "Conflict with a team meeting")
    again = service.book(intern(), slot.id)
    assert again.seat == 1 and again.uid != booking.uid


def test_overlapping_booking_is_refused(app):
    person = intern()
    slot = factories.lunch_slot()
    overlapping = factories.lunch_slot(starts_at=slot.starts_at + timedelta(minutes=15))
    service.book(person, slot.id)
    with pytest.raises(service.BookingRefused, match="overlapping"):
        service.book(person, overlapping.id)


def test_same_slot_twice_is_refused_as_overlapping(app):
    person = intern()
    slot = factories.lunch_slot(seats=3)
    service.book(person, slot.id)
    with pytest.raises(service.BookingRefused, match="overlapping"):
        service.book(person, slot.id)


def test_back_to_back_bookings_are_allowed(app):
    person = intern()
    slot = factories.lunch_slot()
    after = factories.lunch_slot(starts_at=slot.ends_at)
    service.book(person, slot.id)
    assert service.book(person, after.id).status == BookingStatus.BOOKED


def test_slot_in_the_past_is_refused(app):
    slot = factories.lunch_slot(starts_at=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(service.BookingRefused, match="in the past"):
        service.book(intern(), slot.id)


def test_slot_inside_the_lead_time_is_refused(app):
    save_rules(LunchRules(lead_time_hours=24), actor_id=None)
    slot = factories.lunch_slot(starts_at=datetime.now(UTC) + timedelta(hours=20))
    with pytest.raises(service.BookingRefused, match="at least 24 hours ahead"):
        service.book(intern(), slot.id)


def test_program_weekly_cap_is_refused_in_the_interns_week(app):
    save_rules(LunchRules(intern_weekly_cap=2), actor_id=None)
    person = intern()
    monday = week_ahead()
    for day in range(2):
        service.book(person, factories.lunch_slot(starts_at=monday + timedelta(days=day)).id)
    sunday = factories.lunch_slot(starts_at=monday + timedelta(days=6))
    with pytest.raises(service.BookingRefused, match="2 lunch dates a week"):
        service.book(person, sunday.id)
    next_monday = factories.lunch_slot(starts_at=monday + timedelta(days=7))
    assert service.book(person, next_monday.id).status == BookingStatus.BOOKED


def test_host_weekly_cap_is_refused(app):
    scientist = factories.mentor(name="Capped Scientist")
    db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == scientist.id)
                      ).lunch_weekly_cap = 1
    db.session.commit()
    tuesday = week_ahead() + timedelta(days=1)  # Monday in Seattle, the host's week
    service.book(intern(), factories.lunch_slot(scientist, starts_at=tuesday).id)
    second = factories.lunch_slot(scientist, starts_at=tuesday + timedelta(days=1))
    with pytest.raises(service.BookingRefused, match="hosts at most 1"):
        service.book(intern(), second.id)


def test_withdrawn_slot_is_refused(app):
    slot = factories.lunch_slot()
    slot.status = SlotStatus.WITHDRAWN
    db.session.commit()
    with pytest.raises(service.BookingRefused, match="withdrew"):
        service.book(intern(), slot.id)


def test_scientist_cannot_book_their_own_slot(app):
    both = factories.user(Role.INTERN, Role.MENTOR)
    slot = factories.lunch_slot(both)
    with pytest.raises(service.BookingRefused, match="your own slot"):
        service.book(both, slot.id)


def test_refusal_over_http_is_shown_and_nothing_is_written(client, auth):
    slot = factories.lunch_slot(starts_at=datetime.now(UTC) - timedelta(hours=1))
    auth.login_as(intern())
    response = client.post(f"/lunch/slots/{slot.id}/book", follow_redirects=True)
    assert "This slot is in the past." in response.get_data(as_text=True)
    assert live_bookings() == 0


def test_either_side_cancels_with_a_reason(app):
    slot = factories.lunch_slot()
    booking = service.book(intern(), slot.id)
    with pytest.raises(service.BookingRefused, match="Say why"):
        service.cancel(booking, slot.scientist, "  ")
    service.cancel(booking, slot.scientist, "Travelling that week")
    assert booking.status == BookingStatus.CANCELLED and booking.sequence == 1
    assert booking.cancel_reason == "Travelling that week"


def test_another_intern_cannot_cancel_my_lunch_date(client, auth):
    booking = service.book(intern(), factories.lunch_slot().id)
    auth.login_as(intern())
    response = client.post(f"/lunch/bookings/{booking.id}/cancel", data={"reason": "mine now"})
    assert response.status_code == 403
    assert db.session.get(LunchBooking, booking.id).status == BookingStatus.BOOKED


def test_cancel_without_reason_rerenders_the_form(client, auth):
    person = intern()
    booking = service.book(person, factories.lunch_slot().id)
    auth.login_as(person)
    response = client.post(f"/lunch/bookings/{booking.id}/cancel", data={"reason": ""})
    assert response.status_code == 422
    assert db.session.get(LunchBooking, booking.id).status == BookingStatus.BOOKED


def test_reschedule_moves_the_same_uid_with_a_higher_sequence(app):
    person = intern()
    slot = factories.lunch_slot()
    later = factories.lunch_slot(slot.scientist, starts_at=slot.starts_at + timedelta(days=1))
    booking = service.book(person, slot.id)
    uid = booking.uid
    service.reschedule(booking, person, later.id)
    assert booking.uid == uid and booking.slot_id == later.id and booking.sequence == 1
    assert service.book(intern(), slot.id).seat == 1  # the old seat is free again


def test_reschedule_to_another_scientist_is_refused(app):
    person = intern()
    booking = service.book(person, factories.lunch_slot().id)
    elsewhere = factories.lunch_slot(starts_at=booking.slot.starts_at + timedelta(days=1))
    with pytest.raises(service.BookingRefused, match="same scientist"):
        service.reschedule(booking, person, elsewhere.id)


def test_met_counts_distinct_scientists_and_skips_no_shows(app):
    person = intern()
    alice, bob = factories.mentor(name="Alice"), factories.mentor(name="Bob")
    first = service.book(person, factories.lunch_slot(alice).id)
    service.book(person, factories.lunch_slot(alice, starts_at=first.slot.ends_at).id)
    missed = service.book(person, factories.lunch_slot(bob, starts_at=first.slot.starts_at
                                                       + timedelta(days=1)).id)
    later = first.slot.starts_at + timedelta(days=2)
    assert browse.met_count(person.id, now=first.slot.starts_at) == 0
    assert browse.met_count(person.id, now=later) == 2
    service.mark_no_show(missed, bob, now=later)
    assert browse.met_count(person.id, now=later) == 1


def test_no_show_before_the_lunch_date_is_refused(app):
    person = intern()
    booking = service.book(person, factories.lunch_slot().id)
    with pytest.raises(service.BookingRefused, match="once it has started"):
        service.mark_no_show(booking, person)


def test_program_lead_changes_the_rules(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    data = {"intern_weekly_cap": 5, "lead_time_hours": 2, "goal_scientists": 10,
            "working_hours_start": 8, "working_hours_end": 17}
    assert client.post("/lunch/settings", data=data).status_code == 302
    assert rules() == LunchRules(5, 2, 10, 8, 17)
    bad = dict(data, working_hours_end=7)
    assert client.post("/lunch/settings", data=bad).status_code == 422
    assert rules().working_hours_end == 17
