"""Creating and changing cohorts, and what each cohort holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import audit
from ..extensions import db
from ..kernel import Refusal, finish
from ..models import (
    Cohort,
    Internship,
    InternshipStatus,
    MentorAssignment,
    Org,
    Team,
    Term,
    User,
)

PER_PAGE = 50
FIELDS = ("term", "year", "start_date", "end_date", "virtual")
YEARS = (2000, 2100)


class CohortError(Refusal):
    """A change to a cohort was refused; field names the form field at fault."""


def _check(term: Term, year: int, start_date: date, end_date: date,
           exclude_id: int | None = None) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise CohortError(f"Pick a year from {YEARS[0]} to {YEARS[1]}.", "year")
    if end_date <= start_date:
        raise CohortError("The cohort must end after it starts.", "end_date")
    clash = db.session.scalar(select(Cohort.id).where(Cohort.term == term, Cohort.year == year))
    if clash is not None and clash != exclude_id:
        raise CohortError(f"There is already a {term.value} {year} cohort.", "term")


def _save(actor_id: int | None, action: str, cohort: Cohort, summary: str,
          before: dict | None, after: dict) -> None:
    audit.record(actor_id, action, cohort, summary, before, after)
    # Another request may have taken the term and year first.
    finish("There is already a cohort for this term and year.", "term", kind=CohortError)


def create_cohort(*, term: Term, year: int, start_date: date, end_date: date, virtual: bool,
                  actor_id: int | None) -> Cohort:
    """Create a cohort: one term of one year, with its dates."""
    _check(term, year, start_date, end_date)
    cohort = Cohort(term=term, year=year, start_date=start_date, end_date=end_date,
                    virtual=virtual)
    db.session.add(cohort)
    _save(actor_id, "create", cohort, f"Created cohort {cohort.name}", None,
          audit.snapshot(cohort, FIELDS))
    return cohort


def update_cohort(cohort: Cohort, *, term: Term, year: int, start_date: date, end_date: date,
                  virtual: bool, actor_id: int | None) -> Cohort:
    """Change a cohort's term, year, dates or virtual flag."""
    _check(term, year, start_date, end_date, exclude_id=cohort.id)
    before = audit.snapshot(cohort, FIELDS)
    cohort.term, cohort.year, cohort.virtual = term, year, virtual
    cohort.start_date, cohort.end_date = start_date, end_date
    old, new = audit.changed(before, audit.snapshot(cohort, FIELDS))
    if new:
        _save(actor_id, "update", cohort, f"Edited cohort {cohort.name}", old, new)
    return cohort


def cohorts_page(page: int = 1) -> Pagination:
    """Page through cohorts, the latest start first."""
    query = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE)


def status_counts(cohort_ids: list[int]) -> dict[int, dict[InternshipStatus, int]]:
    """Count internships per cohort and status in one query."""
    counts: dict[int, dict[InternshipStatus, int]] = {i: {} for i in cohort_ids}
    if cohort_ids:
        rows = db.session.execute(
            select(Internship.cohort_id, Internship.status, func.count())
            .where(Internship.cohort_id.in_(cohort_ids))
            .group_by(Internship.cohort_id, Internship.status)
        )
        for cohort_id, status, n in rows:
            counts[cohort_id][status] = n
    return counts


@dataclass
class TeamRow:
    team_id: int
    name: str
    by_status: dict[InternshipStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class OrgRow:
    org_id: int
    name: str
    teams: list[TeamRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.teams)


@dataclass
class Breakdown:
    by_status: dict[InternshipStatus, int]
    orgs: list[OrgRow]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def breakdown(cohort_id: int) -> Breakdown:
    """Count a cohort's internships by status and by org and team in one query."""
    rows = db.session.execute(
        select(Org.id, Org.name, Team.id, Team.name, Internship.status, func.count())
        .join(Internship.team)
        .join(Team.org)
        .where(Internship.cohort_id == cohort_id)
        .group_by(Org.id, Org.name, Team.id, Team.name, Internship.status)
        .order_by(func.lower(Org.name), func.lower(Team.name))
    )
    by_status: dict[InternshipStatus, int] = dict.fromkeys(InternshipStatus, 0)
    orgs: dict[int, OrgRow] = {}
    teams: dict[int, TeamRow] = {}
    for org_id, org_name, team_id, team_name, status, n in rows:
        by_status[status] += n
        org = orgs.setdefault(org_id, OrgRow(org_id, org_name))
        if team_id not in teams:
            teams[team_id] = TeamRow(team_id, team_name)
            org.teams.append(teams[team_id])
        teams[team_id].by_status[status] = n
    return Breakdown(by_status, list(orgs.values()))


def internships_page(cohort_id: int, *, status: InternshipStatus | None = None,
                     page: int = 1) -> Pagination:
    """Page through a cohort's internships by intern name, with team, manager and mentors."""
    query = (
        select(Internship)
        .join(Internship.intern)
        .where(Internship.cohort_id == cohort_id)
        .options(
            # Roles are not shown here, so they are not fetched for each person on the page.
            contains_eager(Internship.intern).lazyload(User.roles),
            joinedload(Internship.manager).lazyload(User.roles),
            joinedload(Internship.team).joinedload(Team.org),
            selectinload(Internship.assignments)
            .joinedload(MentorAssignment.mentor)
            .lazyload(User.roles),
        )
        .order_by(User.name, Internship.id)
    )
    if status is not None:
        query = query.where(Internship.status == status)
    return db.paginate(query, page=page, per_page=PER_PAGE)


