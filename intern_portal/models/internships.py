"""Internships, their projects, mentors and mentor assignments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .cohorts import Cohort
from .org import FocusArea, Team
from .types import UTCDateTime, check, enum_type, fk, utcnow
from .users import User


class DegreeProgram(enum.StrEnum):
    PHD = "phd"
    MS = "ms"
    MBA = "mba"
    BS = "bs"
    POSTDOC = "postdoc"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"phd": "PhD", "ms": "MS", "mba": "MBA", "bs": "BS", "postdoc": "Postdoc"}.get(
            self.value, "Other"
        )


class InternshipStatus(enum.StrEnum):
    OFFERED = "offered"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


# Not over yet: the statuses every "current" view, load and reminder counts.
CURRENT_STATUSES = (InternshipStatus.OFFERED, InternshipStatus.ACTIVE)


class Internship(Model):
    """One intern in one cohort on one team under one manager."""

    __tablename__ = "internships"

    id: Mapped[int] = mapped_column(primary_key=True)
    intern_id: Mapped[int] = fk("users.id")
    cohort_id: Mapped[int] = fk("cohorts.id")
    team_id: Mapped[int] = fk("teams.id")
    manager_id: Mapped[int] = fk("users.id")
    previous_internship_id: Mapped[int | None] = fk("internships.id", nullable=True)
    university: Mapped[str] = mapped_column(String(200))
    degree_program: Mapped[DegreeProgram] = mapped_column(enum_type(DegreeProgram, "degree"))
    research_area: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(120))
    time_zone: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[InternshipStatus] = mapped_column(
        enum_type(InternshipStatus, "status"), default=InternshipStatus.OFFERED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    intern: Mapped[User] = relationship(foreign_keys=[intern_id])
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    cohort: Mapped[Cohort] = relationship()
    team: Mapped[Team] = relationship()
    previous: Mapped[Internship | None] = relationship(remote_side=[id])
    project: Mapped[Project | None] = relationship(back_populates="internship", uselist=False)
    assignments: Mapped[list[MentorAssignment]] = relationship(back_populates="internship")

    __table_args__ = (
        UniqueConstraint("intern_id", "cohort_id"),
        check("end_date > start_date", "dates_in_order"),
        check(
            "previous_internship_id IS NULL OR previous_internship_id <> id", "not_own_previous"
        ),
    )

    @property
    def is_return(self) -> bool:
        return self.previous_internship_id is not None

    @property
    def current_assignments(self) -> list[MentorAssignment]:
        """The mentors it has now (assignments not ended), primary first, then by name."""
        live = [a for a in self.assignments if a.ended_at is None]
        return sorted(live, key=lambda a: (not a.is_primary, a.mentor.name))

    @property
    def primary_assignment(self) -> MentorAssignment | None:
        """The one current primary mentor's assignment, if it has one."""
        return next((a for a in self.assignments if a.is_primary and a.ended_at is None), None)


class Project(Model):
    """The work of one internship; outcomes and the launch plan hang off it."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    internship_id: Mapped[int] = fk("internships.id", unique=True)
    focus_area_id: Mapped[int | None] = fk("focus_areas.id", nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    internship: Mapped[Internship] = relationship(back_populates="project")
    focus_area: Mapped[FocusArea | None] = relationship()


class MentorProfile(Model):
    """What a mentor or scientist offers: expertise, capacity and a lunch-date cap."""

    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", unique=True, ondelete="CASCADE")
    team_id: Mapped[int | None] = fk("teams.id", nullable=True)
    expertise: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    lunch_weekly_cap: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()

    __table_args__ = (
        check("capacity >= 0", "capacity_non_negative"),
        check("lunch_weekly_cap IS NULL OR lunch_weekly_cap >= 0", "lunch_cap_non_negative"),
    )


class MentorAssignment(Model):
    """A mentor on an internship; ended, never deleted, so the history stays."""

    __tablename__ = "mentor_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    internship_id: Mapped[int] = fk("internships.id")
    mentor_id: Mapped[int] = fk("users.id")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    capacity_override: Mapped[bool] = mapped_column(Boolean, default=False)

    internship: Mapped[Internship] = relationship(back_populates="assignments")
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    # The mentor's profile (team, capacity), for pages that show it beside the assignment.
    mentor_profile: Mapped[MentorProfile | None] = relationship(
        primaryjoin="foreign(MentorAssignment.mentor_id) == MentorProfile.user_id",
        viewonly=True,
        uselist=False,
    )

    __table_args__ = (
        check("ended_at IS NULL OR ended_at >= started_at", "dates_in_order"),
        # One current primary mentor per internship; one current assignment per mentor.
        Index(
            "uq_mentor_assignments_one_primary",
            "internship_id",
            unique=True,
            sqlite_where=text("is_primary AND ended_at IS NULL"),
            postgresql_where=text("is_primary AND ended_at IS NULL"),
        ),
        Index(
            "uq_mentor_assignments_current_mentor",
            "internship_id",
            "mentor_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )
