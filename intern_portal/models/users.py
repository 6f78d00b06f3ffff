"""People, their roles, sign-in throttling and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, check, enum_type, fk, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    PROGRAM_LEAD = "program_lead"
    MANAGER = "manager"
    MENTOR = "mentor"
    INTERN = "intern"

    @property
    def label(self) -> str:
        return {"program_lead": "Program lead"}.get(self.value, self.value.capitalize())


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Emails are stored lower-cased, so the unique key also refuses a differently-cased twin.
    __table_args__ = (check("email = lower(email)", "email_lower"),)

    # Not columns: the signed-in browser's session (see auth/sessions.py), set when loaded.
    __allow_unmapped__ = True  # lets the two plain attributes below stay unmapped
    session_token: str | None = None
    session_id: int | None = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for inactive users
        return self.active

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookies: the session's secret, never the user id."""
        return self.session_token

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("user_id", "role"),)


class SignInFailure(Model):
    """One failed sign-in; recent rows for an email or address throttle further tries."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class CalendarFeed(Model):
    """A person's secret calendar-feed token, stored hashed; revoking it ends the URL."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the feed last held, so polling clients get a Last-Modified that moves only on change.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
