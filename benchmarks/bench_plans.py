"""Launch plans: delivering a cohort's plans at once, and the overview, plan and home pages.

Builds one summer cohort of 2,000 interns on 40 teams (1,800 with a plan of 8 milestones,
200 without), then times deliver_due_plans() over the whole cohort on its first day, the
program lead's overview across teams, one manager's overview, a plan page and the intern's
home page (median milliseconds over 20 requests, and SQL statements per request).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from werkzeug.security import generate_password_hash

from intern_portal.extensions import db
from intern_portal.models import (
    Cohort,
    DegreeProgram,
    Internship,
    InternshipStatus,
    LaunchPlan,
    Org,
    PlanMilestone,
    Role,
    Team,
    Term,
    User,
    UserRole,
)
from intern_portal.plans.delivery import deliver_due_plans
from intern_portal.plans.service import due_date_for_week

from .support import bench_app, report, time_request

INTERNS, TEAMS, WITH_PLAN, WEEKS = 2000, 40, 1800, (1, 2, 3, 4, 6, 8, 10, 12)
ZONES = ("America/Los_Angeles", "America/New_York", "Asia/Kolkata", "Europe/Berlin")
PASSWORD = "bench-password"


def _build() -> tuple[User, User, User, int]:
    start = date(2026, 6, 1)
    password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    lead = User(email="lead@bench.example", name="Lead", password_hash=password,
                roles=[UserRole(role=Role.PROGRAM_LEAD)])
    cohort = Cohort(term=Term.SUMMER, year=2026, start_date=start, end_date=date(2026, 8, 28))
    org = Org(name="Bench org")
    managers = [User(email=f"manager{n}@bench.example", name=f"Manager {n}",
                     password_hash=password, roles=[UserRole(role=Role.MANAGER)])
                for n in range(TEAMS)]
    teams = [Team(org=org, name=f"Team {n}", manager=m, location="Seattle",
                  time_zone="America/Los_Angeles") for n, m in enumerate(managers)]
    db.session.add_all([lead, cohort, *teams])
    written = datetime(2026, 5, 15, tzinfo=UTC)
    first_intern = None
    for n in range(INTERNS):
        intern = User(email=f"intern{n}@bench.example", name=f"Intern {n}",
                      password_hash=password, roles=[UserRole(role=Role.INTERN)])
        team = teams[n % TEAMS]
        internship = Internship(
            intern=intern, cohort=cohort, team=team, manager=team.manager,
            university="University", degree_program=DegreeProgram.PHD, research_area="ML",
            location="Remote", time_zone=ZONES[n % len(ZONES)], start_date=start,
            end_date=cohort.end_date, status=InternshipStatus.ACTIVE)
        db.session.add(internship)
        first_intern = first_intern or intern
        if n < WITH_PLAN:
            db.session.add(LaunchPlan(
                internship=internship, project_title=f"Project {n}", goal_paper=True,
                paper_venue="NeurIPS", created_at=written,
                milestones=[PlanMilestone(week=w, title=f"Step {w}",
                                          due_date=due_date_for_week(start, w)) for w in WEEKS]))
    db.session.commit()
    plan_id = db.session.scalar(db.select(LaunchPlan.id).order_by(LaunchPlan.id).limit(1))
    return lead, managers[0], first_intern, plan_id


def _sign_in(client, email: str) -> None:
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def run() -> None:
    with bench_app() as app:
        with time_machine.travel(datetime(2026, 5, 20, tzinfo=UTC), tick=False):
            lead, manager, intern, plan_id = report("build 2,000 internships", _build)
        first_day = datetime(2026, 6, 1, 12, tzinfo=UTC)  # every zone's first day has begun
        with time_machine.travel(first_day, tick=True):
            delivered = report("deliver_due_plans on day one", deliver_due_plans)
            print(f"   plans delivered: {delivered} (run again: {deliver_due_plans()})")
        with time_machine.travel(first_day + timedelta(days=30), tick=True):
            client = app.test_client()
            for label, email, url in (
                ("program lead overview /plans/", lead.email, "/plans/"),
                ("manager overview /plans/", manager.email, "/plans/"),
                ("plan page", manager.email, f"/plans/{plan_id}"),
                ("intern home /", intern.email, "/"),
            ):
                _sign_in(client, email)
                ms, statements = time_request(client, url)
                print(f"   {label}: {ms:.1f} ms median, {statements} SQL statements")
