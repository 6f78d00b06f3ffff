"""What each role sees on its home page, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..cohorts.service import status_counts
from ..extensions import db
from ..models import (
    CURRENT_STATUSES,
    AuditEntry,
    Cohort,
    Internship,
    InternshipStatus,
    MentorAssignment,
    MentorProfile,
    Org,
    Role,
    Team,
    User,
    UserRole,
)


def _with_people():
    """Eager loads for showing an internship with its people and current mentors."""
    return (
        joinedload(Internship.intern),
        joinedload(Internship.manager),
        joinedload(Internship.cohort),
        joinedload(Internship.team).joinedload(Team.org),
        joinedload(Internship.project),
        selectinload(Internship.assignments).options(
            joinedload(MentorAssignment.mentor),
            joinedload(MentorAssignment.mentor_profile).joinedload(MentorProfile.team),
        ),
    )


def intern_internships(user: User) -> list[Internship]:
    return list(
        db.session.scalars(
            select(Internship)
            .where(Internship.intern_id == user.id)
            .options(*_with_people())
            .order_by(Internship.start_date.desc())
        ).unique()
    )


def mentees(user: User) -> list[Internship]:
    mine = select(MentorAssignment.internship_id).where(
        MentorAssignment.mentor_id == user.id, MentorAssignment.ended_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(Internship)
            .where(Internship.id.in_(mine), Internship.status.in_(CURRENT_STATUSES))
            .options(*_with_people())
            .order_by(Internship.start_date)
        ).unique()
    )


def managed_internships(user: User) -> list[Internship]:
    return list(
        db.session.scalars(
            select(Internship)
            .join(Internship.intern)
            .where(Internship.manager_id == user.id, Internship.status.in_(CURRENT_STATUSES))
            .options(*_with_people())
            .order_by(Internship.start_date, User.name)
        ).unique()
    )


def managed_teams(user: User) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .where(Team.manager_id == user.id)
            .options(joinedload(Team.org), selectinload(Team.focus_areas))
            .order_by(Team.name)
        )
    )


@dataclass
class CohortSummary:
    cohort: Cohort
    by_status: dict[InternshipStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def cohort_summaries(limit: int = 8) -> list[CohortSummary]:
    cohorts = list(
        db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc()).limit(limit))
    )
    counts = status_counts([c.id for c in cohorts])
    return [CohortSummary(c, counts[c.id]) for c in cohorts]


def program_counts() -> dict[str, int]:
    row = db.session.execute(
        select(
            select(func.count(Org.id)).scalar_subquery(),
            select(func.count(Team.id)).scalar_subquery(),
            select(func.count(User.id)).scalar_subquery(),
        )
    ).one()
    return {"orgs": row[0], "teams": row[1], "people": row[2]}


def role_counts() -> dict[Role, int]:
    rows = db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role))
    counts = dict.fromkeys(Role, 0)
    counts.update({role: n for role, n in rows})
    return counts


def recent_audit(limit: int = 10) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
