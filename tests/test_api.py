"""The JSON API: bearer tokens only, roles per route, JSON errors."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from intern_portal.api.tokens import create_token, hash_token
from intern_portal.authz import PUBLIC, SIGNED_IN
from intern_portal.extensions import db
from intern_portal.models import ApiToken, Role, Term, utcnow

from . import factories


def token_for(user, name: str = "tests") -> str:
    return create_token(email=user.email, name=name)[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_is_public_and_checks_the_database(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_token_from_the_command_line_signs_in_to_the_api(client, runner):
    person = factories.user(Role.MENTOR, Role.INTERN, name="Asha Rao", time_zone="Asia/Kolkata")
    result = runner.invoke(args=["create-token", "--email", person.email, "--name", "laptop"])
    assert result.exit_code == 0, result.output
    token = re.search(r"^([A-Za-z0-9_-]{40,})$", result.output, re.MULTILINE).group(1)

    response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    assert response.get_json() == {
        "id": person.id,
        "email": person.email,
        "name": "Asha Rao",
        "time_zone": "Asia/Kolkata",
        "roles": ["intern", "mentor"],
    }


def test_revoked_token_gets_401(client, runner):
    person = factories.user(Role.ADMIN)
    token = token_for(person)
    token_id = db.session.scalar(select(ApiToken.id))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200

    result = runner.invoke(args=["revoke-token", "--id", str(token_id)])

    assert result.exit_code == 0, result.output
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("header", [
    "Bearer not-a-real-token",
    "Bearer ",
    "Basic YWRtaW5AZXhhbXBsZS5jb206cGFzc3dvcmQ=",
    "Bearer " + "x" * 500,
])
def test_missing_or_wrong_credentials_get_401_json_with_a_bearer_challenge(client, header):
    factories.user(Role.ADMIN)
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response.headers


def test_session_cookie_alone_gets_401(client, auth):
    person = factories.user(Role.ADMIN)
    auth.login_as(person)
    assert client.get("/").status_code == 200  # the cookie does sign in to pages

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_session_cookie_does_not_lend_its_roles_to_a_weaker_token(client, auth):
    admin = factories.user(Role.ADMIN)
    intern = factories.user(Role.INTERN)
    auth.login_as(admin)
    response = client.get("/api/v1/cohorts", headers=bearer(token_for(intern)))
    assert response.status_code == 403


def test_intern_token_gets_403_json_on_cohorts(client):
    intern = factories.user(Role.INTERN)
    response = client.get("/api/v1/cohorts", headers=bearer(token_for(intern)))
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "forbidden"
    assert "Manager" in body["message"]


def test_manager_lists_cohorts_in_date_order(client):
    manager = factories.user(Role.MANAGER)
    factories.cohort(Term.WINTER, 2027, virtual=True)
    factories.cohort(Term.SUMMER, 2026)
    response = client.get("/api/v1/cohorts", headers=bearer(token_for(manager)))
    assert response.status_code == 200
    cohorts = response.get_json()["cohorts"]
    assert [(c["term"], c["year"], c["virtual"]) for c in cohorts] == [
        ("summer", 2026, False), ("winter", 2027, True)
    ]
    assert cohorts[0]["start_date"] == "2026-06-01"
    assert cohorts[0]["end_date"] == "2026-08-28"
    assert set(cohorts[0]) == {"id", "name", "term", "year", "start_date", "end_date", "virtual"}


def test_disabled_person_token_gets_401(client):
    person = factories.user(Role.ADMIN)
    token = token_for(person)
    person.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_token_is_stored_only_as_its_hash(app):
    person = factories.user(Role.ADMIN)
    token = token_for(person)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(token) != token
    assert len(stored.token_hash) == 64


def test_last_use_is_recorded_at_most_once_a_minute(client):
    person = factories.user(Role.ADMIN)
    token = token_for(person)
    client.get("/api/v1/me", headers=bearer(token))
    db.session.expire_all()
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert first is not None

    client.get("/api/v1/me", headers=bearer(token))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) == first

    db.session.execute(update(ApiToken).values(last_used_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    client.get("/api/v1/me", headers=bearer(token))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) > first


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            yield rule, app.view_functions[rule.endpoint].access


@pytest.mark.parametrize("role", list(Role))
def test_each_role_token_gets_exactly_the_api_routes_it_is_allowed(app, client, role):
    token = token_for(factories.user(role))
    wrong = []
    for rule, access in _api_rules(app):
        allowed = access in (PUBLIC, SIGNED_IN) or role in access
        response = client.get(rule.rule, headers=bearer(token))
        if response.status_code != (200 if allowed else 403) or not response.is_json:
            wrong.append(f"{rule.rule}: {response.status_code}")
    assert wrong == []


def test_api_call_does_not_sign_the_browser_out_of_pages(client, auth):
    person = factories.user(Role.ADMIN)
    auth.login_as(person)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/").status_code == 200
