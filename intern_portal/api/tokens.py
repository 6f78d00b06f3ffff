"""API tokens: issued once, stored only as a SHA-256 hash, revoked but never deleted."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from .. import audit
from ..auth.service import normalize_email
from ..extensions import db
from ..kernel import Refusal, finish
from ..models import ApiToken, User, utcnow

TOUCH_INTERVAL = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200
NAME_LENGTH = 120


class TokenError(Refusal):
    """A token could not be issued or revoked; the message says why."""


def hash_token(raw: str) -> str:
    """Return the SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, email: str, name: str, actor: User | None = None) -> tuple[ApiToken, str]:
    """Issue a token for the person with this email; return it and the one-time secret."""
    name = name.strip()
    if not name:
        raise TokenError("Say what the token is for (--name).")
    if len(name) > NAME_LENGTH:
        raise TokenError(f"Keep the name to {NAME_LENGTH} characters.")
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise TokenError(f"No person has the email {email!r}.")
    if not user.active:
        raise TokenError(f"{user.email} is disabled; enable the account first.")
    raw = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw))
    db.session.add(token)
    audit.record(actor.id if actor else None, "create", token,
                 f"Issued API token {name!r} for {user.email}")
    finish(kind=TokenError)
    return token, raw


def revoke_token(token_id: int, *, actor: User | None = None) -> ApiToken:
    """Revoke a token by id; revoking a revoked token changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise TokenError(f"No API token has id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor.id if actor else None, "revoke", token,
                     f"Revoked API token {token.name!r} of {token.user.email}")
        finish(kind=TokenError)
    return token


def user_for_token(raw: str) -> User | None:
    """Return the active person a live token belongs to, noting when it was last used."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    now = utcnow()
    # Writing on every call would turn each read into a write; once a minute is enough to audit.
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
        finish(kind=TokenError)
    return token.user
