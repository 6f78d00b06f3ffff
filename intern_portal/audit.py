"""Writing the audit log; services call record() before they commit."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from .extensions import db
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of an object as JSON-ready values."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so a log row shows what moved."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor_id: int | None,
    action: str,
    entity: Any,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Add an audit row for a change to entity (flushed, so the entity has its id)."""
    db.session.flush()
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=type(entity).__tablename__,
        entity_id=getattr(entity, "id", None),
        summary=summary[:300],
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(entry)
    return entry
