"""The scheduler process: periodic jobs that move internships through their statuses, owe
reminders, deliver plans, send the outbox and keep report facts up to date.

It runs as its own process (`flask scheduler`), never inside web workers. Every job opens its
own app context and is safe to run in several processes at once: reminders are idempotent on
their dedupe key and the sender claims rows before sending them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from ..extensions import db
from ..models import utcnow
from . import reminders, sender
from .mail import init_mail

log = logging.getLogger(__name__)


def enqueue_reminders(now: datetime | None = None) -> int:
    """Owe every reminder that is due now."""
    added = reminders.enqueue_due(now or utcnow())
    if added:
        log.info("owed %d new reminders", added)
    return added


def send_outbox(now: datetime | None = None) -> int:
    """Send what is due in the outbox."""
    report = sender.send_due(now)
    if report.sent or report.retrying or report.failed or report.unavailable:
        log.info("outbox: %d sent, %d to retry, %d failed%s", report.sent, report.retrying,
                 report.failed, f"; {report.unavailable}" if report.unavailable else "")
    return report.sent


def deliver_plans(now: datetime | None = None) -> int:
    """Hand out the launch plans whose intern's first day has begun."""
    from ..plans.delivery import deliver_due_plans

    delivered = deliver_due_plans(now or utcnow())
    if delivered:
        log.info("delivered %d launch plans", delivered)
    return delivered


def advance_internships(now: datetime | None = None) -> int:
    """Start internships on their first day and complete them after their last, locally."""
    from ..lifecycle import advance

    moved = advance(now or utcnow())
    if moved.started or moved.completed:
        log.info("internships: %d started, %d completed", moved.started, moved.completed)
    return moved.started + moved.completed


def refresh_report_facts(now: datetime | None = None) -> int:
    """Bring report facts up to date: lunch dates that have ended, internships without facts."""
    from ..reports.facts import refresh_due

    refreshed = refresh_due(db.session, now or utcnow())
    db.session.commit()
    if refreshed:
        log.info("refreshed the report facts of %d internships", refreshed)
    return refreshed


# (job, seconds between runs); plans go out before reminders look for unacknowledged ones.
JOBS: tuple[tuple[Callable[[datetime | None], int], int], ...] = (
    (advance_internships, 900),
    (deliver_plans, 300),
    (refresh_report_facts, 300),
    (enqueue_reminders, 60),
    (send_outbox, 15),
)


def _in_context(app: Flask, job: Callable[[datetime | None], int],
                now: datetime | None = None) -> int | None:
    """Run one job in its own app context; a failing job is logged and the others go on."""
    with app.app_context():
        try:
            return job(now)
        except Exception:
            log.exception("%s failed", job.__name__)
            db.session.rollback()
            return None
        finally:
            db.session.remove()


def run_once(app: Flask, now: datetime | None = None) -> dict[str, int | None]:
    """Run every job once, in order; for cron, tests and a first look (None: the job failed)."""
    init_mail(app)
    return {job.__name__: _in_context(app, job, now) for job, _ in JOBS}


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A blocking scheduler holding every job, each starting at once and then on its interval."""
    init_mail(app)
    scheduler = BlockingScheduler(timezone="UTC")
    for job, seconds in JOBS:
        scheduler.add_job(_in_context, IntervalTrigger(seconds=seconds), args=(app, job),
                          id=job.__name__, name=job.__doc__, max_instances=1, coalesce=True,
                          next_run_time=utcnow(), misfire_grace_time=seconds)
    return scheduler
