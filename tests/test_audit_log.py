"""The audit log: every change is recorded, and an admin can read and filter it."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from intern_portal import audit
from intern_portal.extensions import db
from intern_portal.models import AuditEntry, Org, Role

from . import factories


def _entry(actor=None, entity=None, action="update", summary="Changed", before=None,
           after=None, at=None, reason="") -> AuditEntry:
    """Write one audit row directly, as any service would."""
    entry = audit.record(actor.id if actor else None, action, entity or factories.org(), summary,
                         before, after, reason)
    if at is not None:
        entry.at = at
    db.session.commit()
    return entry


def _main(page: str) -> str:
    return page[page.index('<main'):]


def test_admin_reads_changes_newest_first_with_before_and_after(client, auth):
    admin = factories.user(Role.ADMIN, name="Ada Admin")
    org = factories.org("Alexa AI")
    _entry(admin, org, "create", "Created org Alexa AI", after={"name": "Alexa AI"},
           at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    _entry(admin, org, "update", "Renamed org Alexa AI to Alexa", {"name": "Alexa AI"},
           {"name": "Alexa"}, at=datetime(2026, 3, 2, 12, tzinfo=UTC), reason="Rebrand")
    auth.login_as(admin)
    page = _main(client.get("/admin/audit").get_data(as_text=True))
    assert page.index("Renamed org Alexa AI to Alexa") < page.index("Created org Alexa AI")
    assert "Ada Admin" in page and "Rebrand" in page
    assert '<td class="audit-old">Alexa AI</td>' in page
    assert '<td class="audit-new">Alexa</td>' in page


def test_times_are_shown_in_the_viewers_time_zone(client, auth):
    admin = factories.user(Role.ADMIN, time_zone="Asia/Kolkata")
    _entry(admin, summary="Late change", at=datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    auth.login_as(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Mon 02 Mar 2026, 01:30 IST" in page


def test_lists_and_flags_are_shown_readably(client, auth):
    admin = factories.user(Role.ADMIN)
    _entry(admin, summary="Edited someone", before={"roles": ["intern"], "active": True},
           after={"roles": ["manager", "mentor"], "active": False, "manager": None})
    auth.login_as(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<td class="audit-new">manager, mentor</td>' in page
    assert '<td class="audit-old">yes</td>' in page and '<td class="audit-new">no</td>' in page


def test_changes_made_through_the_pages_reach_the_log(client, auth):
    admin = factories.user(Role.ADMIN, email="boss@example.com")
    auth.login_as(admin)
    client.post("/admin/orgs/new", data={"name": "Devices"})
    client.post("/cohorts/new", data={"term": "fall", "year": "2026",
                                      "start_date": "2026-09-01", "end_date": "2026-12-11"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Created org Devices" in page and "Created cohort Fall 2026" in page


def test_log_filters_by_entity_type(client, auth):
    admin = factories.user(Role.ADMIN)
    _entry(admin, factories.org(), summary="An org change")
    _entry(admin, factories.cohort(), summary="A cohort change")
    auth.login_as(admin)
    page = client.get("/admin/audit?entity_type=cohorts").get_data(as_text=True)
    assert "A cohort change" in page and "An org change" not in page
    assert '<option selected value="cohorts">Cohorts</option>' in page


def test_log_filters_by_one_entitys_history(client, auth):
    admin = factories.user(Role.ADMIN)
    first, second = factories.org(), factories.org()
    _entry(admin, first, summary="First org change")
    _entry(admin, second, summary="Second org change")
    auth.login_as(admin)
    page = client.get(f"/admin/audit?entity_type=orgs&entity_id={first.id}")
    assert "First org change" in page.get_data(as_text=True)
    assert "Second org change" not in page.get_data(as_text=True)


def test_log_filters_by_actor_email(client, auth):
    admin = factories.user(Role.ADMIN, email="admin@example.com")
    lead = factories.user(Role.PROGRAM_LEAD, email="lead@program.example.com")
    _entry(admin, summary="Admin did this")
    _entry(lead, summary="Lead did that")
    _entry(None, summary="The system did it")
    auth.login_as(admin)
    page = client.get("/admin/audit?actor=LEAD@program").get_data(as_text=True)
    assert "Lead did that" in page
    assert "Admin did this" not in page and "The system did it" not in page
    assert "No change matches." in client.get("/admin/audit?actor=nobody").get_data(as_text=True)


def test_log_shows_fifty_rows_a_page(client, auth):
    admin = factories.user(Role.ADMIN)
    org = factories.org()
    for n in range(53):
        _entry(admin, org, summary=f"Change number {n:02d}.",
               at=datetime(2026, 1, 1, tzinfo=UTC).replace(minute=n))
    auth.login_as(admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Change number 52." in first and "Change number 02." not in first
    assert "Page 1 of 2" in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "Change number 02." in second and "Change number 03." not in second


def test_log_uses_a_fixed_number_of_queries(client, auth, count_queries):
    admin = factories.user(Role.ADMIN)
    auth.login_as(admin)

    def build(n: int) -> None:
        for _ in range(n):
            actor = factories.user(Role.PROGRAM_LEAD)
            _entry(actor, factories.org(), summary="Change", before={"name": "a"},
                   after={"name": "b"})

    build(3)
    with count_queries() as few:
        assert client.get("/admin/audit").status_code == 200
    build(27)
    with count_queries() as many:
        assert client.get("/admin/audit").status_code == 200
    assert many.count == few.count


def test_only_admins_read_the_log(client, auth):
    for role in (Role.PROGRAM_LEAD, Role.MANAGER, Role.MENTOR, Role.INTERN):
        auth.login_as(factories.user(role))
        assert client.get("/admin/audit").status_code == 403
        auth.logout()


def test_refused_changes_leave_no_audit_row(client, auth):
    factories.org("Finance")
    auth.login_as(factories.user(Role.ADMIN))
    client.post("/admin/orgs/new", data={"name": "Finance"})
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert db.session.scalar(select(func.count()).select_from(Org)) == 1
