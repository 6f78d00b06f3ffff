"""Test data, built through the models with sensible defaults and unique names."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from intern_portal.extensions import db
from intern_portal.models import (
    Cohort,
    CohortEvent,
    DegreeProgram,
    EventKind,
    FocusArea,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    LunchWindow,
    MentorAssignment,
    MentorProfile,
    Org,
    OutboxMessage,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    PlanMilestone,
    PlanTemplate,
    Project,
    Role,
    Team,
    TemplateMilestone,
    Term,
    User,
    UserRole,
    UserSession,
)

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def user(*roles: Role, email: str | None = None, name: str | None = None,
         time_zone: str = "America/Los_Angeles", active: bool = True) -> User:
    n = next(_seq)
    person = User(
        email=email or f"person{n}@example.com",
        name=name or f"Person {n}",
        time_zone=time_zone,
        password_hash=_HASH,
        active=active,
        roles=[UserRole(role=r) for r in roles],
    )
    db.session.add(person)
    db.session.commit()
    return person


def org(name: str | None = None) -> Org:
    o = Org(name=name or f"Org {next(_seq)}")
    db.session.add(o)
    db.session.commit()
    return o


def team(org_: Org | None = None, manager: User | None = None, name: str | None = None,
         focus_areas: tuple[str, ...] = ()) -> Team:
    t = Team(
        org=org_ or org(),
        name=name or f"Team {next(_seq)}",
        manager=manager,
        location="Seattle",
        time_zone="America/Los_Angeles",
        focus_areas=[FocusArea(name=f) for f in focus_areas],
    )
    db.session.add(t)
    db.session.commit()
    return t


def cohort(term: Term = Term.SUMMER, year: int = 2026, start: date | None = None,
           end: date | None = None, virtual: bool = False) -> Cohort:
    c = Cohort(
        term=term,
        year=year,
        start_date=start or date(year, 6, 1),
        end_date=end or date(year, 8, 28),
        virtual=virtual,
    )
    db.session.add(c)
    db.session.commit()
    return c


def summer_2026() -> Cohort:
    """The cohort tests share unless they need another."""
    found = db.session.scalar(
        select(Cohort).where(Cohort.term == Term.SUMMER, Cohort.year == 2026)
    )
    return found or cohort(Term.SUMMER, 2026)


def internship(intern: User | None = None, team_: Team | None = None,
               cohort_: Cohort | None = None, manager: User | None = None,
               status: InternshipStatus = InternshipStatus.ACTIVE,
               project_title: str | None = "Entity linking at scale") -> Internship:
    team_ = team_ or team()
    cohort_ = cohort_ or summer_2026()
    manager = manager or team_.manager or user(Role.MANAGER)
    i = Internship(
        intern=intern or user(Role.INTERN, time_zone="Asia/Kolkata"),
        team=team_,
        cohort=cohort_,
        manager=manager,
        university="University of Washington",
        degree_program=DegreeProgram.PHD,
        research_area="knowledge graphs, entity linking",
        location="Seattle",
        time_zone="America/Los_Angeles",
        start_date=cohort_.start_date,
        end_date=cohort_.end_date,
        status=status,
    )
    if project_title:
        i.project = Project(title=project_title)
    db.session.add(i)
    db.session.commit()
    return i


def mentor(capacity: int = 2, team_: Team | None = None, expertise: str = "",
           **kw) -> User:
    m = user(Role.MENTOR, **kw)
    db.session.add(MentorProfile(user=m, team=team_, capacity=capacity, expertise=expertise))
    db.session.commit()
    return m


def assign(internship_: Internship, mentor_: User, primary: bool = True) -> MentorAssignment:
    a = MentorAssignment(internship=internship_, mentor=mentor_, is_primary=primary)
    db.session.add(a)
    db.session.commit()
    return a


def domain_rows(internship_: Internship, scientist: User, lead: User) -> dict[str, int]:
    """One row of each later area, tied to this internship; returns URL ids by name."""
    start = datetime.combine(internship_.start_date, time(19, 0), tzinfo=UTC)
    template = PlanTemplate(team_id=internship_.team_id, name=f"Template {next(_seq)}",
                            goal_paper=True, milestones=[TemplateMilestone(week=2, title="Read")])
    plan = LaunchPlan(internship=internship_, template=template, project_title="Plan",
                      goal_paper=True)
    milestone = PlanMilestone(plan=plan, week=2, title="Literature review",
                              due_date=internship_.start_date + timedelta(days=14))
    window = LunchWindow(scientist=scientist, weekdays=0b10100, start_time=time(12),
                         end_time=time(13), time_zone="America/Los_Angeles",
                         valid_from=internship_.start_date, valid_until=internship_.end_date,
                         video_url="https://meet.example.com/lunch")
    slot = LunchSlot(scientist=scientist, window=window, starts_at=start,
                     ends_at=start + timedelta(minutes=30), time_zone="America/Los_Angeles",
                     video_url="https://meet.example.com/lunch")
    booking = LunchBooking(slot=slot, intern_id=internship_.intern_id,
                           uid=f"lunch-{next(_seq)}@intern-portal")
    outcome = Outcome(project=internship_.project, kind=OutcomeKind.PAPER,
                      status=OutcomeStatus.DRAFT, title="A paper", status_date=start.date())
    event = CohortEvent(cohort_id=internship_.cohort_id, kind=EventKind.FIRESIDE_CHAT,
                        title="Fireside chat", starts_at=start, ends_at=start + timedelta(hours=1),
                        time_zone="America/Los_Angeles", created_by_id=lead.id)
    message = OutboxMessage(dedupe_key=f"test:{next(_seq)}", kind="test",
                            recipient_id=internship_.intern_id, to_email=internship_.intern.email,
                            subject="Hello", body_text="Hello", due_at=start)
    session = UserSession(user_id=lead.id, token_hash=f"{next(_seq):064d}", expires_at=start)
    rows = [template, plan, milestone, window, slot, booking, outcome, event, message, session]
    db.session.add_all(rows)
    db.session.commit()
    return {
        "template_id": template.id, "plan_id": plan.id, "milestone_id": milestone.id,
        "window_id": window.id, "slot_id": slot.id, "booking_id": booking.id,
        "outcome_id": outcome.id, "event_id": event.id, "message_id": message.id,
        "session_id": session.id,
    }


def plan_template(team_: Team, name: str | None = None, goal_paper: bool = True,
                  goal_production: bool = False,
                  weeks: tuple[tuple[int, str], ...] = ((1, "Onboarding"), (4, "Baseline"),
                                                        (10, "Paper draft"))) -> PlanTemplate:
    """A team's plan template with a top-tier paper goal and a few weekly milestones."""
    t = PlanTemplate(team_id=team_.id, name=name or f"Template {next(_seq)}",
                     goal_paper=goal_paper, paper_venue="NeurIPS" if goal_paper else None,
                     goal_production=goal_production,
                     milestones=[TemplateMilestone(week=w, title=title) for w, title in weeks])
    db.session.add(t)
    db.session.commit()
    return t


def lunch_slot(scientist: User | None = None, starts_at: datetime | None = None,
               minutes: int = 30, seats: int = 1, topic: str = "",
               time_zone: str = "America/Los_Angeles") -> LunchSlot:
    """An open lunch slot; by default three days from now, so any lead time is met."""
    scientist = scientist or mentor()
    starts_at = starts_at or (datetime.now(UTC) + timedelta(days=3)).replace(
        second=0, microsecond=0)
    s = LunchSlot(scientist_id=scientist.id, starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=minutes), time_zone=time_zone,
                  seats=seats, video_url="https://meet.example.com/lunch", topic=topic)
    db.session.add(s)
    db.session.commit()
    return s


def outcome(project: Project, kind: OutcomeKind = OutcomeKind.PAPER,
            status: OutcomeStatus = OutcomeStatus.PUBLISHED, top_tier: bool = True,
            internal: bool = False, on: date | None = None, title: str | None = None) -> Outcome:
    """An outcome of a project that reached a status on a date, with that one step."""
    from intern_portal.models import OutcomeStep

    day = on or date(2026, 1, 15)
    o = Outcome(project_id=project.id, kind=kind, status=status, top_tier=top_tier,
                internal=internal, status_date=day, title=title or f"Outcome {next(_seq)}",
                venue="NeurIPS" if kind in (OutcomeKind.PAPER, OutcomeKind.TUTORIAL) else None,
                steps=[OutcomeStep(status=status, occurred_on=day)])
    db.session.add(o)
    db.session.commit()
    return o


def import_job(creator: User | None = None) -> object:
    """A finished import of an interns file."""
    from intern_portal.models import ImportJob, ImportKind, ImportStatus

    job = ImportJob(kind=ImportKind.INTERNS, status=ImportStatus.DONE, filename="interns.csv",
                    created_by=creator, errors=[], finished_at=datetime.now(UTC))
    db.session.add(job)
    db.session.commit()
    return job
