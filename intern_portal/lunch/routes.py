"""Lunch pages."""

from flask import Blueprint

bp = Blueprint("lunch", __name__)
