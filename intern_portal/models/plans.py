"""Launch plans, the team templates they are written from, milestones and versions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .internships import Internship
from .org import FocusArea, Team
from .types import UTCDateTime, check, enum_type, fk, utcnow
from .users import User


class VenueTier(enum.StrEnum):
    TOP_TIER = "top_tier"
    ANY = "any"
    INTERNAL = "internal"


GOAL_REQUIRED = "goal_paper OR goal_production"


class PlanTemplate(Model):
    __tablename__ = "plan_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = fk("teams.id")
    focus_area_id: Mapped[int | None] = fk("focus_areas.id", nullable=True)
    name: Mapped[str] = mapped_column(String(160))
    goal_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    paper_venue: Mapped[str | None] = mapped_column(String(200))
    venue_tier: Mapped[VenueTier | None] = mapped_column(enum_type(VenueTier, "venue_tier"))
    goal_production: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    focus_area: Mapped[FocusArea | None] = relationship()
    milestones: Mapped[list[TemplateMilestone]] = relationship(
        back_populates="template", order_by="TemplateMilestone.week", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("team_id", "name"), check(GOAL_REQUIRED, "has_goal"))


class TemplateMilestone(Model):
    __tablename__ = "template_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = fk("plan_templates.id", ondelete="CASCADE")
    week: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[PlanTemplate] = relationship(back_populates="milestones")

    __table_args__ = (check("week >= 1 AND week <= 52", "week_range"),)


class LaunchPlan(Model):
    """The plan an intern is handed on day one; one per internship."""

    __tablename__ = "launch_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    internship_id: Mapped[int] = fk("internships.id", unique=True)
    template_id: Mapped[int | None] = fk("plan_templates.id", nullable=True)
    project_title: Mapped[str] = mapped_column(String(300))
    goal_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    paper_venue: Mapped[str | None] = mapped_column(String(200))
    venue_tier: Mapped[VenueTier | None] = mapped_column(enum_type(VenueTier, "venue_tier"))
    goal_production: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The version the intern last confirmed reading; behind `version` after a later edit.
    acknowledged_version: Mapped[int | None] = mapped_column(Integer)

    internship: Mapped[Internship] = relationship()
    template: Mapped[PlanTemplate | None] = relationship()
    milestones: Mapped[list[PlanMilestone]] = relationship(
        back_populates="plan", order_by="PlanMilestone.due_date", cascade="all, delete-orphan"
    )

    __table_args__ = (
        check(GOAL_REQUIRED, "has_goal"),
        check("version >= 1", "version_positive"),
        check(
            "acknowledged_at IS NULL OR (delivered_at IS NOT NULL "
            "AND acknowledged_at >= delivered_at)",
            "acknowledged_after_delivery",
        ),
        check(
            "(acknowledged_at IS NULL AND acknowledged_version IS NULL) OR "
            "(acknowledged_at IS NOT NULL AND acknowledged_version BETWEEN 1 AND version)",
            "acknowledged_version_in_range",
        ),
    )

    @property
    def acknowledged_current(self) -> bool:
        """The intern has confirmed reading the plan as it stands now."""
        return self.acknowledged_version == self.version

    @property
    def changed_since_acknowledged(self) -> bool:
        return self.acknowledged_version is not None and self.acknowledged_version < self.version


class PlanMilestone(Model):
    __tablename__ = "plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = fk("launch_plans.id", ondelete="CASCADE")
    week: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    done_note: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[LaunchPlan] = relationship(back_populates="milestones")
    done_by: Mapped[User | None] = relationship()

    __table_args__ = (check("week >= 1 AND week <= 52", "week_range"),)


class PlanVersion(Model):
    """A snapshot of a plan as it stood at one version, for the diff between versions."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = fk("launch_plans.id", ondelete="CASCADE")
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("plan_id", "version"),
        check("version >= 1", "version_positive"),
    )
