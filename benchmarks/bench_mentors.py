"""Mentor pages at scale: the team page, suggestions and the cohort proposal.

Builds 2,000 mentors on 40 teams, one team with 200 current interns (each with a primary and
an additional mentor), and 200 more interns in a second cohort with no mentor yet; then times
the team page, one intern's mentor page (20 ranked suggestions out of 2,000) and the cohort
proposal for those 200 interns (median milliseconds over the requests, and SQL statements per
request, which do not grow with the data).
"""

from __future__ import annotations

from datetime import date

from werkzeug.security import generate_password_hash

from intern_portal.extensions import db
from intern_portal.models import (
    Cohort,
    DegreeProgram,
    Internship,
    InternshipStatus,
    MentorAssignment,
    MentorProfile,
    Org,
    Role,
    Team,
    Term,
    User,
    UserRole,
)

from .support import bench_app, report, time_request

MENTORS, TEAMS, INTERNS = 2000, 40, 200
ZONES = ("America/Los_Angeles", "America/New_York", "Asia/Kolkata", "Europe/Berlin")
TOPICS = ("knowledge graphs", "entity linking", "speech recognition", "computer vision",
          "question answering", "recommendation", "causal inference", "reinforcement learning",
          "information retrieval", "machine translation", "forecasting", "optimisation")
PASSWORD = "bench-password"


def _build() -> tuple[User, int, int, int]:
    password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    manager = User(email="manager@bench.example", name="Manager", password_hash=password,
                   roles=[UserRole(role=Role.MANAGER)])
    org = Org(name="Bench org")
    teams = [Team(org=org, name=f"Team {n}", manager=manager if n == 0 else None,
                  location="Seattle", time_zone=ZONES[n % 4]) for n in range(TEAMS)]
    summer = Cohort(term=Term.SUMMER, year=2026, start_date=date(2026, 6, 1),
                    end_date=date(2026, 8, 28))
    fall = Cohort(term=Term.FALL, year=2026, start_date=date(2026, 9, 7),
                  end_date=date(2026, 12, 18))
    mentors = []
    for n in range(MENTORS):
        user = User(email=f"mentor{n}@bench.example", name=f"Mentor {n:04d}",
                    time_zone=ZONES[n % 4], roles=[UserRole(role=Role.MENTOR)])
        expertise = ", ".join(TOPICS[(n + k) % len(TOPICS)] for k in range(3))
        mentors.append(MentorProfile(user=user, team=teams[n % TEAMS], capacity=2 + n % 3,
                                     expertise=expertise))
    db.session.add_all([manager, summer, fall, *teams, *mentors])
    rows = []
    for cohort, count in ((summer, INTERNS), (fall, INTERNS)):
        for n in range(count):
            intern = User(email=f"intern{n}.{cohort.term.value}@bench.example",
                          name=f"Intern {n} {cohort.term.value}", time_zone=ZONES[n % 4],
                          roles=[UserRole(role=Role.INTERN)])
            internship = Internship(
                intern=intern, cohort=cohort, team=teams[0], manager=manager,
                university="University", degree_program=DegreeProgram.PHD,
                research_area=TOPICS[n % len(TOPICS)], location="Remote",
                time_zone=ZONES[n % 4], start_date=cohort.start_date,
                end_date=cohort.end_date, status=InternshipStatus.ACTIVE)
            rows.append(internship)
            if cohort is summer:
                internship.assignments = [
                    MentorAssignment(mentor=mentors[n].user, is_primary=True),
                    MentorAssignment(mentor=mentors[n + INTERNS].user, is_primary=False),
                ]
    db.session.add_all(rows)
    db.session.commit()
    return manager, teams[0].id, rows[0].id, fall.id


def run() -> None:
    with bench_app() as app:
        manager, team_id, internship_id, fall_id = report(
            f"build {MENTORS:,} mentors and {2 * INTERNS} interns", _build)
        client = app.test_client()
        client.post("/auth/login", data={"email": manager.email, "password": PASSWORD})
        pages = (
            (f"team page, {INTERNS} interns", f"/mentors/teams/{team_id}", 20),
            (f"one intern's mentors and suggestions from {MENTORS:,} mentors",
             f"/mentors/internships/{internship_id}", 20),
            (f"cohort proposal, {INTERNS} interns x {MENTORS:,} mentors",
             f"/mentors/cohorts/{fall_id}/proposal", 5),
        )
        for label, url, repeat in pages:
            ms, statements = time_request(client, url, repeat=repeat)
            print(f"   {label}: {ms:.0f} ms, {statements} SQL statements")
