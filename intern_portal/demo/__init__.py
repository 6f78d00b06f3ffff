"""The demo program: a believable, deterministic program loaded into an empty database."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from .. import audit
from ..auth.service import hash_password
from ..demo_content import (
    ADMIN_NAME,
    COHORTS,
    DEMO_EMAILS,
    DEMO_PASSWORDS,
    INTERNS,
    LEAD_NAME,
    ORGS,
    PAST_COHORT,
    PAST_INTERNS,
    SEED,
    STAFF_TIME_ZONE,
    TEAMS,
    TODAY,
    UNIVERSITIES,
    CohortSpec,
    TeamSpec,
)
from ..extensions import db
from ..models import (
    Cohort,
    DegreeProgram,
    FocusArea,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    MentorAssignment,
    MentorProfile,
    Org,
    Project,
    Role,
    Team,
    Term,
    User,
    UserRole,
)
from . import lunch, outcomes, plans

DEMO_MANAGER_TEAM = "Product Knowledge Graph"
TEAM_SPECS = {team.name: team for team in TEAMS}
ON_SITE_SHARE = 0.45
PHD_SHARE = 0.8
ADDITIONAL_MENTOR_SHARE = 0.3
_FOLD = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "ß": "ss", "'": ""})


class DemoDataError(RuntimeError):
    """Demo data can't be loaded; the message says why."""


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    name: str


@dataclass
class DemoResult:
    logins: list[DemoLogin]
    counts: dict[str, int]


def status_on(day: date, start: date, end: date) -> InternshipStatus:
    """Return the status an internship with these dates has on the given day."""
    if end < day:
        return InternshipStatus.COMPLETED
    if start <= day:
        return InternshipStatus.ACTIVE
    return InternshipStatus.OFFERED


def database_has_data() -> bool:
    """Tell whether any person, org or cohort is already stored."""
    return any(
        db.session.scalar(select(model.id).limit(1)) is not None for model in (User, Org, Cohort)
    )


def existing_logins() -> list[DemoLogin] | None:
    """Return the demo logins when every demo account exists, else None."""
    users = {
        u.email: u
        for u in db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS.values())))
    }
    if len(users) < len(DEMO_EMAILS):
        return None
    return [
        DemoLogin(role, email, DEMO_PASSWORDS[role], users[email].name)
        for role, email in DEMO_EMAILS.items()
    ]


def load_demo_data() -> DemoResult:
    """Fill an empty database with the demo program in one transaction."""
    if database_has_data():
        raise DemoDataError("The database already has people, orgs or cohorts.")
    try:
        result = _Builder().build()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def format_logins(logins: list[DemoLogin]) -> str:
    """Lay the logins out as a small plain-text table."""
    rows = [("Role", "Email", "Password", "Name")]
    rows += [(login.role.label, login.email, login.password, login.name) for login in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _email_local(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.translate(_FOLD))
    first, _, rest = plain.encode("ascii", "ignore").decode().lower().partition(" ")
    return f"{first}.{rest.replace(' ', '-')}"


def _at(day: date, hour: int = 16) -> datetime:
    return datetime.combine(day, time(hour), UTC)


class _Builder:
    """Builds the demo rows in memory; the caller commits."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.hashes = {role: hash_password(pw) for role, pw in DEMO_PASSWORDS.items()}
        self.emails: set[str] = set(DEMO_EMAILS.values())
        self.rows: list[object] = []
        self.teams: dict[str, Team] = {}
        self.team_mentors: dict[str, list[User]] = {}
        self.profiles: dict[User, MentorProfile] = {}
        # Mentor load per period: Summer is over; Fall and Winter assignments are both open.
        self.load: dict[str, Counter[User]] = {
            "past": Counter(), "summer": Counter(), "current": Counter()}
        self.internships: list[Internship] = []
        self.projects: dict[str, list[tuple[str, str]]] = {}
        self.demo: dict[Role, User] = {}

    def person(self, name: str, role: Role, time_zone: str, email: str | None = None) -> User:
        """Make a user with one role and the role's demo password."""
        if email is None:
            local = _email_local(name)
            email, n = f"{local}@example.com", 1
            while email in self.emails:
                n += 1
                email = f"{local}{n}@example.com"
            self.emails.add(email)
        user = User(email=email, name=name, time_zone=time_zone, active=True,
                    password_hash=self.hashes[role], roles=[UserRole(role=role)])
        self.rows.append(user)
        return user

    def build(self) -> DemoResult:
        """Add every demo row to the session and return the logins and counts."""
        admin = self.person(ADMIN_NAME, Role.ADMIN, STAFF_TIME_ZONE, DEMO_EMAILS[Role.ADMIN])
        lead = self.person(LEAD_NAME, Role.PROGRAM_LEAD, STAFF_TIME_ZONE,
                           DEMO_EMAILS[Role.PROGRAM_LEAD])
        self.add_org_chart()
        cohorts = [self.cohort(spec) for spec in COHORTS]
        db.session.add_all(self.rows)
        db.session.flush()  # managers need ids for assigned_by_id
        self.rows = []
        interns = list(INTERNS)
        self.rng.shuffle(interns)
        for spec, cohort in zip(COHORTS, cohorts, strict=True):
            interns = self.add_cohort_internships(spec, cohort, interns)
        db.session.add_all(self.rows)
        logins = self.pick_demo_people(admin, lead)
        cohorts.insert(0, self.add_past_cohort())
        db.session.add_all(self.rows)
        db.session.flush()  # plans, bookings and outcomes name people by id
        activity = self.add_activity(cohorts, lead)
        counts = {
            "orgs": len(ORGS),
            "teams": len(self.teams),
            "cohorts": len(cohorts),
            "interns": len({i.intern for i in self.internships}),
            "internships": len(self.internships),
            "mentors": len(self.profiles),
        } | activity
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        audit.record(None, "demo_data", admin, f"Loaded demo data: {summary}")
        return DemoResult(logins, counts)

    def add_org_chart(self) -> None:
        """Add the orgs, their teams with focus areas, managers and mentors."""
        orgs = {name: Org(name=name) for name in ORGS}
        managers: dict[str, User] = {}
        self.rows += orgs.values()
        for spec in TEAMS:
            city, zone, _ = spec.place
            if spec.manager not in managers:
                managers[spec.manager] = self.person(spec.manager, Role.MANAGER, zone)
            team = Team(org=orgs[spec.org], name=spec.name, manager=managers[spec.manager],
                        location=city, time_zone=zone,
                        focus_areas=[FocusArea(name=f, year=TODAY.year) for f in spec.focus_areas])
            self.teams[spec.name] = team
            self.rows.append(team)
            self.team_mentors[spec.name] = [self.mentor(name, spec, team) for name in spec.mentors]

    def mentor(self, name: str, spec: TeamSpec, team: Team) -> User:
        """Add a mentor on the team with a profile: expertise and a capacity of 2 to 4."""
        user = self.person(name, Role.MENTOR, spec.place[1])
        profile = MentorProfile(user=user, team=team, capacity=self.rng.randint(2, 4),
                                expertise=", ".join(self.rng.sample(spec.expertise, 3)))
        self.profiles[user] = profile
        self.rows.append(profile)
        return user

    def cohort(self, spec: CohortSpec) -> Cohort:
        cohort = Cohort(term=spec.term, year=spec.year, start_date=spec.start,
                        end_date=spec.end, virtual=spec.virtual)
        self.rows.append(cohort)
        return cohort

    def add_cohort_internships(
        self, spec: CohortSpec, cohort: Cohort, interns: list[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """Add one cohort's internships; return the interns not yet placed."""
        summer_done = [i for i in self.internships
                       if i.cohort.term is Term.SUMMER and i.status is InternshipStatus.COMPLETED
                       and not any(later.previous is i for later in self.internships)]
        returning = self.rng.sample(summer_done, spec.returns) if spec.returns else []
        new_count = spec.interns - len(returning)
        newcomers, rest = interns[:new_count], interns[new_count:]
        # Teams with more mentors take more interns.
        pool = [team for team in TEAMS for _ in team.mentors]
        self.rng.shuffle(pool)
        withdrawn = set(self.rng.sample(range(new_count), spec.withdrawn))
        for n, (name, university) in enumerate(newcomers):
            user = self.person(name, Role.INTERN, UNIVERSITIES[university][1])
            self.internship(spec, cohort, pool[n % len(pool)], user, university, None,
                            n in withdrawn)
        for previous in returning:
            self.internship(spec, cohort, TEAM_SPECS[previous.team.name], previous.intern,
                            previous.university, previous, False)
        return rest

    def internship(self, spec: CohortSpec, cohort: Cohort, team_spec: TeamSpec, user: User,
                   university: str, previous: Internship | None, withdrawn: bool) -> None:
        """Add an internship with its project and mentors, remote unless in the team's country."""
        team = self.teams[team_spec.name]
        city, zone, country = UNIVERSITIES[university]
        location = f"{city} (remote)"
        if (not spec.virtual and country == team_spec.place[2]
                and self.rng.random() < ON_SITE_SHARE):
            location, zone, _ = team_spec.place
        end = spec.start + timedelta(days=24) if withdrawn else spec.end
        status = InternshipStatus.WITHDRAWN if withdrawn else status_on(TODAY, spec.start, end)
        degree = previous.degree_program if previous else (
            DegreeProgram.PHD if self.rng.random() < PHD_SHARE else DegreeProgram.MS)
        focus_name, title = self.next_project(team_spec)
        focus = next(f for f in team.focus_areas if f.name == focus_name)
        internship = Internship(
            intern=user, cohort=cohort, team=team, manager=team.manager, previous=previous,
            university=university, degree_program=degree,
            research_area=self.rng.choice(team_spec.research_areas),
            location=location, time_zone=zone, start_date=spec.start, end_date=end,
            status=status, project=Project(title=title, focus_area=focus),
        )
        user.time_zone = zone  # where the intern is now
        self.internships.append(internship)
        self.rows.append(internship)
        self.assign_mentors(internship, team_spec)

    def next_project(self, team_spec: TeamSpec) -> tuple[str, str]:
        """Deal the team's project ideas in a shuffled order, so titles repeat only when used up."""
        deck = self.projects.get(team_spec.name)
        if not deck:
            deck = [(f, t) for f, titles in team_spec.focus_areas.items() for t in titles]
            self.rng.shuffle(deck)
            self.projects[team_spec.name] = deck
        return deck.pop()

    def assign_mentors(self, internship: Internship, team_spec: TeamSpec) -> None:
        """Give a primary mentor (from the team when it has room) and sometimes a second."""
        period = "summer" if internship.cohort.term is Term.SUMMER else "current"
        if internship.cohort.year < TODAY.year:
            period = "past"
        load = self.load[period]
        start = _at(min(internship.start_date - timedelta(days=7), TODAY - timedelta(days=10)))
        ended = None
        if internship.status is InternshipStatus.COMPLETED:
            ended = _at(internship.end_date, 23)
        elif internship.status is InternshipStatus.WITHDRAWN:
            ended = _at(min(internship.end_date, TODAY - timedelta(days=6)))
        org = team_spec.org
        own = self.team_mentors[team_spec.name]
        same_org = [m for m, p in self.profiles.items()
                    if p.team is not None and p.team.org.name == org]
        primary = self.least_loaded(load, own) or self.least_loaded(load, same_org) \
            or self.least_loaded(load, list(self.profiles))
        if primary is None:
            raise DemoDataError("The demo mentors have no capacity left.")
        chosen = [primary]
        if self.rng.random() < ADDITIONAL_MENTOR_SHARE:
            others = [m for m in self.profiles if m is not primary]
            extra = self.least_loaded(load, others)
            if extra is not None:
                chosen.append(extra)
        for n, mentor in enumerate(chosen):
            load[mentor] += 1
            self.rows.append(MentorAssignment(
                internship=internship, mentor=mentor, is_primary=n == 0, started_at=start,
                ended_at=ended, assigned_by_id=internship.manager.id,
            ))

    def least_loaded(self, load: Counter[User], mentors: list[User]) -> User | None:
        """Return a mentor with room, the least loaded first, ties broken at random."""
        free = [m for m in mentors if load[m] < self.profiles[m].capacity]
        if not free:
            return None
        lowest = min(load[m] for m in free)
        return self.rng.choice([m for m in free if load[m] == lowest])

    def pick_demo_people(self, admin: User, lead: User) -> list[DemoLogin]:
        """Give the demo manager, mentor and intern their role emails; return all logins."""
        team = self.teams[DEMO_MANAGER_TEAM]
        candidates = [
            i for i in self.internships
            if i.team is team and i.status is InternshipStatus.ACTIVE and i.previous is None
        ]
        internship = next(
            (i for i in candidates
             if self.profiles[self.primary_of(i)].team is team), candidates[0]
        )
        if team.manager is None:
            raise DemoDataError(f"The demo team {team.name} has no manager.")
        people = {
            Role.ADMIN: admin,
            Role.PROGRAM_LEAD: lead,
            Role.MANAGER: team.manager,
            Role.MENTOR: self.primary_of(internship),
            Role.INTERN: internship.intern,
        }
        for role, user in people.items():
            user.email = DEMO_EMAILS[role]
        self.demo = people
        return [DemoLogin(role, user.email, DEMO_PASSWORDS[role], user.name)
                for role, user in people.items()]

    def add_past_cohort(self) -> Cohort:
        """Add last year's Summer cohort; a few of this year's newcomers interned in it."""
        spec = PAST_COHORT
        cohort = self.cohort(spec)
        later = [i for i in self.internships
                 if i.previous is None and i.cohort.term is not Term.SUMMER
                 and i.status is not InternshipStatus.WITHDRAWN
                 and i.intern is not self.demo[Role.INTERN]]
        returning = self.rng.sample(later, spec.returns)
        pool = [team for team in TEAMS for _ in team.mentors]
        for name, university in PAST_INTERNS:
            user = self.person(name, Role.INTERN, UNIVERSITIES[university][1])
            self.internship(spec, cohort, self.rng.choice(pool), user, university, None, False)
        for again in returning:
            zone = again.intern.time_zone  # where the intern is now, not where they were then
            self.internship(spec, cohort, TEAM_SPECS[again.team.name], again.intern,
                            again.university, None, False)
            again.previous = self.internships[-1]
            again.intern.time_zone = zone
        return cohort

    def add_activity(self, cohorts: list[Cohort], lead: User) -> dict[str, int]:
        """Add launch plans, lunch dates, outcomes and events; return their counts."""
        by_term = {c.term: c for c in cohorts}
        mentor_of = {i: self.primary_of(i) for i in self.internships}
        mentors_of = {i: {a.mentor for a in i.assignments} for i in self.internships}
        in_term = {term: [i for i in self.internships if i.cohort.term is term] for term in Term}
        team_templates = plans.templates(self.rng, self.teams)
        maker = plans.PlanMaker(self.rng, team_templates, mentor_of, self.demo[Role.INTERN],
                                self.teams[DEMO_MANAGER_TEAM])
        plan_rows = maker.make(self.internships)
        lunch_rows = lunch.make_lunch(
            self.rng, list(self.profiles), self.internships,
            {"summer": by_term[Term.SUMMER], "fall": by_term[Term.FALL]}, mentors_of,
            self.demo[Role.MENTOR], self.demo[Role.INTERN])
        outcome_rows = outcomes.make_outcomes(self.rng, in_term[Term.SUMMER],
                                              in_term[Term.FALL], mentor_of)
        events = outcomes.make_events(by_term[Term.FALL], self.teams, lead)
        db.session.add_all([t for ts in team_templates.values() for t in ts])
        db.session.add_all(plan_rows + lunch_rows + outcome_rows + events)
        db.session.flush()  # versions point at their plans by id
        db.session.add_all(maker.versions())
        return {
            "launch plans": sum(isinstance(r, LaunchPlan) for r in plan_rows),
            "lunch dates": sum(isinstance(r, LunchBooking) for r in lunch_rows),
            "outcomes": len(outcome_rows),
            "events": len(events),
        }

    def primary_of(self, internship: Internship) -> User:
        """Return the internship's primary mentor."""
        return next(a.mentor for a in internship.assignments if a.is_primary)
