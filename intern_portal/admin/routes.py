"""People, orgs, teams and the audit log, for admins and program leads."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
