"""Real sender processes (`flask send-outbox`) against a real SMTP server: once, never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.models import OutboxMessage, Role, utcnow
from intern_portal.notify.outbox import dedupe_key, enqueue

from . import factories
from .smtp_support import SmtpServer, wait_for

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def owe(n: int) -> None:
    person = factories.user(Role.INTERN)
    now = utcnow()
    for i in range(n):
        enqueue(kind="test", key=dedupe_key("test", f"thing:{i}", now), recipient=person,
                subject=f"Message {i}", body_text=f"Plain {i}", due_at=now)
    db.session.commit()


def sender(database_url: str, port: int, tmp_path: Path, *command: str,
           **settings: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(port), "MAIL_TRANSPORT": "smtp", "SECRET_KEY": "tests",
           "PORTAL_INSTANCE_PATH": str(tmp_path), **settings}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *(command or ("send-outbox",))],
        cwd=PROJECT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def sent_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))))


def test_two_scheduler_processes_deliver_each_message_exactly_once(app, database_url, smtp,
                                                                   tmp_path):
    # PostgreSQL claims with FOR UPDATE SKIP LOCKED, SQLite with one writer at a time.
    owe(200)
    processes = [sender(database_url, smtp.port, tmp_path, "scheduler", "--once",
                        OUTBOX_BATCH_SIZE="7") for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    ids = smtp.inbox.ids()
    assert len(ids) == 200 and len(set(ids)) == 200
    assert len(sent_rows()) == 200
    counts = [int(out.split("send_outbox: ")[1].split()[0]) for out in outputs]
    assert sum(counts) == 200


def test_sender_killed_mid_batch_loses_nothing_and_repeats_nothing(app, database_url, smtp,
                                                                   tmp_path):
    owe(12)
    smtp.inbox.stall_after = 3  # the server takes three, then hangs on the fourth
    first = sender(database_url, smtp.port, tmp_path, OUTBOX_BATCH_SIZE="5",
                   OUTBOX_CLAIM_TIMEOUT="1")
    assert wait_for(smtp.inbox.stalled.is_set), "the sender never reached the stalled message"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert len(smtp.inbox.messages) == 3
    assert len(sent_rows()) == 3  # each accepted message was confirmed before the next went
    smtp.inbox.stall_after = None
    smtp.inbox.release.set()
    time.sleep(1.2)  # the dead process's claim on the rest of its batch goes stale
    second = sender(database_url, smtp.port, tmp_path, OUTBOX_CLAIM_TIMEOUT="1")
    output = second.communicate(timeout=60)[0]
    assert second.returncode == 0, output
    ids = smtp.inbox.ids()
    assert len(ids) == 12 and len(set(ids)) == 12
    assert len(sent_rows()) == 12
