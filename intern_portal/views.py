"""Small helpers shared by the thin view functions."""

from typing import Any

from flask import render_template
from flask_wtf import FlaskForm

from .extensions import db
from .kernel import Refusal


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
