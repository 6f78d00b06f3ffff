"""Bearer-token sign-in for the API; session cookies never count here."""

from __future__ import annotations

from flask import Response, request
from flask.blueprints import BlueprintSetupState

from ..extensions import login_manager
from .tokens import user_for_token

CHALLENGE = 'Bearer realm="intern-portal-api"'


def bearer_token() -> str | None:
    """Return the token from an `Authorization: Bearer …` header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def sign_in_from_token() -> None:
    """Make the token's owner the current user for this request, or nobody."""
    # The API is exempt from CSRF, so a session cookie must never sign anyone in here.
    token = bearer_token()
    user = user_for_token(token) if token else None
    login_manager._update_request_context_with_user(user)


def add_challenge(response: Response) -> Response:
    """Tell clients refused with 401 to authenticate with a bearer token."""
    if response.status_code == 401:
        response.headers.setdefault("WWW-Authenticate", CHALLENGE)
    return response


def answer_401_without_redirect(state: BlueprintSetupState) -> None:
    """Have Flask-Login refuse unauthenticated API calls with 401 instead of a redirect."""
    login_manager.blueprint_login_views[state.blueprint.name] = None
