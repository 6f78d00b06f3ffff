"""Cohorts: list, create, edit, and each cohort's page."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..authz import STAFF, allow
from ..extensions import db
from ..models import Cohort, InternshipStatus, Role
from ..views import refuse, render_form
from . import service
from .forms import CohortForm

bp = Blueprint("cohorts", __name__)



def _page() -> int:
    return request.args.get("page", 1, type=int)


def _fields(form: CohortForm) -> dict:
    return {"term": form.term.data, "year": form.year.data, "start_date": form.start_date.data,
            "end_date": form.end_date.data, "virtual": form.virtual.data,
            "actor_id": current_user.id}


@bp.route("/")
@allow(*STAFF, Role.MANAGER)
def index():
    page = service.cohorts_page(_page())
    counts = service.status_counts([c.id for c in page.items])
    return render_template("cohorts/index.html", page=page, counts=counts,
                           statuses=list(InternshipStatus))


@bp.route("/new", methods=["GET", "POST"])
@allow(*STAFF)
def create():
    form = CohortForm(data={"year": date.today().year})
    if form.validate_on_submit():
        try:
            cohort = service.create_cohort(**_fields(form))
        except service.CohortError as error:
            refuse(form, error)
        else:
            flash(f"The {cohort.name} cohort is created.", "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_form("cohorts/form.html", form, cohort=None)


@bp.route("/<int:cohort_id>")
@allow(*STAFF, Role.MANAGER)
def detail(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    wanted = request.args.get("status", "")
    status = InternshipStatus(wanted) if wanted in set(InternshipStatus) else None
    page = service.internships_page(cohort.id, status=status, page=_page())
    return render_template(
        "cohorts/detail.html", cohort=cohort, page=page, status=status,
        breakdown=service.breakdown(cohort.id), statuses=list(InternshipStatus),
    )


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        try:
            service.update_cohort(cohort, **_fields(form))
        except service.CohortError as error:
            refuse(form, error)
        else:
            flash(f"The {cohort.name} cohort is saved.", "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_form("cohorts/form.html", form, cohort=cohort)
