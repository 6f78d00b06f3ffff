"""Delivering launch plans on the intern's first local day, and what "on day one" means."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Internship, InternshipStatus, LaunchPlan, PlanVersion, utcnow
from ..timeutil import day_start
from .versions import plan_snapshot

# No zone is ahead of UTC by more than 14 hours, so no first day starts before this margin.
EARLIEST_OFFSET = timedelta(hours=14)


def first_day_start(start_date: date, zone: str) -> datetime:
    """The instant (UTC) the intern's first day begins: local midnight of the start date."""
    return day_start(start_date, zone)


def due_delivery_at(plan: LaunchPlan) -> datetime:
    """When a plan is delivered: the first local midnight, or when it was written if later."""
    internship = plan.internship
    return max(first_day_start(internship.start_date, internship.time_zone), plan.created_at)


def is_visible_to_intern(plan: LaunchPlan, now: datetime) -> bool:
    """Whether the intern may see the plan: their first day has begun and the plan exists."""
    if plan.internship.status == InternshipStatus.WITHDRAWN:
        return False
    return plan.delivered_at is not None or due_delivery_at(plan) <= now


def delivered_on_day_one(delivered_at: datetime | None, start_date: date, zone: str) -> bool:
    """Whether delivery fell before the end of the intern's first local day."""
    if delivered_at is None:
        return False
    return delivered_at < first_day_start(start_date + timedelta(days=1), zone)


def record_delivery(plans: Iterable[LaunchPlan], now: datetime) -> int:
    """Set delivered_at and the first version for each due plan; return how many.

    A helper: the use case that shows or changes the plan commits (see deliver()).
    """
    count = 0
    for plan in plans:
        if plan.delivered_at is not None or not is_visible_to_intern(plan, now):
            continue
        plan.delivered_at = due_delivery_at(plan)
        db.session.add(PlanVersion(plan_id=plan.id, version=plan.version,
                                   snapshot=plan_snapshot(plan), created_at=plan.delivered_at))
        count += 1
    return count


def deliver(plans: Iterable[LaunchPlan], now: datetime) -> int:
    """Record the due deliveries of these plans and commit; return how many were recorded.

    Another process may record the same delivery first (a page view and the scheduler): its
    version 1 stands, this one is rolled back, and 0 are counted here.
    """
    count = record_delivery(plans, now)
    if count:
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return 0
    return count


def deliver_due_plans(now: datetime | None = None,
                      internship_ids: Iterable[int] | None = None) -> int:
    """Record every plan whose intern's first day has begun; safe to run again and again."""
    now = now or utcnow()
    query = (
        select(LaunchPlan)
        .join(LaunchPlan.internship)
        .where(
            LaunchPlan.delivered_at.is_(None),
            Internship.status != InternshipStatus.WITHDRAWN,
            Internship.start_date <= (now + EARLIEST_OFFSET).date(),
        )
        .options(joinedload(LaunchPlan.internship), joinedload(LaunchPlan.milestones))
    )
    if internship_ids is not None:
        query = query.where(LaunchPlan.internship_id.in_(list(internship_ids)))
    return deliver(db.session.scalars(query).unique(), now)
