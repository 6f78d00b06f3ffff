"""Creating and changing people and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

from sqlalchemy import select

from .. import audit
from ..auth import sessions
from ..auth.service import hash_password, normalize_email, password_problem
from ..authz import STAFF, require
from ..extensions import db
from ..kernel import Refusal, finish, refusing
from ..links import external_url
from ..models import Role, User, UserRole, utcnow
from ..notify.owed import owe, owed
from ..timeutil import is_time_zone

USER_FIELDS = ("email", "name", "time_zone", "active", "roles")


class UserError(Refusal):
    """A change to a person was refused; field names the form field at fault."""


def _user_state(user: User) -> dict:
    state = audit.snapshot(user, ("email", "name", "time_zone", "active"))
    state["roles"] = sorted(r.value for r in user.role_set)
    return state


def _check(email: str, time_zone: str, exclude_id: int | None = None) -> None:
    if not is_time_zone(time_zone):
        raise UserError(f"{time_zone!r} is not a time zone.", "time_zone")
    clash = db.session.scalar(select(User.id).where(User.email == email))
    if clash is not None and clash != exclude_id:
        raise UserError("Another person already uses this email.", "email")


def _set_roles(user: User, roles: Iterable[Role]) -> None:
    wanted = set(roles)
    for link in list(user.roles):
        if link.role not in wanted:
            user.roles.remove(link)
    have = user.role_set
    for role in sorted(wanted - have):
        user.roles.append(UserRole(role=role))


def _guard_admin_grant(actor: User | None, before: frozenset[Role], after: set[Role]) -> None:
    if actor is None:  # command line: the operator is trusted
        return
    if (Role.ADMIN in before) != (Role.ADMIN in after) and not actor.has_role(Role.ADMIN):
        raise UserError("Only an admin can grant or remove the admin role.", "roles")


def create_user(
    *,
    email: str,
    name: str,
    roles: Iterable[Role],
    time_zone: str = "UTC",
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a person with roles; the password is optional (set later by the person)."""
    email = normalize_email(email)
    roles = set(roles)
    _check(email, time_zone)
    _guard_admin_grant(actor, frozenset(), roles)
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise UserError(problem, "password")
    user = User(email=email, name=name.strip(), time_zone=time_zone, active=True)
    if password is not None:
        user.password_hash = hash_password(password)
    _set_roles(user, roles)
    with _email_clash_refused():
        db.session.add(user)
        audit.record(actor.id if actor else None, "create", user, f"Created {email}",
                     after=_user_state(user))
        db.session.commit()
    return user


def check_may_edit(actor: User, person: User) -> None:
    """Refuse a non-admin who changes an admin's account: a password reset would hand it over."""
    require(
        actor.has_role(Role.ADMIN) or not person.has_role(Role.ADMIN),
        "Only an admin can change an admin's account.",
    )


EMAIL_CLASH = "Another person already uses this email."


def _email_clash_refused() -> AbstractContextManager[None]:
    """Turn a twin saved at the same moment into the field message, not a 500."""
    return refusing(EMAIL_CLASH, "email", kind=UserError)


def update_user(
    user: User,
    *,
    actor: User | None,
    email: str,
    name: str,
    time_zone: str,
    active: bool,
    roles: Iterable[Role],
    new_password: str | None = None,
) -> User:
    """Change a person's details, roles or password, as an admin or program lead."""
    if actor is not None:
        check_may_edit(actor, user)
    email = normalize_email(email)
    roles = set(roles)
    _check(email, time_zone, exclude_id=user.id)
    _guard_admin_grant(actor, user.role_set, roles)
    if actor is not None and actor.id == user.id and not active:
        raise UserError("You can't disable your own account.", "active")
    if actor is not None and actor.id == user.id and Role.ADMIN in user.role_set - roles:
        raise UserError("You can't remove your own admin role.", "roles")
    if new_password:
        # A lead who could reset another staff account could sign in as its owner.
        if (actor is not None and actor.id != user.id and user.has_role(*STAFF)
                and not actor.has_role(Role.ADMIN)):
            raise UserError("Only an admin can reset the password of an admin or a program "
                            "lead.", "new_password")
        problem = password_problem(new_password, email)
        if problem:
            raise UserError(problem, "new_password")
    before = _user_state(user)
    user.email, user.name, user.time_zone, user.active = email, name.strip(), time_zone, active
    _set_roles(user, roles)
    if new_password:
        user.password_hash = hash_password(new_password)
    old, new = audit.changed(before, _user_state(user))
    if new_password or not active:
        # Every session of a person whose password was reset, or who was disabled, ends now.
        sessions.end_all(user.id)
    if new_password:
        new["password"] = "reset"
        _tell_of_reset(actor, user)
    with _email_clash_refused():
        if new:
            audit.record(actor.id if actor else None, "update", user, f"Edited {email}", old, new)
        db.session.commit()
    return user


def _tell_of_reset(actor: User | None, user: User) -> None:
    """Email the person whose password someone else reset (in the caller's transaction)."""
    now = utcnow()
    by = actor.name if actor is not None else "A program admin"
    owe([owed("password_reset", f"user:{user.id}:reset-by:{actor.id if actor else 0}", user,
              now, "Your Intern Portal password was reset",
              [f"{by} reset the password of your Intern Portal account, and every session of "
               "yours was signed out.",
               "If you did not expect this, ask them why, and change the password once you "
               "are signed in."],
              ("Sign in", external_url("auth.login")))])


def sign_out_everywhere(actor: User, user: User) -> int:
    """End every session of a person (an admin's action); commit; how many ended."""
    check_may_edit(actor, user)
    ended = sessions.end_all(user.id)
    audit.record(actor.id, "sign_out", user,
                 f"{actor.name} signed {user.email} out everywhere ({ended} sessions)")
    finish()
    return ended


def update_profile(user: User, *, name: str, time_zone: str, digest_opt_out: bool) -> User:
    """A person changes their own name, time zone and digest choice."""
    if not is_time_zone(time_zone):
        raise UserError(f"{time_zone!r} is not a time zone.", "time_zone")
    fields = ("name", "time_zone", "digest_opt_out")
    before = audit.snapshot(user, fields)
    user.name, user.time_zone, user.digest_opt_out = name.strip(), time_zone, digest_opt_out
    old, new = audit.changed(before, audit.snapshot(user, fields))
    if new:
        audit.record(user.id, "update", user, f"{user.email} edited their profile", old, new)
    db.session.commit()
    return user
