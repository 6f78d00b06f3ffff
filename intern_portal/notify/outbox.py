"""Owing someone a message: every email the portal sends is first a row in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..kernel import insert_ignoring_duplicates
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
    added = insert_ignoring_duplicates(OutboxMessage.__table__, values, ["dedupe_key"],
                                       returning=OutboxMessage.__table__.c.id)
    return added is not None


def pending_for(recipient: User) -> list[OutboxMessage]:
    """Messages still owed to a person, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient_id == recipient.id, OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.due_at)
        )
    )


def enqueue_many(messages: list[dict[str, Any]], render: Callable[[dict[str, Any]], dict[str, Any]],
                 chunk: int = 500) -> int:
    """Add many owed messages, two statements per chunk; return how many were new."""
    # Each message is a dict with kind, key, recipient and due_at plus whatever render() needs;
    # render() makes subject, body_text and body_html and runs only for keys not yet stored.
    # The caller commits.
    added = 0
    for start in range(0, len(messages), chunk):
        part = {m["key"][:255]: m for m in messages[start:start + chunk]}
        known = set(db.session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(part)))
        ))
        rows = []
        now = utcnow()
        for key, message in part.items():
            if key in known:
                continue
            recipient: User = message["recipient"]
            text = render(message)
            rows.append({
                "dedupe_key": key, "kind": message["kind"], "recipient_id": recipient.id,
                "to_email": recipient.email, "subject": text["subject"][:300],
                "body_text": text["body_text"], "body_html": text.get("body_html"),
                "ics": text.get("ics"), "due_at": message["due_at"], "attempts": 0,
                "created_at": now,
            })
        if rows:
            insert_ignoring_duplicates(OutboxMessage.__table__, rows, ["dedupe_key"])
            added += len(rows)
    return added
