"""Sign-in, sign-out and password change."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_user, logout_user

from ..authz import PUBLIC, SIGNED_IN, allow
from ..views import EmptyForm, render_form
from . import service
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
            login_user(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


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
