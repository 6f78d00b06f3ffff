"""Admins see the outbox and retry failures; program leads set reminder timings."""

from __future__ import annotations

from datetime import UTC, datetime

from intern_portal.extensions import db
from intern_portal.models import OutboxMessage, Role
from intern_portal.notify.settings import load_timings

from . import factories

DUE = datetime(2026, 7, 13, 16, 0, tzinfo=UTC)


def message(person, n: int, **state) -> OutboxMessage:
    m = OutboxMessage(dedupe_key=f"test:{n}", kind="test", recipient_id=person.id,
                      to_email=person.email, subject=f"Subject {n}", body_text="Hello",
                      due_at=DUE, attempts=state.pop("attempts", 0), **state)
    db.session.add(m)
    db.session.commit()
    return m


def test_outbox_shows_pending_sent_and_failed_with_the_error(client, auth):
    person = factories.user(Role.INTERN)
    message(person, 1)
    message(person, 2, sent_at=DUE, attempts=1)
    message(person, 3, failed_at=DUE, attempts=8, last_error="550 no such mailbox")
    auth.login_as(factories.user(Role.ADMIN))
    pending = client.get("/outbox/").get_data(as_text=True)
    assert "Subject 1" in pending and "Subject 2" not in pending
    failed = client.get("/outbox/?state=failed").get_data(as_text=True)
    assert "Subject 3" in failed and "550 no such mailbox" in failed
    assert "Subject 2" in client.get("/outbox/?state=sent").get_data(as_text=True)


def test_admin_retries_a_failed_message(client, auth):
    person = factories.user(Role.INTERN)
    failed = message(person, 1, failed_at=DUE, attempts=8, last_error="550 no such mailbox")
    auth.login_as(factories.user(Role.ADMIN))
    assert "Retry sending" in client.get(f"/outbox/{failed.id}").get_data(as_text=True)
    response = client.post(f"/outbox/{failed.id}/retry")
    assert response.status_code == 302
    db.session.refresh(failed)
    assert failed.failed_at is None and failed.sent_at is None


def test_sent_message_cannot_be_retried(client, auth):
    sent = message(factories.user(Role.INTERN), 1, sent_at=DUE, attempts=1)
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/outbox/{sent.id}/retry", follow_redirects=True)
    assert "sent already" in response.get_data(as_text=True)


def test_outbox_page_queries_do_not_grow(client, auth, count_queries):
    person = factories.user(Role.INTERN)
    auth.login_as(factories.user(Role.ADMIN))
    for n in range(3):
        message(person, n)
    with count_queries() as few:
        client.get("/outbox/")
    for n in range(3, 30):
        message(factories.user(Role.INTERN), n)
    with count_queries() as many:
        client.get("/outbox/")
    assert many.count == few.count


def test_program_lead_changes_a_timing(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    data = {**load_timings().__dict__, "lunch_minutes_before": 30}
    assert client.post("/outbox/timings", data=data).status_code == 302
    assert load_timings().lunch_minutes_before == 30


def test_out_of_range_timing_is_refused(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    data = {**load_timings().__dict__, "send_hour": 25}
    response = client.post("/outbox/timings", data=data)
    assert response.status_code == 422
    assert load_timings().send_hour == 9
