"""Orgs, their teams, and the focus areas a team wants closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, check, fk, utcnow
from .users import User


class Org(Model):
    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teams: Mapped[list[Team]] = relationship(back_populates="org", order_by="Team.name")


class Team(Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = fk("orgs.id")
    name: Mapped[str] = mapped_column(String(120))
    manager_id: Mapped[int | None] = fk("users.id", nullable=True)
    location: Mapped[str] = mapped_column(String(120))
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org: Mapped[Org] = relationship(back_populates="teams")
    manager: Mapped[User | None] = relationship()
    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="team", order_by="FocusArea.name", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("org_id", "name"),)


class FocusArea(Model):
    """A technical gap ("big bet") a team wants closed in a year; projects belong to one."""

    __tablename__ = "focus_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = fk("teams.id", ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team] = relationship(back_populates="focus_areas")

    __table_args__ = (
        UniqueConstraint("team_id", "name"),
        check("year IS NULL OR (year >= 2000 AND year <= 2100)", "year_range"),
    )
