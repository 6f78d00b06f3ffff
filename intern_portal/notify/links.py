"""Absolute links back into the portal, for emails and calendar feeds (no request needed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BuildError, MapAdapter


def _adapter() -> MapAdapter:
    """One URL adapter per app and base URL, reused for every link a pass builds."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    cached = current_app.extensions.get("notify.url_adapter")
    if cached is None or cached[0] != base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                           url_scheme=parts.scheme or "https")
        cached = (base, adapter)
        current_app.extensions["notify.url_adapter"] = cached
    return cached[1]


def portal_url(endpoint: str, fallback: str = "/", **values: Any) -> str:
    """The absolute URL of an endpoint under PORTAL_BASE_URL; fallback path if it is unknown."""
    try:
        return _adapter().build(endpoint, values, force_external=True)
    except BuildError:
        return current_app.config["PORTAL_BASE_URL"].rstrip("/") + fallback
