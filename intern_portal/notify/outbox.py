"""Owing someone a message: every email the portal sends is first a row in the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import OutboxMessage, User, utcnow


def dedupe_key(kind: str, subject_ref: str, due_at: datetime) -> str:
    """The key that makes a message unique: its kind, what it is about, and when it is due."""
    return f"{kind}:{subject_ref}:{due_at.strftime('%Y-%m-%dT%H:%MZ')}"


def enqueue(
    *,
    kind: str,
    key: str,
    recipient: User,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    ics: str | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Add a message unless one with the same key exists; True when this call added it.

    Runs inside the caller's transaction (the caller commits), so a message is owed exactly
    when the change that owes it is saved.
    """
    values = {
        "dedupe_key": key[:255],
        "kind": kind,
        "recipient_id": recipient.id,
        "to_email": recipient.email,
        "subject": subject[:300],
        "body_text": body_text,
        "body_html": body_html,
        "ics": ics,
        "due_at": due_at or utcnow(),
        "attempts": 0,
        "created_at": utcnow(),
    }
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing(
        index_elements=["dedupe_key"]
    )
    return db.session.execute(statement).rowcount == 1


def pending_for(recipient: User) -> list[OutboxMessage]:
    """Messages still owed to a person, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient_id == recipient.id, OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.due_at)
        )
    )
