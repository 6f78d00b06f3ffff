"""Outbox pages for admins, and reminder timings for program leads."""

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..authz import STAFF, allow
from ..extensions import db
from ..models import OutboxMessage, Role
from ..views import EmptyForm, render_form
from . import service
from .forms import TimingsForm
from .settings import ReminderTimings, load_timings, save_timings

bp = Blueprint("notify", __name__)


@bp.route("/")
@allow(Role.ADMIN)
def index():
    state = request.args.get("state", "pending")
    if state not in service.STATES:
        state = "pending"
    page = service.messages_page(state, request.args.get("page", 1, type=int))
    return render_template("notify/index.html", state=state, page=page,
                           counts=service.state_counts(), form=EmptyForm())


@bp.route("/<int:message_id>")
@allow(Role.ADMIN)
def detail(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("notify/message.html", message=message, form=EmptyForm())


@bp.route("/<int:message_id>/retry", methods=["POST"])
@allow(Role.ADMIN)
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit():
        try:
            service.retry(message, current_user.id)
        except service.OutboxError as error:
            flash(str(error), "warning")
        else:
            flash(f"The message to {message.to_email} goes out on the next send.", "success")
    return redirect(url_for("notify.detail", message_id=message.id))


@bp.route("/timings", methods=["GET", "POST"])
@allow(*STAFF)
def timings():
    form = TimingsForm(data=asdict(load_timings()))
    if form.validate_on_submit():
        values = {name: form[name].data for name in asdict(ReminderTimings())}
        save_timings(ReminderTimings(**values), current_user.id)
        flash("Reminder timings are saved; the scheduler uses them from its next pass.",
              "success")
        return redirect(url_for("notify.timings"))
    return render_form("notify/timings.html", form)
