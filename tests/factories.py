"""Test data, built through the models with sensible defaults and unique names."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from intern_portal.extensions import db
from intern_portal.models import (
    Cohort,
    DegreeProgram,
    FocusArea,
    Internship,
    InternshipStatus,
    MentorAssignment,
    MentorProfile,
    Org,
    Project,
    Role,
    Team,
    Term,
    User,
    UserRole,
)

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def user(*roles: Role, email: str | None = None, name: str | None = None,
         time_zone: str = "America/Los_Angeles", active: bool = True) -> User:
    n = next(_seq)
    person = User(
        email=email or f"person{n}@example.com",
        name=name or f"Person {n}",
        time_zone=time_zone,
        password_hash=_HASH,
        active=active,
        roles=[UserRole(role=r) for r in roles],
    )
    db.session.add(person)
    db.session.commit()
    return person


def org(name: str | None = None) -> Org:
    o = Org(name=name or f"Org {next(_seq)}")
    db.session.add(o)
    db.session.commit()
    return o


def team(org_: Org | None = None, manager: User | None = None, name: str | None = None,
         focus_areas: tuple[str, ...] = ()) -> Team:
    t = Team(
        org=org_ or org(),
        name=name or f"Team {next(_seq)}",
        manager=manager,
        location="Seattle",
        time_zone="America/Los_Angeles",
        focus_areas=[FocusArea(name=f) for f in focus_areas],
    )
    db.session.add(t)
    db.session.commit()
    return t


def cohort(term: Term = Term.SUMMER, year: int = 2026, start: date | None = None,
           end: date | None = None, virtual: bool = False) -> Cohort:
    c = Cohort(
        term=term,
        year=year,
        start_date=start or date(year, 6, 1),
        end_date=end or date(year, 8, 28),
        virtual=virtual,
    )
    db.session.add(c)
    db.session.commit()
    return c


def summer_2026() -> Cohort:
    """The cohort tests share unless they need another."""
    found = db.session.scalar(
        select(Cohort).where(Cohort.term == Term.SUMMER, Cohort.year == 2026)
    )
    return found or cohort(Term.SUMMER, 2026)


def internship(intern: User | None = None, team_: Team | None = None,
               cohort_: Cohort | None = None, manager: User | None = None,
               status: InternshipStatus = InternshipStatus.ACTIVE,
               project_title: str | None = "Entity linking at scale") -> Internship:
    team_ = team_ or team()
    cohort_ = cohort_ or summer_2026()
    manager = manager or team_.manager or user(Role.MANAGER)
    i = Internship(
        intern=intern or user(Role.INTERN, time_zone="Asia/Kolkata"),
        team=team_,
        cohort=cohort_,
        manager=manager,
        university="University of Washington",
        degree_program=DegreeProgram.PHD,
        research_area="knowledge graphs, entity linking",
        location="Seattle",
        time_zone="America/Los_Angeles",
        start_date=cohort_.start_date,
        end_date=cohort_.end_date,
        status=status,
    )
    if project_title:
        i.project = Project(title=project_title)
    db.session.add(i)
    db.session.commit()
    return i


def mentor(capacity: int = 2, team_: Team | None = None, expertise: str = "",
           **kw) -> User:
    m = user(Role.MENTOR, **kw)
    db.session.add(MentorProfile(user=m, team=team_, capacity=capacity, expertise=expertise))
    db.session.commit()
    return m


def assign(internship_: Internship, mentor_: User, primary: bool = True) -> MentorAssignment:
    a = MentorAssignment(internship=internship_, mentor=mentor_, is_primary=primary)
    db.session.add(a)
    db.session.commit()
    return a
