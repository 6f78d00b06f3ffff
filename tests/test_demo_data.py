"""flask demo-data: a believable program in an empty database, and never over real data."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from intern_portal.extensions import db
from intern_portal.models import (
    AuditEntry,
    Cohort,
    FocusArea,
    Internship,
    InternshipStatus,
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

from . import factories
from .conftest import make_app

TODAY = date(2026, 11, 26)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def people_with(role: Role) -> int:
    return db.session.scalar(select(func.count()).where(UserRole.role == role))


def printed_logins(output: str) -> dict[str, tuple[str, str]]:
    """Read the role, email and password columns of the printed table."""
    logins = {}
    for line in output.splitlines():
        cells = line.split()
        emails = [i for i, cell in enumerate(cells) if cell.endswith("@example.com")]
        if emails:
            at = emails[0]
            logins[" ".join(cells[:at])] = (cells[at], cells[at + 1])
    return logins


@pytest.fixture
def loaded(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return result


def internships() -> list[Internship]:
    return list(db.session.scalars(
        select(Internship).options(selectinload(Internship.assignments))
    ))


def test_demo_data_fills_an_empty_database_with_the_promised_program(loaded):
    assert set(db.session.scalars(select(Org.name))) == {
        "Alexa AI", "AWS", "Devices", "Consumer", "Finance"
    }
    teams = list(db.session.scalars(select(Team)))
    assert 7 <= len(teams) <= 10
    assert {t.time_zone for t in teams} == {
        "America/Los_Angeles", "America/New_York", "Asia/Kolkata"
    }
    assert {t.location for t in teams} == {"Seattle", "Boston", "Bengaluru", "Gurugram"}
    areas = Counter(db.session.scalars(select(FocusArea.team_id)))
    assert all(2 <= areas[t.id] <= 3 for t in teams)
    assert 55 <= people_with(Role.INTERN) <= 65
    assert 18 <= count(MentorProfile) <= 22 and people_with(Role.MENTOR) == count(MentorProfile)
    assert people_with(Role.ADMIN) == people_with(Role.PROGRAM_LEAD) == 1
    assert db.session.scalar(select(func.count(User.id)).where(User.password_hash.is_(None))) == 0
    assert count(Project) == count(Internship)


def test_every_project_belongs_to_a_focus_area_of_its_team(loaded):
    rows = db.session.execute(
        select(Internship.team_id, FocusArea.team_id)
        .join(Project, Project.internship_id == Internship.id)
        .join(FocusArea, FocusArea.id == Project.focus_area_id)
    ).all()
    assert len(rows) == count(Internship)
    assert all(internship_team == area_team for internship_team, area_team in rows)


def test_each_manager_owns_a_team_and_one_owns_two(loaded):
    managers = Counter(db.session.scalars(select(Team.manager_id)))
    assert people_with(Role.MANAGER) == len(managers)
    assert max(managers.values()) == 2
    mismatched = db.session.scalar(
        select(func.count(Internship.id)).join(Team).where(Internship.manager_id != Team.manager_id)
    )
    assert mismatched == 0


def test_cohorts_have_the_promised_dates(loaded):
    cohorts = {(c.term, c.year): c for c in db.session.scalars(select(Cohort))}
    assert set(cohorts) == {(Term.SUMMER, 2026), (Term.FALL, 2026), (Term.WINTER, 2027)}
    fall = cohorts[(Term.FALL, 2026)]
    assert (fall.start_date, fall.end_date) == (date(2026, 9, 8), date(2026, 12, 18))
    assert cohorts[(Term.WINTER, 2027)].virtual


def test_statuses_match_the_dates_and_a_couple_withdrew(loaded):
    statuses = Counter()
    for i in internships():
        statuses[i.status] += 1
        if i.status is InternshipStatus.WITHDRAWN:
            continue
        if i.end_date < TODAY:
            assert i.status is InternshipStatus.COMPLETED
        elif i.start_date <= TODAY:
            assert i.status is InternshipStatus.ACTIVE
        else:
            assert i.status is InternshipStatus.OFFERED
    assert 2 <= statuses[InternshipStatus.WITHDRAWN] <= 3
    assert statuses[InternshipStatus.ACTIVE] >= 15


def test_every_internship_has_exactly_one_primary_mentor_never_the_intern(loaded):
    for i in internships():
        primaries = [a for a in i.assignments if a.is_primary]
        assert len(primaries) == 1, i.id
        current = [a for a in primaries if a.ended_at is None]
        is_current = i.status in (InternshipStatus.ACTIVE, InternshipStatus.OFFERED)
        assert len(current) == (1 if is_current else 0), i.id
        assert all(a.mentor_id != i.intern_id for a in i.assignments)
    additional = db.session.scalar(
        select(func.count(MentorAssignment.id)).where(MentorAssignment.is_primary.is_(False))
    )
    assert additional > 0


def test_no_mentor_is_over_capacity(loaded):
    load = Counter(db.session.scalars(
        select(MentorAssignment.mentor_id).where(MentorAssignment.ended_at.is_(None))
    ))
    for profile in db.session.scalars(select(MentorProfile)):
        assert 2 <= profile.capacity <= 4
        assert load[profile.user_id] <= profile.capacity, profile.user_id


def test_return_interns_link_to_their_summer_internship(loaded):
    returns = [i for i in internships() if i.previous_internship_id is not None]
    assert len(returns) >= 2
    for i in returns:
        previous = db.session.get(Internship, i.previous_internship_id)
        assert previous.intern_id == i.intern_id
        assert previous.cohort.term is Term.SUMMER
        assert previous.status is InternshipStatus.COMPLETED
        assert i.cohort.term in (Term.FALL, Term.WINTER)


def test_demo_load_writes_one_audit_row(loaded):
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["demo_data"]


def test_each_printed_login_signs_in_and_sees_its_home_page(app, loaded):
    logins = printed_logins(loaded.output)
    assert set(logins) == {"Admin", "Program lead", "Manager", "Mentor", "Intern"}
    assert logins["Admin"][0] == "admin@example.com"
    assert logins["Program lead"][0] == "lead@example.com"
    for email, password in logins.values():
        client = app.test_client()
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200, email


def test_demo_intern_is_active_in_fall_with_a_primary_mentor(loaded):
    email, _ = printed_logins(loaded.output)["Intern"]
    mentor_email, _ = printed_logins(loaded.output)["Mentor"]
    intern = db.session.scalar(select(User).where(User.email == email))
    fall = db.session.scalar(
        select(Internship).join(Cohort)
        .where(Internship.intern_id == intern.id, Cohort.term == Term.FALL)
    )
    assert fall.status is InternshipStatus.ACTIVE
    primary = [a for a in fall.assignments if a.is_primary and a.ended_at is None]
    assert [a.mentor.email for a in primary] == [mentor_email]


def test_demo_data_refuses_a_database_with_data_and_writes_nothing(runner):
    factories.user(Role.ADMIN, email="real@example.com")
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "already has" in result.output
    assert count(User) == 1
    assert count(Org) == count(Cohort) == count(AuditEntry) == 0


def test_second_demo_load_is_refused(runner, loaded):
    people = count(User)
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert count(User) == people


def test_skip_if_present_prints_the_logins_again(runner, loaded):
    result = runner.invoke(args=["demo-data", "--skip-if-present"])
    assert result.exit_code == 0
    assert printed_logins(result.output) == printed_logins(loaded.output)
    assert count(AuditEntry) == 1


def test_skip_if_present_leaves_other_data_alone(runner):
    factories.cohort()
    result = runner.invoke(args=["demo-data", "--skip-if-present"])
    assert result.exit_code == 0
    assert "demo data was not loaded" in result.output
    assert count(User) == count(Org) == 0


def _program() -> list[tuple]:
    return sorted(db.session.execute(
        select(User.email, User.time_zone, Team.name, Project.title, Internship.status)
        .join(Internship, Internship.intern_id == User.id)
        .join(Team, Team.id == Internship.team_id)
        .join(Project, Project.internship_id == Internship.id)
    ).all())


def test_demo_data_is_the_same_every_time(runner, loaded):
    first = _program()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()

    again = runner.invoke(args=["demo-data"])

    assert again.exit_code == 0
    assert again.output == loaded.output
    assert _program() == first


def test_demo_data_on_an_unmigrated_database_says_to_upgrade_first(tmp_path):
    bare = make_app(f"sqlite:///{tmp_path / 'bare.db'}")
    result = bare.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "flask db upgrade" in result.output
