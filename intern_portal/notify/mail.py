"""Turning an outbox row into an email, and handing it to SMTP, a folder, or the console."""

from __future__ import annotations

import hashlib
import re
import smtplib
import sys
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any, Protocol

from ..models import OutboxMessage, utcnow


class TemporaryFailure(Exception):
    """The mail server could not take this message now; try it again later."""


class PermanentFailure(Exception):
    """The mail server refused this message for good (a 5xx reply)."""


class Unavailable(Exception):
    """No mail server answers; nothing in the batch can go now."""


def message_id(message: OutboxMessage, sender: str) -> str:
    """A Message-ID fixed by the dedupe key, so a resend after a crash is the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "intern-portal"
    digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def _ics_method(ics: str) -> str:
    found = re.search(r"^METHOD:(\w+)", ics, re.MULTILINE)
    return found.group(1) if found else "PUBLISH"


def build_email(message: OutboxMessage, config: dict[str, Any]) -> EmailMessage:
    """Plain text, HTML when given, and the invitation as text/calendar when there is one."""
    email = EmailMessage()
    sender = config["SMTP_FROM"]
    email["From"] = sender
    recipient = message.recipient.name if message.recipient is not None else ""
    email["To"] = Address(display_name=recipient, addr_spec=message.to_email)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(message, sender)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Portal-Kind"] = message.kind
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.ics:
        # Calendar clients act on the text/calendar alternative; the .ics file is for the rest.
        email.add_alternative(message.ics, subtype="calendar",
                              params={"method": _ics_method(message.ics)})
        email.add_attachment(message.ics.encode(), maintype="application", subtype="ics",
                             filename="invite.ics")
    return email


class Transport(Protocol):
    def send(self, email: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP connection for a batch; errors are sorted into retry-later or give-up."""

    def __init__(self, config: dict[str, Any]):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if not config["SMTP_HOST"]:
            raise Unavailable("SMTP_HOST is not set.")
        try:
            connection = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"],
                                      timeout=config["SMTP_TIMEOUT"])
            if config["SMTP_STARTTLS"]:
                connection.starttls()
            if config["SMTP_USERNAME"]:
                connection.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            raise Unavailable(f"Can't reach the mail server: {error}") from error
        return connection

    def send(self, email: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(email)
        except smtplib.SMTPResponseException as error:
            text = f"{error.smtp_code} {error.smtp_error!r}"
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            text = f"recipient refused: {error.recipients!r}"
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except (OSError, smtplib.SMTPException) as error:
            self.connection = None
            raise Unavailable(f"The mail server connection failed: {error}") from error

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


class FileTransport:
    """Write each email as an .eml file, for development without a mail server."""

    def __init__(self, config: dict[str, Any]):
        self.folder = Path(config["MAIL_DIR"])

    def send(self, email: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9]+", "", email["Message-ID"])[:40]
        (self.folder / f"{name}.eml").write_bytes(bytes(email))

    def close(self) -> None:
        return None


class ConsoleTransport:
    """Print each email to standard output."""

    def __init__(self, config: dict[str, Any]):
        self.stream = sys.stdout

    def send(self, email: EmailMessage) -> None:
        self.stream.write(f"{email.as_string()}\n{'-' * 72}\n")
        self.stream.flush()

    def close(self) -> None:
        return None


def transport_for(config: dict[str, Any]) -> Transport:
    """The transport MAIL_TRANSPORT names."""
    kinds: dict[str, Callable[[dict[str, Any]], Transport]] = {
        "smtp": SmtpTransport, "file": FileTransport, "console": ConsoleTransport}
    return kinds[config["MAIL_TRANSPORT"]](config)
