"""People, orgs, teams and the audit log, for admins and program leads."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..authz import STAFF, allow
from ..extensions import db
from ..models import Org, Role, Team, User
from ..org import service as org_service
from ..users import service as people
from ..views import EmptyForm, refuse, render_form
from . import service
from .forms import (
    AuditFilterForm,
    OrgForm,
    PeopleFilterForm,
    TeamForm,
    UserEditForm,
    UserForm,
)

bp = Blueprint("admin", __name__)





def _page() -> int:
    return request.args.get("page", 1, type=int)


def _roles(form: UserForm) -> set[Role]:
    return {Role(value) for value in form.roles.data or []}


@bp.route("/users")
@allow(*STAFF)
def users():
    filters = PeopleFilterForm(request.args)
    role = Role(filters.role.data) if filters.role.data in set(Role) else None
    page = service.people_page(search=filters.q.data or "", role=role, page=_page())
    args = {k: v for k, v in (("q", filters.q.data), ("role", role and role.value)) if v}
    return render_template("admin/users.html", page=page, filters=filters, args=args)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(*STAFF)
def create_user():
    form = UserForm(data={"time_zone": current_app.config["PORTAL_TIMEZONE"]})
    if form.validate_on_submit():
        try:
            person = people.create_user(
                email=form.email.data, name=form.name.data, roles=_roles(form),
                time_zone=form.time_zone.data, password=form.password.data or None,
                actor=current_user,
            )
        except people.UserError as error:
            refuse(form, error)
        else:
            flash(f"{person.name} ({person.email}) is added.", "success")
            return redirect(url_for("admin.users"))
    return render_form("admin/user_form.html", form, person=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit_user(user_id: int):
    person = db.get_or_404(User, user_id)
    people.check_may_edit(current_user, person)
    form = UserEditForm(data={
        "email": person.email, "name": person.name, "time_zone": person.time_zone,
        "active": person.active, "roles": sorted(r.value for r in person.role_set),
    })
    if form.validate_on_submit():
        try:
            people.update_user(
                person, actor=current_user, email=form.email.data, name=form.name.data,
                time_zone=form.time_zone.data, active=form.active.data, roles=_roles(form),
                new_password=form.new_password.data or None,
            )
        except people.UserError as error:
            refuse(form, error)
        else:
            flash(f"Changes to {person.name} are saved.", "success")
            return redirect(url_for("admin.users"))
    return render_form("admin/user_form.html", form, person=person, sign_out_form=EmptyForm())


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@allow(*STAFF)
def sign_out_user(user_id: int):
    person = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = people.sign_out_everywhere(current_user, person)
    flash(f"{person.name} is signed out everywhere ({ended} "
          f"session{'s' if ended != 1 else ''} ended).", "success")
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.route("/orgs")
@allow(*STAFF)
def orgs():
    return render_template("admin/orgs.html", orgs=org_service.list_orgs(),
                           counts=org_service.team_counts())


@bp.route("/orgs/new", methods=["GET", "POST"])
@allow(*STAFF)
def create_org():
    form = OrgForm()
    if form.validate_on_submit():
        try:
            org = org_service.create_org(name=form.name.data, actor_id=current_user.id)
        except org_service.OrgError as error:
            refuse(form, error)
        else:
            flash(f"{org.name} is added. Now add its teams.", "success")
            return redirect(url_for("admin.orgs"))
    return render_form("admin/org_form.html", form, org=None)


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit_org(org_id: int):
    org = db.get_or_404(Org, org_id)
    form = OrgForm(obj=org)
    if form.validate_on_submit():
        try:
            org_service.update_org(org, name=form.name.data, actor_id=current_user.id)
        except org_service.OrgError as error:
            refuse(form, error)
        else:
            flash(f"{org.name} is saved.", "success")
            return redirect(url_for("admin.orgs"))
    return render_form("admin/org_form.html", form, org=org)


def _team_form(team: Team | None) -> TeamForm:
    if team is None:
        form = TeamForm(data={"org_id": request.args.get("org_id", type=int),
                              "time_zone": current_app.config["PORTAL_TIMEZONE"]})
    else:
        form = TeamForm(data={
            "org_id": team.org_id, "name": team.name, "manager_id": team.manager_id or 0,
            "location": team.location, "time_zone": team.time_zone,
            "focus_areas": "\n".join(a.name for a in team.focus_areas if a.active),
        })
    form.org_id.choices = org_service.org_choices()
    form.manager_id.choices = [(0, "No manager yet"),
                               *org_service.manager_choices(team.manager_id if team else None)]
    return form


def _team_fields(form: TeamForm) -> dict:
    return {
        "org_id": form.org_id.data, "name": form.name.data,
        "manager_id": form.manager_id.data or None, "location": form.location.data,
        "time_zone": form.time_zone.data,
        "focus_areas": (form.focus_areas.data or "").splitlines(),
        "actor_id": current_user.id,
    }


@bp.route("/teams/new", methods=["GET", "POST"])
@allow(*STAFF)
def create_team():
    form = _team_form(None)
    if not form.org_id.choices:
        flash("Add an org first: every team belongs to one.", "info")
        return redirect(url_for("admin.create_org"))
    if form.validate_on_submit():
        try:
            team = org_service.create_team(**_team_fields(form))
        except org_service.OrgError as error:
            refuse(form, error)
        else:
            flash(f"{team.name} is added to {team.org.name}.", "success")
            return redirect(url_for("admin.orgs", _anchor=f"org-{team.org_id}"))
    return render_form("admin/team_form.html", form, team=None)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit_team(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = _team_form(team)
    if form.validate_on_submit():
        try:
            org_service.update_team(team, **_team_fields(form))
        except org_service.OrgError as error:
            refuse(form, error)
        else:
            flash(f"{team.name} is saved.", "success")
            return redirect(url_for("admin.orgs", _anchor=f"org-{team.org_id}"))
    return render_form("admin/team_form.html", form, team=team)


@bp.route("/audit")
@allow(Role.ADMIN)
def audit():
    filters = AuditFilterForm(request.args)
    types = service.audit_entity_types()
    filters.entity_type.choices = [("", "Everything"), *(
        (t, service.ENTITY_LABELS.get(t, t.replace("_", " ").capitalize())) for t in types
    )]
    entity_id = request.args.get("entity_id", type=int)
    page = service.audit_page(entity_type=filters.entity_type.data or "", entity_id=entity_id,
                              actor_email=filters.actor.data or "", page=_page())
    args = {k: v for k, v in (("entity_type", filters.entity_type.data),
                              ("entity_id", entity_id), ("actor", filters.actor.data)) if v}
    return render_template("admin/audit.html", page=page, filters=filters, args=args,
                           rows=service.audit_rows, labels=service.ENTITY_LABELS)
