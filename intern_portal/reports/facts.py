"""Report facts: each internship's report figures, kept in step with the rows they come from.

A whole-program report adds up one narrow row per internship (`report_facts`, with its
mentors in `report_mentors`) instead of aggregating outcomes, launch plans, lunch dates and
mentor assignments on every request. The rows are kept by a session hook: every commit that
touches an internship, its project, outcomes, mentors, launch-plan delivery or its intern's
lunch bookings recomputes that internship's rows in the same transaction, so no write path can
forget and a failed write leaves nothing half-done. Bulk writes that bypass the session (the
CSV import, benchmarks) add what they touched to `pending(session)`, or call `refresh`.

Lunch dates count once their slot has ended, which no write marks. A row therefore records
when its next booked lunch ends (`lunch_next_end`); from that moment the report counts that
internship's lunches live, until the scheduler's job (`refresh_due`) brings the row up to date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    and_,
    case,
    distinct,
    event,
    exists,
    func,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.elements import ColumnElement

from ..kernel import for_change
from ..models import (
    BookingStatus,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    MentorAssignment,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    Project,
    ReportFacts,
    ReportMentor,
    utcnow,
)
from ..models.types import UTCDateTime
from .sql import local_midnight, utc_day

# The app's scoped session or a plain one (the session hooks get plain ones).
AnySession = Session | scoped_session[Any]

PRODUCTION_REACHED = (OutcomeStatus.TOWARD_PRODUCTION, OutcomeStatus.IN_PRODUCTION)
IN_REVIEW = (OutcomeStatus.SUBMITTED, OutcomeStatus.ACCEPTED)
PATENT_COUNTED = (OutcomeStatus.FILED, OutcomeStatus.GRANTED)

# The facts' columns in the order `facts_select` produces them.
COLUMNS = (
    "internship_id", "cohort_id", "team_id", "focus_area_id", "start_date", "return_intern",
    "mentored", "has_project", "top_tier", "production", "both_goals", "plan_day_one",
    "papers_published", "papers_top_tier", "papers_internal", "papers_in_review", "tutorials",
    "patents", "open_source", "lunch_dates", "scientists_met", "lunch_next_end", "refreshed_at",
)
BATCH = 2_000
# Past this many internships one refresh recomputes every row rather than listing ids.
WHOLESALE = 10_000
PENDING = "report_facts.pending"
# Changes to these internship columns move its facts.
INTERNSHIP_COLUMNS = ("start_date", "end_date", "time_zone", "intern_id", "cohort_id", "team_id",
                      "status", "previous_internship_id")
MENTOR_COLUMNS = ("internship_id", "mentor_id", "cohort_id", "team_id", "focus_area_id")
# The columns that depend on the moment they were computed at.
LUNCH_COLUMNS = ("lunch_dates", "scientists_met", "lunch_next_end")


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.max(case((condition, 1), else_=0))


def tally(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def outcome_columns() -> tuple[Any, ...]:
    """Per project (grouped by Outcome.project_id): what it reached, and its outcomes by kind."""
    paper = Outcome.kind == OutcomeKind.PAPER
    published = and_(paper, Outcome.status == OutcomeStatus.PUBLISHED)
    return (
        Outcome.project_id.label("project_id"),
        _flag(and_(published, Outcome.top_tier.is_(True))).label("top_tier"),
        _flag(
            and_(Outcome.kind == OutcomeKind.PRODUCTION, Outcome.status.in_(PRODUCTION_REACHED))
        ).label("production"),
        tally(published).label("papers_published"),
        tally(and_(published, Outcome.top_tier.is_(True))).label("papers_top_tier"),
        tally(and_(published, Outcome.internal.is_(True))).label("papers_internal"),
        tally(and_(paper, Outcome.status.in_(IN_REVIEW))).label("papers_in_review"),
        tally(
            and_(Outcome.kind == OutcomeKind.TUTORIAL, Outcome.status == OutcomeStatus.ACCEPTED)
        ).label("tutorials"),
        tally(
            and_(Outcome.kind == OutcomeKind.PATENT, Outcome.status.in_(PATENT_COUNTED))
        ).label("patents"),
        tally(Outcome.kind == OutcomeKind.OPEN_SOURCE).label("open_source"),
    )


def lunch_per_internship(targets: Select[Any] | None, now: datetime) -> Any:
    """Per internship: lunch dates that took place during it, scientists met, next one's end.

    A lunch date counts when it was booked (not cancelled, not a no-show), its slot has ended,
    and it fell within the internship's dates; several internships of one intern each count
    their own.
    """
    slot_day = utc_day(LunchSlot.starts_at)
    ended = LunchSlot.ends_at <= now
    stmt = (
        select(
            Internship.id.label("internship_id"),
            tally(ended).label("dates"),
            func.count(distinct(case((ended, LunchSlot.scientist_id)))).label("scientists"),
            func.min(case((~ended, LunchSlot.ends_at))).label("next_end"),
        )
        .join(LunchBooking, LunchBooking.intern_id == Internship.intern_id)
        .join(LunchSlot, LunchSlot.id == LunchBooking.slot_id)
        .where(
            # Not "= booked": SQLite would then walk every booking by its status index.
            LunchBooking.status.not_in((BookingStatus.CANCELLED, BookingStatus.NO_SHOW)),
            slot_day >= Internship.start_date,
            slot_day <= Internship.end_date,
        )
        .group_by(Internship.id)
    )
    if targets is not None:
        stmt = stmt.where(Internship.id.in_(targets))
    return stmt.subquery("lunch")


def plan_on_day_one() -> ColumnElement[bool]:
    """The plan reached the intern by the end of their first day, in the internship's zone.

    Plans are delivered at local midnight of the start date at the earliest (plans/delivery.py).
    """
    closes = local_midnight(Internship.start_date, Internship.time_zone, literal_column("1"))
    return and_(LaunchPlan.delivered_at.is_not(None), LaunchPlan.delivered_at < closes)


def facts_select(targets: Select[Any] | None, now: datetime) -> Select[Any]:
    """The facts (COLUMNS) of the internships `targets` selects.

    `targets` is a SELECT of internship ids, or None for every internship; withdrawn
    internships have none.
    """
    per_project = select(*outcome_columns()).group_by(Outcome.project_id)
    if targets is not None:
        per_project = per_project.where(
            Outcome.project_id.in_(select(Project.id).where(Project.internship_id.in_(targets)))
        )
    flags = per_project.subquery("flags")
    lunch = lunch_per_internship(targets, now)

    def count(column: Any) -> Any:
        return func.coalesce(column, 0)

    has_mentor = exists().where(MentorAssignment.internship_id == Internship.id)
    stmt = (
        select(
            Internship.id,
            Internship.cohort_id,
            Internship.team_id,
            Project.focus_area_id,
            Internship.start_date,
            case((Internship.previous_internship_id.is_not(None), 1), else_=0),
            case((has_mentor, 1), else_=0),
            case((Project.id.is_not(None), 1), else_=0),
            count(flags.c.top_tier),
            count(flags.c.production),
            case((and_(flags.c.top_tier == 1, flags.c.production == 1), 1), else_=0),
            case((plan_on_day_one(), 1), else_=0),
            count(flags.c.papers_published),
            count(flags.c.papers_top_tier),
            count(flags.c.papers_internal),
            count(flags.c.papers_in_review),
            count(flags.c.tutorials),
            count(flags.c.patents),
            count(flags.c.open_source),
            count(lunch.c.dates),
            count(lunch.c.scientists),
            lunch.c.next_end,
            literal(now, UTCDateTime),
        )
        .select_from(Internship)
        .outerjoin(Project, Project.internship_id == Internship.id)
        .outerjoin(flags, flags.c.project_id == Project.id)
        .outerjoin(LaunchPlan, LaunchPlan.internship_id == Internship.id)
        .outerjoin(lunch, lunch.c.internship_id == Internship.id)
        .where(Internship.status != InternshipStatus.WITHDRAWN)
    )
    return stmt if targets is None else stmt.where(Internship.id.in_(targets))


def mentors_select(targets: Select[Any] | None) -> Select[Any]:
    """The (internship, mentor) pairs (MENTOR_COLUMNS) of the internships `targets` selects."""
    stmt = (
        select(Internship.id, MentorAssignment.mentor_id, Internship.cohort_id,
               Internship.team_id, Project.focus_area_id)
        .join(MentorAssignment, MentorAssignment.internship_id == Internship.id)
        .outerjoin(Project, Project.internship_id == Internship.id)
        .where(Internship.status != InternshipStatus.WITHDRAWN)
        .distinct()
    )
    return stmt if targets is None else stmt.where(Internship.id.in_(targets))


@dataclass
class Pending:
    """What a transaction touched, by the key each kind of row leads to internships by."""

    internships: set[int] = field(default_factory=set)
    interns: set[int] = field(default_factory=set)
    projects: set[int] = field(default_factory=set)
    slots: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.internships or self.interns or self.projects or self.slots)

    def size(self) -> int:
        return len(self.internships) + len(self.interns) + len(self.projects) + len(self.slots)

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.internships:
            found.append(Internship.id.in_(sorted(self.internships)))
        if self.interns:
            found.append(Internship.intern_id.in_(sorted(self.interns)))
        if self.projects:
            in_projects = select(Project.internship_id).where(
                Project.id.in_(sorted(self.projects))
            )
            found.append(Internship.id.in_(in_projects))
        if self.slots:
            booked = select(LunchBooking.intern_id).where(
                LunchBooking.slot_id.in_(sorted(self.slots))
            )
            found.append(Internship.intern_id.in_(booked))
        return found


def refresh(session: AnySession, pending: Pending | None = None, *,
            now: datetime | None = None) -> int:
    """Recompute the facts of the internships `pending` leads to (None: every internship).

    The internships are locked first (PostgreSQL), so two transactions refreshing the same
    internship take turns and the later one computes from what the earlier one committed.
    """
    now = now or utcnow()
    wholesale = pending is None or pending.size() > WHOLESALE
    targets = select(Internship.id).order_by(Internship.id)
    if not wholesale:
        if not pending:
            return 0
        targets = targets.where(or_(*pending.conditions()))
    ids = list(session.scalars(for_change(targets, session=session)))
    facts_table, mentors_table = ReportFacts.__table__, ReportMentor.__table__
    assert isinstance(facts_table, Table) and isinstance(mentors_table, Table)
    if wholesale:
        session.execute(facts_table.delete())
        session.execute(mentors_table.delete())
        session.execute(facts_table.insert().from_select(COLUMNS, facts_select(None, now)))
        session.execute(mentors_table.insert().from_select(MENTOR_COLUMNS, mentors_select(None)))
        return len(ids)
    for at in range(0, len(ids), BATCH):
        chunk = ids[at:at + BATCH]
        session.execute(facts_table.delete().where(facts_table.c.internship_id.in_(chunk)))
        session.execute(mentors_table.delete().where(mentors_table.c.internship_id.in_(chunk)))
        listed = select(Internship.id).where(Internship.id.in_(chunk))
        session.execute(facts_table.insert().from_select(COLUMNS, facts_select(listed, now)))
        session.execute(
            mentors_table.insert().from_select(MENTOR_COLUMNS, mentors_select(listed))
        )
    return len(ids)


def refresh_due(session: AnySession, now: datetime | None = None, limit: int = 5_000) -> int:
    """Bring up to `limit` rows up to date: lunch dates ended since, internships without a row."""
    now = now or utcnow()
    ids = set(session.scalars(union(stale_lunch_ids(now), without_facts()).limit(limit)))
    return refresh(session, Pending(internships=ids), now=now) if ids else 0


def pending(session: AnySession) -> Pending:
    """What this transaction will refresh at commit; bulk writes add to it themselves."""
    found: Pending = session.info.setdefault(PENDING, Pending())
    return found


def without_facts() -> Select[Any]:
    """Internships the report counts that have no facts yet."""
    return select(Internship.id).where(
        Internship.status != InternshipStatus.WITHDRAWN,
        ~exists().where(ReportFacts.internship_id == Internship.id),
    )


def missing_count() -> Select[Any]:
    """How many counted internships lack facts: a cheap check the report makes first."""
    counted = select(func.count(Internship.id)).where(
        Internship.status != InternshipStatus.WITHDRAWN
    )
    return select(counted.scalar_subquery() - select(func.count()).select_from(
        ReportFacts).scalar_subquery())


def _changed(obj: Any, names: Iterable[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _collect(session: Session, _flush_context: Any) -> None:
    """After each flush: note which internships the flushed rows lead to."""
    touched = pending(session)
    for obj in session.new:
        _note(touched, obj, new=True)
    for obj in session.dirty:
        _note(touched, obj, new=False)
    for obj in session.deleted:
        _note(touched, obj, new=True)


def _note(pending: Pending, obj: Any, *, new: bool) -> None:
    match obj:
        case Internship() if new or _changed(obj, INTERNSHIP_COLUMNS):
            pending.internships.add(obj.id)
        case Project():
            pending.internships.add(obj.internship_id)
        case Outcome():
            pending.projects.add(obj.project_id)
        case LaunchPlan() if new or _changed(obj, ("delivered_at",)):
            pending.internships.add(obj.internship_id)
        case MentorAssignment():
            pending.internships.add(obj.internship_id)
        case LunchBooking():
            pending.interns.add(obj.intern_id)
        case LunchSlot() if not new and _changed(obj, ("starts_at", "ends_at")):
            pending.slots.add(obj.id)


def _refresh_before_commit(session: Session) -> None:
    session.flush()  # what is still unflushed is noted by _collect first
    touched: Pending | None = session.info.pop(PENDING, None)
    if touched:
        refresh(session, touched)


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop(PENDING, None)


def listen() -> None:
    """Keep the facts from every session; idempotent."""
    for name, fn in (("after_flush", _collect), ("before_commit", _refresh_before_commit),
                     ("after_transaction_end", _forget)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def stale_lunch_ids(now: datetime) -> Select[Any]:
    """The internships whose lunch counts are behind: a booked lunch date has ended since."""
    return select(ReportFacts.internship_id).where(ReportFacts.lunch_next_end <= now)


def mismatches(session: AnySession, now: datetime | None = None) -> dict[int, str]:
    """Internships whose stored facts differ from a fresh computation, with what differs.

    Lunch counts are compared only for rows that are up to date at `now`; rows that are behind
    are counted live by the report until the scheduler refreshes them.
    """
    now = now or utcnow()
    table = ReportFacts.__table__
    stored = {row[0]: row for row in session.execute(select(*(table.c[c] for c in COLUMNS)))}
    found: dict[int, str] = {}
    for row in session.execute(facts_select(None, now)):
        have = stored.pop(row[0], None)
        if have is None:
            found[row[0]] = "no report facts"
            continue
        next_end, refreshed_at = have[-2], have[-1]
        current = refreshed_at <= now and (next_end is None or next_end > now)
        differ = [
            f"{name} {have[at]} != {row[at]}"
            for at, name in enumerate(COLUMNS[1:-1], start=1)
            if (current or name not in LUNCH_COLUMNS) and have[at] != row[at]
        ]
        if differ:
            found[row[0]] = ", ".join(differ)
    for internship_id in stored:
        found[internship_id] = "facts of an internship the report does not count"
    mentors = ReportMentor.__table__
    kept = set(session.execute(select(*(mentors.c[c] for c in MENTOR_COLUMNS))))
    for row in set(session.execute(mentors_select(None))) ^ kept:
        found[row[0]] = f"mentor pair {tuple(row)} {'missing' if row not in kept else 'extra'}"
    return found
