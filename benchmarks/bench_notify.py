"""Reminder enqueue pass over 8,000 interns and 50,000 lunch dates, and sending to a file.

Builds a summer program (8,000 interns with delivered plans and 6 milestones each, 2,000
scientists and mentors, 50,000 booked lunch dates over the summer, one intern in ten behind on
milestones), then times one pass of
every reminder finder at a Monday morning (so the weekly mentor digest is due too), a second
pass (everything already owed), and the sender delivering the first 2,000 messages to files.
"""

from __future__ import annotations

import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event, func, insert, select

from intern_portal.extensions import db
from intern_portal.jobs import enqueue_reminders
from intern_portal.models import (
    Cohort,
    Internship,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    MentorAssignment,
    Org,
    OutboxMessage,
    PlanMilestone,
    Team,
    Term,
    User,
)
from intern_portal.notify.sender import send_due

from .support import bench_app

INTERNS = 8_000
SCIENTISTS = 2_000
LUNCHES = 50_000
ZONES = ("America/Los_Angeles", "America/New_York", "Asia/Kolkata", "Europe/London")
START = date(2026, 6, 1)
NOW = datetime(2026, 7, 13, 15, 30, tzinfo=UTC)  # Monday 08:30 in Seattle


def _build() -> None:
    session = db.session
    session.execute(insert(Org), [{"id": 1, "name": "Org", "created_at": NOW}])
    people = [{"id": i, "email": f"p{i}@example.com", "name": f"Person {i}",
               "time_zone": ZONES[i % len(ZONES)], "active": True, "digest_opt_out": i % 10 == 0,
               "created_at": NOW} for i in range(1, INTERNS + SCIENTISTS + 101)]
    session.execute(insert(User), people)
    managers = range(INTERNS + SCIENTISTS + 1, INTERNS + SCIENTISTS + 101)
    session.execute(insert(Team), [{"id": n, "org_id": 1, "name": f"Team {n}", "manager_id": m,
                                    "location": "Seattle", "time_zone": ZONES[0],
                                    "created_at": NOW} for n, m in enumerate(managers, 1)])
    session.execute(insert(Cohort), [{"id": 1, "term": Term.SUMMER, "year": 2026,
                                      "start_date": START, "end_date": date(2026, 8, 28),
                                      "virtual": False, "created_at": NOW}])
    session.execute(insert(Internship), [{
        "id": i, "intern_id": i, "cohort_id": 1, "team_id": i % 100 + 1,
        "manager_id": managers[i % 100], "university": "UW", "degree_program": "phd",
        "research_area": "NLP", "location": "Remote", "time_zone": ZONES[i % 4],
        "start_date": START, "end_date": date(2026, 8, 28), "status": "active",
        "created_at": NOW} for i in range(1, INTERNS + 1)])
    session.execute(insert(LaunchPlan), [{
        "id": i, "internship_id": i, "project_title": "Project", "goal_paper": True,
        "goal_production": False, "version": 1, "created_at": NOW,
        "delivered_at": datetime(2026, 6, 1, 16, tzinfo=UTC),
        "acknowledged_at": datetime(2026, 6, 2, 16, tzinfo=UTC) if i % 50 else None,
    } for i in range(1, INTERNS + 1)])
    milestones = []
    for i in range(1, INTERNS + 1):
        for w in range(1, 7):
            due = START + timedelta(days=14 * w - (i % 7))
            # Most interns finish past milestones on time; one in ten is running late.
            done = due < NOW.date() and i % 10 != 0
            milestones.append({"plan_id": i, "week": w * 2, "title": f"Milestone {w}",
                               "description": "", "due_date": due, "done_note": "",
                               "done_at": datetime.combine(due, time(), UTC) if done else None})
    session.execute(insert(PlanMilestone), milestones)
    session.execute(insert(MentorAssignment), [{
        "internship_id": i, "mentor_id": INTERNS + 1 + i % SCIENTISTS, "is_primary": True,
        "started_at": NOW - timedelta(days=40), "reason": "", "capacity_override": False,
    } for i in range(1, INTERNS + 1)])
    first = datetime(2026, 6, 1, 17, tzinfo=UTC)
    slots, bookings = [], []
    for n in range(1, LUNCHES + 1):
        at = first + timedelta(minutes=30 * (n % 40 * 2), days=n // 550)
        slots.append({"id": n, "scientist_id": INTERNS + 1 + n % SCIENTISTS, "starts_at": at,
                      "ends_at": at + timedelta(minutes=30), "time_zone": ZONES[n % 4],
                      "seats": 1, "video_url": "https://meet.example.com/l", "topic": "",
                      "status": "open", "created_at": NOW})
        bookings.append({"slot_id": n, "seat": 1, "intern_id": n % INTERNS + 1,
                         "status": "booked", "uid": f"lunch-{n}@bench", "sequence": 0,
                         "booked_at": NOW - timedelta(days=30), "cancel_reason": ""})
    session.execute(insert(LunchSlot), slots)
    session.execute(insert(LunchBooking), bookings)
    session.commit()


def _timed_pass(now: datetime) -> tuple[float, int, int]:
    statements: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    started = clock.perf_counter()
    try:
        added = enqueue_reminders(now)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return clock.perf_counter() - started, added, len(statements)


def run() -> None:
    with tempfile.TemporaryDirectory() as mail_dir, bench_app(
            MAIL_TRANSPORT="file", MAIL_DIR=mail_dir):
        started = clock.perf_counter()
        _build()
        print(f"   built {INTERNS:,} interns, {LUNCHES:,} lunch dates, "
              f"{INTERNS * 6:,} milestones in {clock.perf_counter() - started:.1f} s")
        seconds, added, queries = _timed_pass(NOW)
        kinds = dict(db.session.execute(
            select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)).all())
        print(f"   first enqueue pass: {seconds:.2f} s, {added:,} reminders owed, "
              f"{queries} SQL statements  {kinds}")
        seconds, added, queries = _timed_pass(NOW + timedelta(minutes=1))
        print(f"   next pass a minute later: {seconds:.2f} s, {added:,} new, "
              f"{queries} SQL statements")
        started = clock.perf_counter()
        report = send_due(NOW, limit=2_000)
        seconds = clock.perf_counter() - started
        print(f"   sender: {report.sent:,} messages to .eml files in {seconds:.2f} s "
              f"({report.sent / seconds:,.0f}/s)")
