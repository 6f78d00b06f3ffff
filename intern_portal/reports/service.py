"""Outcome reports: every figure aggregated in SQL, a fixed number of queries per slice."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from ..authz import require
from ..extensions import db
from ..models import (
    BookingStatus,
    Cohort,
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
    Role,
    Team,
    User,
    utcnow,
)
from .sql import local_midnight, utc_day

PRODUCTION_REACHED = (OutcomeStatus.TOWARD_PRODUCTION, OutcomeStatus.IN_PRODUCTION)
IN_REVIEW = (OutcomeStatus.SUBMITTED, OutcomeStatus.ACCEPTED)
PATENT_COUNTED = (OutcomeStatus.FILED, OutcomeStatus.GRANTED)


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
    if user.has_role(Role.PROGRAM_LEAD, Role.ADMIN):
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

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name not in ("mentors", "mentored"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

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


def _conditions(slice_: Slice, scope: Scope) -> list[ColumnElement[bool]]:
    """Filters on internships alone (small IN lists for the rest), so no join is forced."""
    conditions: list[ColumnElement[bool]] = [Internship.status != InternshipStatus.WITHDRAWN]
    if scope.team_ids is not None:
        teams = sorted(scope.team_ids)
        # "= id" for the usual one-team manager: planners pick better joins than for IN (id).
        conditions.append(
            Internship.team_id == teams[0] if len(teams) == 1 else Internship.team_id.in_(teams)
        )
    if slice_.org_id is not None:
        in_org = select(Team.id).where(Team.org_id == slice_.org_id)
        conditions.append(Internship.team_id.in_(in_org))
    if slice_.team_id is not None:
        conditions.append(Internship.team_id == slice_.team_id)
    if slice_.cohort_id is not None:
        conditions.append(Internship.cohort_id == slice_.cohort_id)
    if slice_.year is not None:
        conditions.append(
            Internship.cohort_id.in_(select(Cohort.id).where(Cohort.year == slice_.year))
        )
    if slice_.focus_area_id is not None:
        conditions.append(Project.focus_area_id == slice_.focus_area_id)
    return conditions


def base_query(slice_: Slice, scope: Scope, *columns: Any, cohort: bool = False,
          project: bool = False) -> Select[Any]:
    """Internships in the slice, joined to their cohort or project only when asked."""
    stmt = select(*columns).select_from(Internship)
    if cohort:
        stmt = stmt.join(Cohort, Cohort.id == Internship.cohort_id)
    if project or slice_.focus_area_id is not None:
        stmt = stmt.outerjoin(Project, Project.internship_id == Internship.id)
    return stmt.where(*_conditions(slice_, scope))


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.max(case((condition, 1), else_=0))


def _tally(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def outcome_flags(slice_: Slice | None = None, scope: Scope | None = None) -> Any:
    """Per project: reached top-tier publication, reached production, and counts by kind.

    Given a narrowed slice, only its projects' outcomes are grouped: a subquery's GROUP BY is
    not narrowed by the join outside it, so a one-team report would group the whole program's.
    """
    paper = Outcome.kind == OutcomeKind.PAPER
    published = and_(paper, Outcome.status == OutcomeStatus.PUBLISHED)
    columns = (
        Outcome.project_id.label("project_id"),
        _flag(and_(published, Outcome.top_tier.is_(True))).label("top_tier"),
        _flag(
            and_(Outcome.kind == OutcomeKind.PRODUCTION, Outcome.status.in_(PRODUCTION_REACHED))
        ).label("production"),
        _tally(published).label("papers_published"),
        _tally(and_(published, Outcome.top_tier.is_(True))).label("papers_top_tier"),
        _tally(and_(published, Outcome.internal.is_(True))).label("papers_internal"),
        _tally(and_(paper, Outcome.status.in_(IN_REVIEW))).label("papers_in_review"),
        _tally(
            and_(Outcome.kind == OutcomeKind.TUTORIAL, Outcome.status == OutcomeStatus.ACCEPTED)
        ).label("tutorials"),
        _tally(
            and_(Outcome.kind == OutcomeKind.PATENT, Outcome.status.in_(PATENT_COUNTED))
        ).label("patents"),
        _tally(Outcome.kind == OutcomeKind.OPEN_SOURCE).label("open_source"),
    )
    if slice_ is None or scope is None or (scope.whole_program and slice_ == Slice()):
        stmt = select(*columns)
    else:
        stmt = base_query(slice_, scope, *columns, project=True).join(
            Outcome, Outcome.project_id == Project.id
        )
    return stmt.group_by(Outcome.project_id).subquery("flags")


def _lunch_met(slice_: Slice, scope: Scope, now: datetime) -> Any:
    """Per (cohort, team): lunch dates that took place during an internship, scientists met.

    Scientists met add up per internship, so a group's figure is its count of distinct
    (internship, scientist) pairs: grouped straight to the report's groups, no join back.
    """
    slot_day = utc_day(LunchSlot.starts_at)
    # Two hash-friendly GROUP BYs instead of count(DISTINCT), which sorts; and the slice's
    # own filters rather than IN (internships of the slice), which SQLite probes per booking.
    pairs = (
        base_query(
            slice_, scope,
            Internship.cohort_id, Internship.team_id,
            func.count().label("dates"),
        )
        .join(LunchBooking, LunchBooking.intern_id == Internship.intern_id)
        .join(LunchSlot, LunchSlot.id == LunchBooking.slot_id)
        .where(
            LunchBooking.status == BookingStatus.BOOKED,
            LunchSlot.ends_at <= now,
            slot_day >= Internship.start_date,
            slot_day <= Internship.end_date,
        )
        .group_by(Internship.id, LunchSlot.scientist_id, Internship.cohort_id, Internship.team_id)
        .subquery("met")
    )
    return (
        select(
            pairs.c.cohort_id,
            pairs.c.team_id,
            func.sum(pairs.c.dates).label("dates"),
            func.count().label("scientists"),
        )
        .group_by(pairs.c.cohort_id, pairs.c.team_id)
        .subquery("lunch")
    )


def day_one_bounds(slice_: Slice, scope: Scope) -> Any:
    """When the first day of each (time zone, start date) in the slice ends, as a UTC instant.

    Computed once per distinct pair, not per internship: SQLite runs the zone rules in Python.
    """
    pairs = (
        base_query(slice_, scope, Internship.time_zone.label("zone"),
              Internship.start_date.label("day"))
        .distinct()
        .subquery("pairs")
    )
    return select(
        pairs.c.zone,
        pairs.c.day,
        local_midnight(pairs.c.day, pairs.c.zone, literal_column("1")).label("closes"),
    ).subquery("day_one")


def join_day_one(stmt: Select[Any], bounds: Any) -> Select[Any]:
    return stmt.outerjoin(LaunchPlan, LaunchPlan.internship_id == Internship.id).outerjoin(
        bounds, and_(bounds.c.zone == Internship.time_zone, bounds.c.day == Internship.start_date)
    )


def on_day_one(bounds: Any) -> ColumnElement[bool]:
    """The plan reached the intern by the end of their first day, in the internship's zone.

    Plans are delivered at local midnight of the start date at the earliest (plans/delivery.py).
    """
    return LaunchPlan.delivered_at < bounds.c.closes


FIGURE_COLUMNS = (
    "internships", "projects", "top_tier", "production", "both", "papers_published",
    "papers_top_tier", "papers_internal", "papers_in_review", "tutorials", "patents",
    "open_source", "return_interns", "lunch_dates", "scientists_met", "plans_due",
    "plans_day_one",
)


def _figure_rows(slice_: Slice, scope: Scope, today: date, now: datetime) -> list[Any]:
    """The additive figures per (cohort, team) of the slice, in one aggregate query."""
    flags = outcome_flags(slice_, scope)
    bounds = day_one_bounds(slice_, scope)
    started = Internship.start_date <= today

    def total(column: Any) -> Any:
        return func.coalesce(func.sum(column), 0)

    per_group = (
        base_query(
            slice_, scope,
            Internship.cohort_id.label("cohort_id"), Internship.team_id.label("team_id"),
            func.count(Internship.id), func.count(Project.id),
            total(flags.c.top_tier), total(flags.c.production),
            _tally(and_(flags.c.top_tier == 1, flags.c.production == 1)),
            total(flags.c.papers_published), total(flags.c.papers_top_tier),
            total(flags.c.papers_internal), total(flags.c.papers_in_review),
            total(flags.c.tutorials), total(flags.c.patents), total(flags.c.open_source),
            _tally(Internship.previous_internship_id.is_not(None)),
            _tally(started), _tally(and_(started, on_day_one(bounds))),
            project=True,
        )
        .outerjoin(flags, flags.c.project_id == Project.id)
    )
    per_group = (
        join_day_one(per_group, bounds)
        .group_by(Internship.cohort_id, Internship.team_id)
        .subquery("per_group")
    )
    # Lunch figures are grouped on their own and joined per group, not per internship.
    lunch = _lunch_met(slice_, scope, now)
    *counts, due, day_one = list(per_group.c)
    stmt = select(
        *counts, func.coalesce(lunch.c.dates, 0), func.coalesce(lunch.c.scientists, 0),
        due, day_one,
    ).outerjoin(
        lunch,
        and_(lunch.c.cohort_id == per_group.c.cohort_id, lunch.c.team_id == per_group.c.team_id),
    )
    return list(db.session.execute(stmt))


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


def _mentor_figures(slice_: Slice, scope: Scope) -> list[tuple[str, int, int, int]]:
    """Distinct mentors and mentored internships per year and per team, and the mentor load.

    One statement: the slice's assignments are joined once (a CTE) and grouped three ways.
    Rows are ("year", year, mentors, mentored), ("team", team id, mentors, mentored) and
    ("load", interns, mentors with that many, 0).
    """
    assigned = (
        base_query(
            slice_, scope,
            MentorAssignment.mentor_id, MentorAssignment.internship_id,
            Cohort.year, Internship.team_id,
            cohort=True,
        )
        .join(MentorAssignment, MentorAssignment.internship_id == Internship.id)
        .cte("assigned")
    )

    def per(kind: str, key: Any) -> Select[Any]:
        return select(
            literal(kind).label("kind"), key.label("key"),
            func.count(distinct(assigned.c.mentor_id)).label("mentors"),
            func.count(distinct(assigned.c.internship_id)).label("mentored"),
        ).group_by(key)

    per_mentor = (
        select(func.count(distinct(assigned.c.internship_id)).label("interns"))
        .group_by(assigned.c.mentor_id)
        .subquery("per_mentor")
    )
    load = select(
        literal("load"), per_mentor.c.interns, func.count(), literal(0)
    ).group_by(per_mentor.c.interns)
    stmt = union_all(per("year", assigned.c.year), per("team", assigned.c.team_id), load)
    return [(kind, int(k), int(m), int(n)) for kind, k, m, n in db.session.execute(stmt)]


def build_report(slice_: Slice, scope: Scope, today: date | None = None,
                 now: datetime | None = None) -> Report:
    """Every figure of the report page for a slice, in a fixed number of queries."""
    now = now or utcnow()
    today = today or now.date()
    if db.session.get_bind().dialect.name == "postgresql":
        # A cached generic plan for these queries can be orders of magnitude slower than one
        # planned for the slice at hand; the setting ends with the transaction.
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows = _figure_rows(slice_, scope, today, now)
    year_of, team_label = _labels({r[0] for r in rows}, {r[1] for r in rows})
    total = Figures()
    years: dict[int, Group] = {}
    teams: dict[int, Group] = {}
    for cohort_id, team_id, *numbers in rows:
        counts = zip(FIGURE_COLUMNS, numbers, strict=True)
        figures = Figures(**{name: int(v or 0) for name, v in counts})
        total.add(figures)
        year = year_of[cohort_id]
        years.setdefault(year, Group(year, str(year))).figures.add(figures)
        teams.setdefault(team_id, Group(team_id, team_label[team_id])).figures.add(figures)
    mentor_load: list[tuple[int, int]] = []
    for kind, key, mentors, mentored in _mentor_figures(slice_, scope):
        if kind == "load":
            mentor_load.append((key, mentors))
            continue
        group = (years if kind == "year" else teams).get(key)
        if group is not None:
            group.figures.mentors = mentors
            group.figures.mentored = mentored
    mentor_load.sort()
    # Every internship falls in one year, so mentored internships add up across years.
    total.mentored = sum(g.figures.mentored for g in years.values())
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
