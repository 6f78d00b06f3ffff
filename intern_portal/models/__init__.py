"""Every model, imported so that metadata (and Alembic) sees each table."""

from .accounts import UserSession
from .audit import AuditEntry
from .cohorts import Cohort, CohortEvent, EventKind, Term
from .imports import ImportJob, ImportKind, ImportStatus
from .internships import (
    CURRENT_STATUSES,
    DegreeProgram,
    Internship,
    InternshipStatus,
    MentorAssignment,
    MentorProfile,
    Project,
)
from .lunch import BookingStatus, LunchBlackout, LunchBooking, LunchSlot, LunchWindow, SlotStatus
from .notify import CalendarItemState, OutboxMessage, ProgramSetting
from .org import FocusArea, Org, Team
from .outcomes import Outcome, OutcomeAuthor, OutcomeKind, OutcomeStatus, OutcomeStep
from .plans import (
    LaunchPlan,
    PlanMilestone,
    PlanTemplate,
    PlanVersion,
    TemplateMilestone,
    VenueTier,
)
from .reports import ReportFacts, ReportMentor
from .types import utcnow
from .users import ApiToken, CalendarFeed, Role, SignInFailure, User, UserRole

__all__ = [
    "CURRENT_STATUSES",
    "ApiToken", "AuditEntry", "BookingStatus", "CalendarFeed", "CalendarItemState", "Cohort",
    "CohortEvent",
    "DegreeProgram", "EventKind", "FocusArea", "Internship", "InternshipStatus", "LaunchPlan",
    "LunchBlackout", "LunchBooking", "LunchSlot", "LunchWindow", "MentorAssignment",
    "MentorProfile", "Org", "Outcome", "OutcomeAuthor", "OutcomeKind", "OutcomeStatus",
    "OutcomeStep", "OutboxMessage", "PlanMilestone", "PlanTemplate", "PlanVersion",
    "ProgramSetting", "Project", "ReportFacts", "ReportMentor", "Role", "SignInFailure",
    "SlotStatus", "Team",
    "TemplateMilestone", "Term", "User", "UserRole", "VenueTier", "utcnow",
    "ImportJob", "ImportKind", "ImportStatus", "UserSession",
]
