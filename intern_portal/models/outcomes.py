"""Outcomes of projects: papers, tutorials, production stages, patents, open source."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .internships import Project
from .types import UTCDateTime, check, enum_type, fk, utcnow
from .users import User


class OutcomeKind(enum.StrEnum):
    PAPER = "paper"
    TUTORIAL = "tutorial"
    PRODUCTION = "production"
    PATENT = "patent"
    OPEN_SOURCE = "open_source"


class OutcomeStatus(enum.StrEnum):
    # papers
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    # production work
    PROTOTYPE = "prototype"
    TOWARD_PRODUCTION = "toward_production"
    IN_PRODUCTION = "in_production"
    # tutorials, patents, open-source releases
    PROPOSED = "proposed"
    FILED = "filed"
    GRANTED = "granted"
    RELEASED = "released"


STATUSES_BY_KIND: dict[OutcomeKind, tuple[OutcomeStatus, ...]] = {
    OutcomeKind.PAPER: (
        OutcomeStatus.DRAFT,
        OutcomeStatus.SUBMITTED,
        OutcomeStatus.ACCEPTED,
        OutcomeStatus.PUBLISHED,
        OutcomeStatus.REJECTED,
    ),
    OutcomeKind.PRODUCTION: (
        OutcomeStatus.PROTOTYPE,
        OutcomeStatus.TOWARD_PRODUCTION,
        OutcomeStatus.IN_PRODUCTION,
    ),
    OutcomeKind.TUTORIAL: (OutcomeStatus.PROPOSED, OutcomeStatus.ACCEPTED, OutcomeStatus.REJECTED),
    OutcomeKind.PATENT: (OutcomeStatus.FILED, OutcomeStatus.GRANTED, OutcomeStatus.REJECTED),
    OutcomeKind.OPEN_SOURCE: (OutcomeStatus.RELEASED,),
}


def is_final(kind: OutcomeKind, status: OutcomeStatus) -> bool:
    """Whether the status ends the kind's road: its last step, or a rejection.

    A published paper, an accepted tutorial, work in production, a granted patent and a
    release are final; anything after them is a correction.
    """
    road = [s for s in STATUSES_BY_KIND[kind] if s is not OutcomeStatus.REJECTED]
    return status is OutcomeStatus.REJECTED or status is road[-1]


def _status_matches_kind() -> str:
    clauses = []
    for kind, statuses in STATUSES_BY_KIND.items():
        listed = ", ".join(f"'{s.value}'" for s in statuses)
        clauses.append(f"(kind = '{kind.value}' AND status IN ({listed}))")
    return " OR ".join(clauses)


class Outcome(Model):
    """What a project produced; stays open long after the internship ends."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = fk("projects.id")
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, "kind"), index=True)
    status: Mapped[OutcomeStatus] = mapped_column(enum_type(OutcomeStatus, "status"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    venue: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    top_tier: Mapped[bool] = mapped_column(Boolean, default=False)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    status_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    steps: Mapped[list[OutcomeStep]] = relationship(
        back_populates="outcome", order_by="OutcomeStep.occurred_on", cascade="all, delete-orphan"
    )
    authors: Mapped[list[OutcomeAuthor]] = relationship(
        back_populates="outcome", order_by="OutcomeAuthor.position", cascade="all, delete-orphan"
    )

    __table_args__ = (check(_status_matches_kind(), "status_fits_kind"),)


class OutcomeStep(Model):
    """One status an outcome reached and when (submitted on, accepted on, …)."""

    __tablename__ = "outcome_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = fk("outcomes.id", ondelete="CASCADE")
    status: Mapped[OutcomeStatus] = mapped_column(enum_type(OutcomeStatus, "status"))
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outcome: Mapped[Outcome] = relationship(back_populates="steps")


class OutcomeAuthor(Model):
    """An author of a paper or tutorial: a person in the portal, or a name from outside."""

    __tablename__ = "outcome_authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = fk("outcomes.id", ondelete="CASCADE")
    position: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = fk("users.id", nullable=True)
    name: Mapped[str] = mapped_column(String(200))

    outcome: Mapped[Outcome] = relationship(back_populates="authors")
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("outcome_id", "position"),
        check("position >= 1", "position_positive"),
    )
