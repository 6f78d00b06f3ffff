"""What managers and leads track: plans missing, plans not acknowledged, milestones overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..models import (
    CURRENT_STATUSES,
    Cohort,
    Internship,
    InternshipStatus,
    LaunchPlan,
    PlanMilestone,
    Team,
    User,
    utcnow,
)
from ..timeutil import to_local
from .delivery import deliver_due_plans, delivered_on_day_one, first_day_start

LIST_LIMIT = 100


@dataclass
class TeamCounts:
    team: Team
    missing: int = 0
    unacknowledged: int = 0
    overdue: int = 0


@dataclass
class Overview:
    missing: list[Internship] = field(default_factory=list)
    unacknowledged: list[LaunchPlan] = field(default_factory=list)
    overdue: list[PlanMilestone] = field(default_factory=list)
    missing_total: int = 0
    unacknowledged_total: int = 0
    overdue_total: int = 0
    teams: list[TeamCounts] = field(default_factory=list)
    started: int = 0
    on_day_one: int = 0

    @property
    def day_one_share(self) -> float | None:
        return self.on_day_one / self.started if self.started else None


def _scoped(query: Select, manager: User | None, cohort_id: int | None) -> Select:
    if manager is not None:
        query = query.where(or_(Internship.manager_id == manager.id,
                                Internship.team.has(Team.manager_id == manager.id)))
    if cohort_id is not None:
        query = query.where(Internship.cohort_id == cohort_id)
    return query


def _people():
    return (contains_eager(Internship.intern).lazyload(User.roles),
            joinedload(Internship.team).joinedload(Team.org))


def _joined_people():
    return (joinedload(Internship.intern).lazyload(User.roles),
            joinedload(Internship.team).joinedload(Team.org))


def cohorts_with_interns(manager: User | None) -> list[Cohort]:
    """The cohorts the viewer can pick from, the latest first."""
    ids = _scoped(select(Internship.cohort_id), manager, None)
    return list(db.session.scalars(
        select(Cohort).where(Cohort.id.in_(ids)).order_by(Cohort.start_date.desc())))


def template_teams(manager: User | None) -> list[Team]:
    """The teams whose templates the viewer keeps (every team for program leads and admins)."""
    query = select(Team).order_by(Team.name)
    if manager is not None:
        query = query.where(Team.manager_id == manager.id)
    return list(db.session.scalars(query))


def build(manager: User | None, cohort_id: int | None, now: datetime | None = None) -> Overview:
    """Everything the overview shows, in a fixed number of queries (manager=None: all teams).

    Light rows are counted in full; only the first LIST_LIMIT of each list are loaded to show.
    """
    now = now or utcnow()
    deliver_due_plans(now)
    result = Overview()
    per_team: dict[int, list[int]] = {}
    missing: list[int] = []
    unacknowledged: list[int] = []
    rows = db.session.execute(_scoped(
        select(Internship.id, Internship.team_id, LaunchPlan.id, LaunchPlan.delivered_at,
               LaunchPlan.acknowledged_version == LaunchPlan.version)
        .outerjoin(LaunchPlan, LaunchPlan.internship_id == Internship.id)
        .where(Internship.status.in_(CURRENT_STATUSES))
        .order_by(Internship.start_date, LaunchPlan.delivered_at, Internship.id),
        manager, cohort_id))
    for internship_id, team_id, plan_id, delivered_at, acknowledged in rows:
        counts = per_team.setdefault(team_id, [0, 0, 0])
        if plan_id is None:
            missing.append(internship_id)
            counts[0] += 1
        elif delivered_at is not None and not acknowledged:  # or not since the last change
            unacknowledged.append(plan_id)
            counts[1] += 1
    overdue = _overdue_ids(manager, cohort_id, now, per_team)
    result.missing_total, result.unacknowledged_total = len(missing), len(unacknowledged)
    result.overdue_total = len(overdue)
    result.missing = _load_internships(missing[:LIST_LIMIT])
    result.unacknowledged = _load_plans(unacknowledged[:LIST_LIMIT])
    result.overdue = _load_milestones(overdue[:LIST_LIMIT])
    if manager is None and per_team:
        teams = db.session.scalars(select(Team).where(Team.id.in_(per_team))
                                   .options(joinedload(Team.org)))
        result.teams = sorted(
            (TeamCounts(t, *per_team[t.id]) for t in teams),
            key=lambda c: (-(c.missing + c.unacknowledged + c.overdue), c.team.name))
    _count_day_one(result, manager, cohort_id, now)
    return result


def _overdue_ids(manager: User | None, cohort_id: int | None, now: datetime,
                 per_team: dict[int, list[int]]) -> list[int]:
    # No zone is more than 14 hours ahead of UTC: SQL narrows the rows, then each intern's
    # own date decides.
    horizon = (now + timedelta(hours=14)).date()
    rows = db.session.execute(_scoped(
        select(PlanMilestone.id, PlanMilestone.due_date, Internship.time_zone,
               Internship.team_id)
        .join(PlanMilestone.plan).join(LaunchPlan.internship)
        .where(Internship.status.in_(CURRENT_STATUSES), LaunchPlan.delivered_at.is_not(None),
               PlanMilestone.done_at.is_(None), PlanMilestone.due_date < horizon)
        .order_by(PlanMilestone.due_date, PlanMilestone.id), manager, cohort_id))
    today: dict[str, date] = {}
    ids = []
    for milestone_id, due, zone, team_id in rows:
        if zone not in today:
            today[zone] = to_local(now, zone).date()
        if due < today[zone]:
            ids.append(milestone_id)
            per_team.setdefault(team_id, [0, 0, 0])[2] += 1
    return ids


def _in_order(items: list, ids: list[int]) -> list:
    position = {i: n for n, i in enumerate(ids)}
    return sorted(items, key=lambda item: position[item.id])


def _load_internships(ids: list[int]) -> list[Internship]:
    if not ids:
        return []
    return _in_order(list(db.session.scalars(
        select(Internship).join(Internship.intern).where(Internship.id.in_(ids))
        .options(*_people())).unique()), ids)


def _load_plans(ids: list[int]) -> list[LaunchPlan]:
    if not ids:
        return []
    return _in_order(list(db.session.scalars(
        select(LaunchPlan).where(LaunchPlan.id.in_(ids))
        .options(joinedload(LaunchPlan.internship).options(*_joined_people()))).unique()), ids)


def _load_milestones(ids: list[int]) -> list[PlanMilestone]:
    if not ids:
        return []
    return _in_order(list(db.session.scalars(
        select(PlanMilestone).where(PlanMilestone.id.in_(ids))
        .options(joinedload(PlanMilestone.plan).joinedload(LaunchPlan.internship)
                 .options(*_joined_people()))).unique()), ids)


def _count_day_one(result: Overview, manager: User | None, cohort_id: int | None,
                   now: datetime) -> None:
    rows = db.session.execute(_scoped(
        select(Internship.start_date, Internship.time_zone, LaunchPlan.delivered_at)
        .outerjoin(LaunchPlan, LaunchPlan.internship_id == Internship.id)
        .where(Internship.status != InternshipStatus.WITHDRAWN,
               Internship.start_date <= (now + timedelta(hours=14)).date()),
        manager, cohort_id))
    for start, zone, delivered_at in rows:
        on_time = delivered_on_day_one(delivered_at, start, zone)
        # A first day still under way counts once its plan is out, or once the day is over.
        if on_time or first_day_start(start + timedelta(days=1), zone) <= now:
            result.started += 1
            result.on_day_one += on_time

