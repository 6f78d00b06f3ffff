"""Every route for every role, generated from the URL map.

A route without a declared rule fails here, and so does a role that gets in where it should
not (or is kept out where it should get in).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from intern_portal.authz import PUBLIC, SIGNED_IN
from intern_portal.models import Role

from . import factories

ASSET_ENDPOINTS = {"static", "bootstrap.static"}
PERSONAS = ["anonymous", "no_role", *[r.value for r in Role]]


def declared_rules(app: Flask):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ASSET_ENDPOINTS:
            continue
        yield rule, getattr(app.view_functions[rule.endpoint], "access", None)


def test_every_route_declares_who_may_use_it(app):
    undeclared = [rule.rule for rule, access in declared_rules(app) if access is None]
    assert undeclared == []


@pytest.fixture
def world(app):
    """One of everything, wired together so each role owns what it should."""
    manager = factories.user(Role.MANAGER, email="manager@example.com")
    people = {
        "no_role": factories.user(email="norole@example.com"),
        "admin": factories.user(Role.ADMIN, email="admin@example.com"),
        "program_lead": factories.user(Role.PROGRAM_LEAD, email="lead@example.com"),
        "manager": manager,
        "mentor": factories.mentor(email="mentor@example.com"),
        "intern": factories.user(Role.INTERN, email="intern@example.com"),
    }
    team = factories.team(manager=manager, focus_areas=("Entity linking",))
    cohort = factories.cohort()
    internship = factories.internship(intern=people["intern"], team_=team, cohort_=cohort,
                                      manager=manager)
    assignment = factories.assign(internship, people["mentor"])
    extra = factories.domain_rows(internship, people["mentor"], people["program_lead"])
    ids = {
        "user_id": people["intern"].id,
        "mentor_id": people["mentor"].id,
        "org_id": team.org_id,
        "team_id": team.id,
        "cohort_id": cohort.id,
        "internship_id": internship.id,
        "project_id": internship.project.id,
        "assignment_id": assignment.id,
        "token": "no-such-feed-token",  # calendar feeds answer 404 to an unknown token
        "job_id": factories.import_job(people["program_lead"]).id,
        **extra,
    }
    return people, ids


def build_url(rule, ids) -> str:
    missing = [name for name in rule.arguments if name not in ids]
    assert not missing, f"{rule.rule}: add a value for {missing} to the test world"
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(ids[name]), url)
    return url


def expected(access, persona: str) -> str:
    if access == PUBLIC:
        return "in"
    if persona == "anonymous":
        return "sign-in"
    if access == SIGNED_IN or persona in {r.value for r in access}:
        return "in"
    return "forbidden"


def outcome(response, is_api: bool) -> str:
    if response.status_code >= 500:
        return f"error {response.status_code}"
    if response.status_code == 403:
        return "forbidden"
    if is_api and response.status_code == 401:
        return "sign-in"
    location = response.headers.get("Location", "")
    # Flask-Login's bounce carries ?next=; a plain redirect to the sign-in page (sign-out) doesn't.
    if response.status_code == 302 and location.startswith("/auth/login?next="):
        return "sign-in"
    return "in"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_gets_exactly_the_routes_it_is_allowed(app, world, persona):
    people, ids = world
    client = app.test_client()
    if persona != "anonymous":
        client.post("/auth/login", data={"email": people[persona].email,
                                         "password": factories.PASSWORD})
    wrong = []
    # Sign-out goes last so it doesn't end the session the other requests rely on.
    rules = sorted(declared_rules(app), key=lambda pair: pair[0].endpoint == "auth.logout")
    for rule, access in rules:
        url = build_url(rule, ids)
        is_api = rule.rule.startswith("/api/")
        want = expected(access, persona)
        if is_api and access != PUBLIC:
            want = "sign-in"  # a session cookie never signs in to the API; test_api.py walks tokens
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={})
            got = outcome(response, is_api)
            if got != want:
                wrong.append(f"{method} {url}: wanted {want}, got {got} ({response.status_code})")
    assert wrong == []
