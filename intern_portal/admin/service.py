"""Finding people and reading the audit log, for admins and program leads."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditEntry, Role, User

PER_PAGE = 50
ENTITY_LABELS = {"users": "People", "orgs": "Orgs", "teams": "Teams", "cohorts": "Cohorts"}


def people_page(*, search: str = "", role: Role | None = None, page: int = 1) -> Pagination:
    """Find people by a fragment of name or email and by role, sorted by name, one page."""
    query = select(User).order_by(User.name, User.id)
    search = search.strip()
    if search:
        query = query.where(
            or_(User.name.icontains(search, autoescape=True),
                User.email.icontains(search.lower(), autoescape=True))
        )
    if role is not None:
        query = query.where(User.roles.any(role=role))
    return db.paginate(query, page=page, per_page=PER_PAGE)


def audit_entity_types() -> list[str]:
    """List the kinds of entity the log holds, for the filter."""
    return list(db.session.scalars(
        select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
    ))


def audit_page(*, entity_type: str = "", entity_id: int | None = None, actor_email: str = "",
               page: int = 1) -> Pagination:
    """Page through audit rows, newest first, by entity and by a fragment of the actor's email."""
    query = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor).lazyload(User.roles))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    actor_email = actor_email.strip().lower()
    if actor_email:
        query = query.where(
            AuditEntry.actor.has(User.email.icontains(actor_email, autoescape=True))
        )
    return db.paginate(query, page=page, per_page=PER_PAGE)


def audit_rows(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """Pair each field an entry touched with its before and after values."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [(k, before.get(k), after.get(k)) for k in keys]
