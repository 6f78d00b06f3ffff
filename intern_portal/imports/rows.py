"""Reading an import CSV and checking every row, reporting problems by line and column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..extensions import db
from ..models import Cohort, DegreeProgram, Org, Role, Team, User, UserRole
from ..timeutil import zone_set

INTERN_COLUMNS = ("email", "name", "university", "degree_program", "research_area", "org",
                  "team", "cohort", "manager_email", "location", "time_zone", "start", "end")
MENTOR_COLUMNS = ("email", "name", "team", "expertise", "capacity", "time_zone")
LIMITS = {"email": 254, "name": 120, "university": 200, "research_area": 200,
          "location": 120, "expertise": 2000}
DEGREES = {**{d.value: d for d in DegreeProgram}, **{d.label.lower(): d for d in DegreeProgram}}
PROGRESS_EVERY = 500
# The dot-atom local part of an address (RFC 5322), as sign-in and every mail server accept it.
LOCAL_PART = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CohortDates:
    id: int
    start: date
    end: date


@dataclass
class Lookups:
    """What rows may name: teams, cohorts, managers and time zones (loaded in four queries)."""

    teams: dict[tuple[str, str], int]
    teams_by_name: dict[str, list[int]]
    cohorts: dict[str, CohortDates]
    managers: dict[str, int]
    zones: frozenset[str]


def load_lookups() -> Lookups:
    teams: dict[tuple[str, str], int] = {}
    by_name: dict[str, list[int]] = {}
    for team_id, team, org in db.session.execute(
        select(Team.id, Team.name, Org.name).join(Org, Org.id == Team.org_id)
    ):
        teams[(org.lower(), team.lower())] = team_id
        by_name.setdefault(team.lower(), []).append(team_id)
    cohorts = {
        f"{c.term.value} {c.year}": CohortDates(c.id, c.start_date, c.end_date)
        for c in db.session.scalars(select(Cohort))
    }
    managers = {email: user_id for email, user_id in db.session.execute(
        select(User.email, User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.MANAGER, User.active.is_(True))
    )}
    return Lookups(teams, by_name, cohorts, managers, zone_set())


@lru_cache(maxsize=4096)
def _domain_ok(domain: str) -> bool:
    """Check a domain once per import, with the email-validator library."""
    try:
        validate_email(f"postmaster@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _is_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at) and LOCAL_PART.fullmatch(local) is not None and _domain_ok(domain)


def _key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def read(content: str, columns: tuple[str, ...]) -> tuple[list[tuple[int, dict[str, str]]],
                                                          list[RowError]]:
    """Split the file into (line, values) rows; a wrong header stops here with its errors."""
    reader = csv.reader(io.StringIO(content))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        return [], [RowError(1, "", "The file is empty: the first line must name the columns.")]
    names = [_key(h) for h in header]
    errors = [RowError(1, c, f"The header has no {c} column.") for c in columns
              if c not in names]
    expected = ", ".join(columns)
    errors += [RowError(1, header[k], f"Unknown column; the columns are: {expected}.")
               for k, name in enumerate(names) if name not in columns]
    errors += [RowError(1, header[k], "This column appears twice.")
               for k, name in enumerate(names) if name in columns and name in names[:k]]
    if errors:
        return [], errors
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(names):
            errors.append(RowError(reader.line_num, "",
                                   f"This row has {len(values)} values; the header has "
                                   f"{len(names)}."))
            continue
        rows.append((reader.line_num, {n: v.strip() for n, v in zip(names, values, strict=True)}))
    return rows, errors


class RowCheck:
    """Collects one row's errors while its values are converted."""

    def __init__(self, line: int, values: dict[str, str], errors: list[RowError]):
        self.line, self.values, self.errors = line, values, errors
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.line, column, message))

    def text(self, column: str, required: bool = True) -> str:
        value = self.values[column]
        if required and not value:
            self.fail(column, f"Give the {column.replace('_', ' ')}.")
        elif len(value) > LIMITS.get(column, 200):
            self.fail(column, f"Keep it under {LIMITS.get(column, 200)} characters.")
        return value

    def email(self, column: str, seen: dict[str, int] | None = None) -> str:
        value = self.values[column].lower()
        if not value:
            self.fail(column, "Give an email address.")
            return value
        if not _is_email(value):
            self.fail(column, f"{value!r} is not an email address.")
            return value
        if seen is not None:
            if value in seen:
                self.fail(column, f"{value} is also on line {seen[value]}: one row per person.")
            else:
                seen[value] = self.line
        return value

    def zone(self, column: str, zones: frozenset[str]) -> str:
        value = self.values[column]
        if value not in zones:
            self.fail(column, f"{value!r} is not a time zone (use a name like Asia/Kolkata).")
        return value

    def day(self, column: str, default: date) -> date:
        value = self.values[column]
        if not value:
            return default
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a date; write it as 2026-06-01.")
            return default


@dataclass
class InternRecord:
    line: int
    email: str
    name: str
    university: str
    degree_program: DegreeProgram
    research_area: str
    team_id: int
    cohort_id: int
    manager_id: int
    location: str
    time_zone: str
    start_date: date
    end_date: date


@dataclass
class MentorRecord:
    line: int
    email: str
    name: str
    team_id: int | None
    expertise: str
    capacity: int
    time_zone: str


def _every(rows: list, progress: Progress | None) -> Iterator:
    """Yield the rows, reporting progress every PROGRESS_EVERY rows."""
    for k, row in enumerate(rows):
        if progress and k and k % PROGRESS_EVERY == 0:
            progress(k)
        yield row


def check_interns(rows: list[tuple[int, dict[str, str]]], lookups: Lookups,
                  progress: Progress | None = None) -> tuple[list[InternRecord], list[RowError]]:
    """Convert intern rows to records; every problem becomes a RowError."""
    records: list[InternRecord] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, values in _every(rows, progress):
        row = RowCheck(line, values, errors)
        email = row.email("email", seen)
        name, university = row.text("name"), row.text("university")
        degree = DEGREES.get(values["degree_program"].lower())
        if degree is None:
            choices = ", ".join(d.label for d in DegreeProgram)
            row.fail("degree_program", f"{values['degree_program']!r} is not one of {choices}.")
        research, location = row.text("research_area"), row.text("location")
        team_id = lookups.teams.get((values["org"].lower(), values["team"].lower()))
        if team_id is None:
            row.fail("team", f"No team {values['team']!r} in org {values['org']!r}.")
        cohort = lookups.cohorts.get(" ".join(values["cohort"].lower().split()))
        if cohort is None:
            row.fail("cohort", f"No cohort {values['cohort']!r}; write it like Summer 2026.")
        manager_email = values["manager_email"].lower()
        manager_id = lookups.managers.get(manager_email)
        if manager_id is None:
            row.fail("manager_email", f"No active manager has the email {manager_email!r}.")
        zone = row.zone("time_zone", lookups.zones)
        if cohort is not None:
            start = row.day("start", cohort.start)
            end = row.day("end", cohort.end)
            if row.ok and end <= start:
                row.fail("end", f"The end ({end}) must come after the start ({start}).")
        # A failed check clears row.ok; the None tests say so to the type checker.
        if (row.ok and degree is not None and team_id is not None and cohort is not None
                and manager_id is not None):
            records.append(InternRecord(
                line, email, name, university, degree, research, team_id, cohort.id,
                manager_id, location, zone, start, end))
    return records, errors


def check_mentors(rows: list[tuple[int, dict[str, str]]], lookups: Lookups,
                  progress: Progress | None = None) -> tuple[list[MentorRecord], list[RowError]]:
    """Convert mentor rows to records; every problem becomes a RowError."""
    records: list[MentorRecord] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, values in _every(rows, progress):
        row = RowCheck(line, values, errors)
        email = row.email("email", seen)
        name = row.text("name")
        expertise = row.text("expertise", required=False)
        team_id = _mentor_team(row, values["team"], lookups)
        capacity = 0
        if not values["capacity"].isdigit():
            row.fail("capacity", f"{values['capacity']!r} is not a whole number of interns.")
        else:
            capacity = int(values["capacity"])
        zone = row.zone("time_zone", lookups.zones)
        if row.ok:
            records.append(MentorRecord(line, email, name, team_id, expertise, capacity, zone))
    return records, errors


def _mentor_team(row: RowCheck, value: str, lookups: Lookups) -> int | None:
    """A team written as 'Org / Team', or as a team name no other org uses; blank for none."""
    if not value:
        return None
    if "/" in value:
        org, _, team = value.partition("/")
        team_id = lookups.teams.get((org.strip().lower(), team.strip().lower()))
        if team_id is None:
            row.fail("team", f"No team {team.strip()!r} in org {org.strip()!r}.")
        return team_id
    found = lookups.teams_by_name.get(value.lower(), [])
    if len(found) == 1:
        return found[0]
    if found:
        row.fail("team", f"Several orgs have a team called {value!r}; write it as 'Org / Team'.")
    else:
        row.fail("team", f"No team is called {value!r}.")
    return None
