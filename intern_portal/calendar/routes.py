"""Calendar pages."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)
