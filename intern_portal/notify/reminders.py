"""Finding the reminders that are due and owing them in the outbox.

Each finder reads a bounded window of rows (a few queries whatever the data size), works out
each recipient's due time in their own time zone, and returns what is due now and still
useful. enqueue_due() stores them idempotently, so any number of passes and processes owe
each reminder once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from jinja2 import Environment, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..extensions import db
from ..models import (
    CURRENT_STATUSES,
    BookingStatus,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    User,
)
from ..timeutil import format_local, to_local
from .links import portal_url
from .outbox import enqueue_many
from .owed import Owed, at_local, owed
from .progress import digest_reminders, milestone_reminders
from .settings import ReminderTimings, load_timings

FINAL = {OutcomeStatus.PUBLISHED, OutcomeStatus.REJECTED, OutcomeStatus.IN_PRODUCTION,
         OutcomeStatus.GRANTED, OutcomeStatus.RELEASED}


def _lunch_link() -> tuple[str, str]:
    return "Your lunch dates", portal_url("lunch.index", "/lunch/")


def lunch_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """Lunch date tomorrow (the evening before) and starting soon (with the video link)."""
    bookings = db.session.scalars(
        select(LunchBooking).join(LunchBooking.slot)
        .where(LunchBooking.status == BookingStatus.BOOKED, LunchSlot.starts_at > now,
               LunchSlot.starts_at <= now + timedelta(days=2, hours=1))
        .options(contains_eager(LunchBooking.slot).joinedload(LunchSlot.scientist)
                 .lazyload(User.roles), joinedload(LunchBooking.intern).lazyload(User.roles))
    ).unique()
    found: list[Owed] = []
    for booking in bookings:
        slot = booking.slot
        pairs = ((booking.intern, slot.scientist), (slot.scientist, booking.intern))
        for person, other in pairs:
            when = format_local(slot.starts_at, person.time_zone)
            local_day = to_local(slot.starts_at, person.time_zone).date()
            eve = at_local(local_day - timedelta(days=1), t.lunch_day_before_hour,
                           person.time_zone)
            today = to_local(now, person.time_zone).date()
            if eve <= now and today == local_day - timedelta(days=1):
                found.append(owed(
                    "lunch_tomorrow", f"booking:{booking.id}", person, eve,
                    f"Lunch date tomorrow with {other.name}",
                    [f"You have a lunch date with {other.name} tomorrow, {when}.",
                     f"Join by video: {slot.video_url}"], _lunch_link()))
            soon = slot.starts_at - timedelta(minutes=t.lunch_minutes_before)
            if soon <= now:
                found.append(owed(
                    "lunch_soon", f"booking:{booking.id}", person, soon,
                    f"Lunch date with {other.name} in {t.lunch_minutes_before} minutes",
                    [f"Your lunch date with {other.name} starts at {when}."],
                    ("Join the video call", slot.video_url)))
    return found


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
                      portal_url("plans.create", "/plans/", internship_id=internship.id))
        else:
            action = ("Finish the launch plan",
                      portal_url("plans.detail", "/plans/", plan_id=plan.id))
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
        link = ("Read the launch plan", portal_url("plans.detail", "/plans/", plan_id=plan.id))
        for person in (intern, manager):
            day = to_local(plan.delivered_at, person.time_zone).date()
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


def _pending_outcomes(project_ids: list[int]) -> set[int]:
    """Projects whose outcomes are still open: none recorded yet, or one not at a final step."""
    seen: set[int] = set()
    pending: set[int] = set()
    rows = db.session.execute(
        select(Outcome.project_id, Outcome.kind, Outcome.status)
        .where(Outcome.project_id.in_(project_ids))
    ) if project_ids else []
    for project_id, kind, status in rows:
        seen.add(project_id)
        final = status in FINAL or (kind == OutcomeKind.TUTORIAL and
                                    status == OutcomeStatus.ACCEPTED)
        if not final:
            pending.add(project_id)
    return pending | (set(project_ids) - seen)


def survey_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """The outcome survey at the end, repeated while outcomes are pending for a year."""
    today = now.date()
    internships = db.session.scalars(
        select(Internship)
        .where(Internship.status != InternshipStatus.WITHDRAWN,
               Internship.end_date <= today + timedelta(days=1),
               Internship.end_date >= today - timedelta(days=t.survey_for_days + 31))
        .options(joinedload(Internship.intern), joinedload(Internship.manager),
                 joinedload(Internship.project))
    ).unique().all()
    pending = _pending_outcomes([i.project.id for i in internships if i.project is not None])
    found: list[Owed] = []
    for internship in internships:
        project = internship.project
        for person in (internship.intern, internship.manager):
            rounds = range(t.survey_for_days // t.survey_repeat_days + 1)
            dues = [(k, at_local(internship.end_date + timedelta(days=k * t.survey_repeat_days),
                                 t.send_hour, person.time_zone)) for k in rounds]
            past = [(k, d) for k, d in dues if d <= now and now - d < timedelta(days=30)]
            if not past:
                continue
            k, due = past[-1]
            if k > 0 and (project is None or project.id not in pending):
                continue
            title = project.title if project is not None else "the internship"
            about = "your" if person is internship.intern else f"{internship.intern.name}\u2019s"
            found.append(owed(
                "outcome_survey", f"internship:{internship.id}:round:{k}", person, due,
                f"What came of {title}?",
                [f"Tell us what {about} project produced: papers and their status, tutorials, "
                 "production launches, patents, open-source releases.",
                 "Outcomes count however long after the internship they arrive."],
                ("Record outcomes", portal_url("outcomes.index", "/outcomes/"))))
    return found


FINDERS: tuple[Callable[[datetime, ReminderTimings], list[Owed]], ...] = (
    lunch_reminders, plan_reminders, acknowledgement_reminders, milestone_reminders,
    digest_reminders, survey_reminders,
)


def _templates() -> Environment:
    """A plain Jinja environment over the app's templates: no request globals, so fast."""
    env = current_app.extensions.get("notify.email_templates")
    if env is None:
        env = Environment(loader=current_app.jinja_env.loader,
                          autoescape=select_autoescape(["html"]))
        current_app.extensions["notify.email_templates"] = env
    return env


def render(message: Owed) -> dict[str, str]:
    """Subject, plain text and HTML for one owed reminder."""
    env = _templates()
    context = {**message, "profile_url": portal_url("home.profile", "/profile")}
    return {
        "subject": message["subject"],
        "body_text": env.get_template("email/reminder.txt").render(context),
        "body_html": env.get_template("email/reminder.html").render(context),
    }


def enqueue_due(now: datetime) -> int:
    """Owe every reminder due at now in the outbox; commit; return how many were new."""
    timings = load_timings()
    found = [message for finder in FINDERS for message in finder(now, timings)]
    added = enqueue_many(found, render)
    db.session.commit()
    return added
