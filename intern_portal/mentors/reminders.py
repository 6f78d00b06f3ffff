"""The weekly digest for mentors: their mentees' milestones and lunch dates this week."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..links import external_url
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
from ..notify.owed import Owed, Recipient, owed, person_columns, recipient_from
from ..notify.settings import ReminderTimings
from ..timeutil import at_local, format_local, to_local

DIGEST_OVERDUE_DAYS = 28  # how far back the digest lists milestones still not done


def last_digest_time(now: datetime, t: ReminderTimings, zone: str) -> datetime:
    """The latest digest weekday and hour in the zone at or before now."""
    local = to_local(now, zone)
    day = local.date() - timedelta(days=(local.weekday() - t.digest_weekday) % 7)
    due = at_local(day, t.digest_hour, zone)
    return due if due <= now else at_local(day - timedelta(days=7), t.digest_hour, zone)


def _mentored():
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
                                *person_columns(User, "mentor"))
        .join(intern, Internship.intern_id == intern.id)
    ).mappings()
    due_mentors: dict[int, tuple[Recipient, datetime, list]] = {}
    by_zone: dict[str, datetime] = {}
    for row in rows:
        mentor = recipient_from(row, "mentor")
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
    home = ("Open the portal", external_url("home.index"))
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
