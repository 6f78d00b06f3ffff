"""Report facts: per internship, the figures the program report adds up.

They are derived data, kept by intern_portal/reports/facts.py in the same transaction as the
change that moves them, so a whole-program report sums one narrow row per internship instead
of aggregating outcomes, plans, lunch dates and mentors on every request. Withdrawn
internships have no rows: no report counts them. The slice columns (cohort, team, focus area)
are copies of the internship's, so a report reads these tables alone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, check, utcnow

FLAGS = ("has_project", "top_tier", "production", "both_goals", "plan_day_one", "return_intern",
         "mentored")
COUNTS = ("papers_published", "papers_top_tier", "papers_internal", "papers_in_review",
          "tutorials", "patents", "open_source", "lunch_dates", "scientists_met")


class ReportFacts(Model):
    """One internship's report figures; lunch counts hold for slots ended by `refreshed_at`."""

    __tablename__ = "report_facts"

    internship_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("internships.id", ondelete="CASCADE"), primary_key=True
    )
    # Copied from the internship and its project, to slice by.
    cohort_id: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(Integer, index=True)
    focus_area_id: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    # 1 or 0: a return intern's internship; it has (had) a mentor; it has a project; that
    # reached a published top-tier paper, production (moving toward it or in it), both; its
    # launch plan reached the intern on day one.
    return_intern: Mapped[int] = mapped_column(Integer, default=0)
    mentored: Mapped[int] = mapped_column(Integer, default=0)
    has_project: Mapped[int] = mapped_column(Integer, default=0)
    top_tier: Mapped[int] = mapped_column(Integer, default=0)
    production: Mapped[int] = mapped_column(Integer, default=0)
    both_goals: Mapped[int] = mapped_column(Integer, default=0)
    plan_day_one: Mapped[int] = mapped_column(Integer, default=0)
    papers_published: Mapped[int] = mapped_column(Integer, default=0)
    papers_top_tier: Mapped[int] = mapped_column(Integer, default=0)
    papers_internal: Mapped[int] = mapped_column(Integer, default=0)
    papers_in_review: Mapped[int] = mapped_column(Integer, default=0)
    tutorials: Mapped[int] = mapped_column(Integer, default=0)
    patents: Mapped[int] = mapped_column(Integer, default=0)
    open_source: Mapped[int] = mapped_column(Integer, default=0)
    lunch_dates: Mapped[int] = mapped_column(Integer, default=0)
    scientists_met: Mapped[int] = mapped_column(Integer, default=0)
    # When the next booked lunch date of this internship ends: from then on the lunch counts
    # are behind, and the report counts them live until the row is refreshed.
    lunch_next_end: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        *(check(f"{name} IN (0, 1)", f"{name}_flag") for name in FLAGS),
        *(check(f"{name} >= 0", f"{name}_non_negative") for name in COUNTS),
    )


class ReportMentor(Model):
    """Who mentored an internship (current or past), with its slice columns copied."""

    __tablename__ = "report_mentors"

    internship_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("internships.id", ondelete="CASCADE"), primary_key=True
    )
    mentor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(Integer, index=True)
    focus_area_id: Mapped[int | None] = mapped_column(Integer)
