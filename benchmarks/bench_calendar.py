"""Calendar feed with 500 items: server time for a full GET and for a 304 re-poll.

One intern holds 442 lunch dates, 40 milestones, 16 cohort events and their internship's start
and end (500 items in all). Times the first fetch (which records every item's version), an
unchanged full fetch, a conditional re-poll answered 304, and a fetch right after one lunch
date was cancelled.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert

from intern_portal.calendar.feeds import issue_feed
from intern_portal.extensions import db
from intern_portal.models import (
    Cohort,
    CohortEvent,
    Internship,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    Org,
    PlanMilestone,
    Team,
    Term,
    User,
)

from .support import bench_app

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
START = NOW.date() - timedelta(days=20)
END = START + timedelta(days=90)


def _build() -> str:
    s = db.session
    s.execute(insert(Org), [{"id": 1, "name": "Org", "created_at": NOW}])
    s.execute(insert(User), [{"id": i, "email": f"p{i}@example.com", "name": f"Person {i}",
                              "time_zone": "UTC", "active": True, "digest_opt_out": False,
                              "created_at": NOW} for i in range(1, 202)])
    s.execute(insert(Team), [{"id": 1, "org_id": 1, "name": "Team", "manager_id": 201,
                              "location": "Seattle", "time_zone": "UTC", "created_at": NOW}])
    s.execute(insert(Cohort), [{"id": 1, "term": Term.SUMMER, "year": 2026,
                                "start_date": START, "end_date": END,
                                "virtual": False, "created_at": NOW}])
    s.execute(insert(Internship), [{
        "id": 1, "intern_id": 1, "cohort_id": 1, "team_id": 1, "manager_id": 201,
        "university": "UW", "degree_program": "phd", "research_area": "NLP",
        "location": "Remote", "time_zone": "UTC", "start_date": START,
        "end_date": END, "status": "active", "created_at": NOW}])
    s.execute(insert(LaunchPlan), [{"id": 1, "internship_id": 1, "project_title": "P",
                                    "goal_paper": True, "goal_production": False, "version": 1,
                                    "created_at": NOW, "delivered_at": NOW - timedelta(days=30)}])
    s.execute(insert(PlanMilestone), [{
        "plan_id": 1, "week": 1 + n % 12, "title": f"Milestone {n}", "description": "",
        "due_date": START + timedelta(days=2 * n), "done_note": ""}
        for n in range(40)])
    s.execute(insert(CohortEvent), [{
        "cohort_id": 1, "kind": "knowledge_sharing", "title": f"Talk {n}", "description": "",
        "starts_at": NOW + timedelta(days=n), "ends_at": NOW + timedelta(days=n, hours=1),
        "time_zone": "UTC", "video_url": "https://meet.example.com/t", "sequence": 0,
        "created_at": NOW, "updated_at": NOW} for n in range(16)])
    s.execute(insert(LunchSlot), [{
        "id": n, "scientist_id": 2 + n % 199, "starts_at": NOW + timedelta(hours=5 * n),
        "ends_at": NOW + timedelta(hours=5 * n, minutes=30), "time_zone": "UTC", "seats": 1,
        "video_url": "https://meet.example.com/l", "topic": "Careers", "status": "open",
        "created_at": NOW} for n in range(1, 443)])
    s.execute(insert(LunchBooking), [{
        "id": n, "slot_id": n, "seat": 1, "intern_id": 1, "status": "booked",
        "uid": f"lunch-{n}@bench", "sequence": 0, "booked_at": NOW, "cancel_reason": ""}
        for n in range(1, 443)])
    s.commit()
    return issue_feed(db.session.get(User, 1))


def _time(client, url: str, headers: dict | None = None, repeat: int = 20) -> tuple[float, int]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), response.status_code


def _statements(client, url: str, headers: dict | None = None) -> int:
    seen: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(url, headers=headers or {})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def run() -> None:
    with bench_app(PORTAL_BASE_URL="https://interns.example.com") as app:
        url = f"/calendar/feed/{_build()}.ics"
        client = app.test_client()
        started = time.perf_counter()
        first = client.get(url)
        print(f"   first fetch (records 500 item versions): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms, "
              f"{first.get_data(as_text=True).count('BEGIN:VEVENT')} events, "
              f"{len(first.get_data()) // 1024} KiB")
        full, status = _time(client, url)
        print(f"   full GET, unchanged: median {full:.1f} ms ({status}), "
              f"{_statements(client, url)} SQL statements")
        conditional = {"If-None-Match": first.headers["ETag"]}
        polled, status = _time(client, url, conditional)
        print(f"   re-poll with If-None-Match: median {polled:.1f} ms ({status}), "
              f"{_statements(client, url, conditional)} SQL statements")
        with app.app_context():
            booking = db.session.get(LunchBooking, 7)
            booking.status, booking.cancelled_at, booking.sequence = "cancelled", NOW, 1
            db.session.commit()
        started = time.perf_counter()
        changed = client.get(url, headers=conditional)
        fresh = changed.headers["ETag"] != first.headers["ETag"]
        print(f"   re-poll after a cancellation: {(time.perf_counter() - started) * 1000:.0f} ms "
              f"({changed.status_code}, new ETag: {fresh})")
