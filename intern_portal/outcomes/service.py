"""Outcomes of projects: who may see and record them, and how their status moves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..authz import has_mentored, is_staff, manages, require
from ..extensions import db
from ..kernel import Refusal, finish
from ..models import (
    AuditEntry,
    Internship,
    MentorAssignment,
    Outcome,
    OutcomeAuthor,
    OutcomeKind,
    OutcomeStatus,
    OutcomeStep,
    Project,
    Role,
    Team,
    User,
)
from ..models.outcomes import STATUSES_BY_KIND, is_final
from ..timeutil import local_now

FIELDS = ("kind", "status", "title", "venue", "url", "top_tier", "internal", "status_date")
WITH_VENUE = {OutcomeKind.PAPER, OutcomeKind.TUTORIAL}
EMAIL = re.compile(r"[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+")


class OutcomeError(Refusal):
    """A refused change, naming the form field it concerns."""


def _loaded_project(project_id: int) -> Project | None:
    return db.session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(
            joinedload(Project.internship).options(
                joinedload(Internship.intern),
                joinedload(Internship.team),
                joinedload(Internship.cohort),
                selectinload(Internship.assignments),
            ),
            joinedload(Project.focus_area),
        )
    )


def can_record(user: User, project: Project) -> bool:
    """The project's intern (also after the internship ends), its mentors and managers."""
    internship = project.internship
    return (
        internship.intern_id == user.id
        or has_mentored(user, internship)
        or manages(user, internship)
        or user.has_role(Role.ADMIN)
    )


def can_view(user: User, project: Project) -> bool:
    return can_record(user, project) or user.has_role(Role.PROGRAM_LEAD)


def project_for(user: User, project_id: int, *, record: bool = False) -> Project:
    """The project with its people loaded, or a 404 / 403."""
    project = _loaded_project(project_id)
    if project is None:
        abort(404, description="There is no such project.")
    if record:
        require(can_record(user, project), "Only the project's intern, mentors and managers "
                                           "record its outcomes.")
    else:
        require(can_view(user, project), "You can see only the outcomes of your own projects.")
    return project


def outcome_for(user: User, outcome_id: int, *, record: bool = False) -> Outcome:
    """The outcome with its history and authors, if the user may see (or record) it."""
    outcome = db.session.scalar(
        select(Outcome)
        .where(Outcome.id == outcome_id)
        .options(selectinload(Outcome.steps), selectinload(Outcome.authors))
    )
    if outcome is None:
        abort(404, description="There is no such outcome.")
    project_for(user, outcome.project_id, record=record)
    return outcome


def history(outcome: Outcome) -> list[AuditEntry]:
    """The audit entries of an outcome, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == Outcome.__tablename__,
                   AuditEntry.entity_id == outcome.id)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )


def outcomes_of(project: Project) -> list[Outcome]:
    return list(
        db.session.scalars(
            select(Outcome)
            .where(Outcome.project_id == project.id)
            .options(selectinload(Outcome.steps), selectinload(Outcome.authors))
            .order_by(Outcome.kind, Outcome.created_at)
        )
    )


def projects_page(user: User, page: int, per_page: int = 50) -> Pagination:
    """The projects whose outcomes the user records: their own, their mentees', their teams'."""
    conditions = [Internship.intern_id == user.id]
    if user.has_role(Role.MENTOR):
        conditions.append(
            Internship.id.in_(
                select(MentorAssignment.internship_id).where(MentorAssignment.mentor_id == user.id)
            )
        )
    if user.has_role(Role.MANAGER):
        conditions.append(Internship.manager_id == user.id)
        conditions.append(
            Internship.team_id.in_(select(Team.id).where(Team.manager_id == user.id))
        )
    stmt = (
        select(Project)
        .join(Project.internship)
        .where(or_(*conditions))
        .options(
            joinedload(Project.internship).options(
                joinedload(Internship.intern),
                joinedload(Internship.team),
                joinedload(Internship.cohort),
            )
        )
        .order_by(Internship.start_date.desc(), Project.id)
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def outcome_counts(project_ids: list[int]) -> dict[int, int]:
    """How many outcomes each of these projects has."""
    if not project_ids:
        return {}
    rows = db.session.execute(
        select(Outcome.project_id, func.count())
        .where(Outcome.project_id.in_(project_ids))
        .group_by(Outcome.project_id)
    )
    return {project_id: n for project_id, n in rows}


@dataclass(frozen=True)
class AuthorLine:
    name: str
    email: str | None


def parse_authors(text: str) -> list[AuthorLine]:
    """One author per line: a name, or a name with an email that links a portal person."""
    authors = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        found = EMAIL.search(line)
        email = found.group(0).lower() if found else None
        name = re.sub(r"[<>]", "", EMAIL.sub("", line)).strip(" ,;") if found else line
        authors.append(AuthorLine(name=name[:200], email=email))
    return authors


def authors_text(outcome: Outcome) -> str:
    lines = []
    for author in outcome.authors:
        lines.append(f"{author.name} <{author.user.email}>" if author.user else author.name)
    return "\n".join(lines)


def _set_authors(outcome: Outcome, lines: list[AuthorLine]) -> None:
    emails = [a.email for a in lines if a.email]
    people = {
        u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))
    } if emails else {}
    unknown = [e for e in emails if e not in people]
    if unknown:
        raise OutcomeError(f"No one in the portal has the email {unknown[0]}; write the name "
                           "alone for an author from outside.", "authors")
    outcome.authors.clear()
    db.session.flush()
    for position, line in enumerate(lines, start=1):
        person = people.get(line.email) if line.email else None
        name = line.name or (person.name if person else "")
        outcome.authors.append(OutcomeAuthor(position=position, user=person, name=name))


def _author_snapshot(outcome: Outcome) -> list[str]:
    return [f"{a.position}. {a.name}" for a in outcome.authors]


def _check_date(user: User, day: date, field: str) -> None:
    if day > local_now(user.time_zone).date() + timedelta(days=1):
        raise OutcomeError("That date is in the future; record a step once it has happened.",
                           field)


def _check_details(kind: OutcomeKind, venue: str | None, internal: bool) -> None:
    if kind in WITH_VENUE and not venue:
        raise OutcomeError("Name the venue (conference, journal or internal event).", "venue")
    if internal and kind is not OutcomeKind.PAPER:
        raise OutcomeError("Only a paper can be marked as at an internal conference.", "internal")


def record_outcome(actor: User, project: Project, *, kind: OutcomeKind, status: OutcomeStatus,
                   status_date: date, title: str, venue: str | None = None,
                   url: str | None = None, top_tier: bool = False, internal: bool = False,
                   authors: str = "") -> Outcome:
    """Record a new outcome of a project with its first dated step."""
    require(can_record(actor, project), "Only the project's intern, mentors and managers "
                                        "record its outcomes.")
    if status not in STATUSES_BY_KIND[kind]:
        allowed = ", ".join(s.value.replace("_", " ") for s in STATUSES_BY_KIND[kind])
        raise OutcomeError(f"A {kind.value.replace('_', ' ')} can be: {allowed}.", "status")
    _check_details(kind, venue, internal)
    _check_date(actor, status_date, "status_date")
    outcome = Outcome(project=project, kind=kind, status=status, status_date=status_date,
                      title=title.strip(), venue=venue or None, url=url or None,
                      top_tier=top_tier, internal=internal, recorded_by_id=actor.id)
    outcome.steps.append(OutcomeStep(status=status, occurred_on=status_date,
                                     recorded_by_id=actor.id))
    db.session.add(outcome)
    _set_authors(outcome, parse_authors(authors))
    after = audit.snapshot(outcome, FIELDS) | {"authors": _author_snapshot(outcome)}
    audit.record(actor.id, "create", outcome,
                 f'{actor.name} recorded the {kind.value.replace("_", " ")} "{outcome.title}"',
                 after=after)
    finish(kind=OutcomeError)
    return outcome


def update_outcome(actor: User, outcome: Outcome, *, title: str, venue: str | None,
                   url: str | None, top_tier: bool, internal: bool, authors: str) -> Outcome:
    """Change an outcome's details (not its status); the audit log keeps what it was."""
    require(can_record(actor, outcome.project), "Only the project's intern, mentors and "
                                                "managers record its outcomes.")
    _check_details(outcome.kind, venue, internal)
    before = audit.snapshot(outcome, FIELDS) | {"authors": _author_snapshot(outcome)}
    outcome.title = title.strip()
    outcome.venue = venue or None
    outcome.url = url or None
    outcome.top_tier = top_tier
    outcome.internal = internal
    _set_authors(outcome, parse_authors(authors))
    after = audit.snapshot(outcome, FIELDS) | {"authors": _author_snapshot(outcome)}
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor.id, "update", outcome, f'{actor.name} edited "{outcome.title}"',
                     before=old, after=new)
    finish(kind=OutcomeError)
    return outcome


def is_forward(kind: OutcomeKind, current: OutcomeStatus, wanted: OutcomeStatus) -> bool:
    """Whether wanted lies ahead of current on the kind's road (rejection ends any road)."""
    if is_final(kind, current):  # the end of the road: anything after it is a correction
        return False
    if wanted is OutcomeStatus.REJECTED:
        return True
    order = STATUSES_BY_KIND[kind]
    return order.index(wanted) > order.index(current)


def change_status(actor: User, outcome: Outcome, *, status: OutcomeStatus, occurred_on: date,
                  reason: str = "") -> Outcome:
    """Move an outcome on to a new status; going back needs a reason and is marked a correction."""
    require(can_record(actor, outcome.project), "Only the project's intern, mentors and "
                                                "managers record its outcomes.")
    kind = outcome.kind
    if status not in STATUSES_BY_KIND[kind]:
        raise OutcomeError(f"A {kind.value.replace('_', ' ')} cannot be "
                           f"{status.value.replace('_', ' ')}.", "status")
    if status is outcome.status:
        raise OutcomeError(f"It is already {status.value.replace('_', ' ')}.", "status")
    reason = reason.strip()
    forward = is_forward(kind, outcome.status, status)
    if not forward and not reason:
        raise OutcomeError("Status moves only forward; to correct it, say why.", "reason")
    _check_date(actor, occurred_on, "occurred_on")
    last = max((s.occurred_on for s in outcome.steps), default=None)
    if forward and last is not None and occurred_on < last:
        raise OutcomeError(f"The previous step is dated {last.isoformat()}; a later step "
                           "cannot come before it.", "occurred_on")
    before = audit.snapshot(outcome, ("status", "status_date"))
    outcome.status = status
    outcome.status_date = occurred_on
    outcome.steps.append(OutcomeStep(status=status, occurred_on=occurred_on,
                                     recorded_by_id=actor.id,
                                     correction_reason="" if forward else reason))
    verb = "moved" if forward else "corrected"
    audit.record(actor.id, "status" if forward else "correct", outcome,
                 f'{actor.name} {verb} "{outcome.title}" to {status.value.replace("_", " ")}',
                 before=before, after=audit.snapshot(outcome, ("status", "status_date")),
                 reason=reason)
    finish(kind=OutcomeError)
    return outcome


def can_link_previous(user: User, project: Project) -> bool:
    """Program leads, admins and the internship's managers mark a return intern."""
    return is_staff(user) or manages(user, project.internship)


def earlier_internships(project: Project) -> list[Internship]:
    """The same intern's internships that started before this one, latest first."""
    internship = project.internship
    return list(
        db.session.scalars(
            select(Internship)
            .where(Internship.intern_id == internship.intern_id,
                   Internship.start_date < internship.start_date)
            .options(joinedload(Internship.cohort), joinedload(Internship.team))
            .order_by(Internship.start_date.desc())
        )
    )


def link_previous(actor: User, project: Project, previous_id: int | None) -> Internship:
    """Link a return intern's internship to their earlier one (or unlink it)."""
    require(can_link_previous(actor, project), "Only program leads and the intern's managers "
                                               "mark a return intern.")
    internship = project.internship
    if previous_id is not None and previous_id not in {i.id for i in earlier_internships(project)}:
        raise OutcomeError("Choose one of this intern's earlier internships.",
                           "previous_internship_id")
    before = audit.snapshot(internship, ("previous_internship_id",))
    internship.previous_internship_id = previous_id
    after = audit.snapshot(internship, ("previous_internship_id",))
    if before != after:
        summary = (f"{actor.name} marked {internship.intern.name} as a return intern"
                   if previous_id else f"{actor.name} unmarked {internship.intern.name} "
                                       "as a return intern")
        audit.record(actor.id, "update", internship, summary, before=before, after=after)
    finish(kind=OutcomeError)
    return internship
