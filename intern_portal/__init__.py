"""Intern Portal: runs a large research internship program."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as WerkzeugResponse

from .config import load_config, validate
from .extensions import bootstrap, csrf, db, login_manager, migrate

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(PACKAGE_DIR)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH", os.path.join(PROJECT_DIR, "instance")),
        template_folder=os.path.join(PROJECT_DIR, "templates"),
    )
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    validate(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["BEHIND_PROXY"]:
        # Flask types wsgi_app as a method; wrapping it is the documented way to add middleware.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_security_headers(app)

    from .errors import register_error_handlers

    register_error_handlers(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import (
        db_events,  # noqa: F401  (SQLite pragmas)
        models,
        views,
    )
    from .auth import sessions
    from .reports import facts

    db.init_app(app)
    facts.listen()  # report facts follow every committed change
    migrate.init_app(
        app,
        db,
        directory=os.path.join(PROJECT_DIR, "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=models.types.render_item,
    )
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.unauthorized_handler
    def sign_in_first() -> WerkzeugResponse:
        # A form sent after the session ended: back to the page it came from once signed in
        # (its URL may be POST-only), with a word that nothing was done.
        return views.sign_in_to_continue()

    @login_manager.user_loader
    def load_user(session_secret: str) -> models.User | None:
        # The cookies carry the session's secret: an ended session signs its browser out.
        return sessions.load(session_secret)


def _register_blueprints(app: Flask) -> None:
    from .admin.routes import bp as admin_bp
    from .api.routes import bp as api_bp
    from .auth.routes import bp as auth_bp
    from .calendar.routes import bp as calendar_bp
    from .cohorts.routes import bp as cohorts_bp
    from .home.routes import bp as home_bp
    from .lunch.routes import bp as lunch_bp
    from .mentors.routes import bp as mentors_bp
    from .notify.routes import bp as notify_bp
    from .outcomes.routes import bp as outcomes_bp
    from .plans.routes import bp as plans_bp
    from .reports.routes import bp as reports_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(cohorts_bp, url_prefix="/cohorts")
    app.register_blueprint(mentors_bp, url_prefix="/mentors")
    app.register_blueprint(plans_bp, url_prefix="/plans")
    app.register_blueprint(lunch_bp, url_prefix="/lunch")
    app.register_blueprint(outcomes_bp, url_prefix="/outcomes")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(calendar_bp, url_prefix="/calendar")
    app.register_blueprint(notify_bp, url_prefix="/outbox")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)


def _register_template_helpers(app: Flask) -> None:
    from .models import Role
    from .timeutil import format_date, format_local

    def viewer_zone() -> str:
        if current_user.is_authenticated:
            return current_user.time_zone
        return app.config["PORTAL_TIMEZONE"]

    @app.template_filter("local")
    def local_filter(value: Any, with_zone: bool = True) -> str:
        return format_local(value, viewer_zone(), with_zone)

    app.add_template_filter(format_date, "day")
    app.jinja_env.globals.update(Role=Role, viewer_zone=viewer_zone)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated and response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
