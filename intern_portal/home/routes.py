"""Each person's home page and profile."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..authz import SIGNED_IN, allow
from ..models import Role
from ..plans import service as plan_service
from ..users import service as users
from ..views import EmptyForm, render_form
from . import service
from .forms import ProfileForm

bp = Blueprint("home", __name__)


@bp.route("/")
@allow(SIGNED_IN)
def index():
    roles = current_user.role_set
    context = {"roles": roles}
    if Role.INTERN in roles:
        context["internships"] = service.intern_internships(current_user)
        context["plans"] = plan_service.visible_plans(context["internships"])
        context["ack_form"] = EmptyForm()
    if Role.MENTOR in roles:
        context["mentees"] = service.mentees(current_user)
    if Role.MANAGER in roles:
        context["teams"] = service.managed_teams(current_user)
        context["managed"] = service.managed_internships(current_user)
    if Role.PROGRAM_LEAD in roles or Role.ADMIN in roles:
        context["cohorts"] = service.cohort_summaries()
        context["counts"] = service.program_counts()
    if Role.MENTOR in roles or Role.MANAGER in roles:
        others = context.get("mentees", []) + context.get("managed", [])
        context["plan_ids"] = plan_service.plan_ids([i.id for i in others])
    if Role.ADMIN in roles:
        context["role_counts"] = service.role_counts()
        context["audit"] = service.recent_audit()
    return render_template(
        "home/index.html",
        today_for=plan_service.local_today, **context
    )


@bp.route("/profile", methods=["GET", "POST"])
@allow(SIGNED_IN)
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        users.update_profile(
            current_user._get_current_object(),
            name=form.name.data,
            time_zone=form.time_zone.data,
            digest_opt_out=form.digest_opt_out.data,
        )
        flash("Your profile is saved.", "success")
        return redirect(url_for("home.profile"))
    return render_form("home/profile.html", form)
