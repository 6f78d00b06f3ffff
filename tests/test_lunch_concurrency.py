"""Racing bookings: real connections from parallel threads, one winner per seat."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.lunch import service
from intern_portal.lunch.settings import LunchRules, save_rules
from intern_portal.models import BookingStatus, LunchBooking, MentorProfile, Role, User

from . import factories
from .conftest import ON_POSTGRES

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="races need concurrent writers; SQLite has one writer (set DATABASE_URL to PostgreSQL)",
)


def race(app, attempts: list[tuple[int, int]]) -> Counter:
    """Run (intern id, slot id) bookings at once, each in its own app context and connection."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(intern_id: int, slot_id: int) -> None:
        with app.app_context():
            person = db.session.get(User, intern_id)
            db.session.connection()  # hold a real connection before the start line
            barrier.wait(timeout=30)
            try:
                service.book(person, slot_id)
                result = "booked"
            except service.SlotTaken:
                result = "taken"
            except service.BookingRefused as error:
                result = f"refused: {error}"
            except Exception as error:  # noqa: BLE001  (any other failure is what we look for)
                result = f"error: {type(error).__name__}: {error}"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a booking thread hung"
    return Counter(outcomes)


def midweek() -> datetime:
    """Wednesday 18:00 UTC two weeks ahead: midweek in Seattle and in Bengaluru alike."""
    today = datetime.now(UTC).date()
    wednesday = today - timedelta(days=today.weekday()) + timedelta(weeks=2, days=2)
    return datetime(wednesday.year, wednesday.month, wednesday.day, 18, tzinfo=UTC)


def interns(n: int) -> list[int]:
    return [factories.user(Role.INTERN, time_zone="Asia/Kolkata").id for _ in range(n)]


def live_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LunchBooking)
                             .where(LunchBooking.status != BookingStatus.CANCELLED))


@postgres_only
def test_interns_racing_for_one_slot_get_exactly_one_booking(app):
    slot = factories.lunch_slot()
    outcomes = race(app, [(i, slot.id) for i in interns(12)])
    assert outcomes == Counter({"booked": 1, "taken": 11})
    assert live_count() == 1


@postgres_only
def test_interns_racing_for_a_group_slot_fill_exactly_its_seats(app):
    slot = factories.lunch_slot(seats=3)
    outcomes = race(app, [(i, slot.id) for i in interns(12)])
    assert outcomes == Counter({"booked": 3, "taken": 9})
    seats = sorted(db.session.scalars(select(LunchBooking.seat)))
    assert seats == [1, 2, 3]


@postgres_only
def test_one_intern_booking_overlapping_slots_at_once_gets_one(app):
    start = factories.lunch_slot().starts_at
    slots = [factories.lunch_slot(starts_at=start + timedelta(minutes=2 * i)).id
             for i in range(1, 9)]
    person = interns(1)[0]
    outcomes = race(app, [(person, s) for s in slots])
    assert outcomes["booked"] == 1
    assert outcomes["refused: You already have a lunch date overlapping this time."] == 7


@postgres_only
def test_one_intern_racing_past_the_weekly_cap_gets_the_cap(app):
    save_rules(LunchRules(intern_weekly_cap=2), actor_id=None)
    slots = [factories.lunch_slot(starts_at=midweek() + timedelta(hours=i)).id
             for i in range(6)]
    person = interns(1)[0]
    outcomes = race(app, [(person, s) for s in slots])
    assert outcomes["booked"] == 2
    assert live_count() == 2


@postgres_only
def test_interns_racing_past_a_hosts_weekly_cap_get_the_cap(app):
    scientist = factories.mentor()
    db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == scientist.id)
                      ).lunch_weekly_cap = 1
    db.session.commit()
    slots = [factories.lunch_slot(scientist, starts_at=midweek() + timedelta(minutes=30 * i)).id
             for i in range(6)]
    outcomes = race(app, list(zip(interns(6), slots, strict=True)))
    assert outcomes["booked"] == 1
    assert sum(n for k, n in outcomes.items() if "hosts at most 1" in k) == 5
    assert live_count() == 1


@pytest.mark.skipif(ON_POSTGRES, reason="the PostgreSQL races above cover this")
def test_sqlite_serialises_racing_bookings_without_lock_errors(app):
    slot = factories.lunch_slot(seats=2)
    start = slot.starts_at
    person = interns(1)[0]
    overlapping = [factories.lunch_slot(starts_at=start + timedelta(minutes=2 * i)).id
                   for i in range(1, 5)]
    outcomes = race(app, [(i, slot.id) for i in interns(6)] + [(person, s) for s in overlapping])
    assert outcomes["booked"] == 3
    assert outcomes["taken"] == 4
    assert outcomes["refused: You already have a lunch date overlapping this time."] == 3
