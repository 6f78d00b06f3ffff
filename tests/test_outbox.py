"""Enqueueing a message owed to someone is idempotent on its dedupe key."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import OutboxMessage, Role
from intern_portal.notify.outbox import dedupe_key, enqueue, pending_for

from . import factories

DUE = datetime(2026, 7, 13, 16, 0, tzinfo=UTC)


def test_same_message_enqueued_twice_is_stored_once(app):
    person = factories.user(Role.INTERN)
    key = dedupe_key("lunch_tomorrow", "booking:7", DUE)
    first = enqueue(kind="lunch_tomorrow", key=key, recipient=person, subject="Lunch tomorrow",
                    body_text="See you", due_at=DUE)
    second = enqueue(kind="lunch_tomorrow", key=key, recipient=person, subject="Lunch tomorrow",
                     body_text="See you", due_at=DUE)
    db.session.commit()
    assert (first, second) == (True, False)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    [message] = pending_for(person)
    assert message.to_email == person.email and message.due_at == DUE


def test_dedupe_key_names_kind_subject_and_due_time():
    key = dedupe_key("plan_missing", "internship:3", DUE)
    assert key == "plan_missing:internship:3:2026-07-13T16:00Z"
