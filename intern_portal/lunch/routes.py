"""Lunch pages: interns browse and book, scientists offer slots, leads set the rules."""

from __future__ import annotations

from dataclasses import asdict
from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..authz import STAFF, allow, require
from ..extensions import db
from ..models import Cohort, LunchSlot, LunchWindow, Role
from ..timeutil import format_local, to_local
from ..views import EmptyForm, refuse, render_form
from . import browse, offer, service
from .forms import (
    BlockDateForm,
    CancelForm,
    FilterForm,
    HostCapForm,
    RescheduleForm,
    RulesForm,
    SlotForm,
    WindowForm,
)
from .settings import LunchRules, SettingsError, rules, save_rules

bp = Blueprint("lunch", __name__)


def _me():
    return current_user._get_current_object()


def _page() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.app_template_global("lunch_met_summary")
def lunch_met_summary() -> tuple[int, int]:
    """Distinct scientists the signed-in intern has met, and the program's goal."""
    return browse.met_count(current_user.id), rules().goal_scientists


@bp.app_template_filter("local_in")
def local_in(value, zone: str) -> str:
    """A UTC datetime on the wall clock of a given zone (the scientist's, say)."""
    return format_local(value, zone)


@bp.route("/")
@allow(Role.INTERN, Role.MENTOR)
def index():
    if not current_user.has_role(Role.INTERN):
        return redirect(url_for("lunch.hosting"))
    return render_template("lunch/index.html", form=EmptyForm(),
                           **browse.intern_lunches(_me()))


@bp.route("/slots")
@allow(Role.INTERN)
def browse_slots():
    form = FilterForm(request.args)
    orgs, teams = browse.filter_choices()
    filters = browse.SlotFilter()
    if form.validate():
        filters = browse.SlotFilter(**{k: v for k, v in form.data.items()
                                       if k in browse.SlotFilter.__dataclass_fields__
                                       and v not in (None, "")})
    page = browse.open_slots(_me(), filters, _page())
    query = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("lunch/browse.html", filter_form=form, page=page, query=query,
                           orgs=orgs, teams=teams, form=EmptyForm(), settings=rules())


@bp.route("/slots/<int:slot_id>/book", methods=["POST"])
@allow(Role.INTERN)
def book(slot_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        booking = service.book(_me(), slot_id)
    except service.SlotTaken as taken:
        return render_template("lunch/taken.html", error=str(taken),
                               alternatives=taken.alternatives, form=EmptyForm()), 409
    except service.BookingRefused as error:
        flash(str(error), "error")
        back = request.referrer or ""
        return redirect(back if back.startswith(request.host_url) else
                        url_for("lunch.browse_slots"))
    flash(f"Booked: lunch with {booking.slot.scientist.name}. "
          "You both have an invitation in your email.", "success")
    return redirect(url_for("lunch.index"))


def _booking_or_404(booking_id: int):
    booking = service.get_booking(booking_id)
    if booking is None:
        abort(404)
    require(current_user.id in (booking.intern_id, booking.slot.scientist_id),
            "Only the intern and the scientist of a lunch date can see it.")
    return booking


def _back() -> str:
    return url_for("lunch.index" if current_user.has_role(Role.INTERN) else "lunch.hosting")


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@allow(Role.INTERN, Role.MENTOR)
def cancel(booking_id: int):
    booking = _booking_or_404(booking_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            service.cancel(booking, _me(), form.reason.data)
        except service.BookingRefused as error:
            refuse(form, error)
        else:
            flash("The lunch date is cancelled; both of you get a cancellation.", "success")
            return redirect(_back())
    return render_form("lunch/cancel.html", form, booking=booking)


@bp.route("/bookings/<int:booking_id>/reschedule", methods=["GET", "POST"])
@allow(Role.INTERN)
def reschedule(booking_id: int):
    booking = _booking_or_404(booking_id)
    require(booking.intern_id == current_user.id, "Only the intern who booked can move it.")
    choices = browse.open_slots(_me(), browse.SlotFilter(scientist_id=booking.slot.scientist_id))
    form = RescheduleForm()
    form.slot_id.choices = [
        (row.slot.id, to_local(row.slot.starts_at, current_user.time_zone)
         .strftime("%a %d %b %Y, %H:%M %Z")) for row in choices.items
    ]
    if form.validate_on_submit():
        try:
            service.reschedule(booking, _me(), form.slot_id.data)
        except service.BookingRefused as error:
            refuse(form, error)
        else:
            flash("The lunch date has moved; both of you get an updated invitation.", "success")
            return redirect(url_for("lunch.index"))
    return render_form("lunch/reschedule.html", form, booking=booking)


@bp.route("/bookings/<int:booking_id>/no-show", methods=["POST"])
@allow(Role.INTERN, Role.MENTOR)
def no_show(booking_id: int):
    booking = _booking_or_404(booking_id)
    if EmptyForm().validate_on_submit():
        try:
            service.mark_no_show(booking, _me())
        except service.BookingRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash("Marked as a no-show; it doesn't count as met.", "success")
    return redirect(_back())


@bp.route("/hosting")
@allow(Role.MENTOR)
def hosting():
    lunches = browse.host_lunches(_me(), _page())
    return render_template("lunch/hosting.html", form=EmptyForm(),
                           cap_form=HostCapForm(data={"cap": lunches["cap"]}),
                           block_form=BlockDateForm(), live=browse.live,
                           weekday_label=offer.weekday_label, **lunches)


def _cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc()).limit(12)))


@bp.route("/windows/new", methods=["GET", "POST"])
@allow(Role.MENTOR)
def new_window():
    form = WindowForm(cohorts=_cohorts(),
                      data=None if request.method == "POST" else
                      {"time_zone": current_user.time_zone, "slot_minutes": 30, "seats": 1,
                       "start_time": time(12), "end_time": time(13)})
    if form.validate_on_submit():
        try:
            result = offer.create_window(
                _me(), weekdays=set(form.weekdays.data), start_time=form.start_time.data,
                end_time=form.end_time.data, time_zone=form.time_zone.data,
                valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                slot_minutes=form.slot_minutes.data, seats=form.seats.data,
                video_url=form.video_url.data, topic=form.topic.data or "",
                cohort_id=form.cohort_id.data)
        except offer.OfferError as error:
            refuse(form, error)
        else:
            note = f"{result.created} slots offered."
            if result.skipped_missing:
                note += (" Skipped times the clocks jump over: "
                         + ", ".join(result.skipped_missing) + ".")
            if result.skipped_clash:
                note += f" {result.skipped_clash} overlapped slots you already offer."
            flash(note, "success")
            return redirect(url_for("lunch.hosting"))
    return render_form("lunch/window_form.html", form)


@bp.route("/windows/<int:window_id>/withdraw", methods=["POST"])
@allow(Role.MENTOR)
def withdraw_window(window_id: int):
    window = db.get_or_404(LunchWindow, window_id)
    if EmptyForm().validate_on_submit():
        withdrawn, kept = offer.withdraw_window(window, _me())
        message = f"{withdrawn} unbooked slots withdrawn."
        if kept:
            message += f" {kept} booked slots stay; cancel those bookings if you must."
        flash(message, "success")
    return redirect(url_for("lunch.hosting"))


@bp.route("/slots/new", methods=["GET", "POST"])
@allow(Role.MENTOR)
def new_slot():
    form = SlotForm(data=None if request.method == "POST" else
                    {"time_zone": current_user.time_zone, "minutes": 30, "seats": 1})
    if form.validate_on_submit():
        try:
            offer.create_slot(_me(), day=form.day.data, start_time=form.start_time.data,
                              minutes=form.minutes.data, time_zone=form.time_zone.data,
                              seats=form.seats.data, video_url=form.video_url.data,
                              topic=form.topic.data or "")
        except offer.OfferError as error:
            refuse(form, error)
        else:
            flash("The slot is offered.", "success")
            return redirect(url_for("lunch.hosting"))
    return render_form("lunch/slot_form.html", form, slot=None)


def _own_slot(slot_id: int) -> LunchSlot:
    slot = db.get_or_404(LunchSlot, slot_id)
    require(slot.scientist_id == current_user.id,
            "Only the scientist who offers a slot can change it.")
    return slot


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@allow(Role.MENTOR)
def edit_slot(slot_id: int):
    slot = _own_slot(slot_id)
    local = to_local(slot.starts_at, slot.time_zone)
    minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    form = SlotForm(data=None if request.method == "POST" else {
        "day": local.date(), "start_time": local.time(), "minutes": minutes,
        "time_zone": slot.time_zone, "seats": slot.seats, "video_url": slot.video_url,
        "topic": slot.topic})
    form.time_zone.data = slot.time_zone
    if form.validate_on_submit():
        try:
            offer.update_slot(slot, _me(), day=form.day.data, start_time=form.start_time.data,
                              minutes=form.minutes.data, seats=form.seats.data,
                              video_url=form.video_url.data, topic=form.topic.data or "")
        except offer.OfferError as error:
            refuse(form, error)
        else:
            flash("The slot is saved.", "success")
            return redirect(url_for("lunch.hosting"))
    return render_form("lunch/slot_form.html", form, slot=slot)


@bp.route("/slots/<int:slot_id>/withdraw", methods=["POST"])
@allow(Role.MENTOR)
def withdraw_slot(slot_id: int):
    slot = _own_slot(slot_id)
    if EmptyForm().validate_on_submit():
        try:
            offer.withdraw_slot(slot, _me())
        except offer.OfferError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash("The slot is withdrawn.", "success")
    return redirect(url_for("lunch.hosting"))


@bp.route("/blackouts", methods=["POST"])
@allow(Role.MENTOR)
def block_date():
    form = BlockDateForm()
    if form.validate_on_submit():
        try:
            withdrawn, kept = offer.block_date(_me(), form.day.data)
        except offer.OfferError as error:
            refuse(form, error)
        else:
            message = f"{form.day.data:%d %b %Y} is blocked; {withdrawn} open slots withdrawn."
            if kept:
                message += f" {kept} booked lunch dates that day stay until you cancel them."
            flash(message, "success")
            return redirect(url_for("lunch.hosting"))
    return render_form("lunch/simple_form.html", form, title="Block a date",
                       action=url_for("lunch.block_date"), button="Block this date")


@bp.route("/cap", methods=["POST"])
@allow(Role.MENTOR)
def host_cap():
    form = HostCapForm()
    if form.validate_on_submit():
        offer.set_host_cap(_me(), form.cap.data)
        flash("Your weekly cap is saved.", "success")
        return redirect(url_for("lunch.hosting"))
    return render_form("lunch/simple_form.html", form, title="Weekly cap",
                       action=url_for("lunch.host_cap"), button="Save cap")


@bp.route("/settings", methods=["GET", "POST"])
@allow(*STAFF)
def program_settings():
    form = RulesForm(data=None if request.method == "POST" else asdict(rules()))
    if form.validate_on_submit():
        try:
            save_rules(LunchRules(**{k: v for k, v in form.data.items()
                                     if k in LunchRules.__dataclass_fields__}),
                       actor_id=current_user.id)
        except SettingsError as error:
            refuse(form, error)
        else:
            flash("The lunch-date settings are saved.", "success")
            return redirect(url_for("lunch.program_settings"))
    return render_form("lunch/settings.html", form)
