"""The projects behind a report number: one page for the drill-down, or all of them streamed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Cohort, FocusArea, Internship, LaunchPlan, Org, Project, Team, User, utcnow
from .service import (
    Scope,
    Slice,
    base_query,
    day_one_bounds,
    join_day_one,
    on_day_one,
    outcome_flags,
)

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


def _projects_query(slice_: Slice, scope: Scope, metric: str, today: date) -> Select[Any]:
    flags = outcome_flags(slice_, scope)
    bounds = day_one_bounds(slice_, scope)

    def has(column: Any) -> ColumnElement[bool]:
        return func.coalesce(column, 0) > 0

    day_one = and_(LaunchPlan.delivered_at.is_not(None), on_day_one(bounds))
    started = Internship.start_date <= today
    condition = {
        "projects": None,
        "top_tier": has(flags.c.top_tier),
        "production": has(flags.c.production),
        "both": and_(has(flags.c.top_tier), has(flags.c.production)),
        "papers_published": has(flags.c.papers_published),
        "papers_internal": has(flags.c.papers_internal),
        "papers_in_review": has(flags.c.papers_in_review),
        "tutorials": has(flags.c.tutorials),
        "patents": has(flags.c.patents),
        "open_source": has(flags.c.open_source),
        "return_interns": Internship.previous_internship_id.is_not(None),
        "plans_day_one": and_(started, day_one),
        "plans_late": and_(started, ~day_one),
    }[metric]
    stmt = (
        base_query(
            slice_, scope,
            Project.id, Project.title, User.name, Team.name, Org.name, Cohort.term, Cohort.year,
            FocusArea.name, Internship.status,
            Internship.previous_internship_id.is_not(None),
            func.coalesce(flags.c.top_tier, 0), func.coalesce(flags.c.production, 0),
            func.coalesce(flags.c.papers_published, 0), func.coalesce(flags.c.papers_internal, 0),
            func.coalesce(flags.c.tutorials, 0), func.coalesce(flags.c.patents, 0),
            func.coalesce(flags.c.open_source, 0),
            case((day_one, 1), else_=0),
            cohort=True, project=True,
        )
        .join(Team, Team.id == Internship.team_id)
        .join(Org, Org.id == Team.org_id)
        .join(User, User.id == Internship.intern_id)
        .outerjoin(FocusArea, FocusArea.id == Project.focus_area_id)
        .outerjoin(flags, flags.c.project_id == Project.id)
        .where(Project.id.is_not(None))
        .order_by(Cohort.year.desc(), Team.name, User.name, Project.id)
    )
    stmt = join_day_one(stmt, bounds)
    return stmt if condition is None else stmt.where(condition)


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
    stmt = _projects_query(slice_, scope, metric, today or utcnow().date())
    count = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    return [_project_row(r) for r in rows], int(count or 0)


def iter_projects(slice_: Slice, scope: Scope, metric: str = "projects",
                  today: date | None = None) -> Iterator[dict[str, Any]]:
    """Every project behind a number, streamed from the database in batches."""
    stmt = _projects_query(slice_, scope, metric, today or utcnow().date())
    result = db.session.execute(stmt.execution_options(yield_per=1000))
    for row in result:
        yield _project_row(row)
