"""Mentor fit: ranked suggestions for one intern, and an optimal proposal for a cohort."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..authz import is_staff
from ..extensions import db
from ..models import CURRENT_STATUSES, Internship, MentorAssignment, MentorProfile, Org, Team, User
from ..timeutil import at_local
from .service import mentor_loads

# Points out of 100: what a manager weighs when picking a mentor.
RESEARCH_POINTS = 40
TEAM_POINTS = 25
ORG_POINTS = 10
HOURS_POINTS = 20
SPARE_POINTS = 15
WORKDAY = (time(9), time(17))
WORKDAY_HOURS = 8.0
# A pair the proposal must never pick (the intern themself): far below any real fit.
FORBIDDEN = -1e6

# Words too common in research areas to say anything about fit.
STOP_WORDS = frozenset({
    "and", "for", "from", "into", "the", "with", "using", "via", "based", "large", "scale",
    "learning", "data", "systems", "methods", "models",
})
WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=16384)
def words(text: str) -> frozenset[str]:
    """The content words of a research area or an expertise, lightly stemmed."""
    found = set()
    for word in WORD.findall(text.lower()):
        if len(word) < 3 or word in STOP_WORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def _workday_utc(zone: str, day: date) -> tuple[datetime, datetime]:
    return at_local(day, WORKDAY[0], zone), at_local(day, WORKDAY[1], zone)


@lru_cache(maxsize=4096)
def shared_hours(zone_a: str, zone_b: str, day: date) -> float:
    """Hours both people are in their 9-to-5 on the day (either side of the date line)."""
    a_start, a_end = _workday_utc(zone_a, day)
    best = 0.0
    for shift in (-1, 0, 1):
        b_start, b_end = _workday_utc(zone_b, day + timedelta(days=shift))
        overlap = (min(a_end, b_end) - max(a_start, b_start)).total_seconds() / 3600
        best = max(best, overlap)
    return best


@dataclass(frozen=True)
class MentorCard:
    """What a suggestion shows of a mentor: read as plain columns, not ORM objects."""

    user_id: int
    name: str
    email: str
    time_zone: str
    team_id: int | None
    team_name: str | None
    org_id: int | None
    capacity: int
    expertise: str


@dataclass
class Pool:
    """Every active mentor with a profile, and arrays of what the fit is computed from."""

    mentors: list[MentorCard]
    loads: dict[int, int]
    words: list[frozenset[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.words = [words(m.expertise) for m in self.mentors]
        self.user_ids = np.array([m.user_id for m in self.mentors], dtype=np.int64)
        self.team_ids = np.array([m.team_id or 0 for m in self.mentors], dtype=np.int64)
        self.org_ids = np.array([m.org_id or 0 for m in self.mentors], dtype=np.int64)
        self.capacity = np.array([m.capacity for m in self.mentors], dtype=np.int64)
        self.load = np.array([self.loads.get(m.user_id, 0) for m in self.mentors],
                             dtype=np.int64)
        self.spare = np.maximum(self.capacity - self.load, 0)
        self.zones = [m.time_zone for m in self.mentors]


def load_pool() -> Pool:
    """Load every active mentor's profile, team and current load in two queries."""
    rows = db.session.execute(
        select(User.id, User.name, User.email, User.time_zone, MentorProfile.team_id,
               Team.name, Team.org_id, MentorProfile.capacity, MentorProfile.expertise)
        .join(User, User.id == MentorProfile.user_id)
        .outerjoin(Team, Team.id == MentorProfile.team_id)
        .where(User.active.is_(True))
        .order_by(User.name, User.id)
    )
    return Pool([MentorCard(*row) for row in rows], mentor_loads())


@dataclass
class Fit:
    """The fit of every intern (rows) with every mentor (columns), by component."""

    research: np.ndarray
    team: np.ndarray
    hours: np.ndarray
    shared_hours: np.ndarray
    spare: np.ndarray
    total: np.ndarray


def fit_matrix(internships: list[Internship], pool: Pool, day: date) -> Fit:
    """Score each intern against each mentor; the intern themself is FORBIDDEN."""
    n, m = len(internships), len(pool.mentors)
    vocabulary: dict[str, int] = {}
    intern_words = [words(i.research_area) for i in internships]
    for group in (*intern_words, *pool.words):
        for word in group:
            vocabulary.setdefault(word, len(vocabulary))
    a = np.zeros((n, len(vocabulary)), dtype=np.float32)
    b = np.zeros((m, len(vocabulary)), dtype=np.float32)
    for row, group in enumerate(intern_words):
        a[row, [vocabulary[w] for w in group]] = 1
    for col, group in enumerate(pool.words):
        b[col, [vocabulary[w] for w in group]] = 1
    sizes = np.maximum(a.sum(axis=1, keepdims=True), 1)
    research = RESEARCH_POINTS * (a @ b.T) / sizes

    team_ids = np.array([i.team_id for i in internships], dtype=np.int64)[:, None]
    org_ids = np.array([i.team.org_id for i in internships], dtype=np.int64)[:, None]
    same_team = team_ids == pool.team_ids[None, :]
    same_org = (org_ids == pool.org_ids[None, :]) & ~same_team
    team = TEAM_POINTS * same_team + ORG_POINTS * same_org

    zones = sorted(set(pool.zones) | {i.time_zone for i in internships})
    index = {z: k for k, z in enumerate(zones)}
    table = np.array([[shared_hours(x, y, day) for y in zones] for x in zones])
    hours_shared = table[np.ix_([index[i.time_zone] for i in internships],
                                [index[z] for z in pool.zones])]
    hours = HOURS_POINTS * hours_shared / WORKDAY_HOURS

    capacity = np.maximum(pool.capacity, 1)
    spare = np.broadcast_to(SPARE_POINTS * pool.spare / capacity, (n, m))
    total = research + team + hours + spare
    intern_ids = np.array([i.intern_id for i in internships], dtype=np.int64)[:, None]
    total = np.where(intern_ids == pool.user_ids[None, :], FORBIDDEN, total)
    return Fit(research, team, hours, hours_shared, spare, total)


@dataclass
class Suggestion:
    mentor: MentorCard
    load: int
    fit: float
    reasons: list[str]

    @property
    def full(self) -> bool:
        return self.load >= self.mentor.capacity


def explain(internship: Internship, pool: Pool, fit: Fit, row: int, col: int) -> Suggestion:
    """The fit of one pair with the reasons behind it, in words."""
    mentor = pool.mentors[col]
    reasons = []
    shared = sorted(words(internship.research_area) & pool.words[col])
    if shared:
        reasons.append("Research: " + ", ".join(shared))
    if mentor.team_id == internship.team_id:
        reasons.append("Same team")
    elif mentor.org_id == internship.team.org_id:
        reasons.append(f"Same org ({internship.team.org.name})")
    hours = float(fit.shared_hours[row, col])
    if hours > 0:
        reasons.append(f"{hours:g} h of shared working hours")
    else:
        reasons.append("No shared working hours")
    load, capacity = int(pool.load[col]), mentor.capacity
    if load < capacity:
        reasons.append(f"{capacity - load} of {capacity} places free")
    else:
        reasons.append(f"Full ({load} of {capacity})")
    return Suggestion(mentor, load, round(float(fit.total[row, col]), 1), reasons)


def suggestions(internship: Internship, limit: int = 20, pool: Pool | None = None,
                day: date | None = None) -> list[Suggestion]:
    """The best-fitting mentors for the intern: those with room first, then by fit."""
    pool = pool or load_pool()
    on_it = {a.mentor_id for a in internship.assignments if a.ended_at is None}
    fit = fit_matrix([internship], pool, day or datetime.now(UTC).date())
    scores = fit.total[0]
    order = np.lexsort((-scores, pool.spare == 0))
    picked = []
    for col in order:
        if scores[col] <= FORBIDDEN / 2 or pool.mentors[col].user_id in on_it:
            continue
        picked.append(explain(internship, pool, fit, 0, int(col)))
        if len(picked) == limit:
            break
    return picked


def optimal_assignment(fit: np.ndarray, seats: np.ndarray) -> list[int | None]:
    """For each row, the column (mentor) that maximises total fit with at most seats[col] rows.

    Each mentor becomes as many identical columns as they have free places, and the
    Hungarian-style solver (scipy's linear_sum_assignment) finds the exact optimum; a row
    left without a column, or only a FORBIDDEN one, gets None.
    """
    n = fit.shape[0]
    seats = np.minimum(seats, n)
    columns = np.repeat(np.arange(fit.shape[1]), seats)
    result: list[int | None] = [None] * n
    if n == 0 or columns.size == 0:
        return result
    rows, cols = linear_sum_assignment(fit[:, columns], maximize=True)
    for row, col in zip(rows, cols, strict=True):
        mentor = int(columns[col])
        if fit[row, mentor] > FORBIDDEN / 2:
            result[int(row)] = mentor
    return result


@dataclass
class ProposalRow:
    internship: Internship
    proposed: Suggestion | None
    options: list[Suggestion]


PROPOSAL_LIMIT = 400  # interns in one proposal; a larger cohort is proposed team by team


def _unmentored_query(cohort_id: int, actor: User, team_id: int | None) -> Select:
    has_primary = select(MentorAssignment.internship_id).where(
        MentorAssignment.is_primary, MentorAssignment.ended_at.is_(None))
    query = (
        select(Internship)
        .join(Internship.team)
        .where(Internship.cohort_id == cohort_id, Internship.status.in_(CURRENT_STATUSES),
               Internship.id.not_in(has_primary))
    )
    if team_id is not None:
        query = query.where(Internship.team_id == team_id)
    if not is_staff(actor):
        query = query.where((Team.manager_id == actor.id) | (Internship.manager_id == actor.id))
    return query


def unmentored(cohort_id: int, actor: User, team_id: int | None = None) -> list[Internship]:
    """The cohort's current internships with no primary mentor that the person may manage."""
    query = (
        _unmentored_query(cohort_id, actor, team_id)
        .join(Internship.intern)
        .options(joinedload(Internship.intern).lazyload(User.roles),
                 joinedload(Internship.team).joinedload(Team.org),
                 selectinload(Internship.assignments))
        .order_by(Team.name, User.name)
        .limit(PROPOSAL_LIMIT + 1)
    )
    return list(db.session.scalars(query).unique())


def unmentored_by_team(cohort_id: int, actor: User) -> list[tuple[int, str, str, int]]:
    """Count the interns without a primary mentor per team: id, team, org, count."""
    counted = _unmentored_query(cohort_id, actor, None).subquery()
    rows = db.session.execute(
        select(Team.id, Team.name, Org.name, func.count())
        .join(counted, counted.c.team_id == Team.id)
        .join(Org, Org.id == Team.org_id)
        .group_by(Team.id, Team.name, Org.name)
        .order_by(Org.name, Team.name)
    )
    return [(team_id, team, org, count) for team_id, team, org, count in rows]


def propose(internships: list[Internship], options: int = 8,
            day: date | None = None) -> list[ProposalRow]:
    """Propose a primary mentor for each intern, maximising total fit within capacities."""
    pool = load_pool()
    if not internships:
        return []
    fit = fit_matrix(internships, pool, day or datetime.now(UTC).date())
    seats = pool.spare.copy()
    chosen = optimal_assignment(fit.total, seats) if pool.mentors else [None] * len(internships)
    rows = []
    for r, internship in enumerate(internships):
        scores = np.where(pool.spare > 0, fit.total[r], FORBIDDEN)
        count = min(options, scores.size)
        best: Any = np.argsort(-scores, kind="stable")[:count] if count else []
        cols = [int(c) for c in best if scores[c] > FORBIDDEN / 2]
        pick = chosen[r]
        if pick is not None and pick not in cols:
            cols.insert(0, pick)
        listed = [explain(internship, pool, fit, r, c) for c in cols]
        proposed = next((s for s, c in zip(listed, cols, strict=True) if c == pick), None)
        rows.append(ProposalRow(internship, proposed, listed))
    return rows
