"""Calendar pages: your feed URL, the feed itself, and each cohort's events."""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..authz import PUBLIC, SIGNED_IN, STAFF, allow
from ..extensions import db
from ..links import external_url
from ..models import Cohort, CohortEvent, Internship, Org, Role, Team, utcnow
from ..views import EmptyForm, refuse, render_form
from . import events, feeds
from .forms import EventForm
from .ics import calendar

bp = Blueprint("calendar", __name__)

VIEWERS = (*STAFF, Role.MANAGER, Role.MENTOR, Role.INTERN)


def _me():
    return current_user._get_current_object()


def _my_cohorts() -> list[Cohort]:
    if current_user.has_role(*STAFF, Role.MANAGER, Role.MENTOR):
        return list(db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())
                                       .limit(8)))
    return list(db.session.scalars(
        select(Cohort).join(Internship, Internship.cohort_id == Cohort.id)
        .where(Internship.intern_id == current_user.id).order_by(Cohort.start_date.desc())
    ))


def _index(token: str | None = None):
    now = utcnow()
    upcoming = [i for i in feeds.items_for(_me(), now)
                if (i.end or i.start) >= now and i.start <= now + timedelta(days=60)]
    return render_template(
        "calendar/index.html", feed=feeds.active_feed(_me()), form=EmptyForm(),
        urls=feeds.feed_urls(token) if token else None, upcoming=upcoming,
        cohorts=_my_cohorts(),
    )


@bp.route("/")
@allow(SIGNED_IN)
def index():
    return _index()


@bp.route("/feed", methods=["POST"])
@allow(SIGNED_IN)
def new_feed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    # The token is stored only as a hash, so this response is the one time it can be shown.
    return _index(feeds.issue_feed(_me()))


@bp.route("/feed/revoke", methods=["POST"])
@allow(SIGNED_IN)
def revoke_feed():
    if EmptyForm().validate_on_submit() and feeds.revoke_feed(_me()):
        flash("Your calendar feed URL is revoked; calendars subscribed to it stop updating.",
              "success")
    return redirect(url_for("calendar.index"))


def _not_modified(version: feeds.FeedVersion) -> bool:
    if request.if_none_match:  # weak comparison: proxies that compress may weaken the tag
        return request.if_none_match.contains_weak(version.etag.strip('"'))
    since = request.if_modified_since
    return since is not None and version.changed_at.replace(microsecond=0) <= since


@bp.route("/feed/<token>.ics")
@allow(PUBLIC)
def feed(token: str):
    found = feeds.feed_by_token(token)
    if found is None:
        abort(404)
    version = feeds.current_version(found)
    headers = {"ETag": version.etag, "Cache-Control": "private, max-age=300",
               "Last-Modified": version.changed_at.astimezone(UTC).strftime(
                   "%a, %d %b %Y %H:%M:%S GMT")}
    if _not_modified(version):
        return Response(status=304, headers=headers)
    return Response(version.body(), mimetype="text/calendar", headers={
        **headers, "Content-Disposition": 'inline; filename="intern-portal.ics"'})


def _event_form(obj: events.EventFields | None = None) -> EventForm:
    orgs = [(o.id, o.name) for o in db.session.scalars(select(Org).order_by(Org.name))]
    teams = [(t.id, f"{t.name} ({t.org.name})") for t in db.session.scalars(
        select(Team).join(Team.org).order_by(Org.name, Team.name))]
    data = obj.__dict__ if obj is not None else {"time_zone": current_user.time_zone}
    return EventForm(data=data, orgs=orgs, teams=teams)


def _fields(form: EventForm) -> events.EventFields:
    return events.EventFields(
        kind=form.kind.data, title=form.title.data, description=form.description.data or "",
        day=form.day.data, start=form.start.data, end=form.end.data,
        time_zone=form.time_zone.data, video_url=form.video_url.data,
        org_id=form.org_id.data, team_id=form.team_id.data)


@bp.route("/cohorts/<int:cohort_id>")
@allow(*VIEWERS)
def cohort(cohort_id: int):
    found = db.get_or_404(Cohort, cohort_id)
    return render_template("calendar/cohort.html", cohort=found,
                           events=events.cohort_events(found.id), audience=events.audience,
                           kinds=events.KIND_LABELS, form=EmptyForm(), now=utcnow())


@bp.route("/cohorts/<int:cohort_id>/events/new", methods=["GET", "POST"])
@allow(*STAFF)
def new_event(cohort_id: int):
    found = db.get_or_404(Cohort, cohort_id)
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = events.create_event(found, _fields(form), current_user.id)
        except events.EventError as error:
            refuse(form, error)
        else:
            flash(f"{event.title} is on the {found.name} calendar.", "success")
            return redirect(url_for("calendar.cohort", cohort_id=found.id))
    return render_form("calendar/event_form.html", form, cohort=found, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit_event(event_id: int):
    event = db.get_or_404(CohortEvent, event_id)
    form = _event_form(events.fields_of(event))
    if form.validate_on_submit():
        try:
            events.update_event(event, _fields(form), current_user.id)
        except events.EventError as error:
            refuse(form, error)
        else:
            flash(f"{event.title} is saved; subscribed calendars pick up the change.", "success")
            return redirect(url_for("calendar.cohort", cohort_id=event.cohort_id))
    return render_form("calendar/event_form.html", form, cohort=event.cohort, event=event)


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@allow(*STAFF)
def cancel_event(event_id: int):
    event = db.get_or_404(CohortEvent, event_id)
    if EmptyForm().validate_on_submit():
        events.cancel_event(event, current_user.id)
        flash(f"{event.title} is cancelled; it stays in calendars marked cancelled.", "success")
    return redirect(url_for("calendar.cohort", cohort_id=event.cohort_id))


@bp.route("/events/<int:event_id>.ics")
@allow(*VIEWERS)
def event_ics(event_id: int):
    event = db.get_or_404(CohortEvent, event_id)
    url = external_url("calendar.cohort", cohort_id=event.cohort_id)
    body = calendar([events.event_item(event, url)], method="PUBLISH", stamp=event.updated_at)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})
