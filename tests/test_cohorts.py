"""Cohorts: creating and editing them, and each cohort's page."""

from datetime import date

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import AuditEntry, Cohort, InternshipStatus, Role, Term

from . import factories


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _last_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def _cohort(cohort_id: int) -> Cohort:
    db.session.expire_all()
    return db.session.get(Cohort, cohort_id)


def _form(**overrides) -> dict:
    data = {"term": "summer", "year": "2026", "start_date": "2026-06-01",
            "end_date": "2026-09-18", "virtual": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_program_lead_creates_a_cohort(client, auth):
    lead = factories.user(Role.PROGRAM_LEAD)
    auth.login_as(lead)
    response = client.post("/cohorts/new", data=_form(), follow_redirects=True)
    assert b"The Summer 2026 cohort is created." in response.data
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.term, cohort.year, cohort.virtual) == (Term.SUMMER, 2026, True)
    assert (cohort.start_date, cohort.end_date) == (date(2026, 6, 1), date(2026, 9, 18))
    entry = _last_audit()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("create", "cohorts", cohort.id)
    assert entry.actor_id == lead.id
    assert entry.after == {"term": "summer", "year": 2026, "start_date": "2026-06-01",
                           "end_date": "2026-09-18", "virtual": True}


def test_cohort_ending_on_or_before_its_start_is_refused(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    for end in ("2026-06-01", "2026-05-01"):
        response = client.post("/cohorts/new", data=_form(end_date=end))
        assert response.status_code == 422
        assert b"The cohort must end after it starts." in response.data
    assert (_count(Cohort), _count(AuditEntry)) == (0, 0)


def test_second_cohort_for_the_same_term_and_year_is_refused(client, auth):
    factories.cohort(Term.SUMMER, 2026)
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post("/cohorts/new", data=_form())
    assert response.status_code == 422
    assert b"There is already a summer 2026 cohort." in response.data
    assert (_count(Cohort), _count(AuditEntry)) == (1, 0)


def test_cohort_year_out_of_range_is_refused(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post("/cohorts/new", data=_form(year="1999"))
    assert response.status_code == 422
    assert _count(Cohort) == 0


def test_missing_dates_are_refused(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post("/cohorts/new", data=_form(start_date="", end_date="not a date"))
    assert response.status_code == 422
    assert _count(Cohort) == 0


def test_editing_a_cohort_records_before_and_after(client, auth):
    cohort = factories.cohort(Term.FALL, 2025, date(2025, 9, 1), date(2025, 12, 12))
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/cohorts/{cohort.id}/edit", data=_form(
        term="fall", year="2025", start_date="2025-09-08", end_date="2025-12-19"))
    assert response.status_code == 302
    saved = _cohort(cohort.id)
    assert (saved.start_date, saved.end_date, saved.virtual) == (
        date(2025, 9, 8), date(2025, 12, 19), True)
    entry = _last_audit()
    assert entry.before == {"start_date": "2025-09-01", "end_date": "2025-12-12",
                            "virtual": False}
    assert entry.after == {"start_date": "2025-09-08", "end_date": "2025-12-19",
                           "virtual": True}


def test_editing_a_cohort_onto_a_taken_term_and_year_is_refused(client, auth):
    factories.cohort(Term.SUMMER, 2026)
    cohort = factories.cohort(Term.FALL, 2026, date(2026, 9, 1), date(2026, 12, 11))
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/cohorts/{cohort.id}/edit", data=_form(
        term="summer", start_date="2026-09-01", end_date="2026-12-11"))
    assert response.status_code == 422
    assert _cohort(cohort.id).term == Term.FALL
    assert _count(AuditEntry) == 0


def test_edit_form_shows_the_cohort(client, auth):
    cohort = factories.cohort(Term.WINTER, 2027, date(2027, 1, 11), date(2027, 4, 30))
    auth.login_as(factories.user(Role.ADMIN))
    page = client.get(f"/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert '<option selected value="winter">Winter</option>' in page
    assert 'value="2027-01-11"' in page and 'value="2027-04-30"' in page


def test_cohort_list_shows_counts_by_status(client, auth):
    cohort = factories.cohort(Term.SUMMER, 2026, virtual=True)
    team = factories.team()
    for status in (InternshipStatus.ACTIVE, InternshipStatus.ACTIVE, InternshipStatus.WITHDRAWN):
        factories.internship(team_=team, cohort_=cohort, status=status)
    auth.login_as(factories.user(Role.MANAGER))
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "Summer 2026" in page and "virtual" in page
    assert '<td class="text-end">2</td>' in page
    assert '<td class="text-end fw-semibold">3</td>' in page


def test_cohort_page_counts_internships_by_status_and_team(client, auth):
    cohort = factories.cohort(Term.SUMMER, 2026, date(2026, 6, 1), date(2026, 9, 18))
    alexa, devices = factories.org("Alexa AI"), factories.org("Devices")
    pkg = factories.team(alexa, name="PKG")
    s3 = factories.team(devices, name="Echo Science")
    for team, status in ((pkg, InternshipStatus.ACTIVE), (pkg, InternshipStatus.ACTIVE),
                         (pkg, InternshipStatus.OFFERED), (s3, InternshipStatus.COMPLETED)):
        factories.internship(team_=team, cohort_=cohort, status=status)
    factories.internship(team_=s3, cohort_=factories.cohort(Term.FALL, 2026,
                                                             date(2026, 9, 1), date(2026, 12, 1)))
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "01 Jun 2026 – 18 Sep 2026" in page
    assert '<span class="stat-value">4</span> all' in page
    assert '<span class="stat-value">2</span> active' in page
    assert '<span class="stat-value">1</span> completed' in page
    assert '<span class="stat-value">0</span> withdrawn' in page
    team_rows = page[page.index("By org and team"):page.index('id="interns-heading"')]
    assert team_rows.index("Alexa AI") < team_rows.index("PKG") < team_rows.index("Devices")
    assert team_rows.index("Devices") < team_rows.index("Echo Science")


def test_cohort_page_lists_interns_with_team_manager_status_and_primary_mentor(client, auth):
    cohort = factories.cohort()
    manager = factories.user(Role.MANAGER, name="Mona Manager")
    team = factories.team(factories.org("Alexa AI"), manager=manager, name="PKG")
    first = factories.internship(factories.user(Role.INTERN, name="Ivy Intern"), team, cohort)
    factories.assign(first, factories.mentor(name="Primary Pat"), primary=True)
    factories.assign(first, factories.mentor(name="Extra Eve"), primary=False)
    factories.internship(factories.user(Role.INTERN, name="Noel Nomentor"), team, cohort)
    auth.login_as(factories.user(Role.MANAGER))
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    interns = page[page.index('id="interns-heading"'):]
    assert interns.index("Ivy Intern") < interns.index("Noel Nomentor")
    assert "PKG" in interns and "Mona Manager" in interns and "Primary Pat" in interns
    assert "Extra Eve" not in interns
    assert "None yet" in interns


def test_cohort_page_filters_interns_by_status(client, auth):
    cohort = factories.cohort()
    team = factories.team()
    factories.internship(factories.user(Role.INTERN, name="Ann Active"), team, cohort)
    factories.internship(factories.user(Role.INTERN, name="Wes Withdrawn"), team, cohort,
                         status=InternshipStatus.WITHDRAWN)
    auth.login_as(factories.user(Role.ADMIN))
    page = client.get(f"/cohorts/{cohort.id}?status=withdrawn").get_data(as_text=True)
    interns = page[page.index('id="interns-heading"'):]
    assert "Wes Withdrawn" in interns and "Ann Active" not in interns


def test_cohort_page_shows_fifty_interns_a_page(client, auth):
    cohort = factories.cohort()
    team = factories.team()
    for n in range(52):
        factories.internship(factories.user(Role.INTERN, name=f"Intern {n:02d}"), team, cohort)
    auth.login_as(factories.user(Role.ADMIN))
    first = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Intern 49" in first and "Intern 50" not in first and "Page 1 of 2" in first
    second = client.get(f"/cohorts/{cohort.id}?page=2").get_data(as_text=True)
    assert "Intern 51" in second and "Intern 00" not in second


def test_unknown_cohort_is_a_404(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    assert client.get("/cohorts/999").status_code == 404
    assert client.get("/cohorts/999/edit").status_code == 404


def test_cohort_pages_use_a_fixed_number_of_queries(client, auth, count_queries):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    cohort = factories.cohort(Term.SUMMER, 2026)

    def build(n: int, year: int) -> None:
        factories.cohort(Term.FALL, year, date(year, 9, 1), date(year, 12, 1))
        for _ in range(n):
            team = factories.team(manager=factories.user(Role.MANAGER))
            internship = factories.internship(team_=team, cohort_=cohort)
            factories.assign(internship, factories.mentor())
            factories.assign(internship, factories.mentor(), primary=False)

    build(3, 2001)
    with count_queries() as few_list:
        assert client.get("/cohorts/").status_code == 200
    with count_queries() as few_detail:
        assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    for year in range(2002, 2011):
        build(3, year)
    with count_queries() as many_list:
        assert client.get("/cohorts/").status_code == 200
    with count_queries() as many_detail:
        assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    assert many_list.count == few_list.count
    assert many_detail.count == few_detail.count


def test_manager_sees_cohorts_but_cannot_create_or_edit_them(client, auth):
    cohort = factories.cohort()
    auth.login_as(factories.user(Role.MANAGER))
    assert client.get("/cohorts/").status_code == 200
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    assert client.get("/cohorts/new").status_code == 403
    assert client.post("/cohorts/new", data=_form(year="2030")).status_code == 403
    assert client.post(f"/cohorts/{cohort.id}/edit", data=_form(year="2030")).status_code == 403
    assert _cohort(cohort.id).year == 2026 and _count(Cohort) == 1
    assert "/cohorts/new" not in client.get("/cohorts/").get_data(as_text=True)


def test_interns_and_mentors_are_kept_out_of_cohort_pages(client, auth):
    cohort = factories.cohort()
    for role in (Role.INTERN, Role.MENTOR):
        auth.login_as(factories.user(role))
        for url in ("/cohorts/", "/cohorts/new", f"/cohorts/{cohort.id}",
                    f"/cohorts/{cohort.id}/edit"):
            assert client.get(url).status_code == 403, url
        assert client.post("/cohorts/new", data=_form(year="2031")).status_code == 403
        auth.logout()
    assert _count(Cohort) == 1
