"""Delivering the outbox: claim due rows, send each, confirm each in its own commit.

Several sender processes may run at once. A batch is claimed in one short transaction
(FOR UPDATE SKIP LOCKED on PostgreSQL; BEGIN IMMEDIATE, one writer at a time, on SQLite), and
the claim on the rest of a batch is renewed every third of OUTBOX_CLAIM_TIMEOUT while it is
sent, so only a claim abandoned by a dead process goes stale and is taken over. Each message is
marked sent in its own commit right after the server accepts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..kernel import for_claim, worker_name
from ..models import OutboxMessage, utcnow
from .mail import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    Unavailable,
    build_email,
    transport_for,
)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unavailable: str = ""
    ids: list[int] = field(default_factory=list)


def _claimable(now: datetime, stale_before: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.due_at <= now,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale_before),
    )


def claim_batch(worker: str, now: datetime, size: int, claim_timeout: int) -> list[int]:
    """Mark up to size due messages as this worker's and commit; return their ids."""
    db.session.commit()
    ids = list(db.session.scalars(for_claim(
        select(OutboxMessage.id)
        .where(*_claimable(now, now - timedelta(seconds=claim_timeout)))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(size)
    )))
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(claimed_by=worker, claimed_at=now)
        )
    db.session.commit()
    return ids


def _renew(ids: list[int], worker: str, now: datetime) -> set[int]:
    """Refresh the claim on the rest of a batch; return the ids still ours and unsent."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
               OutboxMessage.sent_at.is_(None))
        .values(claimed_at=now)
    )
    mine = set(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker)))
    db.session.commit()
    return mine


def _finish(message_id: int, worker: str, **values: object) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(claimed_by=None, claimed_at=None, **values)
    )
    db.session.commit()


def _release(ids: list[int], worker: str, error: str, retry_at: datetime) -> None:
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker)
            .values(claimed_by=None, claimed_at=None, last_error=error[:2000],
                    next_attempt_at=retry_at)
        )
        db.session.commit()


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """Wait longer after each failed try: base, 2×base, 4×base, … capped at six hours."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 6 * 3600))


def _deliver(message_id: int, attempts: int, email: EmailMessage, transport: Transport,
             worker: str, config: dict, report: SendReport,
             clock: Callable[[], datetime]) -> None:
    try:
        transport.send(email)
    except PermanentFailure as error:
        _finish(message_id, worker, attempts=attempts + 1, last_error=str(error),
                failed_at=clock())
        report.failed += 1
    except TemporaryFailure as error:
        now = clock()
        gave_up = attempts + 1 >= config["OUTBOX_MAX_ATTEMPTS"]
        _finish(message_id, worker, attempts=attempts + 1, last_error=str(error),
                next_attempt_at=now + backoff(attempts + 1, config["OUTBOX_RETRY_SECONDS"]),
                failed_at=now if gave_up else None)
        report.failed += gave_up
        report.retrying += not gave_up
    else:
        # Its own commit right after the server accepted it: the window in which a crash
        # could repeat a message is this one statement.
        _finish(message_id, worker, attempts=attempts + 1, sent_at=clock(), last_error=None)
        report.sent += 1
        report.ids.append(message_id)


def send_due(now: datetime | None = None, *, worker: str | None = None,
             limit: int | None = None) -> SendReport:
    """Send every due message (up to limit), batch by batch, until none is left to claim."""
    config = current_app.config
    worker = worker or worker_name()
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    report = SendReport()
    while limit is None or report.sent + report.retrying + report.failed < limit:
        size = config["OUTBOX_BATCH_SIZE"]
        if limit is not None:
            size = min(size, limit - report.sent - report.retrying - report.failed)
        ids = claim_batch(worker, clock(), size, config["OUTBOX_CLAIM_TIMEOUT"])
        if not ids:
            break
        if not _send_batch(ids, worker, config, report, clock):
            break
    return report


def _send_batch(ids: list[int], worker: str, config: dict, report: SendReport,
                clock: Callable[[], datetime]) -> bool:
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        .options(joinedload(OutboxMessage.recipient))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
    ).all()
    # Built before any commit, so sending never reloads a row.
    prepared, broken = [], []
    for m in messages:
        try:
            prepared.append((m.id, m.attempts, build_email(m, config)))
        except (ValueError, TypeError, LookupError) as error:
            broken.append((m.id, m.attempts, f"Can't build the email: {error}"))
    db.session.commit()
    for message_id, attempts, problem in broken:  # a malformed row must not block the queue
        _finish(message_id, worker, attempts=attempts + 1, last_error=problem, failed_at=clock())
        report.failed += 1
    renew_every = timedelta(seconds=config["OUTBOX_CLAIM_TIMEOUT"] / 3)
    renewed_at, mine = clock(), set(ids)
    transport = transport_for(config)
    try:
        for position, (message_id, attempts, email) in enumerate(prepared):
            if clock() - renewed_at >= renew_every:
                renewed_at = clock()
                mine = _renew([p[0] for p in prepared[position:]], worker, renewed_at)
            if message_id not in mine:
                continue  # the claim went stale and another sender took the message over
            try:
                _deliver(message_id, attempts, email, transport, worker, config, report, clock)
            except Unavailable as error:
                retry_at = clock() + timedelta(seconds=config["OUTBOX_UNAVAILABLE_RETRY_SECONDS"])
                _release([p[0] for p in prepared[position:]], worker, str(error), retry_at)
                report.unavailable = str(error)
                return False
    finally:
        transport.close()
    return True
