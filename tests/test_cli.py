"""The flask commands: create-user, create-token, revoke-token."""

import pytest
from sqlalchemy import func, select

from intern_portal.api.tokens import hash_token
from intern_portal.extensions import db
from intern_portal.models import ApiToken, AuditEntry, Role, User

from . import factories

NEW_PASSWORD = "a-long-enough-secret"


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_create_user_prompts_twice_and_the_person_can_sign_in(runner, client, auth):
    result = runner.invoke(
        args=["create-user", "--email", "Ada@Example.com", "--name", "Ada Lovelace",
              "--role", "admin", "--role", "mentor", "--time-zone", "Europe/London"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert NEW_PASSWORD not in result.output
    assert "Created Ada Lovelace <ada@example.com>" in result.output

    person = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    assert person.role_set == {Role.ADMIN, Role.MENTOR}
    assert person.time_zone == "Europe/London"
    assert auth.login("ada@example.com", NEW_PASSWORD).status_code == 302


def test_create_user_takes_the_password_from_the_environment(runner, app):
    result = runner.invoke(
        args=["create-user", "--email", "bot@example.com", "--name", "Import Bot",
              "--role", "program_lead"],
        env={"PORTAL_NEW_USER_PASSWORD": NEW_PASSWORD},
    )
    assert result.exit_code == 0, result.output
    person = db.session.scalar(select(User).where(User.email == "bot@example.com"))
    assert person.role_set == {Role.PROGRAM_LEAD}
    assert person.time_zone == app.config["PORTAL_TIMEZONE"]
    assert db.session.scalar(select(AuditEntry.summary)) == "Created bot@example.com"


@pytest.mark.parametrize(("args", "password", "message"), [
    (["--email", "not-an-email"], NEW_PASSWORD, "must have an @-sign"),
    (["--role", "wizard"], NEW_PASSWORD, "'wizard' is not one of"),
    (["--time-zone", "Mars/Olympus_Mons"], NEW_PASSWORD, "is not an IANA time zone"),
    (["--email", "taken@example.com"], NEW_PASSWORD, "Another person already uses this email."),
    (["--name", "  "], NEW_PASSWORD, "give the person's name"),
    ([], "short", "Use at least 10 characters."),
])
def test_create_user_refuses_bad_input_and_writes_nothing(runner, args, password, message):
    factories.user(Role.INTERN, email="taken@example.com")
    options = {"--email": "new@example.com", "--name": "New Person", "--role": "intern"}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = runner.invoke(
        args=["create-user", *[part for pair in options.items() for part in pair]],
        env={"PORTAL_NEW_USER_PASSWORD": password},
    )
    assert result.exit_code != 0
    assert message in result.output
    assert user_count() == 1
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_create_token_prints_it_once_and_stores_only_its_hash(runner):
    person = factories.user(Role.PROGRAM_LEAD)
    result = runner.invoke(args=["create-token", "--email", person.email, "--name", "reports"])
    assert result.exit_code == 0, result.output
    token = db.session.scalar(select(ApiToken))
    printed = [line for line in result.output.splitlines() if hash_token(line) == token.token_hash]
    assert len(printed) == 1
    assert (token.user_id, token.name, token.revoked_at) == (person.id, "reports", None)


@pytest.mark.parametrize(("email", "name", "message"), [
    ("nobody@example.com", "reports", "No person has the email"),
    ("disabled@example.com", "reports", "is disabled"),
    ("lead@example.com", "   ", "Say what the token is for"),
])
def test_create_token_refuses_and_writes_nothing(runner, email, name, message):
    factories.user(Role.PROGRAM_LEAD, email="lead@example.com")
    factories.user(Role.PROGRAM_LEAD, email="disabled@example.com", active=False)
    result = runner.invoke(args=["create-token", "--email", email, "--name", name])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_revoke_token_sets_revoked_at_and_is_safe_to_repeat(runner):
    person = factories.user(Role.ADMIN)
    runner.invoke(args=["create-token", "--email", person.email, "--name", "ci"])
    token_id = db.session.scalar(select(ApiToken.id))

    first = runner.invoke(args=["revoke-token", "--id", str(token_id)])
    db.session.expire_all()
    revoked_at = db.session.get(ApiToken, token_id).revoked_at
    again = runner.invoke(args=["revoke-token", "--id", str(token_id)])
    db.session.expire_all()

    assert first.exit_code == again.exit_code == 0
    assert revoked_at is not None
    assert db.session.get(ApiToken, token_id).revoked_at == revoked_at


def test_revoke_token_refuses_an_unknown_id(runner):
    result = runner.invoke(args=["revoke-token", "--id", "999"])
    assert result.exit_code != 0
    assert "No API token has id 999." in result.output
