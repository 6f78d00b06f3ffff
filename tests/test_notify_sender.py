"""Delivering the outbox over real SMTP (aiosmtpd on localhost): once, with retries, never lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import vobject
from sqlalchemy import func, select

from intern_portal.calendar.ics import CalendarItem, Person, invitation
from intern_portal.extensions import db
from intern_portal.models import OutboxMessage, Role
from intern_portal.notify.outbox import dedupe_key, enqueue
from intern_portal.notify.sender import send_due

from . import factories
from .smtp_support import Inbox, SmtpServer

NOW = datetime(2026, 7, 13, 16, 0, tzinfo=UTC)


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port,
                      OUTBOX_RETRY_SECONDS=60, OUTBOX_UNAVAILABLE_RETRY_SECONDS=30)
    return app


def owe(person, n: int, due=NOW, **extra) -> list[str]:
    keys = []
    for i in range(n):
        key = dedupe_key("test", f"thing:{i}", due)
        enqueue(kind="test", key=key, recipient=person, subject=f"Message {i}",
                body_text=f"Plain {i}", body_html=f"<p>Rich {i}</p>", due_at=due, **extra)
        keys.append(key)
    db.session.commit()
    return keys


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_due_messages_arrive_once_as_text_and_html(mail_app, smtp):
    person = factories.user(Role.INTERN, name="Asha Rao")
    owe(person, 3)
    report = send_due(NOW)
    assert report.sent == 3
    assert sorted(m["Subject"] for m in smtp.inbox.messages) == [
        "Message 0", "Message 1", "Message 2"]
    first = smtp.inbox.messages[0]
    assert first["To"] == f"Asha Rao <{person.email}>"
    kinds = [part.get_content_type() for part in first.walk()]
    assert "text/plain" in kinds and "text/html" in kinds
    assert all(m.sent_at is not None and m.attempts == 1 for m in outbox())
    assert send_due(NOW).sent == 0
    assert len(smtp.inbox.messages) == 3


def test_message_not_yet_due_waits(mail_app, smtp):
    person = factories.user(Role.INTERN)
    owe(person, 1, due=NOW + timedelta(hours=1))
    assert send_due(NOW).sent == 0
    assert send_due(NOW + timedelta(hours=1)).sent == 1
    assert len(smtp.inbox.messages) == 1


def test_message_id_comes_from_the_dedupe_key(mail_app, smtp):
    person = factories.user(Role.INTERN)
    owe(person, 1)
    send_due(NOW)
    [message] = outbox()
    message.sent_at = None  # as if the process died before confirming the send
    db.session.commit()
    send_due(NOW)
    first, second = smtp.inbox.messages
    assert first["Message-ID"] == second["Message-ID"]


def test_invitation_travels_as_text_calendar_and_parses(mail_app, smtp):
    host, guest = factories.user(Role.MENTOR), factories.user(Role.INTERN)
    start = NOW + timedelta(days=1)
    ics = invitation(CalendarItem(
        uid="lunch-7@intern-portal", summary="Lunch date", start=start,
        end=start + timedelta(minutes=30), organizer=Person(host.name, host.email),
        attendees=(Person(guest.name, guest.email),))).decode()
    enqueue(kind="lunch_booked", key="lunch_booked:7", recipient=guest, subject="Lunch",
            body_text="Booked", ics=ics, due_at=NOW)
    db.session.commit()
    send_due(NOW)
    [email] = smtp.inbox.messages
    [part] = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    event = vobject.readOne(part.get_payload(decode=True).decode()).vevent
    assert event.uid.value == "lunch-7@intern-portal"
    assert event.dtstart.value == start


def test_smtp_down_then_up_delivers_everything_once(app):
    server = SmtpServer()
    app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=server.port,
                      OUTBOX_UNAVAILABLE_RETRY_SECONDS=30)
    person = factories.user(Role.INTERN)
    owe(person, 4)
    report = send_due(NOW)
    assert report.sent == 0 and "reach the mail server" in report.unavailable
    waiting = outbox()
    assert all(m.sent_at is None and m.failed_at is None and m.attempts == 0 for m in waiting)
    assert all(m.claimed_by is None and "mail server" in m.last_error for m in waiting)
    server.start()
    try:
        assert send_due(NOW + timedelta(seconds=10)).sent == 0  # still backing off
        assert send_due(NOW + timedelta(seconds=31)).sent == 4
    finally:
        server.stop()
    assert len(server.inbox.messages) == 4
    assert all(m.sent_at is not None for m in outbox())


def test_temporary_refusal_backs_off_then_fails_after_the_last_attempt(mail_app, smtp):
    smtp.inbox.stall_after = 0
    smtp.inbox.release.set()  # answer 451 at once
    mail_app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    person = factories.user(Role.INTERN)
    owe(person, 1)
    send_due(NOW)
    [message] = outbox()
    assert message.attempts == 1 and message.next_attempt_at == NOW + timedelta(seconds=60)
    assert "451" in message.last_error and message.failed_at is None
    later = NOW + timedelta(days=1)
    send_due(later)
    send_due(later + timedelta(days=1))
    [message] = outbox()
    assert message.attempts == 3 and message.failed_at is not None and message.sent_at is None
    assert send_due(later + timedelta(days=2)).sent == 0


def test_permanent_refusal_fails_at_once_with_the_error(mail_app, smtp):
    class Refuse(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001
            return "550 no such mailbox"

    smtp.stop()
    refusing = SmtpServer(Refuse()).start()
    mail_app.config["SMTP_PORT"] = refusing.port
    try:
        owe(factories.user(Role.INTERN), 1)
        report = send_due(NOW)
    finally:
        refusing.stop()
    assert report.failed == 1
    [message] = outbox()
    assert message.failed_at is not None and "550" in message.last_error


def test_file_transport_writes_eml_files(app, tmp_path):
    app.config.update(MAIL_TRANSPORT="file", MAIL_DIR=str(tmp_path / "mail"))
    owe(factories.user(Role.INTERN), 2)
    assert send_due(NOW).sent == 2
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    assert db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    ) == 0
