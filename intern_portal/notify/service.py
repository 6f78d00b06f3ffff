"""What admins see of the outbox, and putting a failed message back in line."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..kernel import Refusal, finish
from ..models import OutboxMessage, User

PER_PAGE = 50
STATES = ("pending", "sent", "failed")


class OutboxError(Refusal):
    """A change to an outbox message was refused."""


def _state_filter(state: str):
    if state == "sent":
        return OutboxMessage.sent_at.is_not(None)
    if state == "failed":
        return OutboxMessage.failed_at.is_not(None)
    return OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)


def state_counts() -> dict[str, int]:
    """How many messages are pending, sent and failed, in one query."""
    sent = OutboxMessage.sent_at.is_not(None)
    failed = OutboxMessage.failed_at.is_not(None)
    row = db.session.execute(select(
        func.count(case((~sent & ~failed, 1))),
        func.count(case((sent, 1))),
        func.count(case((failed, 1))),
    ).select_from(OutboxMessage)).one()
    return dict(zip(STATES, row, strict=True))


def messages_page(state: str, page: int = 1) -> Pagination:
    """Page through messages in one state: pending soonest first, the others latest first."""
    order = (OutboxMessage.due_at.asc() if state == "pending"
             else func.coalesce(OutboxMessage.sent_at, OutboxMessage.failed_at).desc())
    query = (select(OutboxMessage).where(_state_filter(state))
             .options(joinedload(OutboxMessage.recipient).lazyload(User.roles))
             .order_by(order, OutboxMessage.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE)


def retry(message: OutboxMessage, actor_id: int | None) -> OutboxMessage:
    """Put a failed message back in line to go out on the sender's next pass."""
    if message.failed_at is None:
        raise OutboxError("Only a failed message can be retried." if message.sent_at is None
                          else "This message was sent already.")
    before = audit.snapshot(message, ("failed_at", "attempts", "last_error"))
    message.failed_at = None
    message.next_attempt_at = None
    message.claimed_by = message.claimed_at = None
    audit.record(actor_id, "retry", message, f"Retried message to {message.to_email}", before,
                 audit.snapshot(message, ("failed_at", "attempts", "last_error")))
    finish(kind=OutboxError)
    return message
