"""The outcome report: each figure against hand-computed fixtures, scope, CSV and query counts."""

from __future__ import annotations

import csv
import io
import re
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from intern_portal.extensions import db
from intern_portal.models import (
    BookingStatus,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    OutcomeKind,
    OutcomeStatus,
    Role,
    Term,
)
from intern_portal.reports import facts
from intern_portal.reports.service import Scope, Slice, build_report

from . import factories

WHOLE = Scope(None)
LUNCH_TIME = datetime(2026, 7, 15, 20, 0, tzinfo=UTC)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _summary_cell(html: str, metric: str) -> str:
    found = re.search(rf'<tr data-metric="{metric}">.*?<a [^>]*>([^<]*)</a>', html, re.S)
    assert found, f"no {metric} row on the page"
    return found.group(1).strip()


@pytest.fixture
def worked_example(app):
    """PRODUCT.md: 10 interns in 2019 (9 summer, 1 fall); 8 published; 5 of those in production."""
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager, name="Product Knowledge Graph")
    summer = factories.cohort(Term.SUMMER, 2019)
    fall = factories.cohort(Term.FALL, 2019, start=date(2019, 9, 9), end=date(2019, 12, 13))
    internships = [factories.internship(team_=team, cohort_=summer, manager=manager,
                                        status=InternshipStatus.COMPLETED) for _ in range(9)]
    internships.append(factories.internship(team_=team, cohort_=fall, manager=manager,
                                            status=InternshipStatus.COMPLETED))
    for n, i in enumerate(internships[:8]):
        factories.outcome(i.project, on=date(2020, 3, 1))
        if n < 5:
            factories.outcome(i.project, OutcomeKind.PRODUCTION, OutcomeStatus.TOWARD_PRODUCTION,
                              top_tier=False, on=date(2020, 6, 1))
    return team, manager, internships


def test_worked_example_shows_80_50_50(worked_example):
    team, _, _ = worked_example
    total = build_report(Slice(team_id=team.id, year=2019), WHOLE).total
    assert (total.internships, total.projects) == (10, 10)
    assert total.top_tier_share == pytest.approx(0.8)
    assert total.production_share == pytest.approx(0.5)
    assert total.both_share == pytest.approx(0.5)


def test_worked_example_on_the_page(client, auth, worked_example):
    team, _, _ = worked_example
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    html = client.get(f"/reports/?team_id={team.id}&year=2019").get_data(as_text=True)
    assert _summary_cell(html, "top_tier_share") == "80.0 %"
    assert _summary_cell(html, "production_share") == "50.0 %"
    assert _summary_cell(html, "both_share") == "50.0 %"
    assert _summary_cell(html, "papers_published") == "8"


def test_no_projects_shows_no_share_rather_than_zero(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    total = build_report(Slice(), WHOLE).total
    assert total.projects == 0 and total.top_tier_share is None
    response = client.get("/reports/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _summary_cell(html, "top_tier_share") == "—"
    assert "No internship in this slice." in html


def test_rejected_papers_only_make_no_published_share(app):
    i = factories.internship()
    factories.outcome(i.project, status=OutcomeStatus.REJECTED)
    factories.outcome(i.project, status=OutcomeStatus.REJECTED)
    total = build_report(Slice(), WHOLE).total
    assert (total.projects, total.top_tier, total.papers_published) == (1, 0, 0)
    assert total.top_tier_share == 0.0


def test_paper_published_two_years_later_counts_for_the_internship_year(app):
    cohort = factories.cohort(Term.SUMMER, 2019)
    i = factories.internship(cohort_=cohort, status=InternshipStatus.COMPLETED)
    factories.internship(cohort_=factories.cohort(Term.SUMMER, 2021))
    factories.outcome(i.project, on=date(2021, 7, 20))
    report = build_report(Slice(), WHOLE)
    by_year = {g.key: g.figures for g in report.years}
    assert by_year[2019].top_tier == 1 and by_year[2019].top_tier_share == 1.0
    assert by_year[2021].top_tier == 0
    assert build_report(Slice(year=2021), WHOLE).total.top_tier == 0


def test_paper_not_at_a_top_tier_venue_counts_as_published_not_top_tier(app):
    i = factories.internship()
    factories.outcome(i.project, top_tier=False)
    total = build_report(Slice(), WHOLE).total
    assert (total.papers_published, total.top_tier, total.papers_top_tier) == (1, 0, 0)


def test_internal_conference_paper_counts_and_is_marked_internal(app):
    flagged, plain = factories.internship(), factories.internship()
    factories.outcome(flagged.project, internal=True, top_tier=True)
    factories.outcome(plain.project, internal=True, top_tier=False)
    total = build_report(Slice(), WHOLE).total
    assert (total.papers_published, total.papers_internal, total.top_tier) == (2, 2, 1)


def test_prototype_is_not_yet_toward_production(app):
    i, j = factories.internship(), factories.internship()
    factories.outcome(i.project, OutcomeKind.PRODUCTION, OutcomeStatus.PROTOTYPE, top_tier=False)
    factories.outcome(j.project, OutcomeKind.PRODUCTION, OutcomeStatus.IN_PRODUCTION,
                      top_tier=False)
    total = build_report(Slice(), WHOLE).total
    assert total.production == 1 and total.production_share == 0.5


def test_tutorials_patents_and_releases_are_counted(app):
    i = factories.internship()
    factories.outcome(i.project, OutcomeKind.TUTORIAL, OutcomeStatus.ACCEPTED)
    factories.outcome(i.project, OutcomeKind.TUTORIAL, OutcomeStatus.PROPOSED)
    factories.outcome(i.project, OutcomeKind.PATENT, OutcomeStatus.FILED, top_tier=False)
    factories.outcome(i.project, OutcomeKind.PATENT, OutcomeStatus.REJECTED, top_tier=False)
    factories.outcome(i.project, OutcomeKind.OPEN_SOURCE, OutcomeStatus.RELEASED, top_tier=False)
    factories.outcome(i.project, OutcomeKind.PAPER, OutcomeStatus.SUBMITTED)
    total = build_report(Slice(), WHOLE).total
    assert (total.tutorials, total.patents, total.open_source) == (1, 1, 1)
    assert (total.papers_in_review, total.papers_published, total.top_tier) == (1, 0, 0)


def test_withdrawn_internships_are_left_out(app):
    kept = factories.internship()
    factories.internship(status=InternshipStatus.WITHDRAWN)
    factories.outcome(kept.project)
    total = build_report(Slice(), WHOLE).total
    assert (total.internships, total.projects, total.top_tier_share) == (1, 1, 1.0)


def test_return_interns_are_counted(app):
    first = factories.internship(cohort_=factories.cohort(Term.SUMMER, 2025),
                                 status=InternshipStatus.COMPLETED)
    back = factories.internship(intern=first.intern)
    back.previous_internship_id = first.id
    factories.internship()
    db.session.commit()
    this_year = build_report(Slice(year=2026), WHOLE).total
    assert (this_year.internships, this_year.return_interns) == (2, 1)
    assert this_year.return_share == 0.5
    assert build_report(Slice(year=2025), WHOLE).total.return_share == 0.0


@time_machine.travel(LUNCH_TIME, tick=False)
def test_lunch_dates_count_only_dates_that_took_place(app):
    now = LUNCH_TIME
    i, j = factories.internship(), factories.internship()
    ada, grace = factories.mentor(), factories.mentor()

    def lunch(intern, scientist, days_ago: float, status=BookingStatus.BOOKED):
        slot = factories.lunch_slot(scientist, starts_at=now - timedelta(days=days_ago))
        booking = LunchBooking(slot_id=slot.id, intern_id=intern.id, status=status,
                               uid=f"u{slot.id}@test",
                               cancelled_at=now if status is BookingStatus.CANCELLED else None)
        db.session.add(booking)
        db.session.commit()

    lunch(i.intern, ada, 10)
    lunch(i.intern, ada, 3)
    lunch(i.intern, grace, 2)
    lunch(i.intern, grace, 1, BookingStatus.NO_SHOW)
    lunch(i.intern, grace, 4, BookingStatus.CANCELLED)
    lunch(i.intern, grace, -2)  # still to come
    lunch(j.intern, ada, 5)
    total = build_report(Slice(), WHOLE).total
    assert (total.lunch_dates, total.scientists_met) == (4, 3)
    assert total.lunch_per_intern == 2.0
    assert total.scientists_per_intern == 1.5

    # Three days on, the date still to come has taken place: nothing was written since, yet
    # the report counts it at once, and again after the scheduler brings the facts up to date.
    with time_machine.travel(now + timedelta(days=3), tick=False):
        assert build_report(Slice(), WHOLE).total.lunch_dates == 5
        assert facts.refresh_due(db.session) == 1
        db.session.commit()
        assert facts.refresh_due(db.session) == 0
        total = build_report(Slice(), WHOLE).total
        assert (total.lunch_dates, total.scientists_met) == (5, 3)


def test_plan_counts_when_delivered_by_the_end_of_day_one_in_the_interns_zone(app):
    cohort = factories.cohort(Term.SUMMER, 2025, start=date(2025, 6, 2), end=date(2025, 8, 29))
    on_time, late, early, _no_plan = (factories.internship(cohort_=cohort) for _ in range(4))
    factories.internship(cohort_=factories.cohort(Term.FALL, 2030, start=date(2030, 9, 2),
                                                  end=date(2030, 12, 6)))
    # 04:30 UTC on 3 June is still 2 June (21:30 PDT) in Los Angeles, the interns' zone.
    db.session.add(LaunchPlan(internship=on_time, project_title="P", goal_paper=True,
                              delivered_at=datetime(2025, 6, 3, 4, 30, tzinfo=UTC)))
    # 08:00 UTC on 3 June is 01:00 on 3 June there: the first day is over.
    db.session.add(LaunchPlan(internship=late, project_title="P", goal_paper=True,
                              delivered_at=datetime(2025, 6, 3, 8, 0, tzinfo=UTC)))
    db.session.add(LaunchPlan(internship=early, project_title="P", goal_paper=True,
                              delivered_at=datetime(2025, 5, 30, 17, 0, tzinfo=UTC)))
    db.session.commit()
    total = build_report(Slice(), WHOLE, today=date(2026, 1, 1)).total
    assert (total.plans_due, total.plans_day_one) == (4, 2)
    assert total.day_one_share == pytest.approx(2 / 4)


def test_interns_per_mentor(app):
    ada, grace = factories.mentor(capacity=5), factories.mentor(capacity=5)
    interns = [factories.internship() for _ in range(3)]
    factories.assign(interns[0], ada)
    factories.assign(interns[1], ada)
    factories.assign(interns[2], grace)
    factories.assign(interns[2], ada, primary=False)
    report = build_report(Slice(), WHOLE)
    assert (report.total.mentors, report.total.mentored) == (2, 3)
    assert report.total.interns_per_mentor == 1.5
    assert report.mentor_load == [(1, 1), (3, 1)]


def test_slices_by_org_cohort_and_focus_area(app):
    team = factories.team(focus_areas=("Entity linking", "Search"))
    linking, search = team.focus_areas
    a = factories.internship(team_=team)
    a.project.focus_area_id = linking.id
    b = factories.internship(team_=team)
    b.project.focus_area_id = search.id
    other = factories.internship()
    db.session.commit()
    factories.outcome(a.project)
    assert build_report(Slice(focus_area_id=linking.id), WHOLE).total.top_tier_share == 1.0
    assert build_report(Slice(focus_area_id=search.id), WHOLE).total.top_tier_share == 0.0
    assert build_report(Slice(org_id=team.org_id), WHOLE).total.projects == 2
    assert build_report(Slice(org_id=other.team.org_id), WHOLE).total.projects == 1
    assert build_report(Slice(cohort_id=a.cohort_id), WHOLE).total.projects == 3


@time_machine.travel(LUNCH_TIME, tick=False)
def test_team_slice_counts_only_its_own_outcomes_lunches_and_mentors(app):
    now = LUNCH_TIME
    mine, theirs = factories.team(name="Mine"), factories.team(name="Theirs")
    ada, grace = factories.mentor(capacity=5), factories.mentor(capacity=5)
    here = [factories.internship(team_=mine) for _ in range(2)]
    there = factories.internship(team_=theirs)
    factories.outcome(here[0].project)
    factories.outcome(there.project)
    factories.outcome(there.project, OutcomeKind.PRODUCTION, OutcomeStatus.IN_PRODUCTION,
                      top_tier=False)
    factories.assign(here[0], ada)
    factories.assign(there, grace)
    for intern, scientist, days_ago in ((here[0].intern, ada, 3), (here[0].intern, ada, 2),
                                        (here[1].intern, grace, 1), (there.intern, ada, 1)):
        slot = factories.lunch_slot(scientist, starts_at=now - timedelta(days=days_ago))
        db.session.add(LunchBooking(slot_id=slot.id, intern_id=intern.id, uid=f"t{slot.id}@t"))
    db.session.commit()
    report = build_report(Slice(team_id=mine.id), WHOLE)
    total = report.total
    assert (total.projects, total.top_tier, total.production, total.papers_published) == (
        2, 1, 0, 1)
    assert (total.lunch_dates, total.scientists_met) == (3, 2)
    assert (total.mentors, total.mentored) == (1, 1)
    assert [g.label.split(" · ")[0] for g in report.teams] == ["Mine"]
    whole = build_report(Slice(), WHOLE)
    by_team = {g.label.split(" · ")[0]: g.figures for g in whole.teams}
    assert (by_team["Theirs"].production, by_team["Theirs"].lunch_dates) == (1, 1)
    assert (whole.total.lunch_dates, whole.total.scientists_met, whole.total.mentors) == (4, 3, 2)


def test_manager_sees_only_their_teams(client, auth):
    manager = factories.user(Role.MANAGER)
    mine = factories.team(manager=manager, name="Mine")
    theirs = factories.team(name="Theirs")
    factories.outcome(factories.internship(team_=mine, manager=manager).project)
    factories.internship(team_=theirs)
    factories.internship(team_=theirs)
    auth.login_as(manager)
    html = client.get("/reports/").get_data(as_text=True)
    assert _summary_cell(html, "projects") == "1"
    assert _summary_cell(html, "top_tier_share") == "100.0 %"
    assert "Theirs" not in html
    assert client.get(f"/reports/?team_id={theirs.id}").status_code == 403
    assert client.get(f"/reports/export.csv?table=projects&team_id={theirs.id}").status_code == 403
    rows = _csv(client.get("/reports/export.csv?table=projects"))
    assert [r[3] for r in rows[1:]] == ["Mine"]


def test_manager_without_a_team_sees_an_empty_report(client, auth):
    factories.internship()
    auth.login_as(factories.user(Role.MANAGER))
    html = client.get("/reports/").get_data(as_text=True)
    assert _summary_cell(html, "projects") == "0"


def test_interns_and_mentors_cannot_open_reports(client, auth):
    auth.login_as(factories.user(Role.INTERN))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.csv").status_code == 403


def test_summary_csv_matches_the_page(client, auth, worked_example):
    team, _, _ = worked_example
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    query = f"team_id={team.id}&year=2019"
    html = client.get(f"/reports/?{query}").get_data(as_text=True)
    rows = _csv(client.get(f"/reports/export.csv?table=summary&{query}"))
    assert rows[0] == ["metric", "label", "value"]
    for key, _label, value in rows[1:]:
        shown = _summary_cell(html, key)
        assert shown.removesuffix(" %") == (value or "—"), key
    assert ["top_tier_share", "Share with a published top-tier paper", "80.0"] in rows


def test_year_and_team_csv_match_the_page_tables(client, auth, worked_example):
    team, _, _ = worked_example
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    html = client.get("/reports/").get_data(as_text=True)
    years = _csv(client.get("/reports/export.csv?table=years"))
    teams = _csv(client.get("/reports/export.csv?table=teams"))
    assert years[1][0] == "2019" and teams[1][0].startswith("Product Knowledge Graph")
    header = years[0]
    assert years[1][header.index("top_tier_share")] == "80.0"
    assert teams[1][header.index("production_share")] == "50.0"
    table = re.search(r'data-table="year".*?</table>', html, re.S).group(0)
    cells = re.findall(r'<td class="text-end"><a [^>]*>([^<]*)</a>', table)
    assert [c.removesuffix(" %") for c in cells] == [v or "—" for v in years[1][1:]]


def test_projects_csv_lists_every_project_of_the_slice(client, auth, worked_example):
    team, _, internships = worked_example
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    rows = _csv(client.get(f"/reports/export.csv?table=projects&team_id={team.id}"))
    assert len(rows) == 11
    header = rows[0]
    assert sorted(int(r[header.index("project_id")]) for r in rows[1:]) == sorted(
        i.project.id for i in internships)
    both = _csv(client.get(f"/reports/export.csv?table=projects&metric=both&team_id={team.id}"))
    assert len(both) == 6


def test_drill_down_lists_the_projects_behind_a_number(client, auth, worked_example):
    team, _, internships = worked_example
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    html = client.get("/reports/").get_data(as_text=True)
    link = re.search(r'<tr data-metric="production">.*?href="([^"]+)"', html, re.S).group(1)
    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "<strong>5</strong> projects" in page
    assert page.count('href="/outcomes/project/') == 5
    missing = client.get(f"/reports/projects?metric=top_tier&team_id={team.id}&year=2019")
    assert "<strong>8</strong> projects" in missing.get_data(as_text=True)


def test_unknown_slice_values_are_refused_with_a_message(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.get("/reports/?year=abc&org_id=999")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert client.get("/reports/projects?metric=nonsense").status_code == 404
    assert client.get("/reports/export.csv?table=nonsense").status_code == 404


def test_charts_are_svg_drawn_by_the_server_without_inline_styles(client, auth, worked_example):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    html = client.get("/reports/").get_data(as_text=True)
    assert html.count("<svg") == 2
    assert 'class="chart-bar series-0"' in html
    assert "style=" not in html
    assert "Published top-tier paper 80 %" in html


def _program(n: int):
    lead = factories.user(Role.PROGRAM_LEAD)
    team = factories.team(focus_areas=("Search",))
    scientist = factories.mentor(capacity=50)
    for k in range(n):
        i = factories.internship(team_=team if k % 2 else None)
        factories.assign(i, scientist)
        factories.outcome(i.project)
        db.session.add(LaunchPlan(internship=i, project_title="P", goal_paper=True,
                                  delivered_at=datetime(2026, 6, 1, 17, tzinfo=UTC)))
        slot = factories.lunch_slot(scientist, starts_at=datetime(2026, 6, 10, 19, k,
                                                                  tzinfo=UTC))
        db.session.add(LunchBooking(slot_id=slot.id, intern_id=i.intern_id, uid=f"q{n}-{k}@t"))
    db.session.commit()
    return lead


@pytest.mark.parametrize("url", ["/reports/", "/reports/projects?metric=top_tier",
                                 "/reports/export.csv?table=teams"])
def test_report_queries_do_not_grow_with_the_program(app, count_queries, url):
    counts = []
    for n, recorded_on in ((3, None), (30, datetime(2026, 6, 1, tzinfo=UTC))):
        # The larger program is recorded before its lunch dates: all its facts are behind.
        with time_machine.travel(recorded_on, tick=False) if recorded_on else nullcontext():
            lead = _program(n)
        client = app.test_client()
        client.post("/auth/login", data={"email": lead.email, "password": factories.PASSWORD})
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_cohort_page_links_to_its_outcome_report(client, auth):
    cohort = factories.cohort(Term.FALL, 2024, start=date(2024, 9, 2), end=date(2024, 12, 6))
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f'href="/reports/?cohort_id={cohort.id}"' in html
    assert client.get(f"/reports/?cohort_id={cohort.id}").status_code == 200
