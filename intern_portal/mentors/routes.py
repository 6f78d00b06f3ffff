"""Mentors pages: team assignments, one intern's mentors, cohort proposals, bulk import."""

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..authz import STAFF, allow, is_staff
from ..extensions import db
from ..imports import export
from ..imports import service as imports
from ..kernel import worker_name
from ..models import Cohort, ImportJob, ImportKind, MentorAssignment, Role
from ..timeutil import local_now
from ..views import refuse
from . import service, suggest
from .forms import AssignForm, EndForm, ImportForm, ProposalForm
from .team import team_page

bp = Blueprint("mentors", __name__)

MANAGERS = (Role.MANAGER, Role.PROGRAM_LEAD, Role.ADMIN)


@bp.app_template_filter("local_time_now")
def local_time_now(zone: str) -> datetime:
    """The time now in a zone, computed on the server (for 'their local time')."""
    return local_now(zone)


@bp.route("/")
@allow(*MANAGERS)
def index():
    teams = service.teams_for(current_user)
    if len(teams) == 1 and not is_staff(current_user):
        return redirect(url_for("mentors.team", team_id=teams[0].id))
    cohorts = service.cohorts()
    return render_template("mentors/index.html", teams=teams, cohorts=cohorts)


@bp.route("/teams/<int:team_id>")
@allow(*MANAGERS)
def team(team_id: int):
    page = team_page(team_id, current_user)
    if page is None:
        abort(404)
    return render_template("mentors/team.html", page=page)


def _internship_or_404(internship_id: int):
    internship = service.load_internship(internship_id)
    if internship is None:
        abort(404)
    service.check_may_manage(current_user, internship)
    return internship


def _assign_form(internship) -> AssignForm:
    form = AssignForm(data={"mentor_email": request.args.get("mentor", "")})
    if internship.primary_assignment is not None and request.method == "GET":
        form.role.data = "additional"
    return form


def _internship_page(internship, form: AssignForm, end_form: EndForm | None = None,
                     status: int = 200):
    live = internship.current_assignments
    loads = service.mentor_loads([a.mentor_id for a in live])
    return render_template(
        "mentors/internship.html", internship=internship, current=live,
        hidden_role="change" if internship.primary_assignment is None else "primary",
        history=service.history(internship), loads=loads, form=form,
        end_form=end_form or EndForm(), suggestions=suggest.suggestions(internship),
    ), status


@bp.route("/internships/<int:internship_id>")
@allow(*MANAGERS)
def internship(internship_id: int):
    item = _internship_or_404(internship_id)
    return _internship_page(item, _assign_form(item))


@bp.route("/internships/<int:internship_id>/assign", methods=["POST"])
@allow(*MANAGERS)
def assign(internship_id: int):
    item = _internship_or_404(internship_id)
    form = _assign_form(item)
    if form.validate_on_submit():
        try:
            profile = service.find_mentor(form.mentor_email.data)
            made = service.assign(
                item, profile, primary=form.role.data in ("primary", "change"),
                replace_primary=form.role.data == "change", reason=form.reason.data,
                override=form.override.data, actor=current_user,
            )
        except service.MentorError as error:
            refuse(form, error)
        else:
            kind = "primary" if made.is_primary else "an additional"
            flash(f"{profile.user.name} is now {kind} mentor of {item.intern.name}.", "success")
            return redirect(url_for("mentors.internship", internship_id=item.id))
    item = _internship_or_404(internship_id)
    return _internship_page(item, form, status=422)


@bp.route("/assignments/<int:assignment_id>/end", methods=["POST"])
@allow(*MANAGERS)
def end(assignment_id: int):
    assignment = db.get_or_404(MentorAssignment, assignment_id)
    item = _internship_or_404(assignment.internship_id)
    form = EndForm()
    if form.validate_on_submit():
        try:
            service.end(assignment, reason=form.reason.data, actor=current_user)
        except service.MentorError as error:
            refuse(form, error)
        else:
            flash(f"{assignment.mentor.name}'s assignment has ended.", "success")
            return redirect(url_for("mentors.internship", internship_id=item.id))
    item = _internship_or_404(assignment.internship_id)
    return _internship_page(item, _assign_form(item), form, 422)


def _choices_from_form() -> dict[int, int]:
    """Read the proposal table's rows: mentor-<internship id> = mentor's user id."""
    chosen = {}
    for key, value in request.form.items():
        name, _, internship_id = key.partition("-")
        if name == "mentor" and internship_id.isdigit() and value.isdigit():
            chosen[int(internship_id)] = int(value)
    return chosen


@bp.route("/cohorts/<int:cohort_id>/proposal", methods=["GET", "POST"])
@allow(*MANAGERS)
def proposal(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    team_id = request.args.get("team_id", type=int)
    here = url_for("mentors.proposal", cohort_id=cohort.id, team_id=team_id)
    form = ProposalForm()
    internships = suggest.unmentored(cohort.id, current_user, team_id)
    if len(internships) > suggest.PROPOSAL_LIMIT:
        return render_template("mentors/proposal_teams.html", cohort=cohort,
                               teams=suggest.unmentored_by_team(cohort.id, current_user))
    errors: dict[int, str] = {}
    chosen: dict[int, int] | None = None
    if form.validate_on_submit():
        chosen = _choices_from_form()
        if not chosen:
            flash("No row had a mentor chosen, so nothing changed.", "info")
            return redirect(here)
        made, errors = service.accept_proposal(
            internships, chosen, reason=form.reason.data, override=form.override.data,
            actor=current_user,
        )
        if not errors:
            flash(f"{made} primary {'mentor' if made == 1 else 'mentors'} assigned.", "success")
            return redirect(here)
        internships = suggest.unmentored(cohort.id, current_user, team_id)
    rows = suggest.propose(internships)
    status = 422 if form.errors or errors else 200
    return render_template("mentors/proposal.html", cohort=cohort, rows=rows, form=form,
                           errors=errors, chosen=chosen), status


@bp.route("/import", methods=["GET", "POST"])
@allow(*STAFF)
def import_csv():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append("Save the file as CSV with UTF-8 encoding and upload it again.")
        else:
            # A small file is imported now; a larger one waits for a worker to claim it.
            worker = worker_name() if imports.runs_inline(content) else None
            job = imports.create_job(ImportKind(form.kind.data), upload.filename or "upload.csv",
                                     content, current_user.id, claim_for=worker)
            if worker is not None:
                imports.run_job(job.id, worker)
            return redirect(url_for("mentors.import_job", job_id=job.id))
    return render_template("mentors/import.html", form=form, jobs=imports.recent_jobs(),
                           cohorts=service.cohorts()), 422 if form.errors else 200


@bp.route("/import/<int:job_id>")
@allow(*STAFF)
def import_job(job_id: int):
    job = db.get_or_404(ImportJob, job_id)
    return render_template("mentors/import_job.html", job=job, status=imports.status(job))


@bp.route("/import/<int:job_id>/status")
@allow(*STAFF)
def import_status(job_id: int):
    job = db.get_or_404(ImportJob, job_id)
    return imports.status(job)


def _download(content: str, filename: str) -> Response:
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/export/interns.csv")
@allow(*STAFF)
def export_interns():
    cohort_id = request.args.get("cohort_id", type=int)
    name = "interns.csv"
    if cohort_id is not None:
        cohort = db.get_or_404(Cohort, cohort_id)
        name = f"interns-{cohort.term.value}-{cohort.year}.csv"
    return _download(export.interns_csv(cohort_id), name)


@bp.route("/export/mentors.csv")
@allow(*STAFF)
def export_mentors():
    return _download(export.mentors_csv(), "mentors.csv")
