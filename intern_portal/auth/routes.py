"""Sign-in, sign-out and password change."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..authz import PUBLIC, SIGNED_IN, allow
from ..views import LOST_ACTION, EmptyForm, render_form
from . import service, sessions
from .forms import PasswordForm, SignInForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(
                form.email.data, form.password.data, request.remote_addr or "unknown"
            )
        except service.SignInError as error:
            form.password.errors.append(str(error))
        else:
            _fresh_session()
            service.sign_in(user, remember=form.remember.data,
                            user_agent=request.user_agent.string,
                            remote_addr=request.remote_addr or "")
            login_user(user, remember=form.remember.data)
            if request.args.get("lost"):
                flash(LOST_ACTION, "warning")
            else:
                flash(f"Welcome back, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_form("auth/login.html", form,
                       lost=LOST_ACTION if request.args.get("lost") else None)


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    if EmptyForm().validate_on_submit():
        service.sign_out(current_user._get_current_object())
        logout_user()
        _fresh_session()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _fresh_session() -> None:
    """Start the cookie session afresh: the next form gets a new CSRF token."""
    session.clear()


@bp.route("/sessions")
@allow(SIGNED_IN)
def sessions_page():
    me = current_user._get_current_object()
    return render_template("auth/sessions.html", sessions=sessions.live_sessions(me.id),
                           current_id=me.session_id, form=EmptyForm(),
                           device_label=sessions.device_label)


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@allow(SIGNED_IN)
def end_session(session_id: int):
    me = current_user._get_current_object()
    if not EmptyForm().validate_on_submit():
        abort(400)
    if session_id == me.session_id:
        return logout()
    if service.end_session(me, session_id):
        flash("That session is signed out.", "success")
    return redirect(url_for("auth.sessions_page"))


@bp.route("/sessions/end-others", methods=["POST"])
@allow(SIGNED_IN)
def end_other_sessions():
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = service.end_other_sessions(current_user._get_current_object())
    flash(f"Signed out {ended} other session{'s' if ended != 1 else ''}." if ended
          else "You had no other sessions.", "success")
    return redirect(url_for("auth.sessions_page"))


@bp.route("/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user._get_current_object(), form.current.data, form.new.data
            )
        except service.SignInError as error:
            target = form.current if "current" in str(error) else form.new
            target.errors.append(str(error))
        else:
            flash("Your password is changed.", "success")
            return redirect(url_for("home.profile"))
    return render_form("auth/password.html", form)
