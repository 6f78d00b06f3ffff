"""Cohorts (a term of a year) and the events on a cohort's calendar."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .org import Org, Team
from .types import UTCDateTime, check, enum_type, fk, utcnow


class Term(enum.StrEnum):
    SPRING = "spring"
    SUMMER = "summer"
    FALL = "fall"
    WINTER = "winter"


class Cohort(Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[Term] = mapped_column(enum_type(Term, "term"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list[CohortEvent]] = relationship(
        back_populates="cohort", order_by="CohortEvent.starts_at"
    )

    __table_args__ = (
        UniqueConstraint("term", "year"),
        check("end_date > start_date", "dates_in_order"),
        check("year >= 2000 AND year <= 2100", "year_range"),
    )

    @property
    def name(self) -> str:
        return f"{self.term.value.capitalize()} {self.year}"


class EventKind(enum.StrEnum):
    TEAM_EVENT = "team_event"
    KNOWLEDGE_SHARING = "knowledge_sharing"
    FIRESIDE_CHAT = "fireside_chat"
    DISCUSSION_GROUP = "discussion_group"
    NETWORKING = "networking"


class CohortEvent(Model):
    """An event on a cohort's calendar; audience narrows to an org or a team when set."""

    __tablename__ = "cohort_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = fk("cohorts.id")
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "event_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(64))
    video_url: Mapped[str | None] = mapped_column(String(500))
    org_id: Mapped[int | None] = fk("orgs.id", nullable=True)
    team_id: Mapped[int | None] = fk("teams.id", nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="events")
    org: Mapped[Org | None] = relationship()
    team: Mapped[Team | None] = relationship()

    __table_args__ = (
        check("ends_at > starts_at", "times_in_order"),
        check("sequence >= 0", "sequence_non_negative"),
    )
