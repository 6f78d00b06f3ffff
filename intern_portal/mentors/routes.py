"""Mentors pages."""

from flask import Blueprint

bp = Blueprint("mentors", __name__)
