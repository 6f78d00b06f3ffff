"""Plans pages: team templates, writing and editing plans, reading, acknowledging, overview."""

import itertools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..authz import allow, is_staff, mentors_now
from ..extensions import db
from ..models import Internship, LaunchPlan, PlanMilestone, PlanTemplate, Role, Team, utcnow
from ..views import EmptyForm, refuse, render_form
from . import overview as overview_service
from . import service
from .forms import DoneForm, NewPlanForm, PlanForm, TemplateForm
from .versions import diff, paper_goal_text

bp = Blueprint("plans", __name__)

EDITORS = (Role.MANAGER, Role.PROGRAM_LEAD, Role.ADMIN)
READERS = (Role.INTERN, Role.MENTOR, *EDITORS)


def _me():
    return current_user._get_current_object()


def _goals(form: PlanForm | TemplateForm) -> service.Goals:
    return service.Goals(bool(form.goal_paper.data), (form.paper_venue.data or "").strip(),
                         form.venue_tier.data, bool(form.goal_production.data))


def _plan_or_404(plan_id: int):
    plan = service.load_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/")
@allow(*EDITORS)
def index():
    manager = None if is_staff(current_user) else _me()
    cohort_id = request.args.get("cohort_id", type=int)
    now = utcnow()
    return render_template(
        "plans/overview.html", data=overview_service.build(manager, cohort_id, now),
        cohorts=overview_service.cohorts_with_interns(manager), cohort_id=cohort_id,
        teams=overview_service.template_teams(manager), across_teams=manager is None,
        today=now.date(),
    )


@bp.route("/teams/<int:team_id>/templates")
@allow(*EDITORS)
def templates(team_id: int):
    team = db.get_or_404(Team, team_id)
    service.require_team(_me(), team)
    return render_template("plans/templates.html", team=team, paper_goal=paper_goal_text,
                           templates=service.team_templates(team.id))


def _goal_data(source: PlanTemplate | LaunchPlan) -> dict:
    return {"goal_paper": source.goal_paper, "paper_venue": source.paper_venue,
            "venue_tier": source.venue_tier, "goal_production": source.goal_production,
            "milestones": service.milestones_text(source.milestones)}


def _template_form(team: Team, template: PlanTemplate | None) -> TemplateForm:
    data = None
    if template is not None:
        data = {**_goal_data(template), "name": template.name,
                "focus_area_id": template.focus_area_id or 0}
    form = TemplateForm(data=data)
    form.focus_area_id.choices = [(0, "None"), *[(a.id, a.name) for a in team.focus_areas]]
    return form


def _save_template(team: Team, template: PlanTemplate | None):
    service.require_team(_me(), team)
    form = _template_form(team, template)
    if form.validate_on_submit():
        try:
            saved = service.save_template(
                team=team, template=template, name=form.name.data,
                focus_area_id=form.focus_area_id.data or None, goals=_goals(form),
                milestones=service.parse_milestones(form.milestones.data or ""), actor=_me())
        except service.PlanError as error:
            refuse(form, error)
        else:
            flash(f"The template {saved.name} is saved.", "success")
            return redirect(url_for("plans.templates", team_id=team.id))
    return render_form("plans/template_form.html", form, team=team, plan_template=template)


@bp.route("/teams/<int:team_id>/templates/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new_template(team_id: int):
    return _save_template(db.get_or_404(Team, team_id), None)


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_template(template_id: int):
    template = db.get_or_404(PlanTemplate, template_id)
    return _save_template(template.team, template)


@bp.route("/internships/<int:internship_id>/new", methods=["GET", "POST"])
@allow(*EDITORS)
def create(internship_id: int):
    internship = db.get_or_404(Internship, internship_id)
    service.require_edit(_me(), internship)
    existing = service.plan_for(internship.id)
    if existing is not None:
        return redirect(url_for("plans.detail", plan_id=existing.id))
    templates = service.team_templates(internship.team_id)
    form = NewPlanForm()
    form.template_id.choices = [(t.id, t.name) for t in templates]
    if form.validate_on_submit():
        template = next((t for t in templates if t.id == form.template_id.data), None)
        try:
            if template is None:
                raise service.PlanError("Pick one of this team's templates.", "template_id")
            plan = service.create_plan(internship=internship, template=template,
                                       project_title=form.project_title.data or "", actor=_me())
        except service.PlanError as error:
            refuse(form, error)
        else:
            flash("The launch plan is written. Adjust it below if needed.", "success")
            return redirect(url_for("plans.edit", plan_id=plan.id))
    return render_form("plans/new.html", form, internship=internship, templates=templates)


def _detail_context(plan, done_form=None):
    internship = plan.internship
    return {
        "plan": plan, "internship": internship,
        "today": service.local_today(internship),
        "is_overdue": service.is_overdue, "paper_goal": paper_goal_text,
        "can_edit": service.can_edit(current_user, internship),
        "can_mark": (internship.intern_id == current_user.id
                     or mentors_now(current_user, internship)),
        "is_intern": internship.intern_id == current_user.id,
        "ack_form": EmptyForm(), "done_form": done_form or DoneForm(),
    }


@bp.route("/<int:plan_id>")
@allow(*READERS)
def detail(plan_id: int):
    plan = _plan_or_404(plan_id)
    if not service.show_to(_me(), plan, utcnow()):
        return render_template("plans/not_yet.html", internship=plan.internship,
                               arrives=service.first_day(plan.internship))
    return render_template("plans/detail.html", **_detail_context(plan))


@bp.route("/<int:plan_id>/print")
@allow(*READERS)
def printable(plan_id: int):
    plan = _plan_or_404(plan_id)
    if not service.show_to(_me(), plan, utcnow()):
        return render_template("plans/not_yet.html", internship=plan.internship,
                               arrives=service.first_day(plan.internship))
    return render_template("plans/print.html", **_detail_context(plan))


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit(plan_id: int):
    plan = _plan_or_404(plan_id)
    service.require_edit(_me(), plan.internship)
    form = PlanForm(data={**_goal_data(plan), "project_title": plan.project_title})
    if form.validate_on_submit():
        try:
            changed = service.update_plan(
                plan, project_title=form.project_title.data, goals=_goals(form),
                milestones=service.parse_milestones(form.milestones.data or ""), actor=_me())
        except service.PlanError as error:
            refuse(form, error)
        else:
            flash(f"Saved as version {plan.version}." if changed and plan.delivered_at
                  else "The plan is saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_form("plans/edit.html", form, plan=plan, internship=plan.internship)


@bp.route("/<int:plan_id>/versions")
@allow(*READERS)
def versions(plan_id: int):
    plan = _plan_or_404(plan_id)
    if not service.show_to(_me(), plan, utcnow()):
        abort(404)
    rows = service.versions(plan)
    changes = [(new, diff(old.snapshot, new.snapshot))
               for old, new in itertools.pairwise(rows)]
    return render_template("plans/versions.html", plan=plan, first=rows[0] if rows else None,
                           changes=list(reversed(changes)))


@bp.route("/<int:plan_id>/acknowledge", methods=["POST"])
@allow(Role.INTERN)
def acknowledge(plan_id: int):
    plan = _plan_or_404(plan_id)
    if EmptyForm().validate_on_submit():
        try:
            service.acknowledge(plan, actor=_me())
        except service.PlanError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            flash("Thank you: your manager can see you have read your plan.", "success")
    if request.form.get("next") == "home":
        return redirect(url_for("home.index"))
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/milestones/<int:milestone_id>/done", methods=["POST"])
@allow(Role.INTERN, Role.MENTOR)
def mark_done(milestone_id: int):
    milestone = db.get_or_404(PlanMilestone, milestone_id)
    plan = _plan_or_404(milestone.plan_id)
    form = DoneForm()
    if form.validate_on_submit():
        try:
            service.mark_done(milestone, note=form.note.data or "", actor=_me())
        except service.PlanError as error:
            refuse(form, error)
        else:
            flash(f'"{milestone.title}" is marked done.', "success")
            return redirect(url_for("plans.detail", plan_id=plan.id, _anchor="milestones"))
    service.require_read(_me(), plan.internship)
    form.milestone_id = milestone.id
    return render_template("plans/detail.html", **_detail_context(plan, form)), 422
