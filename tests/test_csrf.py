"""CSRF: every form post without its token is refused, and nothing changes."""

import re

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import AuditEntry, Role

from . import factories
from .test_access import build_url, declared_rules


def csrf_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client, email: str) -> None:
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={
        "email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_sign_in_without_token_is_refused(csrf_app):
    person = factories.user(Role.INTERN)
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": person.email,
                                                "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_every_form_post_without_token_is_refused(csrf_app):
    admin = factories.user(Role.ADMIN, Role.PROGRAM_LEAD, Role.MANAGER, Role.MENTOR, Role.INTERN)
    team = factories.team(manager=admin)
    internship = factories.internship(team_=team, manager=admin)
    ids = {"user_id": admin.id, "org_id": team.org_id, "team_id": team.id,
           "cohort_id": internship.cohort_id, "internship_id": internship.id,
           "project_id": internship.project.id}
    mentor = factories.mentor()
    ids["assignment_id"] = factories.assign(internship, mentor).id
    ids["mentor_id"] = mentor.id
    ids.update(factories.domain_rows(internship, mentor, admin))
    client = csrf_app.test_client()
    sign_in(client, admin.email)
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditEntry))
    posts = [rule for rule, _ in declared_rules(csrf_app)
             if "POST" in rule.methods and not rule.rule.startswith("/api/")]
    assert posts, "no form routes found"
    accepted = []
    for rule in posts:
        response = client.post(build_url(rule, ids), data={"name": "Changed"})
        if response.status_code != 400:
            accepted.append(f"{rule.rule}: {response.status_code}")
    assert accepted == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows
    assert client.get("/").status_code == 200, "the refused posts must not have signed us out"


def test_form_post_with_token_is_accepted(csrf_app):
    person = factories.user(Role.INTERN)
    client = csrf_app.test_client()
    sign_in(client, person.email)
    token = csrf_token(client, "/profile")
    response = client.post("/profile", data={"name": "New Name", "time_zone": "UTC",
                                             "csrf_token": token})
    assert response.status_code == 302
