"""Demo lunch dates: mentors' weekly windows cut into slots, and interns' bookings of them."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import timeutil
from ..demo_content import CANCEL_REASONS, LUNCH_TOPICS, THANKSGIVING, TODAY
from ..lunch.settings import LunchRules
from ..models import (
    BookingStatus,
    Cohort,
    Internship,
    InternshipStatus,
    LunchBlackout,
    LunchBooking,
    LunchSlot,
    LunchWindow,
    SlotStatus,
    User,
)

HOSTING_SHARE = 0.8
SUMMER_HOSTING_SHARE = 0.6
NO_SHOW_SHARE = 0.06
CANCELLED_SHARE = 0.1
HOST_GUESTS = 3  # interns with an upcoming lunch date with the demo mentor
WEEKDAY_PAIRS = ((1, 3), (2, 4), (1, 3))  # Tue/Thu, Wed/Fri, Tue/Thu
RULES = LunchRules()
NOW = datetime.combine(TODAY, time(0), UTC)  # the demo's today begins; earlier slots are past


@dataclass
class Seat:
    slot: LunchSlot
    taken: int = 0


def _slug(name: str) -> str:
    return "".join(c for c in name.lower().replace(" ", "-") if c.isalnum() or c == "-")


class LunchMaker:
    """Builds windows, slots and bookings in memory."""

    def __init__(self, rng: random.Random, mentors: list[User], demo_mentor: User,
                 demo_intern: User):
        self.rng = rng
        self.mentors = mentors
        self.demo_mentor = demo_mentor
        self.demo_intern = demo_intern
        self.rows: list[object] = []
        self.seats: list[Seat] = []
        self.weeks: dict[User, set[tuple[int, int]]] = {}

    def offer(self, cohort: Cohort, share: float) -> None:
        """Let a share of the mentors (the demo mentor always) offer a window over the cohort."""
        for mentor in self.mentors:
            if mentor is not self.demo_mentor and self.rng.random() >= share:
                continue
            days = set(self.rng.choice(WEEKDAY_PAIRS))
            seats = 2 if self.rng.random() < 0.2 else 1
            window = LunchWindow(
                scientist=mentor, cohort=cohort, weekdays=sum(1 << d for d in days),
                start_time=time(12), end_time=time(13), time_zone=mentor.time_zone,
                valid_from=cohort.start_date, valid_until=cohort.end_date, slot_minutes=30,
                seats=seats, video_url=f"https://meet.example.com/lunch-{_slug(mentor.name)}",
                topic=self.rng.choice(LUNCH_TOPICS),
                created_at=datetime.combine(cohort.start_date - timedelta(days=10), time(17), UTC),
            )
            self.rows.append(window)
            blocked = set()
            if mentor.time_zone.startswith("America/") and cohort.start_date <= THANKSGIVING \
                    <= cohort.end_date:
                blocked.add(THANKSGIVING)
                self.rows.append(LunchBlackout(scientist_id=mentor.id, day=THANKSGIVING))
            self.cut(window, days, blocked)

    def cut(self, window: LunchWindow, days: set[int], blocked: set[date]) -> None:
        """Cut the window into slots the way the offer service does, past days included."""
        length = timedelta(minutes=window.slot_minutes)
        day = window.valid_from
        while day <= window.valid_until:
            if day.weekday() in days and day not in blocked:
                at = datetime.combine(day, window.start_time)
                while at + length <= datetime.combine(day, window.end_time):
                    if timeutil.exists(day, at.time(), window.time_zone):
                        starts = timeutil.to_utc(day, at.time(), window.time_zone)
                        slot = LunchSlot(
                            scientist=window.scientist, window=window, starts_at=starts,
                            ends_at=starts + length, time_zone=window.time_zone,
                            seats=window.seats, video_url=window.video_url, topic=window.topic,
                            status=SlotStatus.OPEN, created_at=window.created_at)
                        self.rows.append(slot)
                        self.seats.append(Seat(slot))
                    at += length
            day += timedelta(days=1)

    def suits(self, seat: Seat, internship: Internship, mentors: set[User]) -> bool:
        """A free seat with someone new, in the intern's working hours, during the internship."""
        slot = seat.slot
        if seat.taken >= slot.seats or slot.scientist in mentors:
            return False
        if not internship.start_date + timedelta(days=3) <= slot.starts_at.date() \
                <= internship.end_date:
            return False
        local = slot.starts_at.astimezone(ZoneInfo(internship.time_zone))
        ends = slot.ends_at.astimezone(ZoneInfo(internship.time_zone))
        return local.hour >= RULES.working_hours_start and ends.date() == local.date() \
            and (ends.hour, ends.minute) <= (RULES.working_hours_end, 0)

    def book(self, internship: Internship, mentors: set[User], past: int, upcoming: int,
             host: User | None = None) -> None:
        """Book past lunch dates (met, a few no-shows and cancellations) and upcoming ones."""
        fits = [s for s in self.seats if self.suits(s, internship, mentors)
                and host in (None, s.slot.scientist)]
        before = [s for s in fits if s.slot.ends_at <= NOW]
        soonest = NOW + timedelta(hours=RULES.lead_time_hours)
        after = [s for s in fits if s.slot.starts_at >= soonest]
        weeks = self.weeks.setdefault(internship.intern, set())
        hosts: Counter[User] = Counter()
        for pool, wanted in ((before, past), (after, upcoming)):
            self.rng.shuffle(pool)
            made = 0
            for seat in pool:
                if made == wanted:
                    break
                week = seat.slot.starts_at.isocalendar()[:2]
                if week in weeks or hosts[seat.slot.scientist] >= 2:
                    continue
                weeks.add(week)
                hosts[seat.slot.scientist] += 1
                self.booking(seat, internship.intern, in_past=pool is before)
                made += 1

    def booking(self, seat: Seat, intern: User, in_past: bool) -> None:
        """Take the next seat; some past dates were cancelled or missed."""
        slot = seat.slot
        lead = timedelta(days=self.rng.randint(2, 9), hours=self.rng.randint(0, 8))
        booked = max(slot.starts_at - lead, slot.created_at + timedelta(days=1))
        booked = min(booked, slot.starts_at - timedelta(hours=RULES.lead_time_hours),
                     NOW - timedelta(hours=self.rng.randint(2, 60)))
        booking = LunchBooking(
            slot=slot, seat=seat.taken + 1, intern=intern, status=BookingStatus.BOOKED, sequence=0,
            uid=f"lunch-{self.rng.getrandbits(128):032x}@intern-portal", booked_at=booked)
        roll = self.rng.random()
        if in_past and roll < CANCELLED_SHARE:
            booking.status = BookingStatus.CANCELLED
            booking.sequence = 1
            booking.cancelled_at = booked + (slot.starts_at - booked) / 2
            booking.cancel_reason = self.rng.choice(CANCEL_REASONS)
            booking.cancelled_by_id = intern.id
        elif in_past and roll < CANCELLED_SHARE + NO_SHOW_SHARE:
            booking.status = BookingStatus.NO_SHOW
        if booking.status is not BookingStatus.CANCELLED:
            seat.taken += 1
        self.rows.append(booking)


def make_lunch(rng: random.Random, mentors: list[User], internships: list[Internship],
               cohorts: dict[str, Cohort], mentors_of: dict[Internship, set[User]],
               demo_mentor: User, demo_intern: User) -> list[object]:
    """Return the windows, slots and bookings of the Summer and Fall cohorts."""
    maker = LunchMaker(rng, mentors, demo_mentor, demo_intern)
    maker.offer(cohorts["summer"], SUMMER_HOSTING_SHARE)
    maker.offer(cohorts["fall"], HOSTING_SHARE)
    for internship in internships:
        if internship.status is InternshipStatus.WITHDRAWN or internship.start_date > TODAY:
            continue
        is_demo = internship.intern is demo_intern
        past = rng.randint(3, 7) if internship.end_date < TODAY else rng.randint(2, 6)
        upcoming = 2 if is_demo else (rng.randint(0, 1) if internship.end_date > TODAY else 0)
        maker.book(internship, mentors_of[internship], past, upcoming)
    fall = [i for i in internships if i.cohort is cohorts["fall"] and i.intern is not demo_intern
            and demo_mentor not in mentors_of[i] and i.status is InternshipStatus.ACTIVE]
    for internship in rng.sample(fall, HOST_GUESTS):
        maker.book(internship, mentors_of[internship], 0, 1, host=demo_mentor)
    return maker.rows
