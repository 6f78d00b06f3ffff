"""Outcome reports: every figure aggregated in SQL, a fixed number of queries per slice."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)

from ..authz import is_staff, require
from ..extensions import db
from ..models import (
    Cohort,
    Internship,
    InternshipStatus,
    Org,
    Project,
    ReportFacts,
    ReportMentor,
    Team,
    User,
    utcnow,
)
from . import facts
from .facts import tally


@dataclass(frozen=True)
class Slice:
    """Which internships a report covers; None means any."""

    org_id: int | None = None
    team_id: int | None = None
    cohort_id: int | None = None
    year: int | None = None
    focus_area_id: int | None = None

    def params(self, **override: Any) -> dict[str, Any]:
        """The slice as URL query arguments, with some values replaced."""
        merged = {f.name: getattr(self, f.name) for f in fields(self)} | override
        return {k: v for k, v in merged.items() if v is not None}

    def narrowed(self, **override: Any) -> Slice:
        return replace(self, **override)


@dataclass(frozen=True)
class Scope:
    """The teams a viewer may report on; None means the whole program."""

    team_ids: frozenset[int] | None

    @property
    def whole_program(self) -> bool:
        return self.team_ids is None


def scope_for(user: User) -> Scope:
    """Program leads and admins see everything; a manager sees the teams they manage."""
    if is_staff(user):
        return Scope(None)
    managed = db.session.scalars(select(Team.id).where(Team.manager_id == user.id))
    return Scope(frozenset(managed))


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass
class Figures:
    """Additive counts for one group of internships; shares are derived."""

    internships: int = 0
    projects: int = 0
    top_tier: int = 0
    production: int = 0
    both: int = 0
    papers_published: int = 0
    papers_top_tier: int = 0
    papers_internal: int = 0
    papers_in_review: int = 0
    tutorials: int = 0
    patents: int = 0
    open_source: int = 0
    return_interns: int = 0
    lunch_dates: int = 0
    scientists_met: int = 0
    plans_due: int = 0
    plans_day_one: int = 0
    mentors: int = 0
    mentored: int = 0

    @property
    def top_tier_share(self) -> float | None:
        return share(self.top_tier, self.projects)

    @property
    def production_share(self) -> float | None:
        return share(self.production, self.projects)

    @property
    def both_share(self) -> float | None:
        return share(self.both, self.projects)

    @property
    def return_share(self) -> float | None:
        return share(self.return_interns, self.internships)

    @property
    def day_one_share(self) -> float | None:
        return share(self.plans_day_one, self.plans_due)

    @property
    def lunch_per_intern(self) -> float | None:
        return share(self.lunch_dates, self.internships)

    @property
    def scientists_per_intern(self) -> float | None:
        return share(self.scientists_met, self.internships)

    @property
    def interns_per_mentor(self) -> float | None:
        return share(self.mentored, self.mentors)


@dataclass
class Group:
    key: int
    label: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class Report:
    slice: Slice
    total: Figures
    years: list[Group]
    teams: list[Group]
    mentor_load: list[tuple[int, int]]


def _conditions(slice_: Slice, scope: Scope, source: Any = Internship) -> list[Any]:
    """The slice as filters on internships, or on a facts table (small IN lists, no joins)."""
    conditions: list[Any] = []
    if source is Internship:
        conditions.append(Internship.status != InternshipStatus.WITHDRAWN)
        focus_area = Project.focus_area_id
    else:  # facts hold counted internships only, with their project's focus area
        focus_area = source.focus_area_id
    if scope.team_ids is not None:
        teams = sorted(scope.team_ids)
        # "= id" for the usual one-team manager: planners pick better joins than for IN (id).
        conditions.append(
            source.team_id == teams[0] if len(teams) == 1 else source.team_id.in_(teams)
        )
    if slice_.org_id is not None:
        in_org = select(Team.id).where(Team.org_id == slice_.org_id)
        conditions.append(source.team_id.in_(in_org))
    if slice_.team_id is not None:
        conditions.append(source.team_id == slice_.team_id)
    if slice_.cohort_id is not None:
        conditions.append(source.cohort_id == slice_.cohort_id)
    if slice_.year is not None:
        conditions.append(
            source.cohort_id.in_(select(Cohort.id).where(Cohort.year == slice_.year))
        )
    if slice_.focus_area_id is not None:
        conditions.append(focus_area == slice_.focus_area_id)
    return conditions


def facts_query(slice_: Slice, scope: Scope, source: Any, *columns: Any) -> Select[Any]:
    """Rows of a facts table (ReportFacts, ReportMentor) in the slice."""
    return select(*columns).select_from(source).where(*_conditions(slice_, scope, source))


def base_query(slice_: Slice, scope: Scope, *columns: Any) -> Select[Any]:
    """Internships in the slice, joined to their project only to filter by focus area."""
    stmt = select(*columns).select_from(Internship)
    if slice_.focus_area_id is not None:
        stmt = stmt.outerjoin(Project, Project.internship_id == Internship.id)
    return stmt.where(*_conditions(slice_, scope))


FIGURE_COLUMNS = (
    "internships", "projects", "top_tier", "production", "both", "papers_published",
    "papers_top_tier", "papers_internal", "papers_in_review", "tutorials", "patents",
    "open_source", "return_interns", "lunch_dates", "scientists_met", "plans_due",
    "plans_day_one", "mentored",
)
# The figures that are sums of a report-facts column.
FACT_SUMS = {
    "projects": "has_project", "top_tier": "top_tier", "production": "production",
    "both": "both_goals", "papers_published": "papers_published",
    "papers_top_tier": "papers_top_tier", "papers_internal": "papers_internal",
    "papers_in_review": "papers_in_review", "tutorials": "tutorials", "patents": "patents",
    "open_source": "open_source", "return_interns": "return_intern",
    "lunch_dates": "lunch_dates", "scientists_met": "scientists_met", "mentored": "mentored",
}
LUNCH_FIGURES = ("lunch_dates", "scientists_met")
GroupRows = dict[tuple[int, int], list[int]]


def _total(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def _figure_rows(slice_: Slice, scope: Scope, today: date, now: datetime) -> GroupRows:
    """The additive figures (FIGURE_COLUMNS) per (cohort, team) of the slice.

    One aggregate over the report facts alone. A row whose lunch counts are behind (a booked
    lunch date ended since it was refreshed) contributes its lunches from a second, small
    query that counts them live.
    """
    f = ReportFacts
    fresh = or_(f.lunch_next_end.is_(None), f.lunch_next_end > now)
    started = f.start_date <= today
    columns = []
    for name in FIGURE_COLUMNS:
        if name == "internships":
            columns.append(func.count())
        elif name == "plans_due":
            columns.append(tally(started))
        elif name == "plans_day_one":
            columns.append(tally(and_(started, f.plan_day_one == 1)))
        elif name in LUNCH_FIGURES:
            columns.append(_total(case((fresh, getattr(f, FACT_SUMS[name])))))
        else:
            columns.append(_total(getattr(f, FACT_SUMS[name])))
    stmt = facts_query(slice_, scope, f, f.cohort_id, f.team_id, *columns).group_by(
        f.cohort_id, f.team_id
    )
    groups: GroupRows = {
        (cohort_id, team_id): [int(n) for n in numbers]
        for cohort_id, team_id, *numbers in db.session.execute(stmt)
    }
    _add_stale_lunches(groups, slice_, scope, now)
    return groups


def _add_stale_lunches(groups: GroupRows, slice_: Slice, scope: Scope, now: datetime) -> None:
    """Lunch figures, counted live, of the slice's rows whose lunch counts are behind."""
    lunch = facts.lunch_per_internship(facts.stale_lunch_ids(now), now)
    stmt = (
        base_query(slice_, scope, Internship.cohort_id, Internship.team_id,
                   _total(lunch.c.dates), _total(lunch.c.scientists))
        .join(lunch, lunch.c.internship_id == Internship.id)
        .group_by(Internship.cohort_id, Internship.team_id)
    )
    dates_at = FIGURE_COLUMNS.index("lunch_dates")
    met_at = FIGURE_COLUMNS.index("scientists_met")
    for cohort_id, team_id, dates, met in db.session.execute(stmt):
        # setdefault: an internship moved between the two statements still counts once.
        numbers = groups.setdefault((cohort_id, team_id), [0] * len(FIGURE_COLUMNS))
        numbers[dates_at] += int(dates)
        numbers[met_at] += int(met)


def _labels(cohort_ids: set[int], team_ids: set[int]) -> tuple[dict[int, int], dict[int, str]]:
    """Each cohort's year and each team's "team · org" label."""
    years = {c: y for c, y in db.session.execute(select(Cohort.id, Cohort.year))}
    teams: dict[int, str] = {}
    if team_ids:
        rows = db.session.execute(
            select(Team.id, Team.name, Org.name).join(Org).where(Team.id.in_(sorted(team_ids)))
        )
        teams = {team_id: f"{team} · {org}" for team_id, team, org in rows}
    return {c: years[c] for c in cohort_ids}, teams


def _mentor_figures(slice_: Slice, scope: Scope) -> list[tuple[str, int, int]]:
    """Distinct mentors per year and per team, and the mentor load, in one statement.

    Rows are ("year", year, mentors), ("team", team id, mentors) and ("load", interns,
    mentors with that many). Distinct pairs are grouped by hashing, not count(DISTINCT),
    which sorts.
    """
    m = ReportMentor
    pairs = facts_query(slice_, scope, m, m.mentor_id, m.internship_id, m.cohort_id,
                        m.team_id).cte("pairs")
    by_year = (
        select(Cohort.year.label("key"), pairs.c.mentor_id)
        .join(Cohort, Cohort.id == pairs.c.cohort_id)
        .distinct()
        .subquery("by_year")
    )
    by_team = select(pairs.c.team_id.label("key"), pairs.c.mentor_id).distinct().subquery("by_team")
    per_mentor = (
        select(func.count().label("interns"))
        .select_from(pairs)
        .group_by(pairs.c.mentor_id)
        .subquery("per_mentor")
    )
    stmt = union_all(
        select(literal("year"), by_year.c.key, func.count()).group_by(by_year.c.key),
        select(literal("team"), by_team.c.key, func.count()).group_by(by_team.c.key),
        select(literal("load"), per_mentor.c.interns, func.count()).group_by(
            per_mentor.c.interns
        ),
    )
    return [(kind, int(key), int(n)) for kind, key, n in db.session.execute(stmt)]


def ensure_facts() -> None:
    """Compute the facts of internships that have none (after an upgrade, a bulk load)."""
    if db.session.scalar(facts.missing_count()):
        facts.refresh(db.session, facts.Pending(internships=set(
            db.session.scalars(facts.without_facts())
        )))
        db.session.commit()


def _figures(numbers: list[int]) -> Figures:
    return Figures(**dict(zip(FIGURE_COLUMNS, numbers, strict=True))) if numbers else Figures()


def build_report(slice_: Slice, scope: Scope, today: date | None = None) -> Report:
    """Every figure of the report page for a slice, as of now, in a fixed number of queries.

    `today` (the day plans fall due by) is only for tests.
    """
    ensure_facts()
    now = utcnow()
    today = today or now.date()
    if db.session.get_bind().dialect.name == "postgresql":
        # A cached generic plan for these queries can be orders of magnitude slower than one
        # planned for the slice at hand; the setting ends with the transaction.
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    groups = _figure_rows(slice_, scope, today, now)
    year_of, team_label = _labels({c for c, _ in groups}, {t for _, t in groups})
    # Add up (cohort, team) rows as plain lists: thousands of them on a large program.
    by_year: dict[int, list[int]] = {}
    by_team: dict[int, list[int]] = {}
    for (cohort_id, team_id), numbers in groups.items():
        for sums, key in ((by_year, year_of[cohort_id]), (by_team, team_id)):
            have = sums.get(key)
            if have is None:
                sums[key] = numbers.copy()
            else:
                sums[key] = [a + b for a, b in zip(have, numbers, strict=True)]
    years = {y: Group(y, str(y), _figures(sums)) for y, sums in by_year.items()}
    teams = {t: Group(t, team_label[t], _figures(sums)) for t, sums in by_team.items()}
    total = _figures([sum(c) for c in zip(*by_year.values(), strict=True)] if by_year else [])
    mentor_load: list[tuple[int, int]] = []
    for kind, key, mentors in _mentor_figures(slice_, scope):
        if kind == "load":
            mentor_load.append((key, mentors))
            continue
        group = (years if kind == "year" else teams).get(key)
        if group is not None:
            group.figures.mentors = mentors
    mentor_load.sort()
    total.mentors = sum(mentors for _, mentors in mentor_load)
    return Report(
        slice=slice_,
        total=total,
        years=[years[y] for y in sorted(years)],
        teams=sorted(teams.values(), key=lambda g: (-g.figures.projects, g.label)),
        mentor_load=mentor_load,
    )


def authorize_team(scope: Scope, team_id: int | None) -> None:
    """Refuse a manager a report on a team they do not manage."""
    if team_id is not None and scope.team_ids is not None:
        require(team_id in scope.team_ids, "You can report only on the teams you manage.")
