"""The JSON API, authenticated by bearer tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__)
