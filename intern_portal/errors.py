"""Error pages for people, JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .authz import PUBLIC, RoleRequired
from .extensions import db
from .kernel import Refusal
from .views import sign_in_to_continue


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "The form had expired or was sent from another page. Please try again."
        if _wants_json():
            return jsonify(error="csrf", message=error.description), 400
        view = app.view_functions.get(request.endpoint or "")
        if not current_user.is_authenticated and getattr(view, "access", PUBLIC) != PUBLIC:
            return sign_in_to_continue()  # the session ended while the page was open
        return render_template("errors/error.html", code=400, title="Form expired",
                               message=message), 400

    @app.errorhandler(Refusal)
    def refused(error: Refusal):
        # A refusal no route caught: shown as it is, never a 500; nothing of it was saved.
        db.session.rollback()
        if _wants_json():
            return jsonify(error.as_json()), error.status_code
        return render_template("errors/error.html", code=error.status_code,
                               title="That can't be done", message=error.message), \
            error.status_code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if _wants_json():
            return jsonify(error=error.name.lower().replace(" ", "_"),
                           message=error.description), code
        roles = sorted(r.label for r in error.roles) if isinstance(error, RoleRequired) else []
        return render_template("errors/error.html", code=code, title=error.name,
                               message=error.description, roles=roles), code

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return http_error(InternalServerError())
