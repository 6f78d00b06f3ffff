"""Plan templates, launch plans written from them, edits as versions, milestones, acknowledging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit
from ..authz import is_staff, manages, manages_team, mentors_now, require
from ..extensions import db
from ..kernel import Refusal, finish
from ..links import external_url
from ..models import (
    FocusArea,
    Internship,
    InternshipStatus,
    LaunchPlan,
    PlanMilestone,
    PlanTemplate,
    PlanVersion,
    Project,
    Role,
    Team,
    TemplateMilestone,
    User,
    VenueTier,
    utcnow,
)
from ..notify import outbox
from ..timeutil import format_date, local_now
from .delivery import deliver, first_day_start, is_visible_to_intern, record_delivery
from .versions import plan_snapshot

GOAL_FIELDS = ("goal_paper", "paper_venue", "venue_tier", "goal_production")
PLAN_FIELDS = ("project_title", *GOAL_FIELDS, "version")
TEMPLATE_FIELDS = ("name", "focus_area_id", *GOAL_FIELDS)
MILESTONE_LINE = re.compile(r"^\s*week\s*(\d{1,2})\s*[:.\-–—]\s*(.+?)\s*$", re.IGNORECASE)


class PlanError(Refusal):
    """A change to a plan or template was refused; field names the form field at fault."""


@dataclass(frozen=True)
class Goals:
    paper: bool
    venue: str
    tier: VenueTier | None
    production: bool


@dataclass(frozen=True)
class MilestoneLine:
    week: int
    title: str
    description: str


def parse_milestones(text: str) -> list[MilestoneLine]:
    """Read lines of "Week N: title, description"; refuse a line that isn't one."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = MILESTONE_LINE.match(raw)
        if not match:
            raise PlanError(f'Line {number} should read "Week N: title, description".',
                            "milestones")
        week = int(match.group(1))
        if not 1 <= week <= 52:
            raise PlanError(f"Line {number}: the week must be from 1 to 52.", "milestones")
        title, _, description = match.group(2).partition(",")
        if len(title.strip()) > 200:
            raise PlanError(f"Line {number}: keep the title to 200 characters.", "milestones")
        lines.append(MilestoneLine(week, title.strip(), description.strip()))
    return lines


def milestones_text(milestones: list) -> str:
    """Write milestones back as the lines parse_milestones() reads."""
    return "\n".join(
        f"Week {m.week}: {m.title}, {m.description}" if m.description else
        f"Week {m.week}: {m.title}"
        for m in sorted(milestones, key=lambda m: (m.week, m.title))
    )


def due_date_for_week(start_date: date, week: int) -> date:
    """A week-N milestone is due on the fifth day of that week of the internship."""
    return start_date + timedelta(days=7 * (week - 1) + 4)


def _check_goals(goals: Goals) -> None:
    if not (goals.paper or goals.production):
        raise PlanError("Pick at least one goal: a paper, work moving into production, or both.",
                        "goal_paper")
    if goals.paper and not (goals.venue or goals.tier):
        raise PlanError("Name the venue or pick a venue tier for the paper.", "paper_venue")


def _apply_goals(target: PlanTemplate | LaunchPlan, goals: Goals) -> None:
    target.goal_paper, target.goal_production = goals.paper, goals.production
    target.paper_venue = (goals.venue or None) if goals.paper else None
    target.venue_tier = goals.tier if goals.paper else None


def _commit(message: str, field: str | None = None, **entry: Any) -> None:
    """Write the audit row and end the use case; a race on a unique key becomes a refusal."""
    audit.record(**entry)
    finish(message, field, kind=PlanError)


# Who may do what -----------------------------------------------------------------------------

def can_manage_team(user: User, team: Team) -> bool:
    return is_staff(user) or manages_team(user, team)


def can_edit(user: User, internship: Internship) -> bool:
    """The team's manager (or the internship's), program leads and admins write plans."""
    return is_staff(user) or manages(user, internship)


def can_read(user: User, internship: Internship) -> bool:
    """Editors, the intern and their current mentors read a plan; nobody else."""
    if can_edit(user, internship):
        return True
    if user.has_role(Role.INTERN) and internship.intern_id == user.id:
        return True
    return mentors_now(user, internship)


def require_team(user: User, team: Team) -> None:
    require(can_manage_team(user, team), "Only this team's manager, program leads and admins "
                                         "keep its plan templates.")


def require_edit(user: User, internship: Internship) -> None:
    require(can_edit(user, internship), "Only this intern's manager, program leads and admins "
                                        "write the launch plan.")


def require_read(user: User, internship: Internship) -> None:
    require(can_read(user, internship), "This launch plan is for the intern, their mentors and "
                                        "their manager.")


# Templates -----------------------------------------------------------------------------------

def team_templates(team_id: int) -> list[PlanTemplate]:
    return list(db.session.scalars(
        select(PlanTemplate).where(PlanTemplate.team_id == team_id)
        .options(selectinload(PlanTemplate.milestones), joinedload(PlanTemplate.focus_area))
        .order_by(PlanTemplate.name)
    ))


def _check_template(team: Team, template: PlanTemplate | None, name: str,
                    focus_area_id: int | None, goals: Goals,
                    milestones: list[MilestoneLine]) -> None:
    if not name.strip():
        raise PlanError("Give the template a name.", "name")
    clash = db.session.scalar(select(PlanTemplate.id).where(
        PlanTemplate.team_id == team.id, PlanTemplate.name == name.strip()))
    if clash is not None and (template is None or clash != template.id):
        raise PlanError(f'{team.name} already has a template called "{name.strip()}".', "name")
    _check_goals(goals)
    if focus_area_id is not None:
        area = db.session.get(FocusArea, focus_area_id)
        if area is None or area.team_id != team.id:
            raise PlanError("Pick one of this team's focus areas.", "focus_area_id")
    if not milestones:
        raise PlanError('Add at least one milestone, as "Week N: title, description".',
                        "milestones")


def save_template(*, team: Team, template: PlanTemplate | None, name: str,
                  focus_area_id: int | None, goals: Goals, milestones: list[MilestoneLine],
                  actor: User) -> PlanTemplate:
    """Create or change one of a team's plan templates."""
    require_team(actor, team)
    _check_template(team, template, name, focus_area_id, goals, milestones)
    before = audit.snapshot(template, TEMPLATE_FIELDS) if template else None
    if template is None:
        template = PlanTemplate(team_id=team.id)
        db.session.add(template)
    template.name, template.focus_area_id = name.strip(), focus_area_id
    _apply_goals(template, goals)
    template.milestones = [TemplateMilestone(week=m.week, title=m.title,
                                             description=m.description) for m in milestones]
    after = audit.snapshot(template, TEMPLATE_FIELDS)
    after["milestones"] = milestones_text(template.milestones)
    _commit(f'{team.name} already has a template called "{name.strip()}".', "name",
            actor_id=actor.id, action="update" if before else "create", entity=template,
            summary=f"{'Edited' if before else 'Created'} plan template {template.name}",
            before=before, after=after)
    return template


# Plans ---------------------------------------------------------------------------------------

def load_plan(plan_id: int) -> LaunchPlan | None:
    return db.session.scalars(
        select(LaunchPlan).where(LaunchPlan.id == plan_id).options(
            joinedload(LaunchPlan.internship).joinedload(Internship.intern),
            joinedload(LaunchPlan.internship).joinedload(Internship.team),
            joinedload(LaunchPlan.internship).joinedload(Internship.project)
            .joinedload(Project.focus_area),
            joinedload(LaunchPlan.template).joinedload(PlanTemplate.focus_area),
            selectinload(LaunchPlan.milestones).joinedload(PlanMilestone.done_by),
        )
    ).unique().one_or_none()


def plan_for(internship_id: int) -> LaunchPlan | None:
    return db.session.scalar(select(LaunchPlan).where(LaunchPlan.internship_id == internship_id))


def _refuse_withdrawn(internship: Internship) -> None:
    if internship.status == InternshipStatus.WITHDRAWN:
        raise PlanError(f"{internship.intern.name}'s internship is withdrawn: it gets no "
                        "launch plan.")


def _milestones_within(internship: Internship, lines: list[MilestoneLine]) -> list[date]:
    dates = []
    for m in lines:
        due = due_date_for_week(internship.start_date, m.week)
        if due < internship.start_date or due > internship.end_date:
            raise PlanError(
                f'"Week {m.week}: {m.title}" would be due {format_date(due)}, outside the '
                f"internship ({format_date(internship.start_date)} – "
                f"{format_date(internship.end_date)}).", "milestones")
        dates.append(due)
    return dates


def create_plan(*, internship: Internship, template: PlanTemplate, project_title: str,
                actor: User) -> LaunchPlan:
    """Write an internship's launch plan from one of its team's templates."""
    require_edit(actor, internship)
    _refuse_withdrawn(internship)
    if template.team_id != internship.team_id:
        raise PlanError("Pick one of this team's templates.", "template_id")
    if plan_for(internship.id) is not None:
        raise PlanError(f"{internship.intern.name} already has a launch plan.")
    title = project_title.strip() or (internship.project.title if internship.project else "")
    if not title:
        raise PlanError("Name the project.", "project_title")
    lines = [MilestoneLine(m.week, m.title, m.description) for m in template.milestones]
    dates = _milestones_within(internship, lines)
    plan = LaunchPlan(internship=internship, template=template, project_title=title,
                      created_by_id=actor.id, created_at=utcnow(), version=1)
    _apply_goals(plan, Goals(template.goal_paper, template.paper_venue or "",
                             template.venue_tier, template.goal_production))
    plan.milestones = [PlanMilestone(week=m.week, title=m.title, description=m.description,
                                     due_date=d) for m, d in zip(lines, dates, strict=True)]
    if internship.project is None:
        internship.project = Project(title=title, focus_area_id=template.focus_area_id)
    elif internship.project.focus_area_id is None:
        internship.project.focus_area_id = template.focus_area_id
    db.session.add(plan)
    _commit(f"{internship.intern.name} already has a launch plan.",
            actor_id=actor.id, action="create", entity=plan,
            summary=f"Wrote the launch plan for {internship.intern.name} from {template.name}",
            after=audit.snapshot(plan, PLAN_FIELDS))
    return plan


def update_plan(plan: LaunchPlan, *, project_title: str, goals: Goals,
                milestones: list[MilestoneLine], actor: User,
                now: datetime | None = None) -> bool:
    """Change title, goals and milestones; after delivery each change is a new version."""
    now = now or utcnow()
    internship = plan.internship
    require_edit(actor, internship)
    _refuse_withdrawn(internship)
    if not project_title.strip():
        raise PlanError("Name the project.", "project_title")
    _check_goals(goals)
    if not milestones:
        raise PlanError('Keep at least one milestone, as "Week N: title, description".',
                        "milestones")
    dates = _milestones_within(internship, milestones)
    record_delivery([plan], now)  # version 1 must hold the plan as the intern first saw it
    before = plan_snapshot(plan)
    audit_before = audit.snapshot(plan, PLAN_FIELDS)
    plan.project_title = project_title.strip()
    _apply_goals(plan, goals)
    kept = {(m.week, m.title): m for m in plan.milestones}
    new_list = []
    for line, due in zip(milestones, dates, strict=True):
        milestone = kept.pop((line.week, line.title), None) or PlanMilestone(
            week=line.week, title=line.title)
        milestone.description, milestone.due_date = line.description, due
        new_list.append(milestone)
    plan.milestones = new_list
    after = plan_snapshot(plan)
    if after == before:
        db.session.rollback()
        return False
    if plan.delivered_at is not None:
        plan.version += 1
        db.session.add(PlanVersion(plan_id=plan.id, version=plan.version, snapshot=after,
                                   created_by_id=actor.id, created_at=now))
        _tell_intern_of_change(plan, actor, now)
    old, new = audit.changed(audit_before, audit.snapshot(plan, PLAN_FIELDS))
    new["milestones"] = milestones_text(plan.milestones)
    _commit("Someone else saved this plan at the same moment; reload and try again.",
            actor_id=actor.id, action="update", entity=plan,
            summary=f"Edited the launch plan for {internship.intern.name}", before=old, after=new)
    return True


def _tell_intern_of_change(plan: LaunchPlan, actor: User, now: datetime) -> None:
    link = external_url("plans.versions", plan_id=plan.id)
    outbox.enqueue(
        kind="plan_changed", key=f"plan_changed:{plan.id}:v{plan.version}",
        recipient=plan.internship.intern, due_at=now,
        subject=f"Your launch plan changed (version {plan.version})",
        body_text=f"{actor.name} changed your launch plan \"{plan.project_title}\".\n\n"
                  f"See what changed: {link}\n\n"
                  "Once you have read the changes, confirm it on your plan's page.\n")


def versions(plan: LaunchPlan) -> list[PlanVersion]:
    return list(db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.version)
    ))


def show_to(user: User, plan: LaunchPlan, now: datetime | None = None) -> bool:
    """Whether the user may see the plan's content now (records a due delivery on the way)."""
    now = now or utcnow()
    require_read(user, plan.internship)
    deliver([plan], now)
    if can_edit(user, plan.internship) or mentors_now(user, plan.internship):
        return True
    return is_visible_to_intern(plan, now)


def acknowledge(plan: LaunchPlan, *, actor: User, now: datetime | None = None) -> None:
    """The intern confirms they have read their plan as it stands (again after each change)."""
    now = now or utcnow()
    require(plan.internship.intern_id == actor.id, "Only the intern acknowledges their plan.")
    record_delivery([plan], now)
    if plan.delivered_at is None:
        raise PlanError("Your plan arrives on your first day; acknowledge it then.")
    if plan.acknowledged_current:
        return
    what = ("their launch plan" if plan.acknowledged_version is None
            else f"the changes in version {plan.version} of their launch plan")
    before = ({"acknowledged_at": plan.acknowledged_at.isoformat(),
               "version": plan.acknowledged_version} if plan.acknowledged_at else None)
    plan.acknowledged_at = max(now, plan.delivered_at)
    plan.acknowledged_version = plan.version
    audit.record(actor.id, "acknowledge", plan, f"{actor.name} acknowledged {what}", before,
                 {"acknowledged_at": plan.acknowledged_at.isoformat(), "version": plan.version})
    finish(kind=PlanError)


def mark_done(milestone: PlanMilestone, *, note: str, actor: User,
              now: datetime | None = None) -> None:
    """The intern or a current mentor marks a milestone done, with a note."""
    now = now or utcnow()
    plan = milestone.plan
    internship = plan.internship
    is_intern = actor.has_role(Role.INTERN) and internship.intern_id == actor.id
    require(is_intern or mentors_now(actor, internship),
            "Only the intern and their mentors mark milestones done.")
    if is_intern and not is_visible_to_intern(plan, now):
        raise PlanError("Your plan arrives on your first day.")
    if milestone.done_at is not None:
        raise PlanError(f'"{milestone.title}" is already marked done.', "note")
    milestone.done_at, milestone.done_by_id, milestone.done_note = now, actor.id, note.strip()
    audit.record(actor.id, "update", milestone, f'Marked "{milestone.title}" done',
                 None, {"done_at": now.isoformat(), "done_note": milestone.done_note})
    finish(kind=PlanError)


def first_day(internship: Internship) -> datetime:
    """When the intern's first day begins (UTC), the moment their plan becomes theirs."""
    return first_day_start(internship.start_date, internship.time_zone)


def local_today(internship: Internship) -> date:
    """The intern's date today, by which milestones are overdue."""
    return local_now(internship.time_zone).date()


def is_overdue(milestone: PlanMilestone, today: date) -> bool:
    return milestone.done_at is None and milestone.due_date < today


def plan_ids(internship_ids: list[int]) -> dict[int, int]:
    """Plan ids by internship id, in one query, for linking from lists."""
    if not internship_ids:
        return {}
    rows = db.session.execute(select(LaunchPlan.internship_id, LaunchPlan.id)
                              .where(LaunchPlan.internship_id.in_(internship_ids)))
    return dict(rows.tuples().all())


def visible_plans(internships: list[Internship],
                  now: datetime | None = None) -> dict[int, LaunchPlan]:
    """The delivered plans of these internships, by internship id, in two queries."""
    now = now or utcnow()
    if not internships:
        return {}
    by_id = {i.id: i for i in internships}
    plans = list(db.session.scalars(
        select(LaunchPlan).where(LaunchPlan.internship_id.in_(by_id))
        .options(selectinload(LaunchPlan.milestones))
    ))
    for plan in plans:
        set_committed_value(plan, "internship", by_id[plan.internship_id])
    deliver(plans, now)
    return {p.internship_id: p for p in plans if is_visible_to_intern(p, now)}
