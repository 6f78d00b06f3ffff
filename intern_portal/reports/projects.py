"""The projects behind a report number: one page for the drill-down, or all of them streamed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import (
    Cohort,
    FocusArea,
    Internship,
    Org,
    Project,
    ReportFacts,
    Team,
    User,
    utcnow,
)
from .service import Scope, Slice, ensure_facts, facts_query

DRILL_METRICS: dict[str, str] = {
    "projects": "All projects",
    "top_tier": "Projects with a published top-tier paper",
    "production": "Projects moving toward or in production",
    "both": "Projects with both",
    "papers_published": "Projects with a published paper",
    "papers_internal": "Projects with a paper at an internal conference",
    "papers_in_review": "Projects with a paper submitted or accepted",
    "tutorials": "Projects with an accepted tutorial",
    "patents": "Projects with a patent filed or granted",
    "open_source": "Projects with an open-source release",
    "return_interns": "Projects of return interns",
    "plans_day_one": "Projects whose launch plan was delivered on day one",
    "plans_late": "Started projects whose launch plan was not delivered on day one",
}

PROJECT_COLUMNS = (
    "project_id", "project", "intern", "team", "org", "cohort", "year", "focus_area",
    "internship_status", "return_intern", "top_tier", "production", "papers_published",
    "papers_internal", "tutorials", "patents", "open_source", "plan_on_day_one",
)


def _behind(metric: str, today: date) -> list[ColumnElement[bool]]:
    """Which report-facts rows a figure counts, as filters; projects only."""
    f = ReportFacts
    started = f.start_date <= today
    condition = {
        "projects": None,
        "top_tier": f.top_tier == 1,
        "production": f.production == 1,
        "both": f.both_goals == 1,
        "papers_published": f.papers_published > 0,
        "papers_internal": f.papers_internal > 0,
        "papers_in_review": f.papers_in_review > 0,
        "tutorials": f.tutorials > 0,
        "patents": f.patents > 0,
        "open_source": f.open_source > 0,
        "return_interns": f.return_intern == 1,
        "plans_day_one": and_(started, f.plan_day_one == 1),
        "plans_late": and_(started, f.plan_day_one == 0),
    }[metric]
    return [f.has_project == 1] + ([] if condition is None else [condition])


def _projects_query(slice_: Slice, scope: Scope, metric: str, today: date) -> Select[Any]:
    """The slice's projects with their report facts: the same rows the figures add up."""
    f = ReportFacts
    return (
        facts_query(
            slice_, scope, f,
            Project.id, Project.title, User.name, Team.name, Org.name, Cohort.term, Cohort.year,
            FocusArea.name, Internship.status, f.return_intern, f.top_tier, f.production,
            f.papers_published, f.papers_internal, f.tutorials, f.patents, f.open_source,
            f.plan_day_one,
        )
        .join(Project, Project.internship_id == f.internship_id)
        .join(Internship, Internship.id == f.internship_id)
        .join(Cohort, Cohort.id == f.cohort_id)
        .join(Team, Team.id == f.team_id)
        .join(Org, Org.id == Team.org_id)
        .join(User, User.id == Internship.intern_id)
        .outerjoin(FocusArea, FocusArea.id == f.focus_area_id)
        .where(*_behind(metric, today))
        .order_by(Cohort.year.desc(), Team.name, User.name, Project.id)
    )


def _project_row(row: Any) -> dict[str, Any]:
    values = list(row)
    values[5] = f"{values[5].value.capitalize()} {values[6]}"
    values[8] = values[8].value
    values[9] = bool(values[9])
    values[10] = bool(values[10])
    values[11] = bool(values[11])
    values[17] = bool(values[17])
    return dict(zip(PROJECT_COLUMNS, values, strict=True))


def projects_page(slice_: Slice, scope: Scope, metric: str, page: int, per_page: int = 50,
                  today: date | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of the projects behind a number, and how many there are in all."""
    ensure_facts()
    today = today or utcnow().date()
    stmt = _projects_query(slice_, scope, metric, today)
    count = db.session.scalar(
        facts_query(slice_, scope, ReportFacts, func.count()).where(*_behind(metric, today))
    )
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    return [_project_row(r) for r in rows], int(count or 0)


def iter_projects(slice_: Slice, scope: Scope, metric: str = "projects",
                  today: date | None = None) -> Iterator[dict[str, Any]]:
    """Every project behind a number, streamed from the database in batches."""
    ensure_facts()
    stmt = _projects_query(slice_, scope, metric, today or utcnow().date())
    result = db.session.execute(stmt.execution_options(yield_per=1000))
    for row in result:
        yield _project_row(row)
