"""Mentor assignments: who may change them and the rules they obey."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..authz import is_staff, manages, manages_team, require
from ..extensions import db
from ..kernel import Refusal, finish, lock_ids, refusing
from ..models import (
    CURRENT_STATUSES,
    Cohort,
    Internship,
    MentorAssignment,
    MentorProfile,
    Org,
    Team,
    User,
    utcnow,
)

ASSIGNMENT_FIELDS = ("internship_id", "mentor_id", "is_primary", "capacity_override", "reason",
                     "ended_at")


class MentorError(Refusal):
    """A mentor change was refused; field names the form field at fault."""


def check_may_manage_team(actor: User, team: Team) -> None:
    require(is_staff(actor) or manages_team(actor, team),
            "Only this team's manager, program leads and admins can see its mentor assignments.")


def check_may_manage(actor: User, internship: Internship) -> None:
    require(is_staff(actor) or manages(actor, internship),
            "Only this intern's manager, program leads and admins can change their mentors.")


def history(internship: Internship) -> list[MentorAssignment]:
    """Ended assignments, latest first."""
    ended = [(a.ended_at, a) for a in internship.assignments if a.ended_at is not None]
    return [a for _, a in sorted(ended, key=lambda row: row[0], reverse=True)]


def mentor_loads(mentor_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Count each mentor's current interns (offered or active internships), in one query."""
    # EXISTS rather than a join: SQLite then drives from the mentors, not every internship.
    is_current = select(Internship.id).where(
        Internship.id == MentorAssignment.internship_id, Internship.status.in_(CURRENT_STATUSES)
    ).exists()
    query = (
        select(MentorAssignment.mentor_id, func.count())
        .where(MentorAssignment.ended_at.is_(None), is_current)
        .group_by(MentorAssignment.mentor_id)
    )
    if mentor_ids is not None:
        ids = list(set(mentor_ids))
        if not ids:
            return {}
        query = query.where(MentorAssignment.mentor_id.in_(ids))
    return {mentor_id: count for mentor_id, count in db.session.execute(query)}


def load_internship(internship_id: int) -> Internship | None:
    """An internship with its people, team and every assignment (current and ended)."""
    return db.session.scalar(
        select(Internship)
        .where(Internship.id == internship_id)
        .options(
            joinedload(Internship.intern).lazyload(User.roles),
            joinedload(Internship.cohort),
            joinedload(Internship.team).joinedload(Team.org),
            selectinload(Internship.assignments).options(
                joinedload(MentorAssignment.mentor).lazyload(User.roles),
                joinedload(MentorAssignment.mentor_profile).joinedload(MentorProfile.team),
            ),
        )
    )


def find_mentor(email: str) -> MentorProfile:
    """The mentor profile of the active person with this email, or a refusal."""
    profile = db.session.scalar(
        select(MentorProfile).join(MentorProfile.user)
        .where(User.email == email.strip().lower())
        .options(joinedload(MentorProfile.user))
    )
    if profile is None or not profile.user.active:
        raise MentorError(f"No active mentor has the email {email.strip()}.", "mentor_email")
    return profile


def _save(actor: User, action: str, assignment: MentorAssignment, summary: str,
          reason: str, before: dict | None = None) -> None:
    db.session.flush()  # the new row gets its ids before the snapshot
    audit.record(actor.id, action, assignment, summary, before,
                 audit.snapshot(assignment, ASSIGNMENT_FIELDS), reason=reason)


def _end(assignment: MentorAssignment, actor: User, reason: str, why: str) -> None:
    before = {"ended_at": None}
    assignment.ended_at = utcnow()
    role = "primary" if assignment.is_primary else "additional"
    _save(actor, "end", assignment,
          f"Ended {assignment.mentor.name} as {role} mentor of "
          f"{assignment.internship.intern.name}{why}", reason, before)


class RaceLost(MentorError):
    """Another request changed the same mentors first; the partial unique indexes said no."""


RACE_LOST = "Someone changed these mentors at the same moment. Reload the page and try again."


def _race_refused() -> AbstractContextManager[None]:
    return refusing(RACE_LOST, kind=RaceLost)


def _commit() -> None:
    finish(RACE_LOST, kind=RaceLost)


def check_capacity(profile: MentorProfile, load: int, override: bool) -> bool:
    """Refuse a full mentor unless overridden; True when the override was needed."""
    if load < profile.capacity:
        return False
    if not override:
        raise MentorError(
            f"{profile.user.name} already mentors {load} "
            f"{'intern' if load == 1 else 'interns'} and their capacity is {profile.capacity}. "
            "Tick “Assign over capacity” to assign them anyway.",
            "override",
        )
    return True


def assign(
    internship: Internship,
    profile: MentorProfile,
    *,
    primary: bool,
    reason: str,
    actor: User,
    override: bool = False,
    replace_primary: bool = False,
) -> MentorAssignment:
    """Make the mentor primary or additional on the internship, under every assignment rule."""
    assignment = _assign(internship, profile, primary=primary, reason=reason, actor=actor,
                         override=override, replace_primary=replace_primary)
    _commit()
    return assignment


def _assign(internship: Internship, profile: MentorProfile, *, primary: bool, reason: str,
            actor: User, override: bool, replace_primary: bool = False) -> MentorAssignment:
    """The assignment rules and the rows they write, flushed; the use case commits."""
    check_may_manage(actor, internship)
    reason = reason.strip()
    if not reason:
        raise MentorError("Say why: the reason goes in the audit log.", "reason")
    mentor = profile.user
    if not mentor.active:
        raise MentorError(f"{mentor.name}'s account is disabled.", "mentor_email")
    if mentor.id == internship.intern_id:
        raise MentorError("A person can't mentor themselves.", "mentor_email")
    live = internship.current_assignments
    same = next((a for a in live if a.mentor_id == mentor.id), None)
    if same is not None and (same.is_primary or not primary):
        kind = "the primary" if same.is_primary else "an additional"
        raise MentorError(f"{mentor.name} is already {kind} mentor of this intern.",
                          "mentor_email")
    old_primary = internship.primary_assignment
    if primary and old_primary is not None and not replace_primary:
        raise MentorError(
            f"{old_primary.mentor.name} is the primary mentor already; an intern has exactly "
            "one. Choose “New primary mentor” to replace them.", "role")
    # Hold the mentor's profile so two managers can't both take the last place.
    lock_ids(MentorProfile.id, [profile.id])
    load = mentor_loads([mentor.id]).get(mentor.id, 0)
    if same is not None:
        load -= 1  # promoting an additional mentor: they keep the same one intern
    over = check_capacity(profile, load, override)
    role = "primary" if primary else "additional"
    note = " over capacity" if over else ""
    with _race_refused():
        if same is not None:
            _end(same, actor, reason, " (made primary)")
        if primary and old_primary is not None:
            _end(old_primary, actor, reason, f" (replaced by {mentor.name})")
        db.session.flush()  # the ended rows leave the partial unique indexes first
        assignment = MentorAssignment(
            internship=internship, mentor=mentor, is_primary=primary, assigned_by_id=actor.id,
            reason=reason, capacity_override=over,
        )
        db.session.add(assignment)
        _save(actor, "assign", assignment,
              f"Assigned {mentor.name} as {role} mentor of {internship.intern.name}{note}",
              reason)
    return assignment


def end(assignment: MentorAssignment, *, reason: str, actor: User) -> None:
    """End a current assignment; the row stays, so the history does too."""
    internship = assignment.internship
    check_may_manage(actor, internship)
    if assignment.ended_at is not None:
        raise MentorError(f"{assignment.mentor.name}'s assignment has already ended.")
    reason = reason.strip()
    if not reason:
        raise MentorError("Say why: the reason goes in the audit log.", "reason")
    with _race_refused():
        _end(assignment, actor, reason, "")
    _commit()


def cohorts() -> list[Cohort]:
    """Every cohort, latest first."""
    return list(db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())))


def teams_for(actor: User) -> list[Team]:
    """The teams whose mentors the person may manage: their own, or every team for staff."""
    query = select(Team).options(joinedload(Team.org)).join(Team.org)
    if not is_staff(actor):
        query = query.where(Team.manager_id == actor.id)
    return list(db.session.scalars(query.order_by(Org.name, Team.name)))


def accept_proposal(
    internships: list[Internship],
    choices: dict[int, int],
    *,
    reason: str,
    actor: User,
    override: bool = False,
) -> tuple[int, dict[int, str]]:
    """Assign each chosen primary mentor in one transaction: all rows, or none and the errors."""
    by_id = {i.id: i for i in internships}
    profiles = {p.user_id: p for p in db.session.scalars(
        select(MentorProfile).where(MentorProfile.user_id.in_(set(choices.values())))
        .options(joinedload(MentorProfile.user))
    )}
    errors: dict[int, str] = {}
    made = 0
    for internship_id, mentor_id in choices.items():
        internship = by_id.get(internship_id)
        if internship is None:
            continue
        profile = profiles.get(mentor_id)
        try:
            if profile is None:
                raise MentorError("Pick a mentor from the list.")
            _assign(internship, profile, primary=True, reason=reason, actor=actor,
                    override=override)
            made += 1
        except RaceLost as error:
            errors[internship_id] = str(error)
            break  # the transaction is gone; nothing after this row can be written
        except MentorError as error:
            errors[internship_id] = str(error)
    if errors:
        db.session.rollback()
        return 0, errors
    _commit()
    return made, {}
