"""Small helpers shared by the thin view functions."""

from typing import Any

from flask import render_template
from flask_wtf import FlaskForm


def render_form(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a page holding a form: 422 when the form carries errors, so clients can tell."""
    return render_template(template, form=form, **context), 422 if form.errors else 200
