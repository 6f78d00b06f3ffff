"""Commands for the scheduler process and for sending the outbox by hand."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from .mail import init_mail
from .scheduler import build_scheduler, run_once
from .sender import send_due


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or a check).")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the scheduler process: reminders, plan delivery and email sending."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per run is noise
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        results = run_once(app)
        for name, count in results.items():
            click.echo(f"{name}: {'failed (see the log above)' if count is None else count}")
        if None in results.values():
            raise SystemExit(1)
        return
    init_mail(app)
    click.echo(f"Scheduler running (mail transport: {app.config['MAIL_TRANSPORT']}"
               + (f", files in {app.config['MAIL_DIR']}" if app.config["MAIL_TRANSPORT"] == "file"
                  else "") + "). Ctrl-C stops it.")
    try:
        build_scheduler(app).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("send-outbox")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many messages.")
@with_appcontext
def send_outbox_command(limit: int | None) -> None:
    """Send every message that is due in the outbox, then exit."""
    init_mail(current_app)  # type: ignore[arg-type]
    report = send_due(limit=limit)
    click.echo(f"Sent {report.sent}, {report.retrying} to retry, {report.failed} failed.")
    if report.unavailable:
        raise click.ClickException(f"Stopped early: {report.unavailable}")
