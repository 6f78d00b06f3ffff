"""Cohorts: list, create, edit, and each cohort's page."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
