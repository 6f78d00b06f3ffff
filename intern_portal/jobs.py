"""The scheduler process and its periodic jobs: every job the portal runs on a clock is here.

This module imports the areas (lifecycle, plans, reports, imports, each area's reminders,
the outbox sender); no area imports it. It runs as its own process (`flask scheduler`),
never inside web workers. Every job opens its own app context and is safe to run in several
processes at once: reminders are idempotent on their dedupe key, imports and outbox messages
are claimed before they are worked on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import lifecycle
from .extensions import db
from .imports import service as imports
from .lunch.reminders import lunch_reminders
from .mentors.reminders import digest_reminders
from .models import utcnow
from .notify import sender
from .notify.owed import Owed, owe
from .notify.settings import ReminderTimings, load_timings
from .outcomes.reminders import survey_reminders
from .plans.delivery import deliver_due_plans
from .plans.reminders import acknowledgement_reminders, milestone_reminders, plan_reminders
from .reports.facts import refresh_due

log = logging.getLogger(__name__)

# Each area's reminder finders: (now, timings) -> what is owed now.
FINDERS: tuple[Callable[[datetime, ReminderTimings], list[Owed]], ...] = (
    lunch_reminders, plan_reminders, acknowledgement_reminders, milestone_reminders,
    digest_reminders, survey_reminders,
)


def enqueue_reminders(now: datetime | None = None) -> int:
    """Owe every reminder that is due now; commit; return how many were new."""
    now = now or utcnow()
    timings = load_timings()
    added = owe([message for finder in FINDERS for message in finder(now, timings)])
    db.session.commit()
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
    delivered = deliver_due_plans(now or utcnow())
    if delivered:
        log.info("delivered %d launch plans", delivered)
    return delivered


def advance_internships(now: datetime | None = None) -> int:
    """Start internships on their first day and complete them after their last, locally."""
    moved = lifecycle.advance(now or utcnow())
    if moved.started or moved.completed:
        log.info("internships: %d started, %d completed", moved.started, moved.completed)
    return moved.started + moved.completed


def refresh_report_facts(now: datetime | None = None) -> int:
    """Bring report facts up to date: lunch dates that have ended, internships without facts."""
    refreshed = refresh_due(db.session, now or utcnow())
    db.session.commit()
    if refreshed:
        log.info("refreshed the report facts of %d internships", refreshed)
    return refreshed


def run_imports(now: datetime | None = None) -> int:
    """Claim and run the queued CSV imports, one at a time, until none is left."""
    done = imports.run_queued(now)
    if done:
        log.info("ran %d queued imports", done)
    return done


# (job, seconds between runs); plans go out before reminders look for unacknowledged ones.
JOBS: tuple[tuple[Callable[[datetime | None], int], int], ...] = (
    (advance_internships, 900),
    (deliver_plans, 300),
    (refresh_report_facts, 300),
    (enqueue_reminders, 60),
    (run_imports, 5),
    (send_outbox, 15),
)


def run_in_context(app: Flask, job: Callable[[datetime | None], int],
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
    return {job.__name__: run_in_context(app, job, now) for job, _ in JOBS}


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A blocking scheduler holding every job, each starting at once and then on its interval."""
    scheduler = BlockingScheduler(timezone="UTC")
    for job, seconds in JOBS:
        scheduler.add_job(run_in_context, IntervalTrigger(seconds=seconds), args=(app, job),
                          id=job.__name__, name=job.__doc__, max_instances=1, coalesce=True,
                          next_run_time=utcnow(), misfire_grace_time=seconds)
    return scheduler


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or a check).")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the scheduler process: statuses, plans, reminders, imports and email sending."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per run is noise
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug proxy
    if once:
        results = run_once(app)
        for name, count in results.items():
            click.echo(f"{name}: {'failed (see the log above)' if count is None else count}")
        if None in results.values():
            raise SystemExit(1)
        return
    where = f", files in {app.config['MAIL_DIR']}" if app.config["MAIL_TRANSPORT"] == "file" else ""
    click.echo(f"Scheduler running (mail transport: {app.config['MAIL_TRANSPORT']}{where}). "
               "Ctrl-C stops it.")
    try:
        build_scheduler(app).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
