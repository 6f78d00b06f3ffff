"""Outcomes pages: a project's papers, tutorials, production stages, patents and releases."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..authz import allow
from ..models import Outcome, Project, Role
from ..models.outcomes import STATUSES_BY_KIND
from ..views import refuse, render_form
from . import service
from .forms import (
    KIND_LABELS,
    EditOutcomeForm,
    OutcomeForm,
    PreviousInternshipForm,
    StatusForm,
    status_label,
)

bp = Blueprint("outcomes", __name__)

RECORDERS = (Role.INTERN, Role.MENTOR, Role.MANAGER, Role.ADMIN)
VIEWERS = (*RECORDERS, Role.PROGRAM_LEAD)


def _me():
    return current_user._get_current_object()


@bp.app_context_processor
def _labels() -> dict:
    return {"outcome_kind_label": KIND_LABELS.get, "outcome_status_label": status_label}


@bp.route("/")
@allow(Role.INTERN, Role.MENTOR, Role.MANAGER)
def index():
    page = service.projects_page(_me(), request.args.get("page", 1, type=int))
    counts = service.outcome_counts([p.id for p in page.items])
    return render_template("outcomes/index.html", page=page, counts=counts)


def _previous_form(project: Project, formdata: object = None) -> PreviousInternshipForm:
    form = PreviousInternshipForm(formdata=formdata, data={
        "previous_internship_id": project.internship.previous_internship_id})
    form.previous_internship_id.choices = [("", "None: a first internship")] + [
        (i.id, f"{i.cohort.name} · {i.team.name}") for i in service.earlier_internships(project)
    ]
    return form


def _project_page(project: Project, previous_form: PreviousInternshipForm | None = None) -> str:
    me = _me()
    if previous_form is None and service.can_link_previous(me, project):
        previous_form = _previous_form(project)
    return render_template(
        "outcomes/project.html", project=project, outcomes=service.outcomes_of(project),
        can_record=service.can_record(me, project), previous_form=previous_form,
    )


@bp.route("/project/<int:project_id>")
@allow(*VIEWERS)
def project(project_id: int):
    return _project_page(service.project_for(_me(), project_id))


@bp.route("/project/<int:project_id>/previous", methods=["POST"])
@allow(Role.MANAGER, Role.PROGRAM_LEAD, Role.ADMIN)
def link_previous(project_id: int):
    project = service.project_for(_me(), project_id)
    form = _previous_form(project, request.form)
    if form.validate_on_submit():
        try:
            service.link_previous(_me(), project, form.previous_internship_id.data)
        except service.OutcomeError as error:
            refuse(form, error)
        else:
            flash("The earlier internship is saved.", "success")
            return redirect(url_for("outcomes.project", project_id=project.id))
    return _project_page(project, form), 422


@bp.route("/project/<int:project_id>/new", methods=["GET", "POST"])
@allow(*RECORDERS)
def create(project_id: int):
    project = service.project_for(_me(), project_id, record=True)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            outcome = service.record_outcome(
                _me(), project, kind=form.kind.data, status=form.status.data,
                status_date=form.status_date.data, title=form.title.data, venue=form.venue.data,
                url=form.url.data, top_tier=form.top_tier.data, internal=form.internal.data,
                authors=form.authors.data or "",
            )
        except service.OutcomeError as error:
            refuse(form, error)
        else:
            flash(f'"{outcome.title}" is recorded.', "success")
            return redirect(url_for("outcomes.project", project_id=project.id))
    return render_form("outcomes/form.html", form, project=project, outcome=None)


def _detail(outcome: Outcome, status_form: StatusForm | None = None) -> str:
    me = _me()
    can_record = service.can_record(me, outcome.project)
    if status_form is None and can_record:
        status_form = StatusForm(formdata=None)
        status_form.limit_to(STATUSES_BY_KIND[outcome.kind])
    return render_template(
        "outcomes/detail.html", outcome=outcome, project=outcome.project,
        history=service.history(outcome), can_record=can_record, status_form=status_form,
    )


@bp.route("/<int:outcome_id>")
@allow(*VIEWERS)
def detail(outcome_id: int):
    return _detail(service.outcome_for(_me(), outcome_id))


@bp.route("/<int:outcome_id>/edit", methods=["GET", "POST"])
@allow(*RECORDERS)
def edit(outcome_id: int):
    outcome = service.outcome_for(_me(), outcome_id, record=True)
    form = EditOutcomeForm(obj=outcome)
    if request.method == "GET":
        form.authors.data = service.authors_text(outcome)
    if form.validate_on_submit():
        try:
            service.update_outcome(
                _me(), outcome, title=form.title.data, venue=form.venue.data, url=form.url.data,
                top_tier=form.top_tier.data, internal=form.internal.data,
                authors=form.authors.data or "",
            )
        except service.OutcomeError as error:
            refuse(form, error)
        else:
            flash(f'"{outcome.title}" is saved.', "success")
            return redirect(url_for("outcomes.detail", outcome_id=outcome.id))
    return render_form("outcomes/form.html", form, project=outcome.project, outcome=outcome)


@bp.route("/<int:outcome_id>/status", methods=["POST"])
@allow(*RECORDERS)
def change_status(outcome_id: int):
    outcome = service.outcome_for(_me(), outcome_id, record=True)
    form = StatusForm()
    form.limit_to(STATUSES_BY_KIND[outcome.kind])
    if form.validate_on_submit():
        try:
            service.change_status(_me(), outcome, status=form.status.data,
                                  occurred_on=form.occurred_on.data, reason=form.reason.data or "")
        except service.OutcomeError as error:
            refuse(form, error)
            outcome = service.outcome_for(_me(), outcome_id, record=True)
        else:
            flash(f'"{outcome.title}" is now {status_label(outcome.status).lower()}.', "success")
            return redirect(url_for("outcomes.detail", outcome_id=outcome.id))
    return _detail(outcome, form), 422
