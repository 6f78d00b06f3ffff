"""Writing checked import rows in bulk: new people and rows inserted, changed ones updated.

Statements go out as executemany batches, never one ORM flush per row; the caller commits.
Imported people get no password: they set one themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import insert, select, update

from ..extensions import db
from ..models import (
    Internship,
    InternshipStatus,
    MentorProfile,
    Role,
    User,
    UserRole,
    utcnow,
)
from ..reports import facts
from .rows import InternRecord, MentorRecord

Counts = tuple[int, int, int]
INTERNSHIP_FIELDS = ("university", "degree_program", "research_area", "team_id", "manager_id",
                     "location", "time_zone", "start_date", "end_date")
PROFILE_FIELDS = ("team_id", "expertise", "capacity")
INSERT_BATCH = 2000
SCAN_ABOVE = 1000  # more values than this: read the table once rather than IN lists


def chunks(values: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    """Split values into lists of at most size (keeps IN lists short)."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: Any, rows: list[dict[str, Any]], *returning: Any) -> list[Any]:
    """Insert rows in executemany batches (one compiled statement, many parameter sets)."""
    found: list[Any] = []
    for batch in chunks(rows, INSERT_BATCH):
        if returning:
            found.extend(db.session.execute(insert(model).returning(*returning), batch).all())
        else:
            db.session.execute(insert(model), batch)
    return found


def _rows_in(columns: list[Any], column: Any, values: list[Any], *where: Any) -> Iterator[Any]:
    """Rows whose column holds one of values: IN lists for a few, one table read for many.

    Right after a big import PostgreSQL's statistics are stale and it answers each long IN
    list with a sequential scan, so a large file reads the table once and filters here.
    """
    query = select(*columns).where(*where)
    if len(values) > SCAN_ABOVE:
        wanted = set(values)
        yield from (row for row in db.session.execute(query)
                    if getattr(row, column.key) in wanted)
        return
    for batch in chunks(values):
        yield from db.session.execute(query.where(column.in_(batch)))


def _people(emails: list[str]) -> dict[str, tuple[int, str, str]]:
    """Existing people by email: id, name, time zone."""
    columns = [User.id, User.email, User.name, User.time_zone]
    return {row.email: (row.id, row.name, row.time_zone)
            for row in _rows_in(columns, User.email, emails)}


def _create_people(new: list[tuple[str, str, str]]) -> dict[str, int]:
    """Insert (email, name, time zone) people; return their ids by email."""
    if not new:
        return {}
    now = utcnow()
    rows = [{"email": e, "name": n, "time_zone": z, "password_hash": None, "active": True,
             "digest_opt_out": False, "created_at": now} for e, n, z in new]
    return {email: user_id for user_id, email in _insert(User, rows, User.id, User.email)}


def _grant(role: Role, user_ids: list[int]) -> None:
    """Give the role to each of the people who lack it."""
    have = {row.user_id for row in _rows_in([UserRole.user_id], UserRole.user_id, user_ids,
                                            UserRole.role == role)}
    now = utcnow()
    missing = [{"user_id": u, "role": role, "granted_at": now} for u in user_ids
               if u not in have]
    if missing:
        _insert(UserRole, missing)


def _update(model: Any, changes: list[dict[str, Any]]) -> None:
    if changes:
        db.session.execute(update(model), changes)


def write_interns(records: list[InternRecord]) -> Counts:
    """Create or update each intern and their internship in the row's cohort."""
    people = _people([r.email for r in records])
    ids = {email: found[0] for email, found in people.items()}
    ids.update(_create_people([(r.email, r.name, r.time_zone) for r in records
                               if r.email not in people]))
    renamed = {r.email for r in records if r.email in people and people[r.email][1] != r.name}
    _update(User, [{"id": ids[r.email], "name": r.name} for r in records if r.email in renamed])
    _grant(Role.INTERN, list(ids.values()))

    existing: dict[tuple[int, int], dict[str, Any]] = {}
    earlier: dict[int, list[tuple[Any, int]]] = {}
    columns = [Internship.id, Internship.intern_id, Internship.cohort_id,
               *(getattr(Internship, f) for f in INTERNSHIP_FIELDS)]
    for row in _rows_in(columns, Internship.intern_id, list(ids.values())):
        values = row._asdict()
        existing[(values["intern_id"], values["cohort_id"])] = values
        earlier.setdefault(values["intern_id"], []).append((values["start_date"], values["id"]))

    now = utcnow()
    inserts, changes = [], []
    created = updated = unchanged = 0
    for r in records:
        intern_id = ids[r.email]
        wanted = {f: getattr(r, f) for f in INTERNSHIP_FIELDS}
        have = existing.get((intern_id, r.cohort_id))
        if have is None:
            before = [(start, i) for start, i in earlier.get(intern_id, []) if start < r.start_date]
            inserts.append({**wanted, "intern_id": intern_id, "cohort_id": r.cohort_id,
                            "status": InternshipStatus.OFFERED, "created_at": now,
                            "previous_internship_id": max(before)[1] if before else None})
            created += 1
        elif any(have[f] != wanted[f] for f in INTERNSHIP_FIELDS):
            changes.append({"id": have["id"], **wanted})
            updated += 1
        elif r.email in renamed:
            updated += 1
        else:
            unchanged += 1
    _insert(Internship, inserts)
    _update(Internship, changes)
    # Bulk statements pass the session's flush: the report facts are refreshed at commit.
    touched = facts.pending(db.session)
    touched.interns.update(row["intern_id"] for row in inserts)
    touched.internships.update(row["id"] for row in changes)
    return created, updated, unchanged


def write_mentors(records: list[MentorRecord]) -> Counts:
    """Create or update each mentor and their profile: team, expertise and capacity."""
    people = _people([r.email for r in records])
    ids = {email: found[0] for email, found in people.items()}
    ids.update(_create_people([(r.email, r.name, r.time_zone) for r in records
                               if r.email not in people]))
    moved = {r.email for r in records
             if r.email in people and people[r.email][1:] != (r.name, r.time_zone)}
    _update(User, [{"id": ids[r.email], "name": r.name, "time_zone": r.time_zone}
                   for r in records if r.email in moved])
    _grant(Role.MENTOR, list(ids.values()))

    profiles: dict[int, dict[str, Any]] = {}
    columns = [MentorProfile.id, MentorProfile.user_id,
               *(getattr(MentorProfile, f) for f in PROFILE_FIELDS)]
    for row in _rows_in(columns, MentorProfile.user_id, list(ids.values())):
        profiles[row.user_id] = row._asdict()

    inserts, changes = [], []
    created = updated = unchanged = 0
    for r in records:
        user_id = ids[r.email]
        wanted = {f: getattr(r, f) for f in PROFILE_FIELDS}
        have = profiles.get(user_id)
        if r.email not in people:
            created += 1
        elif have is None or any(have[f] != wanted[f] for f in PROFILE_FIELDS) \
                or r.email in moved:
            updated += 1
        else:
            unchanged += 1
        if have is None:
            inserts.append({**wanted, "user_id": user_id})
        elif any(have[f] != wanted[f] for f in PROFILE_FIELDS):
            changes.append({"id": have["id"], **wanted})
    _insert(MentorProfile, inserts)
    _update(MentorProfile, changes)
    return created, updated, unchanged
