"""Small helpers shared by the thin view functions."""

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse

from .extensions import db
from .kernel import Refusal

LOST_ACTION = ("You were signed out before that went through, so nothing was changed. "
               "Sign in and do it again.")


def _same_site_path(url: str | None) -> str | None:
    """The path (and query) of a URL on this site, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    here = urlsplit(request.host_url)
    if parts.netloc and (parts.scheme, parts.netloc) != (here.scheme, here.netloc):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def sign_in_to_continue() -> WerkzeugResponse:
    """Send a signed-out person to sign in, then back to the page they were on.

    A GET comes back to itself. A form post can't be repeated by a redirect, so the person
    returns to the page that held the form, told that their last action was not done.
    """
    if request.path.startswith("/api/"):
        abort(401)  # the API has no sign-in page: it wants a bearer token
    if request.method == "GET":
        flash("Please sign in to see that page.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # Said by the URL, not the session: signing in starts a new session.
    back = _same_site_path(request.referrer) or url_for("home.index")
    return redirect(url_for("auth.login", next=back, lost="1"))


class EmptyForm(FlaskForm):
    """A bare button: CSRF token only (every state change is a POST through a form)."""


def render_form(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a page holding a form: 422 when the form carries errors, so clients can tell."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def refuse(form: FlaskForm, error: Refusal) -> None:
    """Undo the refused change, then show why on the field the service names, or above the form."""
    db.session.rollback()
    name = error.field
    if name and name in form:
        form[name].errors.append(str(error))
    else:
        form.form_errors.append(str(error))
