"""Reminders are owed at the right local time, to the right people, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.jobs import enqueue_reminders
from intern_portal.models import (
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    OutboxMessage,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    PlanMilestone,
    Role,
)
from intern_portal.notify.settings import ReminderTimings, save_timings

from . import factories

KOLKATA = ZoneInfo("Asia/Kolkata")
SEATTLE = ZoneInfo("America/Los_Angeles")


def owed(kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.to_email)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def lunch(intern, scientist, starts_at: datetime) -> LunchBooking:
    slot = LunchSlot(scientist=scientist, starts_at=starts_at,
                     ends_at=starts_at + timedelta(minutes=30), time_zone="America/Los_Angeles",
                     video_url="https://meet.example.com/lunch-42")
    booking = LunchBooking(slot=slot, intern_id=intern.id, uid=f"lunch-{starts_at:%s}@test")
    db.session.add(booking)
    db.session.commit()
    return booking


def test_lunch_tomorrow_goes_out_the_evening_before_in_each_persons_zone(app):
    intern = factories.user(Role.INTERN, time_zone="Asia/Kolkata", name="Asha Rao")
    scientist = factories.mentor(time_zone="America/Los_Angeles", name="Wei Zhang")
    # Tuesday 12:00 in Seattle is Wednesday 00:30 in Kolkata.
    starts = datetime(2026, 7, 14, 12, 0, tzinfo=SEATTLE).astimezone(UTC)
    lunch(intern, scientist, starts)
    seattle_eve = datetime(2026, 7, 13, 17, 0, tzinfo=SEATTLE).astimezone(UTC)
    kolkata_eve = datetime(2026, 7, 14, 17, 0, tzinfo=KOLKATA).astimezone(UTC)
    enqueue_reminders(seattle_eve - timedelta(minutes=1))
    assert owed("lunch_tomorrow") == []
    enqueue_reminders(seattle_eve)
    [to_wei] = owed("lunch_tomorrow")
    assert to_wei.to_email == scientist.email and to_wei.due_at == seattle_eve
    assert "Asha Rao" in to_wei.subject and "meet.example.com/lunch-42" in to_wei.body_text
    enqueue_reminders(kolkata_eve)
    assert [m.due_at for m in owed("lunch_tomorrow") if m.to_email == intern.email] == [
        kolkata_eve]
    enqueue_reminders(kolkata_eve + timedelta(minutes=1))
    assert len(owed("lunch_tomorrow")) == 2


def test_lunch_soon_carries_the_video_link_to_both(app):
    intern, scientist = factories.user(Role.INTERN), factories.mentor()
    starts = datetime(2026, 7, 14, 19, 0, tzinfo=UTC)
    lunch(intern, scientist, starts)
    enqueue_reminders(starts - timedelta(minutes=16))
    assert owed("lunch_soon") == []
    enqueue_reminders(starts - timedelta(minutes=14))
    soon = owed("lunch_soon")
    assert {m.to_email for m in soon} == {intern.email, scientist.email}
    assert all('href="https://meet.example.com/lunch-42"' in m.body_html for m in soon)
    assert all(m.due_at == starts - timedelta(minutes=15) for m in soon)


def test_cancelled_lunch_owes_no_reminder(app):
    booking = lunch(factories.user(Role.INTERN), factories.mentor(),
                    datetime(2026, 7, 14, 19, 0, tzinfo=UTC))
    booking.status = "cancelled"
    booking.cancelled_at = datetime(2026, 7, 10, tzinfo=UTC)
    db.session.commit()
    enqueue_reminders(datetime(2026, 7, 14, 18, 50, tzinfo=UTC))
    assert owed() == []


def test_plan_not_ready_three_days_before_start_goes_to_the_manager(app):
    manager = factories.user(Role.MANAGER, time_zone="America/Los_Angeles")
    cohort = factories.cohort(start=date(2026, 6, 1), end=date(2026, 8, 28))
    internship = factories.internship(cohort_=cohort, manager=manager)
    due = datetime.combine(date(2026, 5, 29), time(9), SEATTLE).astimezone(UTC)
    enqueue_reminders(due - timedelta(minutes=1))
    assert owed() == []
    enqueue_reminders(due)
    [message] = owed("plan_not_ready")
    assert message.to_email == manager.email
    assert f"/plans/internships/{internship.id}/new" in message.body_text


def test_ready_plan_owes_no_reminder(app):
    cohort = factories.cohort(start=date(2026, 6, 1), end=date(2026, 8, 28))
    internship = factories.internship(cohort_=cohort)
    db.session.add(LaunchPlan(internship=internship, project_title="Entity linking",
                              goal_paper=True, milestones=[PlanMilestone(
                                  week=2, title="Read", due_date=date(2026, 6, 12))]))
    db.session.commit()
    enqueue_reminders(datetime(2026, 5, 30, tzinfo=UTC))
    assert owed("plan_not_ready") == []


def delivered_plan(delivered_at: datetime, due: date):
    internship = factories.internship()
    plan = LaunchPlan(internship=internship, project_title="Entity linking", goal_paper=True,
                      delivered_at=delivered_at,
                      milestones=[PlanMilestone(week=2, title="Literature review",
                                                due_date=due)])
    db.session.add(plan)
    db.session.commit()
    return internship, plan


def test_unacknowledged_plan_reminds_intern_and_manager_after_two_days(app):
    delivered = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
    internship, plan = delivered_plan(delivered, date(2026, 7, 1))
    enqueue_reminders(delivered + timedelta(days=1))
    assert owed("plan_unacknowledged") == []
    enqueue_reminders(delivered + timedelta(days=3))
    assert {m.to_email for m in owed("plan_unacknowledged")} == {
        internship.intern.email, internship.manager.email}
    plan.acknowledged_at = delivered + timedelta(days=3, hours=1)
    db.session.commit()
    db.session.query(OutboxMessage).delete()
    db.session.commit()
    enqueue_reminders(delivered + timedelta(days=4))
    assert owed("plan_unacknowledged") == []


def test_milestone_due_in_two_days_then_overdue(app):
    internship, plan = delivered_plan(datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 15))
    intern_zone = ZoneInfo(internship.intern.time_zone)
    enqueue_reminders(datetime(2026, 6, 13, 9, 0, tzinfo=intern_zone).astimezone(UTC))
    [due] = owed("milestone_due")
    assert due.to_email == internship.intern.email and "Literature review" in due.subject
    # 17:30 in Kolkata, 05:00 in Seattle
    enqueue_reminders(datetime(2026, 6, 16, 12, 0, tzinfo=UTC))
    assert [m.to_email for m in owed("milestone_overdue")] == [internship.intern.email]
    enqueue_reminders(datetime(2026, 6, 16, 23, 0, tzinfo=UTC))
    assert {m.to_email for m in owed("milestone_overdue")} == {
        internship.intern.email, internship.manager.email}


def test_done_milestone_is_not_overdue(app):
    _, plan = delivered_plan(datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 15))
    plan.milestones[0].done_at = datetime(2026, 6, 14, tzinfo=UTC)
    db.session.commit()
    enqueue_reminders(datetime(2026, 6, 17, tzinfo=UTC))
    assert owed("milestone_overdue") == []


def test_weekly_digest_lists_mentees_and_respects_opt_out(app):
    mentor = factories.mentor(time_zone="America/Los_Angeles")
    quiet = factories.mentor(time_zone="America/Los_Angeles")
    quiet.digest_opt_out = True
    internship, _ = delivered_plan(datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 17))
    factories.assign(internship, mentor)
    factories.assign(internship, quiet, primary=False)
    lunch(internship.intern, factories.mentor(name="Wei Zhang"),
          datetime(2026, 6, 18, 19, 0, tzinfo=UTC))
    monday = datetime(2026, 6, 15, 8, 0, tzinfo=SEATTLE).astimezone(UTC)
    enqueue_reminders(monday - timedelta(minutes=1))
    assert owed("mentor_digest") == []
    enqueue_reminders(monday)
    [digest] = owed("mentor_digest")
    assert digest.to_email == mentor.email
    assert internship.intern.name in digest.body_text
    assert "Literature review" in digest.body_text and "Wei Zhang" in digest.body_text
    assert "/profile" in digest.body_text


def test_outcome_survey_at_the_end_and_every_90_days_while_pending(app):
    cohort = factories.cohort(start=date(2026, 6, 1), end=date(2026, 8, 28))
    internship = factories.internship(cohort_=cohort)
    enqueue_reminders(datetime(2026, 8, 28, 4, 0, tzinfo=UTC))  # 09:30 in Kolkata, night in Seattle
    assert [m.to_email for m in owed("outcome_survey")] == [internship.intern.email]
    enqueue_reminders(datetime(2026, 8, 28, 17, 0, tzinfo=UTC))
    assert {m.to_email for m in owed("outcome_survey")} == {
        internship.intern.email, internship.manager.email}
    enqueue_reminders(datetime(2026, 11, 27, tzinfo=UTC))
    assert len({m.dedupe_key for m in owed("outcome_survey")}) == 4  # two people, two rounds
    db.session.add(Outcome(project=internship.project, kind=OutcomeKind.PAPER,
                           status=OutcomeStatus.PUBLISHED, title="Paper",
                           status_date=date(2027, 1, 10)))
    db.session.commit()
    enqueue_reminders(datetime(2027, 2, 25, tzinfo=UTC))
    assert len(owed("outcome_survey")) == 4  # nothing pending: no third round
    enqueue_reminders(datetime(2027, 12, 1, tzinfo=UTC))
    assert len(owed("outcome_survey")) == 4


def test_program_lead_timing_moves_the_reminder(app):
    save_timings(ReminderTimings(lunch_minutes_before=30), actor_id=None)
    starts = datetime(2026, 7, 14, 19, 0, tzinfo=UTC)
    lunch(factories.user(Role.INTERN), factories.mentor(), starts)
    enqueue_reminders(starts - timedelta(minutes=29))
    assert {m.due_at for m in owed("lunch_soon")} == {starts - timedelta(minutes=30)}


def test_repeated_passes_owe_each_reminder_once(app):
    starts = datetime(2026, 7, 14, 19, 0, tzinfo=UTC)
    lunch(factories.user(Role.INTERN), factories.mentor(), starts)
    for minutes in (14, 10, 5, 1):
        enqueue_reminders(starts - timedelta(minutes=minutes))
    assert len(owed("lunch_soon")) == 2
