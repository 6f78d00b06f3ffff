"""Exporting interns and mentors with the same columns the import reads."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Cohort, Internship, MentorProfile, Org, Team, User
from .rows import INTERN_COLUMNS, MENTOR_COLUMNS


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def interns_csv(cohort_id: int | None = None) -> str:
    """Every internship (or one cohort's) as import rows, in one query."""
    intern, manager = aliased(User), aliased(User)
    query = (
        select(Internship, intern.email, intern.name, Org.name, Team.name, Cohort,
               manager.email)
        .join(intern, intern.id == Internship.intern_id)
        .join(manager, manager.id == Internship.manager_id)
        .join(Team, Team.id == Internship.team_id)
        .join(Org, Org.id == Team.org_id)
        .join(Cohort, Cohort.id == Internship.cohort_id)
        .order_by(Cohort.start_date, intern.email)
    )
    if cohort_id is not None:
        query = query.where(Internship.cohort_id == cohort_id)
    rows = [
        [email, name, i.university, i.degree_program.label, i.research_area, org, team,
         cohort.name, manager_email, i.location, i.time_zone, i.start_date.isoformat(),
         i.end_date.isoformat()]
        for i, email, name, org, team, cohort, manager_email in db.session.execute(query)
    ]
    return _csv(INTERN_COLUMNS, rows)


def mentors_csv() -> str:
    """Every mentor profile as import rows, teams written as 'Org / Team', in one query."""
    query = (
        select(User.email, User.name, Org.name, Team.name, MentorProfile.expertise,
               MentorProfile.capacity, User.time_zone)
        .join(User, User.id == MentorProfile.user_id)
        .outerjoin(Team, Team.id == MentorProfile.team_id)
        .outerjoin(Org, Org.id == Team.org_id)
        .order_by(User.email)
    )
    rows = [
        [email, name, f"{org} / {team}" if team else "", expertise, str(capacity), zone]
        for email, name, org, team, expertise, capacity, zone in db.session.execute(query)
    ]
    return _csv(MENTOR_COLUMNS, rows)
