"""Settings read from the environment; see the README's configuration table."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .timeutil import is_time_zone


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


MAIL_TRANSPORTS = ("smtp", "file", "console")


def _int(name: str, default: int, low: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} must be a whole number.") from None
    if value < low:
        raise ConfigError(f"{name}={value} must be at least {low}.")
    return value


def _base_url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"PORTAL_BASE_URL={raw!r} must be an absolute http:// or https:// "
                          "address, such as https://interns.example.com.")
    return raw.strip().rstrip("/")


def load_config(instance_path: str) -> dict[str, Any]:
    """Build the settings dictionary from the environment."""
    env = os.environ.get("PORTAL_ENV", "development").strip().lower()
    production = env == "production"
    secret = os.environ.get("SECRET_KEY", "")
    if production and not secret:
        raise ConfigError("SECRET_KEY must be set when PORTAL_ENV=production.")
    if not secret:
        secret = _development_secret(instance_path)
    remember_days = _int("REMEMBER_DAYS", 30, 1)

    return {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORTAL_TIMEZONE": os.environ.get("PORTAL_TIMEZONE", "UTC"),
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 25, 1),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(os.environ.get("SMTP_STARTTLS")),
        "SMTP_FROM": os.environ.get("SMTP_FROM", "Intern Portal <portal@localhost>"),
        "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 30, 1),
        "MAIL_TRANSPORT": os.environ.get("MAIL_TRANSPORT", "smtp").strip().lower(),
        "MAIL_DIR": os.environ.get("MAIL_DIR", str(Path(instance_path) / "mail")),
        "OUTBOX_BATCH_SIZE": _int("OUTBOX_BATCH_SIZE", 50, 1),
        "OUTBOX_CLAIM_TIMEOUT": _int("OUTBOX_CLAIM_TIMEOUT", 300, 1),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 8, 1),
        "OUTBOX_RETRY_SECONDS": _int("OUTBOX_RETRY_SECONDS", 60, 1),
        "OUTBOX_UNAVAILABLE_RETRY_SECONDS": _int("OUTBOX_UNAVAILABLE_RETRY_SECONDS", 30, 1),
        "IMPORT_INLINE_ROWS": _int("IMPORT_INLINE_ROWS", 1000, 0),
        "IMPORT_CLAIM_TIMEOUT": _int("IMPORT_CLAIM_TIMEOUT", 300, 1),
        "SESSION_COOKIE_SECURE": production or _bool(os.environ.get("SECURE_COOKIES")),
        "REMEMBER_COOKIE_SECURE": production or _bool(os.environ.get("SECURE_COOKIES")),
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BEHIND_PROXY": _bool(os.environ.get("BEHIND_PROXY")),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "PASSWORD_HASH_METHOD": "scrypt",
        "SIGN_IN_MAX_FAILURES": _int("SIGN_IN_MAX_FAILURES", 5, 1),
        "SIGN_IN_WINDOW_MINUTES": _int("SIGN_IN_WINDOW_MINUTES", 15, 1),
        # A form's token lives with its session (each sign-in and sign-out starts a new one),
        # and at most a working day.
        "WTF_CSRF_TIME_LIMIT": _int("CSRF_TOKEN_HOURS", 12, 1) * 3600,
        "REMEMBER_DAYS": remember_days,
        "REMEMBER_COOKIE_DURATION": timedelta(days=remember_days),
        "SESSION_IDLE_HOURS": _int("SESSION_IDLE_HOURS", 12, 1),
    }


def validate(config: dict[str, Any]) -> None:
    """Refuse to start on settings that can't work, with what to set instead.

    Runs on the final settings (the environment's, plus what a caller such as a test passed
    to create_app), so an override is checked the same way.
    """
    if not is_time_zone(config["PORTAL_TIMEZONE"]):
        raise ConfigError(f"PORTAL_TIMEZONE={config['PORTAL_TIMEZONE']!r} is not an IANA "
                          "time zone.")
    config["PORTAL_BASE_URL"] = _base_url(config["PORTAL_BASE_URL"])
    transport = config["MAIL_TRANSPORT"]
    if transport not in MAIL_TRANSPORTS:
        raise ConfigError(f"MAIL_TRANSPORT={transport!r} is not a mail transport: use "
                          f"{', '.join(MAIL_TRANSPORTS[:-1])} or {MAIL_TRANSPORTS[-1]}.")
    if transport == "file" and not config["MAIL_DIR"]:
        raise ConfigError("MAIL_TRANSPORT=file needs MAIL_DIR, the folder for .eml files.")
