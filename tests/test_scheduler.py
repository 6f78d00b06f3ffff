"""The scheduler process: its jobs, and a whole pass from owed reminder to delivered mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from intern_portal.extensions import db
from intern_portal.jobs import build_scheduler, run_once
from intern_portal.models import LunchBooking, LunchSlot, Role

from . import factories
from .smtp_support import SmtpServer


def test_scheduler_holds_every_job_once(app):
    scheduler = build_scheduler(app)
    assert sorted(job.id for job in scheduler.get_jobs()) == [
        "advance_internships", "deliver_plans", "enqueue_reminders", "refresh_report_facts",
        "run_imports", "send_outbox"]
    assert all(job.max_instances == 1 for job in scheduler.get_jobs())


def test_one_pass_owes_and_delivers_a_lunch_reminder_over_smtp(app):
    server = SmtpServer().start()
    try:
        app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        intern, scientist = factories.user(Role.INTERN), factories.mentor()
        starts = datetime(2026, 7, 14, 19, 0, tzinfo=UTC)
        db.session.add(LunchBooking(
            slot=LunchSlot(scientist=scientist, starts_at=starts,
                           ends_at=starts + timedelta(minutes=30), time_zone="UTC",
                           video_url="https://meet.example.com/z"),
            intern_id=intern.id, uid="lunch-9@test"))
        db.session.commit()
        counts = run_once(app, starts - timedelta(minutes=10))
        again = run_once(app, starts - timedelta(minutes=9))
    finally:
        server.stop()
    assert counts["enqueue_reminders"] == 2 and counts["send_outbox"] == 2
    assert again["enqueue_reminders"] == 0 and again["send_outbox"] == 0
    assert sorted(m["To"].split("<")[1].rstrip(">") for m in server.inbox.messages) == sorted(
        [intern.email, scientist.email])
    assert all("meet.example.com/z" in m.get_body(("plain",)).get_content()
               for m in server.inbox.messages)


def test_scheduler_once_from_the_command_line_writes_mail_files(app, runner, tmp_path):
    app.config.update(MAIL_TRANSPORT="file", MAIL_DIR=str(tmp_path / "mail"))
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "send_outbox: 0" in result.output
