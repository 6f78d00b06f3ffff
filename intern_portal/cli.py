"""Command-line tools: flask demo-data, create-user, create-token, revoke-token, scheduler,
send-outbox, report-facts."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect

from . import demo
from .api import tokens
from .extensions import db
from .jobs import scheduler_command
from .links import external_url
from .models import Role, User
from .notify.commands import send_outbox_command
from .reports import facts
from .timeutil import is_time_zone
from .users.service import UserError, create_user

PASSWORD_ENV = "PORTAL_NEW_USER_PASSWORD"


def register_cli(app: Flask) -> None:
    """Attach the portal's commands to the flask CLI."""
    for command in (demo_data_command, create_user_command, create_token_command,
                    revoke_token_command, scheduler_command, send_outbox_command,
                    report_facts_command):
        app.cli.add_command(command)


def _print_logins(logins: list[demo.DemoLogin]) -> None:
    click.echo(f"Sign in at {external_url('auth.login')} as:\n")
    click.echo(demo.format_logins(logins))


@click.command("demo-data")
@click.option("--skip-if-present", is_flag=True,
              help="When the database already has data, load nothing and exit 0.")
@with_appcontext
def demo_data_command(skip_if_present: bool) -> None:
    """Fill an empty database with a demo program and print a login per role."""
    if not inspect(db.engine).has_table(User.__tablename__):
        raise click.ClickException("The database has no tables yet: run `flask db upgrade` first.")
    if demo.database_has_data():
        if not skip_if_present:
            raise click.ClickException(
                "The database already has people, orgs or cohorts; demo data loads only into "
                "an empty database. Nothing was written."
            )
        logins = demo.existing_logins()
        if logins is None:
            click.echo("The database already has data; demo data was not loaded.")
        else:
            click.echo("Demo data is already loaded (passwords as first set).")
            _print_logins(logins)
        return
    result = demo.load_demo_data()
    click.echo("Loaded demo data: " + ", ".join(f"{n} {k}" for k, n in result.counts.items()))
    _print_logins(result.logins)


def _valid_email(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error)) from None


def _valid_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("give the person's name.")
    return value.strip()


def _valid_time_zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_time_zone(value):
        raise click.BadParameter(f"{value!r} is not an IANA time zone (e.g. Asia/Kolkata).")
    return value


@click.command("create-user")
@click.option("--email", required=True, callback=_valid_email)
@click.option("--name", required=True, callback=_valid_name)
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice([r.value for r in Role], case_sensitive=False),
              help="Repeat for several roles.")
@click.option("--time-zone", callback=_valid_time_zone,
              help="IANA zone; defaults to PORTAL_TIMEZONE.")
@click.option("--password", envvar=PASSWORD_ENV, prompt=True, hide_input=True,
              confirmation_prompt=True,
              help=f"Prompted for (hidden) unless {PASSWORD_ENV} is set.")
@with_appcontext
def create_user_command(email: str, name: str, roles: tuple[str, ...], time_zone: str | None,
                        password: str) -> None:
    """Create a person with roles and a password."""
    try:
        user = create_user(
            email=email, name=name, roles={Role(r.lower()) for r in roles},
            time_zone=time_zone or current_app.config["PORTAL_TIMEZONE"], password=password,
        )
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} Nothing was written.") from None
    role_names = ", ".join(sorted(r.label for r in user.role_set))
    click.echo(f"Created {user.name} <{user.email}> (id {user.id}), roles: {role_names}, "
               f"time zone {user.time_zone}.")


@click.command("create-token")
@click.option("--email", required=True, help="Whose token it is.")
@click.option("--name", required=True, help="What the token is for.")
@with_appcontext
def create_token_command(email: str, name: str) -> None:
    """Issue an API token for a person and print it once."""
    try:
        token, raw = tokens.create_token(email=email, name=name)
    except tokens.TokenError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"API token {token.id} ({token.name}) for {email.strip().lower()}:\n")
    click.echo(raw)
    click.echo("\nCopy it now: it is stored only as a hash and can't be shown again.")
    click.echo(f"Use it as the header  Authorization: Bearer <token>; "
               f"revoke it with  flask revoke-token --id {token.id}")


@click.command("revoke-token")
@click.option("--id", "token_id", required=True, type=int, help="The token's id.")
@with_appcontext
def revoke_token_command(token_id: int) -> None:
    """Revoke an API token so it no longer signs anyone in."""
    try:
        token = tokens.revoke_token(token_id)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"API token {token.id} ({token.name}) is revoked "
               f"as of {token.revoked_at:%Y-%m-%d %H:%M} UTC.")


@click.group("report-facts")
def report_facts_command() -> None:
    """The per-internship figures the program report adds up."""


@report_facts_command.command("refresh")
@with_appcontext
def refresh_facts_command() -> None:
    """Recompute the report facts of every internship (after a bulk load by hand)."""
    count = facts.refresh(db.session)
    db.session.commit()
    click.echo(f"Recomputed the report facts of {count} "
               f"internship{'' if count == 1 else 's'}.")


@report_facts_command.command("check")
@with_appcontext
def check_facts_command() -> None:
    """Compare the stored report facts with a fresh computation; exit 1 if any differ."""
    wrong = facts.mismatches(db.session)
    for internship_id, what in sorted(wrong.items())[:50]:
        click.echo(f"internship {internship_id}: {what}")
    if wrong:
        whose = "1 internship's" if len(wrong) == 1 else f"{len(wrong)} internships'"
        raise click.ClickException(f"{whose} report facts differ; "
                                   "`flask report-facts refresh` recomputes them.")
    click.echo("Report facts agree with the data.")
