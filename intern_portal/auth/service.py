"""Sign-in, throttling of failed attempts, passwords."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..kernel import finish
from ..models import SignInFailure, User, utcnow
from . import sessions

MIN_PASSWORD_LENGTH = 10
# Checked against when the email is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


class SignInError(Exception):
    """Sign-in refused; the message is safe to show."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if email and password.strip().lower() == normalize_email(email):
        return "Your password can't be your email address."
    return None


def _throttled_minutes(email: str, remote_addr: str) -> int | None:
    """Minutes left before another try is allowed, or None when not throttled."""
    window = timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    since = utcnow() - window
    # One query: failures for this email, failures from this address (which may try many emails).
    row = db.session.execute(
        select(
            func.count().filter(SignInFailure.email == email),
            func.count().filter(SignInFailure.remote_addr == remote_addr),
            func.min(SignInFailure.at).filter(SignInFailure.email == email),
            func.min(SignInFailure.at).filter(SignInFailure.remote_addr == remote_addr),
        ).where(
            SignInFailure.at >= since,
            or_(SignInFailure.email == email, SignInFailure.remote_addr == remote_addr),
        )
    ).one()
    by_email, by_addr, first_email, first_addr = row
    first = None
    if by_email >= limit:
        first = first_email
    elif by_addr >= limit * 4:
        first = first_addr
    if first is None:
        return None
    remaining = (first + window - utcnow()).total_seconds()
    return max(1, int(remaining // 60) + 1)


def authenticate(email: str, password: str, remote_addr: str) -> User:
    """Return the user for these credentials, or raise SignInError with a message to show."""
    email = normalize_email(email)
    minutes = _throttled_minutes(email, remote_addr)
    if minutes is not None:
        raise SignInError(
            f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
    user = db.session.scalar(select(User).where(User.email == email))
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    if not check_password_hash(stored, password) or user is None or not user.password_hash:
        db.session.add(SignInFailure(email=email, remote_addr=remote_addr[:64]))
        finish()
        raise SignInError("That email and password don't match an account.")
    if not user.active:
        raise SignInError("This account is disabled. Ask a program admin to enable it.")
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == email))
    user.last_sign_in_at = utcnow()
    finish()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password after checking the current one."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise SignInError("Your current password is not right.")
    problem = password_problem(new, user.email)
    if problem:
        raise SignInError(problem)
    user.password_hash = hash_password(new)
    ended = sessions.end_all(user.id, keep=user.session_id)
    audit.record(user.id, "password_change", user, f"{user.email} changed their password",
                 after={"other_sessions_ended": ended})
    finish()


def sign_in(user: User, *, remember: bool, user_agent: str, remote_addr: str) -> None:
    """Open a session row for a person who just proved who they are; commit."""
    sessions.start(user, remember=remember, method="password", user_agent=user_agent,
                   remote_addr=remote_addr)
    finish()


def sign_out(user: User) -> None:
    """End the session the person is using; commit."""
    if user.session_id is not None:
        sessions.end(user.session_id, user.id)
    finish()


def end_session(user: User, session_id: int) -> bool:
    """End one of the person's own sessions (from their sessions page); commit."""
    ended = sessions.end(session_id, user.id)
    if ended:
        audit.record(user.id, "sign_out", user, f"{user.email} ended one of their sessions")
    finish()
    return ended


def end_other_sessions(user: User) -> int:
    """End every session of the person but the one in use; commit; how many ended."""
    ended = sessions.end_all(user.id, keep=user.session_id)
    if ended:
        audit.record(user.id, "sign_out", user,
                     f"{user.email} signed out {ended} other session{'s' if ended != 1 else ''}")
    finish()
    return ended
