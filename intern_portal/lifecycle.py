"""Internship statuses follow the calendar: offered, active from the first day, then completed.

An internship is offered until its first day begins in its own time zone, active until its last
day is over there, then completed. Imports and the pages set `offered`; the scheduler's
`advance_internships` job moves them on, so mentor loads, reminders, team counts and home
pages ("current" means offered or active) stop counting an internship once it is over, and
history imported from earlier years is completed on the job's first run. Withdrawn internships
are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, select, update

from .extensions import db
from .kernel import changed_rows, finish
from .models import CURRENT_STATUSES, Internship, InternshipStatus


@dataclass(frozen=True)
class Advanced:
    started: int
    completed: int


def advance(now: datetime) -> Advanced:
    """Start and complete the internships whose day has come, each by its own local date."""
    zones = db.session.scalars(
        select(distinct(Internship.time_zone)).where(Internship.status.in_(CURRENT_STATUSES))
    ).all()
    started = completed = 0
    for zone in zones:
        today = now.astimezone(ZoneInfo(zone)).date()
        in_zone = Internship.time_zone == zone
        completed += changed_rows(
            update(Internship)
            .where(in_zone, Internship.status.in_(CURRENT_STATUSES), Internship.end_date < today)
            .values(status=InternshipStatus.COMPLETED)
            .execution_options(synchronize_session=False)
        )
        started += changed_rows(
            update(Internship)
            .where(in_zone, Internship.status == InternshipStatus.OFFERED,
                   Internship.start_date <= today)
            .values(status=InternshipStatus.ACTIVE)
            .execution_options(synchronize_session=False)
        )
    finish()
    return Advanced(started, completed)
