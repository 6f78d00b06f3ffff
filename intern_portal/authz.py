"""Roles, the one decorator that guards routes, and ownership checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user
from werkzeug.exceptions import Forbidden

from .extensions import login_manager
from .models import Role

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
SIGNED_IN = "signed_in"


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
        access: str | frozenset[Role] = roles[0]  # type: ignore[assignment]
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

        guarded.access = access  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def require(condition: bool, message: str) -> None:
    """Raise a 403 with the message unless the ownership condition holds."""
    if not condition:
        raise RoleRequired(description=message)
