"""Launch-plan reminders: a plan not ready before the start, a plan not acknowledged, and
milestones due soon or overdue.

The milestone finder touches the most rows (every live intern's milestones), so it selects
columns rather than whole objects: a pass over 8,000 interns stays a handful of queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from ..extensions import db
from ..links import external_url
from ..models import CURRENT_STATUSES, Internship, LaunchPlan, PlanMilestone, User
from ..notify.owed import Owed, owed, person_columns, recipient_from
from ..notify.settings import ReminderTimings
from ..timeutil import at_local, format_local, to_local


def plan_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """Plan not ready a few days before the intern starts (to the manager)."""
    today = now.date()
    internships = db.session.scalars(
        select(Internship)
        .where(Internship.status.in_(CURRENT_STATUSES),
               Internship.start_date > today - timedelta(days=1),
               Internship.start_date <= today + timedelta(days=t.plan_days_before_start + 1))
        .options(joinedload(Internship.intern), joinedload(Internship.manager))
    ).all()
    plans = {p.internship_id: p for p in db.session.scalars(
        select(LaunchPlan).where(LaunchPlan.internship_id.in_([i.id for i in internships]))
        .options(selectinload(LaunchPlan.milestones))
    )} if internships else {}
    found: list[Owed] = []
    for internship in internships:
        plan = plans.get(internship.id)
        if plan is not None and plan.milestones:
            continue
        manager = internship.manager
        due = at_local(internship.start_date - timedelta(days=t.plan_days_before_start),
                       t.send_hour, manager.time_zone)
        if not due <= now < at_local(internship.start_date, 0, manager.time_zone):
            continue
        if plan is None:
            action = ("Write the launch plan",
                      external_url("plans.create", internship_id=internship.id))
        else:
            action = ("Finish the launch plan",
                      external_url("plans.detail", plan_id=plan.id))
        found.append(owed(
            "plan_not_ready", f"internship:{internship.id}", manager, due,
            f"Launch plan not ready: {internship.intern.name} starts "
            f"{internship.start_date:%d %b}",
            [f"{internship.intern.name} starts on {internship.start_date:%A %d %B %Y} and "
             "their launch plan is not ready yet (it has no milestones).",
             "The plan is handed to the intern on their first day."], action))
    return found


def acknowledgement_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """Plan delivered but not acknowledged after a few days (to the intern and the manager)."""
    plans = db.session.scalars(
        select(LaunchPlan).join(LaunchPlan.internship)
        .where(LaunchPlan.delivered_at.is_not(None), LaunchPlan.acknowledged_at.is_(None),
               LaunchPlan.delivered_at > now - timedelta(days=t.plan_ack_days + 8),
               LaunchPlan.delivered_at <= now - timedelta(days=t.plan_ack_days - 1),
               Internship.status.in_(CURRENT_STATUSES))
        .options(contains_eager(LaunchPlan.internship).joinedload(Internship.intern),
                 contains_eager(LaunchPlan.internship).joinedload(Internship.manager))
    ).unique()
    found: list[Owed] = []
    for plan in plans:
        intern, manager = plan.internship.intern, plan.internship.manager
        link = ("Read the launch plan", external_url("plans.detail", plan_id=plan.id))
        delivered = plan.delivered_at
        if delivered is None:  # the query asks for delivered plans only
            continue
        for person in (intern, manager):
            day = to_local(delivered, person.time_zone).date()
            due = at_local(day + timedelta(days=t.plan_ack_days), t.send_hour, person.time_zone)
            if not due <= now < due + timedelta(days=7):
                continue
            if person is intern:
                intro = ["Your launch plan was handed to you "
                         f"{format_local(plan.delivered_at, person.time_zone)} and is not "
                         "acknowledged yet. Please read it and acknowledge it."]
            else:
                intro = [f"{intern.name} has not acknowledged their launch plan yet."]
            found.append(owed("plan_unacknowledged", f"plan:{plan.id}", person, due,
                              "Launch plan not acknowledged yet", intro, link))
    return found


def milestone_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """Milestone due in a few days (to the intern) and overdue (to the intern and manager)."""
    today = now.date()
    intern, manager = aliased(User), aliased(User)
    rows = db.session.execute(
        select(PlanMilestone.id, PlanMilestone.title, PlanMilestone.due_date,
               PlanMilestone.plan_id, *person_columns(intern, "intern"),
               *person_columns(manager, "manager"))
        .join(LaunchPlan, PlanMilestone.plan_id == LaunchPlan.id)
        .join(Internship, LaunchPlan.internship_id == Internship.id)
        .join(intern, Internship.intern_id == intern.id)
        .join(manager, Internship.manager_id == manager.id)
        .where(PlanMilestone.done_at.is_(None), LaunchPlan.delivered_at.is_not(None),
               Internship.status.in_(CURRENT_STATUSES),
               PlanMilestone.due_date >= today - timedelta(days=t.milestone_overdue_days + 8),
               PlanMilestone.due_date <= today + timedelta(days=t.milestone_days_before + 1))
    ).mappings()
    links: dict[int, tuple[str, str]] = {}
    result: list[Owed] = []
    for row in rows:
        plan_id = row["plan_id"]
        if plan_id not in links:
            links[plan_id] = ("Open the launch plan",
                              external_url("plans.detail", plan_id=plan_id))
        due_day = f"{row['due_date']:%A %d %B}"
        title = row["title"]
        intern_person = recipient_from(row, "intern")
        soon = at_local(row["due_date"] - timedelta(days=t.milestone_days_before), t.send_hour,
                        intern_person.time_zone)
        ends = at_local(row["due_date"] + timedelta(days=1), 0, intern_person.time_zone)
        if soon <= now < ends:
            result.append(owed(
                "milestone_due", f"milestone:{row['id']}", intern_person, soon,
                f"Milestone due {due_day}: {title}",
                [f"Your milestone \u201c{title}\u201d is due on {due_day}."], links[plan_id]))
        for person in (intern_person, recipient_from(row, "manager")):
            late = at_local(row["due_date"] + timedelta(days=t.milestone_overdue_days),
                            t.send_hour, person.time_zone)
            if late <= now < late + timedelta(days=7):
                whose = "Your" if person is intern_person else f"{intern_person.name}\u2019s"
                result.append(owed(
                    "milestone_overdue", f"milestone:{row['id']}", person, late,
                    f"Milestone overdue: {title}",
                    [f"{whose} milestone \u201c{title}\u201d was due on {due_day} "
                     "and is not marked done."], links[plan_id]))
    return result
