"""Sending the outbox by hand."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .sender import send_due


@click.command("send-outbox")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many messages.")
@with_appcontext
def send_outbox_command(limit: int | None) -> None:
    """Send every message that is due in the outbox, then exit."""
    report = send_due(limit=limit)
    click.echo(f"Sent {report.sent}, {report.retrying} to retry, {report.failed} failed.")
    if report.unavailable:
        raise click.ClickException(f"Stopped early: {report.unavailable}")
