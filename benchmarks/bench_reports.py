"""Outcome report server time and SQL count, whole program and one team; CSV streaming memory.

Builds 40,000 internships (8,000 a year for five years), 2,000 mentors, 30,000 outcomes,
40,000 launch plans and 50,000 lunch dates with bulk inserts, computes their report facts,
then times the report pages, the report while lunch counts are behind, and a facts refresh.
"""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text, update
from werkzeug.security import generate_password_hash

from intern_portal.extensions import db
from intern_portal.models import (
    BookingStatus,
    Cohort,
    DegreeProgram,
    FocusArea,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    MentorAssignment,
    Org,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    Project,
    ReportFacts,
    Role,
    Team,
    Term,
    User,
    UserRole,
)
from intern_portal.reports import facts

from .support import bench_app, report, time_request

YEARS = range(2021, 2026)
PER_YEAR = 8_000
MENTORS = 2_000
OUTCOMES = 30_000
LUNCHES = 50_000
TEAMS = 200
ZONES = ("America/Los_Angeles", "America/New_York", "Asia/Kolkata", "Europe/London")
PASSWORD = "bench-password"


def _build() -> dict[str, int]:
    rng = random.Random(7)
    ids = iter(range(1, 10_000_000))
    people: list[dict] = []
    roles: list[dict] = []

    def person(role: Role, password: bool = False) -> int:
        uid = next(ids)
        people.append({"id": uid, "email": f"u{uid}@bench.example", "name": f"Person {uid}",
                       "time_zone": rng.choice(ZONES),
                       "password_hash": generate_password_hash(
                           PASSWORD, method="pbkdf2:sha256:1000") if password else None})
        roles.append({"user_id": uid, "role": role})
        return uid

    lead = person(Role.PROGRAM_LEAD, password=True)
    managers = [person(Role.MANAGER, password=(t == 0)) for t in range(TEAMS)]
    mentors = [person(Role.MENTOR) for _ in range(MENTORS)]
    orgs = [{"id": o + 1, "name": f"Org {o + 1}"} for o in range(5)]
    teams = [{"id": t + 1, "org_id": t % 5 + 1, "name": f"Team {t + 1}", "manager_id": managers[t],
              "location": "Seattle", "time_zone": "America/Los_Angeles"} for t in range(TEAMS)]
    areas = [{"id": t + 1, "team_id": t + 1, "name": "Big bet"} for t in range(TEAMS)]
    cohorts, internships, projects, plans, assignments = [], [], [], [], []
    interns_by_year: dict[int, list[tuple[int, int]]] = {}
    for y, year in enumerate(YEARS):
        summer = {"id": 2 * y + 1, "term": Term.SUMMER, "year": year,
                  "start_date": date(year, 6, 1), "end_date": date(year, 8, 28)}
        fall = {"id": 2 * y + 2, "term": Term.FALL, "year": year,
                "start_date": date(year, 9, 7), "end_date": date(year, 12, 10)}
        cohorts += [summer, fall]
        previous = interns_by_year.get(year - 1, [])
        interns_by_year[year] = []
        for k in range(PER_YEAR):
            cohort = summer if k % 9 else fall
            iid = len(internships) + 1
            back = previous[k] if k < len(previous) and k % 20 == 0 else None
            intern = back[0] if back else person(Role.INTERN)
            interns_by_year[year].append((intern, iid))
            team = rng.randrange(TEAMS) + 1
            zone = rng.choice(ZONES)
            internships.append({
                "id": iid, "intern_id": intern, "cohort_id": cohort["id"], "team_id": team,
                "manager_id": managers[team - 1],
                "previous_internship_id": back[1] if back else None,
                "university": "State University", "degree_program": DegreeProgram.PHD,
                "research_area": "ML", "location": "Remote", "time_zone": zone,
                "start_date": cohort["start_date"], "end_date": cohort["end_date"],
                "status": InternshipStatus.COMPLETED})
            projects.append({"id": iid, "internship_id": iid, "title": f"Project {iid}",
                             "focus_area_id": team})
            start = datetime.combine(cohort["start_date"], datetime.min.time(), tzinfo=UTC)
            plans.append({"internship_id": iid, "project_title": f"Project {iid}",
                          "goal_paper": True,
                          "delivered_at": start + timedelta(hours=rng.randrange(0, 60))})
            assignments.append({"internship_id": iid, "mentor_id": rng.choice(mentors),
                                "is_primary": True, "started_at": start})
    outcomes = []
    for n in range(OUTCOMES):
        kind = (OutcomeKind.PAPER, OutcomeKind.PAPER, OutcomeKind.PRODUCTION,
                OutcomeKind.TUTORIAL, OutcomeKind.PATENT)[n % 5]
        status = rng.choice(
            {OutcomeKind.PAPER: (OutcomeStatus.SUBMITTED, OutcomeStatus.PUBLISHED,
                                 OutcomeStatus.REJECTED),
             OutcomeKind.PRODUCTION: (OutcomeStatus.PROTOTYPE, OutcomeStatus.TOWARD_PRODUCTION,
                                      OutcomeStatus.IN_PRODUCTION),
             OutcomeKind.TUTORIAL: (OutcomeStatus.ACCEPTED,),
             OutcomeKind.PATENT: (OutcomeStatus.FILED,)}[kind])
        outcomes.append({"project_id": rng.randrange(len(projects)) + 1, "kind": kind,
                         "status": status, "title": f"Outcome {n}", "top_tier": n % 3 == 0,
                         "internal": n % 11 == 0, "status_date": date(2025, 1, 1)})
    slots, bookings = [], []
    for n in range(LUNCHES):
        internship = internships[rng.randrange(len(internships))]
        starts = datetime.combine(internship["start_date"] + timedelta(days=rng.randrange(80)),
                                  datetime.min.time(), tzinfo=UTC) + timedelta(minutes=n // MENTORS)
        slots.append({"id": n + 1, "scientist_id": mentors[n % MENTORS], "starts_at": starts,
                      "ends_at": starts + timedelta(minutes=30), "time_zone": "UTC",
                      "video_url": "https://meet.example.com"})
        bookings.append({"slot_id": n + 1, "intern_id": internship["intern_id"],
                         "status": BookingStatus.BOOKED, "uid": f"b{n}@bench"})
    for model, rows in ((User, people), (UserRole, roles), (Org, orgs), (Team, teams),
                        (FocusArea, areas), (Cohort, cohorts), (Internship, internships),
                        (Project, projects), (LaunchPlan, plans), (MentorAssignment, assignments),
                        (Outcome, outcomes), (LunchSlot, slots), (LunchBooking, bookings)):
        for at in range(0, len(rows), 5_000):
            db.session.execute(insert(model), rows[at:at + 5_000])
    db.session.commit()
    # Bulk inserts pass the session's flush, so the report facts are computed here in one go.
    report("compute report facts for every internship", lambda: facts.refresh(db.session))
    db.session.commit()
    return {"lead": lead, "manager": managers[0], "team": 1}


def _sign_in(client, user_id: int) -> None:
    email = db.session.scalar(select(User.email).where(User.id == user_id))
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "bench sign-in failed"


def _stream(client, url: str) -> tuple[float, int, float]:
    """Seconds, rows and peak traced MiB while streaming a CSV download."""
    tracemalloc.start()
    started = time.perf_counter()
    with client.application.app_context():  # the streamed query runs in the request's own session
        response = client.get(url, buffered=False)
        rows = sum(chunk.count(b"\n") for chunk in response.response)
        response.close()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, rows - 1, peak / 2**20


def _existing() -> dict[str, int] | None:
    """The people of an earlier run on the same BENCH_DATABASE_URL, so it is not built twice."""
    if not db.session.scalar(select(func.count(Internship.id))):
        return None
    lead = db.session.scalar(select(User.id).where(User.email == "u1@bench.example"))
    if lead is None:
        raise SystemExit("BENCH_DATABASE_URL holds someone else's data; give a database of its own")
    return {"lead": lead, "manager": lead + 1, "team": 1}


def run() -> None:
    with bench_app() as app:
        who = _existing() or report("build 40,000 internships", _build)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))  # fresh bulk loads have no planner statistics
            db.session.commit()
        client = app.test_client()
        _sign_in(client, who["lead"])
        for label, url in (("whole program", "/reports/"),
                           ("one team", f"/reports/?team_id={who['team']}"),
                           ("one year", "/reports/?year=2024"),
                           ("drill-down, top-tier", "/reports/projects?metric=top_tier")):
            ms, statements = time_request(client, url, repeat=5)
            print(f"   report, {label}: {ms:.0f} ms median, {statements} SQL statements")
        export = "/reports/export.csv?table=projects"
        for label, url in (("all projects", export),
                           ("one year", f"{export}&year=2024"),
                           ("one team", f"{export}&team_id={who['team']}")):
            seconds, rows, peak = _stream(client, url)
            print(f"   CSV {label}: {rows} rows in {seconds:.2f} s, peak {peak:.1f} MiB traced")
        manager = app.test_client()
        _sign_in(manager, who["manager"])
        ms, statements = time_request(manager, "/reports/", repeat=5)
        print(f"   report, a manager's own team: {ms:.0f} ms median, {statements} SQL statements")
        _behind(client)
        _one_write()


def _behind(client) -> None:
    """The report while 500 internships' lunch counts are behind, then the job catching up."""
    some = select(ReportFacts.internship_id).order_by(ReportFacts.internship_id).limit(500)
    db.session.execute(update(ReportFacts).where(ReportFacts.internship_id.in_(some))
                       .values(lunch_next_end=datetime(2025, 1, 1, tzinfo=UTC)))
    db.session.commit()
    ms, statements = time_request(client, "/reports/", repeat=5)
    print(f"   report, whole program, 500 rows' lunch dates counted live: {ms:.0f} ms median, "
          f"{statements} SQL statements")

    def catch_up() -> int:
        count = facts.refresh_due(db.session)
        db.session.commit()
        return count

    report("scheduler job refreshes those 500 rows", catch_up)


def _one_write() -> None:
    """What keeping the facts adds to a write: one internship's refresh, as at a commit."""
    timings = []
    for internship_id in range(1, 4_000, 200):
        started = time.perf_counter()
        facts.refresh(db.session, facts.Pending(internships={internship_id}))
        db.session.commit()
        timings.append((time.perf_counter() - started) * 1000)
    print(f"   refresh one internship's facts and commit: {statistics.median(timings):.1f} ms "
          "median")
