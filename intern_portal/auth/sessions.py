"""Sessions that can be ended: each signed-in browser is a row, found by its cookie's secret.

Flask-Login keeps the session's secret (never the user id) in the session and remember-me
cookies, and every request looks the row up. Signing out ends that row; a password change or
reset, a deactivation and an admin's "sign out everywhere" end all of a person's rows, so a
copied cookie stops working on every web process at the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..kernel import changed_rows
from ..models import User, UserSession, utcnow

TOUCH_EVERY = timedelta(minutes=5)  # how stale last_seen_at may get before it is written


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    if remember:
        return timedelta(days=config["REMEMBER_DAYS"])
    return timedelta(hours=config["SESSION_IDLE_HOURS"])


def start(user: User, *, remember: bool, method: str, user_agent: str, remote_addr: str,
          now: datetime | None = None) -> str:
    """Open a session row for a sign-in (the caller commits); return the cookie's secret."""
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id, token_hash=_hash(raw), method=method, remember=remember,
        user_agent=user_agent[:300], remote_addr=remote_addr[:64], created_at=now,
        last_seen_at=now, expires_at=now + _lifetime(remember))
    db.session.add(row)
    db.session.flush()  # the row's id is the person's current session from now on
    user.session_token, user.session_id = raw, row.id
    return raw


def load(raw: str) -> User | None:
    """The person a cookie's secret belongs to, if that session is live and they are active."""
    if not raw or len(raw) > 100:
        return None
    now = utcnow()
    row = db.session.execute(
        select(UserSession, User).join(User, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(raw), UserSession.ended_at.is_(None),
               UserSession.expires_at > now, User.active.is_(True))
    ).first()
    if row is None:
        return None
    live, user = row
    if now - live.last_seen_at >= TOUCH_EVERY:
        live.last_seen_at = now
        if not live.remember:  # a session that is used stays alive; remember-me does not grow
            live.expires_at = now + _lifetime(False)
        db.session.commit()
    user.session_token = raw
    user.session_id = live.id
    return user


def end(session_id: int, user_id: int, now: datetime | None = None) -> bool:
    """End one of a person's sessions (the caller commits); True if it was live."""
    return changed_rows(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user_id,
               UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    ) > 0


def end_all(user_id: int, *, keep: int | None = None, now: datetime | None = None) -> int:
    """End every live session of a person but `keep` (the caller commits); how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id,
                                      UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return changed_rows(query.values(ended_at=now or utcnow()))


def live_sessions(user_id: int) -> list[UserSession]:
    """A person's live sessions, most recently used first."""
    return list(db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None),
               UserSession.expires_at > utcnow())
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def device_label(user_agent: str) -> str:
    """A browser's user-agent string as people say it: "Chrome on Windows"."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "A browser the portal doesn't recognise"
