"""flask demo-data: a believable program in an empty database, and never over real data."""

from collections import Counter
from datetime import UTC, date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from intern_portal.demo_content import DEMO_EMAILS, DEMO_PASSWORDS
from intern_portal.extensions import db
from intern_portal.models import (
    AuditEntry,
    BookingStatus,
    Cohort,
    CohortEvent,
    EventKind,
    FocusArea,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    MentorAssignment,
    MentorProfile,
    Org,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    PlanVersion,
    Project,
    Role,
    Team,
    Term,
    User,
    UserRole,
)
from intern_portal.models.outcomes import STATUSES_BY_KIND
from intern_portal.plans.delivery import delivered_on_day_one, due_delivery_at
from intern_portal.plans.service import due_date_for_week

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
    assert 65 <= people_with(Role.INTERN) <= 75
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
    assert set(cohorts) == {
        (Term.SUMMER, 2025), (Term.SUMMER, 2026), (Term.FALL, 2026), (Term.WINTER, 2027)
    }
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
    years = Counter(db.session.get(Internship, i.previous_internship_id).cohort.year
                    for i in returns)
    assert years[2025] >= 2 and years[2026] >= 2
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


def _demo_user(role: Role) -> User:
    return db.session.scalar(select(User).where(User.email == DEMO_EMAILS[role]))


def test_current_interns_have_plans_due_from_their_own_start(loaded):
    started = [i for i in internships() if i.cohort.term in (Term.SUMMER, Term.FALL)
               and i.status is not InternshipStatus.WITHDRAWN]
    plans = {p.internship_id: p for p in db.session.scalars(
        select(LaunchPlan).options(selectinload(LaunchPlan.milestones)))}
    for internship in started:
        plan = plans[internship.id]
        assert 4 <= len(plan.milestones) <= 6
        assert [m.due_date for m in plan.milestones] == [
            due_date_for_week(internship.start_date, m.week) for m in plan.milestones]
        assert all(internship.start_date <= m.due_date <= internship.end_date
                   for m in plan.milestones)
        assert plan.delivered_at == due_delivery_at(plan)
        assert all(m.done_at is None or m.done_at >= plan.delivered_at for m in plan.milestones)
    withdrawn = {i.id for i in internships() if i.status is InternshipStatus.WITHDRAWN}
    assert not withdrawn & set(plans)


def test_most_plans_arrive_on_day_one_and_are_acknowledged(loaded):
    plans = list(db.session.scalars(select(LaunchPlan).where(LaunchPlan.delivered_at.is_not(None))))
    on_time = [p for p in plans if delivered_on_day_one(
        p.delivered_at, p.internship.start_date, p.internship.time_zone)]
    assert 0.8 * len(plans) <= len(on_time) < len(plans)
    unacknowledged = [p for p in plans if p.acknowledged_at is None]
    assert unacknowledged
    assert all(p.internship.cohort.term is Term.FALL for p in unacknowledged)
    versions = {v.plan_id: v for v in db.session.scalars(select(PlanVersion))}
    assert set(versions) == {p.id for p in plans}
    assert all(versions[p.id].snapshot["project_title"] == p.project_title for p in plans)


def test_winter_plans_are_partly_written_and_none_delivered(loaded):
    winter = [i for i in internships() if i.cohort.term is Term.WINTER
              and i.status is not InternshipStatus.WITHDRAWN]
    plans = {p.internship_id: p for p in db.session.scalars(select(LaunchPlan))}
    written = [plans[i.id] for i in winter if i.id in plans]
    assert 0 < len(written) < len(winter)
    assert all(p.delivered_at is None for p in written)


def test_demo_intern_has_an_acknowledged_plan_one_milestone_overdue(loaded):
    intern = _demo_user(Role.INTERN)
    plan = db.session.scalar(select(LaunchPlan).join(Internship).join(Cohort).where(
        Internship.intern_id == intern.id, Cohort.term == Term.FALL))
    assert plan.acknowledged_at is not None
    overdue = [m for m in plan.milestones if m.done_at is None and m.due_date < TODAY]
    assert len(overdue) == 1
    assert any(m.done_at is not None for m in plan.milestones)


def test_no_slot_seat_is_double_booked_and_no_intern_is_in_two_places(loaded):
    bookings = list(db.session.scalars(
        select(LunchBooking).options(selectinload(LunchBooking.slot))))
    live = [b for b in bookings if b.status is not BookingStatus.CANCELLED]
    seats = Counter((b.slot_id, b.seat) for b in live)
    assert max(seats.values()) == 1
    assert all(b.seat <= b.slot.seats for b in live)
    by_intern: dict[int, list[LunchBooking]] = {}
    for b in live:
        by_intern.setdefault(b.intern_id, []).append(b)
    for own in by_intern.values():
        own.sort(key=lambda b: b.slot.starts_at)
        assert all(a.slot.ends_at <= b.slot.starts_at for a, b in pairwise(own))
    assert len({b.uid for b in bookings}) == len(bookings)
    assert all(b.booked_at < b.slot.starts_at for b in bookings)
    statuses = Counter(b.status for b in bookings)
    assert statuses[BookingStatus.BOOKED] > statuses[BookingStatus.CANCELLED] > 0
    assert statuses[BookingStatus.NO_SHOW] > 0
    assert all(b.cancel_reason and b.cancelled_at < b.slot.starts_at
               for b in bookings if b.status is BookingStatus.CANCELLED)


def test_slots_follow_their_windows_in_the_hosts_own_zone(loaded):
    slots = list(db.session.scalars(select(LunchSlot).options(selectinload(LunchSlot.window))))
    assert slots
    for slot in slots:
        local = slot.starts_at.astimezone(ZoneInfo(slot.window.time_zone))
        assert slot.window.start_time <= local.time() < slot.window.end_time
        assert slot.window.weekdays & (1 << local.weekday())


def test_demo_intern_has_upcoming_lunch_dates(loaded):
    intern = _demo_user(Role.INTERN)
    upcoming = db.session.scalars(select(LunchBooking).join(LunchSlot).where(
        LunchBooking.intern_id == intern.id, LunchBooking.status == BookingStatus.BOOKED,
        LunchSlot.starts_at > datetime.combine(TODAY, time(23, 59), UTC))).all()
    assert len(upcoming) == 2


def test_outcome_statuses_fit_their_kinds_and_steps_are_in_order(loaded):
    outcomes = list(db.session.scalars(select(Outcome).options(
        selectinload(Outcome.steps), selectinload(Outcome.authors))))
    kinds = Counter(o.kind for o in outcomes)
    assert kinds[OutcomeKind.PAPER] > kinds[OutcomeKind.PRODUCTION] > kinds[OutcomeKind.TUTORIAL]
    assert kinds[OutcomeKind.PATENT] == kinds[OutcomeKind.OPEN_SOURCE] == 1
    for outcome in outcomes:
        assert outcome.status in STATUSES_BY_KIND[outcome.kind]
        days = [s.occurred_on for s in outcome.steps]
        assert days == sorted(days) and days[-1] <= TODAY
        assert outcome.steps[-1].status is outcome.status
        assert outcome.status_date == days[-1]
        if outcome.kind is OutcomeKind.PAPER:
            intern = db.session.get(Project, outcome.project_id).internship.intern
            assert outcome.authors[0].user_id == intern.id
    internal = [o for o in outcomes if o.internal]
    assert len(internal) == 1 and internal[0].kind is OutcomeKind.PAPER
    assert any(o.status is OutcomeStatus.PUBLISHED and o.top_tier for o in outcomes)
    assert any(o.status is OutcomeStatus.REJECTED for o in outcomes)


def test_fall_cohort_has_its_events_one_cancelled(loaded):
    events = list(db.session.scalars(select(CohortEvent)))
    assert {e.kind for e in events} == set(EventKind)
    assert all(e.cohort.term is Term.FALL and e.video_url.startswith("https://meet.example.com/")
               for e in events)
    cancelled = [e for e in events if e.cancelled_at is not None]
    assert [e.sequence for e in cancelled] == [1]


@pytest.mark.parametrize("role, url", [
    (Role.PROGRAM_LEAD, "/reports/"),
    (Role.INTERN, "/lunch/slots"),
    (Role.INTERN, "/lunch/"),
    (Role.MANAGER, "/plans/"),
    (Role.INTERN, "/"),
    (Role.MENTOR, "/lunch/hosting"),
    (Role.INTERN, "/calendar/"),
])
def test_demo_pages_answer_for_their_roles(app, loaded, role, url):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": DEMO_EMAILS[role],
                                                "password": DEMO_PASSWORDS[role]})
    assert response.status_code == 302
    assert client.get(url).status_code == 200


def test_demo_intern_sees_their_plan(app, loaded):
    intern = _demo_user(Role.INTERN)
    plan_id = db.session.scalar(select(LaunchPlan.id).join(Internship).join(Cohort).where(
        Internship.intern_id == intern.id, Cohort.term == Term.FALL))
    client = app.test_client()
    client.post("/auth/login", data={"email": intern.email,
                                     "password": DEMO_PASSWORDS[Role.INTERN]})
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    assert "Mid-internship review" in response.text or "Design review" in response.text
