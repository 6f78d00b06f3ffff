"""Roles, the one decorator that guards routes, and who stands in which relation to what.

Every ownership rule the areas use is defined here once: "is staff", "manages this team",
"manages this internship", "mentors this internship now", "has mentored it". Manager rights
need both the Manager role and being named the team's or the internship's manager: taking
the role away ends them at once, before anyone edits the team.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user
from werkzeug.exceptions import Forbidden

from .extensions import login_manager
from .models import Internship, Role, Team, User

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
SIGNED_IN = "signed_in"
STAFF = (Role.ADMIN, Role.PROGRAM_LEAD)  # program-wide rights: admins and program leads


class RoleRequired(Forbidden):
    """A 403 that names the roles which would have been let in."""

    def __init__(self, roles: frozenset[Role] | None = None, description: str | None = None):
        self.roles = roles or frozenset()
        if description is None and self.roles:
            names = ", ".join(sorted(r.label for r in self.roles))
            description = f"This page is for: {names}."
        super().__init__(description=description)


def allow(*roles: Role | str) -> Callable[[F], F]:
    """Declare who may use a route: roles, or PUBLIC, or SIGNED_IN (any role or none)."""
    if not roles:
        raise ValueError("allow() needs at least one role, PUBLIC or SIGNED_IN")
    if PUBLIC in roles or SIGNED_IN in roles:
        if len(roles) > 1:
            raise ValueError("PUBLIC and SIGNED_IN stand alone")
        access: str | frozenset[Role] = roles[0]
    else:
        access = frozenset(Role(r) for r in roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if access != PUBLIC:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if isinstance(access, frozenset) and not current_user.has_role(*access):
                    raise RoleRequired(access)
            return view(*args, **kwargs)

        guarded.access = access  # type: ignore[attr-defined]  # read by test_access.py
        return guarded  # type: ignore[return-value]  # wraps() keeps the view's shape

    return decorator


def require(condition: bool, message: str) -> None:
    """Raise a 403 with the message unless the ownership condition holds."""
    if not condition:
        raise RoleRequired(description=message)


def is_staff(user: User) -> bool:
    """Admins and program leads: every team, every internship."""
    return user.has_role(*STAFF)


def manages_team(user: User, team: Team) -> bool:
    """The team's named manager, holding the Manager role."""
    return user.has_role(Role.MANAGER) and team.manager_id == user.id


def manages(user: User, internship: Internship) -> bool:
    """The internship's manager or its team's manager, holding the Manager role."""
    return user.has_role(Role.MANAGER) and user.id in (internship.manager_id,
                                                       internship.team.manager_id)


def mentors_now(user: User, internship: Internship) -> bool:
    """A current (not ended) mentor of the internship, holding the Mentor role."""
    return user.has_role(Role.MENTOR) and any(
        a.mentor_id == user.id and a.ended_at is None for a in internship.assignments)


def has_mentored(user: User, internship: Internship) -> bool:
    """A mentor of the internship now or before (outcomes stay theirs to record)."""
    return user.has_role(Role.MENTOR) and any(
        a.mentor_id == user.id for a in internship.assignments)
