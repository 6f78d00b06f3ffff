"""Settings read from the environment; see the README's configuration table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones


class ConfigError(RuntimeError):
    """Raised when the environment cannot start the app safely."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'intern_portal.db'}"
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so a restart doesn't sign everyone out."""
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = os.urandom(32).hex()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process (the scheduler) just wrote it
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
        return secret


def load_config(instance_path: str) -> dict[str, Any]:
    """Build the settings dictionary from the environment."""
    env = os.environ.get("PORTAL_ENV", "development").strip().lower()
    production = env == "production"
    secret = os.environ.get("SECRET_KEY", "")
    if production and not secret:
        raise ConfigError("SECRET_KEY must be set when PORTAL_ENV=production.")
    if not secret:
        secret = _development_secret(instance_path)

    portal_tz = os.environ.get("PORTAL_TIMEZONE", "UTC")
    if portal_tz not in available_timezones():
        raise ConfigError(f"PORTAL_TIMEZONE={portal_tz!r} is not an IANA time zone.")

    return {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORTAL_TIMEZONE": portal_tz,
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(os.environ.get("SMTP_STARTTLS")),
        "SMTP_FROM": os.environ.get("SMTP_FROM", "Intern Portal <portal@localhost>"),
        "SESSION_COOKIE_SECURE": production or _bool(os.environ.get("SECURE_COOKIES")),
        "REMEMBER_COOKIE_SECURE": production or _bool(os.environ.get("SECURE_COOKIES")),
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BEHIND_PROXY": _bool(os.environ.get("BEHIND_PROXY")),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "PASSWORD_HASH_METHOD": "scrypt",
        "SIGN_IN_MAX_FAILURES": int(os.environ.get("SIGN_IN_MAX_FAILURES", "5")),
        "SIGN_IN_WINDOW_MINUTES": int(os.environ.get("SIGN_IN_WINDOW_MINUTES", "15")),
        "WTF_CSRF_TIME_LIMIT": None,
    }
