"""Milestone reminders and the weekly mentor digest, read as plain columns.

These two finders touch the most rows (every live intern's milestones), so they select
columns rather than whole objects: a pass over 8,000 interns stays a handful of queries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    CURRENT_STATUSES,
    BookingStatus,
    Internship,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    MentorAssignment,
    PlanMilestone,
    User,
)
from ..timeutil import format_local, to_local
from .links import portal_url
from .owed import Owed, Recipient, at_local, owed
from .settings import ReminderTimings

DIGEST_OVERDUE_DAYS = 28  # how far back the digest lists milestones still not done


def _person(row, prefix: str) -> Recipient:  # type: ignore[no-untyped-def]
    return Recipient(row[f"{prefix}_id"], row[f"{prefix}_name"], row[f"{prefix}_email"],
                     row[f"{prefix}_zone"])


def _columns(person, prefix: str) -> list:  # type: ignore[no-untyped-def]
    return [person.id.label(f"{prefix}_id"), person.name.label(f"{prefix}_name"),
            person.email.label(f"{prefix}_email"), person.time_zone.label(f"{prefix}_zone")]


def milestone_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """Milestone due in a few days (to the intern) and overdue (to the intern and manager)."""
    today = now.date()
    intern, manager = aliased(User), aliased(User)
    rows = db.session.execute(
        select(PlanMilestone.id, PlanMilestone.title, PlanMilestone.due_date,
               PlanMilestone.plan_id, *_columns(intern, "intern"), *_columns(manager, "manager"))
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
                              portal_url("plans.detail", "/plans/", plan_id=plan_id))
        due_day = f"{row['due_date']:%A %d %B}"
        title = row["title"]
        intern_person = _person(row, "intern")
        soon = at_local(row["due_date"] - timedelta(days=t.milestone_days_before), t.send_hour,
                        intern_person.time_zone)
        ends = at_local(row["due_date"] + timedelta(days=1), 0, intern_person.time_zone)
        if soon <= now < ends:
            result.append(owed(
                "milestone_due", f"milestone:{row['id']}", intern_person, soon,
                f"Milestone due {due_day}: {title}",
                [f"Your milestone \u201c{title}\u201d is due on {due_day}."], links[plan_id]))
        for person in (intern_person, _person(row, "manager")):
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


def last_digest_time(now: datetime, t: ReminderTimings, zone: str) -> datetime:
    """The latest digest weekday and hour in the zone at or before now."""
    local = to_local(now, zone)
    day = local.date() - timedelta(days=(local.weekday() - t.digest_weekday) % 7)
    due = at_local(day, t.digest_hour, zone)
    return due if due <= now else at_local(day - timedelta(days=7), t.digest_hour, zone)


def _mentored():  # type: ignore[no-untyped-def]
    """Current assignments of mentors who take the digest, on live internships."""
    return (
        select(MentorAssignment.internship_id)
        .join(Internship, MentorAssignment.internship_id == Internship.id)
        .join(User, MentorAssignment.mentor_id == User.id)
        .where(MentorAssignment.ended_at.is_(None), Internship.status.in_(CURRENT_STATUSES),
               User.active.is_(True), User.digest_opt_out.is_(False))
    )


def digest_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """The weekly digest for mentors: their mentees' milestones and lunch dates this week."""
    intern = aliased(User)
    rows = db.session.execute(
        _mentored().add_columns(Internship.intern_id, intern.name.label("intern_name"),
                                *_columns(User, "mentor"))
        .join(intern, Internship.intern_id == intern.id)
    ).mappings()
    due_mentors: dict[int, tuple[Recipient, datetime, list]] = {}
    by_zone: dict[str, datetime] = {}
    for row in rows:
        mentor = _person(row, "mentor")
        if mentor.time_zone not in by_zone:
            by_zone[mentor.time_zone] = last_digest_time(now, t, mentor.time_zone)
        due = by_zone[mentor.time_zone]
        if now - due < timedelta(days=1):
            entry = due_mentors.setdefault(mentor.id, (mentor, due, []))
            entry[2].append((row["intern_name"], row["internship_id"], row["intern_id"]))
    if not due_mentors:
        return []
    # Both lookups read a date window through its index and keep the mentees' rows here,
    # rather than asking the database to match thousands of ids.
    internships = {i for _, _, mine in due_mentors.values() for _, i, _ in mine}
    interns = {i for _, _, mine in due_mentors.values() for _, _, i in mine}
    week = now + timedelta(days=7)
    milestones: dict[int, list] = defaultdict(list)
    for internship_id, due_date, title in db.session.execute(
        select(LaunchPlan.internship_id, PlanMilestone.due_date, PlanMilestone.title)
        .join(PlanMilestone.plan)
        .where(PlanMilestone.done_at.is_(None), LaunchPlan.delivered_at.is_not(None),
               PlanMilestone.due_date >= now.date() - timedelta(days=DIGEST_OVERDUE_DAYS),
               PlanMilestone.due_date <= week.date())
        .order_by(PlanMilestone.due_date)
    ):
        if internship_id in internships:
            milestones[internship_id].append((due_date, title))
    lunches: dict[int, list] = defaultdict(list)
    for intern_id, starts_at, scientist in db.session.execute(
        select(LunchBooking.intern_id, LunchSlot.starts_at, User.name)
        .join(LunchBooking.slot).join(User, LunchSlot.scientist_id == User.id)
        .where(LunchBooking.status == BookingStatus.BOOKED,
               LunchSlot.starts_at > now, LunchSlot.starts_at <= week)
        .order_by(LunchSlot.starts_at)
    ):
        if intern_id in interns:
            lunches[intern_id].append((starts_at, scientist))
    home = ("Open the portal", portal_url("home.index"))
    result: list[Owed] = []
    for mentor, due, mine in due_mentors.values():
        sections = []
        for intern_name, internship_id, intern_id in sorted(mine):
            lines = [("Overdue: " if day < now.date() else "Due ")
                     + f"{day:%a %d %b} \u2013 {title}"
                     for day, title in milestones.get(internship_id, [])]
            lines += [f"Lunch date {format_local(at, mentor.time_zone)} with {scientist}"
                      for at, scientist in lunches.get(intern_id, [])]
            if lines:
                sections.append((intern_name, lines))
        if sections:
            result.append(owed(
                "mentor_digest", f"mentor:{mentor.id}", mentor, due,
                f"Your mentees this week ({due:%d %b})",
                ["What your mentees have coming up in the next seven days."], home, sections))
    return result
