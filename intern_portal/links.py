"""Absolute links back into the portal, the same in a request and in the scheduler.

They are built by Flask's URL map (what `url_for(..., _external=True)` does) bound to
PORTAL_BASE_URL rather than to whatever host a request came in on, so an email owed during
a booking and one owed by a reminder pass point at the same address. An endpoint that does
not exist is an error (werkzeug's BuildError), never a silent fallback.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter

_CACHE_KEY = "portal.url_adapter"


def _adapter() -> MapAdapter:
    """One URL adapter per app and base URL, reused for every link a pass builds."""
    base = current_app.config["PORTAL_BASE_URL"]
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None or cached[0] != base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                           url_scheme=parts.scheme)
        cached = (base, adapter)
        current_app.extensions[_CACHE_KEY] = cached
    return cached[1]


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of an endpoint under PORTAL_BASE_URL."""
    return _adapter().build(endpoint, values, force_external=True)
