"""Launch plans: templates, writing, delivery on the intern's first local day, acknowledging."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.models import (
    AuditEntry,
    InternshipStatus,
    LaunchPlan,
    OutboxMessage,
    PlanTemplate,
    Role,
)
from intern_portal.plans import service
from intern_portal.plans.delivery import deliver_due_plans, delivered_on_day_one

from . import factories

START = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def before_the_summer():
    """Run each test from 20 May 2026; tests travel forward, so sign-in cookies stay valid."""
    with time_machine.travel(datetime(2026, 5, 20, tzinfo=UTC), tick=False):
        yield


def _internship(zone: str = "America/Los_Angeles", **kw):
    manager = kw.pop("manager", None) or factories.user(Role.MANAGER)
    team = kw.pop("team_", None) or factories.team(manager=manager, focus_areas=("Search",))
    internship = factories.internship(team_=team, manager=manager, **kw)
    internship.time_zone = zone
    db.session.commit()
    return internship


def _sign_in(auth, user):
    auth.logout()
    auth.login_as(user)


def _plan(internship, at=datetime(2026, 5, 20, 12, tzinfo=UTC)):
    template = factories.plan_template(internship.team)
    with time_machine.travel(at, tick=False):
        return service.create_plan(internship=internship, template=template, project_title="",
                                   actor=internship.manager)


def test_plan_reaches_kolkata_and_los_angeles_interns_at_their_own_midnight(client, auth):
    kolkata = _internship("Asia/Kolkata")
    los_angeles = _internship("America/Los_Angeles")
    kolkata_plan, la_plan = _plan(kolkata), _plan(los_angeles)
    # Midnight 1 June in Kolkata is 18:30 UTC on 31 May; in Los Angeles it is 07:00 UTC 1 June.
    with time_machine.travel(datetime(2026, 5, 31, 18, 29, tzinfo=UTC), tick=False):
        assert deliver_due_plans() == 0
        _sign_in(auth, kolkata.intern)
        assert "on its way" in client.get(f"/plans/{kolkata_plan.id}").get_data(as_text=True)
    with time_machine.travel(datetime(2026, 5, 31, 18, 30, tzinfo=UTC), tick=False):
        body = client.get(f"/plans/{kolkata_plan.id}").get_data(as_text=True)
        assert "Entity linking at scale" in body and "Onboarding" in body
        assert deliver_due_plans() == 0  # the intern's own visit already recorded it
    with time_machine.travel(datetime(2026, 6, 1, 6, 59, tzinfo=UTC), tick=False):
        assert deliver_due_plans() == 0
        _sign_in(auth, los_angeles.intern)
        assert "Onboarding" not in client.get(f"/plans/{la_plan.id}").get_data(as_text=True)
    with time_machine.travel(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), tick=False):
        assert deliver_due_plans() == 1
        assert deliver_due_plans() == 0
    assert db.session.get(LaunchPlan, kolkata_plan.id).delivered_at == datetime(
        2026, 5, 31, 18, 30, tzinfo=UTC)
    assert db.session.get(LaunchPlan, la_plan.id).delivered_at == datetime(
        2026, 6, 1, 7, 0, tzinfo=UTC)


def test_delivery_is_recorded_at_midnight_even_when_the_scheduler_runs_late(app):
    plan = _plan(_internship("Asia/Kolkata"))
    assert deliver_due_plans(datetime(2026, 6, 3, 9, tzinfo=UTC)) == 1
    delivered = db.session.get(LaunchPlan, plan.id).delivered_at
    assert delivered == datetime(2026, 5, 31, 18, 30, tzinfo=UTC)
    assert delivered_on_day_one(delivered, START, "Asia/Kolkata")


def test_plan_written_late_is_delivered_when_written_and_not_on_day_one(app):
    internship = _internship("America/Los_Angeles")
    written = datetime(2026, 6, 3, 17, tzinfo=UTC)
    plan = _plan(internship, at=written)
    assert deliver_due_plans(datetime(2026, 6, 3, 18, tzinfo=UTC)) == 1
    delivered = db.session.get(LaunchPlan, plan.id).delivered_at
    assert delivered == written
    assert not delivered_on_day_one(delivered, START, "America/Los_Angeles")


def test_plan_written_during_day_one_still_counts_as_day_one(app):
    written = datetime(2026, 6, 2, 6, 0, tzinfo=UTC)  # 23:00 on 1 June in Los Angeles
    plan = _plan(_internship("America/Los_Angeles"), at=written)
    deliver_due_plans(datetime(2026, 6, 2, 6, 30, tzinfo=UTC))
    assert delivered_on_day_one(db.session.get(LaunchPlan, plan.id).delivered_at, START,
                                "America/Los_Angeles")


def test_withdrawn_intern_never_gets_a_delivery(app):
    internship = _internship()
    plan = _plan(internship)
    internship.status = InternshipStatus.WITHDRAWN
    db.session.commit()
    assert deliver_due_plans(datetime(2026, 6, 5, tzinfo=UTC)) == 0
    assert db.session.get(LaunchPlan, plan.id).delivered_at is None


def test_due_dates_follow_each_interns_own_start_date(app):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    template = factories.plan_template(team, weeks=((1, "Onboarding"), (3, "Baseline")))
    summer = factories.internship(team_=team, manager=manager)
    fall = factories.internship(team_=team, manager=manager, cohort_=factories.cohort(
        term=factories.Term.FALL, start=date(2026, 9, 14), end=date(2026, 12, 11)))
    dates = {}
    for internship in (summer, fall):
        plan = service.create_plan(internship=internship, template=template, project_title="",
                                   actor=manager)
        dates[internship.id] = [m.due_date for m in plan.milestones]
    assert dates[summer.id] == [date(2026, 6, 5), date(2026, 6, 19)]
    assert dates[fall.id] == [date(2026, 9, 18), date(2026, 10, 2)]


def test_plan_for_withdrawn_internship_is_refused(client, auth):
    internship = _internship(status=InternshipStatus.WITHDRAWN)
    template = factories.plan_template(internship.team)
    _sign_in(auth, internship.manager)
    response = client.post(f"/plans/internships/{internship.id}/new",
                           data={"template_id": template.id, "project_title": "X"})
    assert response.status_code == 422
    assert "withdrawn" in response.get_data(as_text=True)
    assert db.session.scalar(select(LaunchPlan)) is None


def test_milestone_dated_after_the_internship_is_refused(client, auth):
    internship = _internship()
    template = factories.plan_template(internship.team, weeks=((1, "Start"), (20, "Too late")))
    _sign_in(auth, internship.manager)
    response = client.post(f"/plans/internships/{internship.id}/new",
                           data={"template_id": template.id, "project_title": "X"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Week 20: Too late" in body and "outside the internship" in body
    assert db.session.scalar(select(LaunchPlan)) is None


def test_editing_a_milestone_outside_the_internship_is_refused(client, auth):
    internship = _internship()
    plan = _plan(internship)
    _sign_in(auth, internship.manager)
    response = client.post(f"/plans/{plan.id}/edit", data={
        "project_title": "Entity linking", "goal_paper": "y", "paper_venue": "ACL",
        "milestones": "Week 1: Onboarding\nWeek 30: Far away, after the end"})
    assert response.status_code == 422
    assert "outside the internship" in response.get_data(as_text=True)
    assert [m.week for m in db.session.get(LaunchPlan, plan.id).milestones] == [1, 4, 10]


def test_template_without_a_goal_is_refused(client, auth):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    _sign_in(auth, manager)
    response = client.post(f"/plans/teams/{team.id}/templates/new", data={
        "name": "Research", "focus_area_id": "0", "milestones": "Week 1: Onboarding"})
    assert response.status_code == 422
    assert "Pick at least one goal" in response.get_data(as_text=True)
    assert db.session.scalar(select(PlanTemplate)) is None


def test_manager_keeps_several_templates_with_goals_focus_area_and_milestones(client, auth):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager, focus_areas=("Entity linking", "Ranking"))
    area = team.focus_areas[0]
    _sign_in(auth, manager)
    for name, goals in (("Research", {"goal_paper": "y", "venue_tier": "top_tier"}),
                        ("Applied", {"goal_production": "y"})):
        response = client.post(f"/plans/teams/{team.id}/templates/new", data={
            "name": name, "focus_area_id": str(area.id), **goals,
            "milestones": "Week 1: Onboarding, meet the team\nweek 6: Midpoint review"})
        assert response.status_code == 302
    body = client.get(f"/plans/teams/{team.id}/templates").get_data(as_text=True)
    assert "Research" in body and "Applied" in body and "a top-tier venue" in body
    assert "Week 1: <strong>Onboarding</strong> — meet the team" in body
    assert "Focus area: Entity linking" in body


def test_bad_milestone_line_is_refused_with_the_line_number(client, auth):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    _sign_in(auth, manager)
    response = client.post(f"/plans/teams/{team.id}/templates/new", data={
        "name": "R", "focus_area_id": "0", "goal_production": "y",
        "milestones": "Week 1: Onboarding\nfinish everything"})
    assert response.status_code == 422
    assert "Line 2 should read" in response.get_data(as_text=True)


def test_manager_writes_plan_from_template_and_edits_it_before_the_start(client, auth):
    internship = _internship()
    template = factories.plan_template(internship.team, name="Research")
    _sign_in(auth, internship.manager)
    with time_machine.travel(datetime(2026, 5, 20, tzinfo=UTC), tick=False):
        response = client.post(f"/plans/internships/{internship.id}/new",
                               data={"template_id": template.id, "project_title": "Linker"})
        assert response.status_code == 302
        plan = db.session.scalar(select(LaunchPlan))
        response = client.post(f"/plans/{plan.id}/edit", data={
            "project_title": "Linker v2", "goal_paper": "y", "paper_venue": "ACL",
            "goal_production": "y", "milestones": "Week 2: Read, twenty papers"})
        assert response.status_code == 302
    plan = db.session.get(LaunchPlan, plan.id)
    assert plan.project_title == "Linker v2" and plan.version == 1 and plan.delivered_at is None
    assert [(m.title, m.description, m.due_date) for m in plan.milestones] == [
        ("Read", "twenty papers", date(2026, 6, 12))]
    assert service.versions(plan) == []


def test_edits_after_delivery_make_versions_with_a_readable_diff(client, auth):
    internship = _internship()
    factories.assign(internship, mentor := factories.mentor())
    plan = _plan(internship)
    _sign_in(auth, internship.manager)
    with time_machine.travel(datetime(2026, 6, 3, tzinfo=UTC), tick=False):
        response = client.post(f"/plans/{plan.id}/edit", data={
            "project_title": "Entity linking at scale", "goal_paper": "y",
            "paper_venue": "NeurIPS", "goal_production": "y",
            "milestones": "Week 1: Onboarding\nWeek 4: Baseline, on the full graph\n"
                          "Week 11: Paper draft"})
        assert response.status_code == 302
        client.post(f"/plans/{plan.id}/edit", data={
            "project_title": "Entity linking at scale", "goal_production": "y",
            "milestones": "Week 1: Onboarding\nWeek 4: Baseline, on the full graph"})
    plan = db.session.get(LaunchPlan, plan.id)
    assert plan.version == 3
    owed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "plan_changed")
                              .order_by(OutboxMessage.id)).all()
    assert [m.subject for m in owed] == ["Your launch plan changed (version 2)",
                                         "Your launch plan changed (version 3)"]
    assert all(m.recipient_id == internship.intern_id for m in owed)
    assert f"/plans/{plan.id}/versions" in owed[0].body_text
    assert [v.version for v in service.versions(plan)] == [1, 2, 3]
    assert service.versions(plan)[0].snapshot["goal_production"] is False
    for viewer in (internship.intern, mentor, internship.manager):
        _sign_in(auth, viewer)
        body = client.get(f"/plans/{plan.id}/versions").get_data(as_text=True)
        assert "Version 2" in body and "Version 3" in body
        assert "Goal: Work moving into production" in body
        assert "Week 11 (due 2026-08-14): Paper draft" in body
        assert "Week 4 (due 2026-06-26): Baseline — on the full graph" in body
        removed = '<span class="visually-hidden">Removed: </span>− Goal: A paper at NeurIPS'
        assert f'class="diff-removed">{removed}' in body


def test_saving_an_unchanged_plan_makes_no_version(app):
    internship = _internship()
    plan = _plan(internship)
    deliver_due_plans(datetime(2026, 6, 2, tzinfo=UTC))
    changed = service.update_plan(
        plan, project_title=plan.project_title,
        goals=service.Goals(True, "NeurIPS", None, False),
        milestones=service.parse_milestones(service.milestones_text(plan.milestones)),
        actor=internship.manager, now=datetime(2026, 6, 2, 1, tzinfo=UTC))
    assert changed is False and plan.version == 1


def test_intern_acknowledges_and_the_manager_sees_who_has_not(client, auth):
    first, second = _internship(), None
    second = _internship(manager=first.manager, team_=first.team)
    plans = [_plan(first), _plan(second)]
    with time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC), tick=False):
        _sign_in(auth, first.intern)
        home = client.get("/").get_data(as_text=True)
        assert "Your launch plan" in home and "I have read my plan" in home
        assert client.post(f"/plans/{plans[0].id}/acknowledge",
                           data={"next": "home"}).headers["Location"] == "/"
        assert "Acknowledged" in client.get("/").get_data(as_text=True)
        _sign_in(auth, first.manager)
        body = client.get("/plans/").get_data(as_text=True)
    unacked = body.split("Delivered, not acknowledged")[1].split("Milestones overdue")[0]
    assert second.intern.name in unacked and first.intern.name not in unacked
    assert db.session.get(LaunchPlan, plans[0].id).acknowledged_at == datetime(
        2026, 6, 2, tzinfo=UTC)


def test_a_change_after_acknowledging_is_acknowledged_again(client, auth):
    internship = _internship()
    plan = _plan(internship)
    with time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC), tick=False):
        _sign_in(auth, internship.intern)
        client.post(f"/plans/{plan.id}/acknowledge")
        _sign_in(auth, internship.manager)
        client.post(f"/plans/{plan.id}/edit", data={
            "project_title": "Entity linking at scale", "goal_paper": "y",
            "paper_venue": "NeurIPS", "milestones": "Week 1: Onboarding\nWeek 4: Baseline"})
        manager_view = client.get(f"/plans/{plan.id}").get_data(as_text=True)
        overview = client.get("/plans/").get_data(as_text=True)
        team = client.get(f"/mentors/teams/{internship.team_id}").get_data(as_text=True)
    assert "Version 1 was acknowledged" in manager_view
    assert "Changes not acknowledged yet" in manager_view
    unacked = overview.split("Delivered, not acknowledged")[1].split("Milestones overdue")[0]
    assert internship.intern.name in unacked and "changed since version 1" in unacked
    assert "Changes not acknowledged" in team
    with time_machine.travel(datetime(2026, 6, 3, tzinfo=UTC), tick=False):
        _sign_in(auth, internship.intern)
        assert "I have read the changes" in client.get("/").get_data(as_text=True)
        assert "I have read the changes" in client.get(f"/plans/{plan.id}").get_data(
            as_text=True)
        client.post(f"/plans/{plan.id}/acknowledge")
        body = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "I have read" not in body and "(version 2)" in body
    plan = db.session.get(LaunchPlan, plan.id)
    assert (plan.acknowledged_version, plan.acknowledged_at) == (
        2, datetime(2026, 6, 3, tzinfo=UTC))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "acknowledge")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.summary.endswith("acknowledged the changes in version 2 of their launch plan")
    assert (entry.before["version"], entry.after["version"]) == (1, 2)


def test_intern_cannot_acknowledge_before_day_one(client, auth):
    internship = _internship()
    plan = _plan(internship)
    _sign_in(auth, internship.intern)
    with time_machine.travel(datetime(2026, 5, 25, tzinfo=UTC), tick=False):
        client.post(f"/plans/{plan.id}/acknowledge")
        assert "Your launch plan" not in client.get("/").get_data(as_text=True)
    assert db.session.get(LaunchPlan, plan.id).acknowledged_at is None


def test_intern_and_mentor_mark_milestones_done_and_overdue_ones_stand_out(client, auth):
    internship = _internship()
    mentor = factories.mentor()
    factories.assign(internship, mentor)
    plan = _plan(internship)
    onboarding, baseline, draft = plan.milestones
    with time_machine.travel(datetime(2026, 6, 30, 12, tzinfo=UTC), tick=False):
        _sign_in(auth, internship.intern)
        client.post(f"/plans/milestones/{onboarding.id}/done", data={"note": "Met everyone"})
        body = client.get(f"/plans/{plan.id}").get_data(as_text=True)
        assert body.count("Overdue") == 1 and "Met everyone" in body
        _sign_in(auth, mentor)
        client.post(f"/plans/milestones/{baseline.id}/done", data={"note": "Late but solid"})
        again = client.post(f"/plans/milestones/{baseline.id}/done", data={"note": "x"})
        assert again.status_code == 422 and "already marked done" in again.get_data(as_text=True)
        body = client.get(f"/plans/{plan.id}").get_data(as_text=True)
        assert "Overdue" not in body and mentor.name in body
        _sign_in(auth, internship.manager)
        assert client.post(f"/plans/milestones/{draft.id}/done").status_code == 403
    assert db.session.get(type(draft), draft.id).done_at is None


def test_overview_lists_overdue_milestones_for_the_manager(client, auth):
    internship = _internship()
    _plan(internship)
    with time_machine.travel(datetime(2026, 6, 30, tzinfo=UTC), tick=False):
        _sign_in(auth, internship.manager)
        body = client.get("/plans/").get_data(as_text=True)
    overdue = body.split("Milestones overdue")[-1]
    assert "Baseline" in overdue and "Onboarding" in overdue and "Paper draft" not in overdue


def test_overview_lists_missing_plans_with_their_start_dates(client, auth):
    internship = _internship()
    other_team = _internship()
    _sign_in(auth, internship.manager)
    body = client.get("/plans/").get_data(as_text=True)
    missing = body.split("Plans missing")[-1].split("Delivered, not acknowledged")[0]
    assert internship.intern.name in missing and "01 Jun 2026" in missing
    assert other_team.intern.name not in missing


def test_program_lead_sees_every_team_and_the_share_delivered_on_day_one(client, auth):
    on_time = _internship("Asia/Kolkata")
    late = _internship("America/Los_Angeles")
    _internship("Europe/Berlin")  # no plan at all
    _plan(on_time)
    _plan(late, at=datetime(2026, 6, 4, tzinfo=UTC))
    _sign_in(auth, factories.user(Role.PROGRAM_LEAD))
    with time_machine.travel(datetime(2026, 6, 10, tzinfo=UTC), tick=False):
        body = client.get("/plans/").get_data(as_text=True)
    assert "33 %" in body and "1 of 3" in body
    assert on_time.team.name in body and late.team.name in body


def test_printable_view_shows_the_plan_without_the_portal_chrome(client, auth):
    internship = _internship()
    plan = _plan(internship)
    _sign_in(auth, internship.intern)
    with time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC), tick=False):
        body = client.get(f"/plans/{plan.id}/print").get_data(as_text=True)
    assert "Entity linking at scale" in body and "Paper draft" in body
    assert 'media="print"' in body and "portal-nav" not in body and "Mark" not in body


@pytest.mark.parametrize("who", ["other_intern", "other_mentor", "ended_mentor",
                                 "other_manager", "no_role"])
def test_nobody_else_sees_the_plan(client, auth, who):
    internship = _internship()
    plan = _plan(internship)
    ended = factories.mentor()
    assignment = factories.assign(internship, ended)
    assignment.ended_at = datetime(2026, 6, 3, tzinfo=UTC)
    db.session.commit()
    viewer = {
        "other_intern": lambda: _internship().intern,
        "other_mentor": lambda: factories.assign(_internship(), factories.mentor()).mentor,
        "ended_mentor": lambda: ended,
        "other_manager": lambda: factories.user(Role.MANAGER),
        "no_role": lambda: factories.user(),
    }[who]()
    _sign_in(auth, viewer)
    for url in (f"/plans/{plan.id}", f"/plans/{plan.id}/print", f"/plans/{plan.id}/versions"):
        assert client.get(url).status_code == 403, url
    if who == "other_manager":
        assert client.get(f"/plans/{plan.id}/edit").status_code == 403
        assert client.get(f"/plans/teams/{internship.team_id}/templates").status_code == 403
        assert client.get(f"/plans/internships/{internship.id}/new").status_code == 403


def test_intern_and_mentor_read_but_do_not_edit(client, auth):
    internship = _internship()
    mentor = factories.mentor()
    factories.assign(internship, mentor)
    plan = _plan(internship)
    for reader in (internship.intern, mentor):
        _sign_in(auth, reader)
        with time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC), tick=False):
            assert client.get(f"/plans/{plan.id}").status_code == 200
            assert client.get(f"/plans/{plan.id}/edit").status_code == 403


def test_mentor_reads_the_plan_before_the_intern_does(client, auth):
    internship = _internship()
    mentor = factories.mentor()
    factories.assign(internship, mentor)
    plan = _plan(internship)
    _sign_in(auth, mentor)
    with time_machine.travel(datetime(2026, 5, 25, tzinfo=UTC), tick=False):
        body = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Paper draft" in body and "sees this plan from the start of their first day" in body


def _interns_with_plans(manager, team, n):
    for _ in range(n):
        internship = _internship(manager=manager, team_=team)
        plan = _plan(internship)
        service.mark_done(plan.milestones[0], note="", actor=internship.intern,
                          now=datetime(2026, 6, 2, tzinfo=UTC))


def test_overview_queries_do_not_grow_with_the_data(client, auth, count_queries):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    _interns_with_plans(manager, team, 3)
    _internship(manager=manager, team_=team)
    with time_machine.travel(datetime(2026, 6, 30, tzinfo=UTC), tick=False):
        _sign_in(auth, manager)
        client.get("/plans/")
        with count_queries() as small:
            assert client.get("/plans/").status_code == 200
        _interns_with_plans(manager, team, 30)
        client.get("/plans/")
        with count_queries() as large:
            assert client.get("/plans/").status_code == 200
    assert large.count == small.count


def test_home_page_with_a_plan_keeps_its_query_count(client, auth, count_queries):
    internship = _internship()
    plan = _plan(internship)
    _sign_in(auth, internship.intern)
    with time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC), tick=False):
        client.get("/")
        with count_queries() as small:
            assert client.get("/").status_code == 200
        for week in range(2, 9):
            plan.milestones.append(factories.PlanMilestone(
                week=week, title=f"Step {week}", due_date=date(2026, 6, 1 + week)))
        db.session.commit()
        with count_queries() as large:
            assert client.get("/").status_code == 200
    assert large.count == small.count


def test_mentor_and_manager_reach_the_plan_from_their_home_page(client, auth):
    internship = _internship()
    mentor = factories.mentor()
    factories.assign(internship, mentor)
    plan = _plan(internship)
    for person in (mentor, internship.manager):
        _sign_in(auth, person)
        assert f'href="/plans/{plan.id}"' in client.get("/").get_data(as_text=True)
