"""Lunch dates: 50 clients racing for 20 slots through gunicorn, and the slot browser at scale.

Part 1 needs PostgreSQL (BENCH_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/
ip_bench_lunch): gunicorn serves the app with 4 workers on 127.0.0.1, 50 client threads sign in
and book until every slot is gone. Part 2 times the slot browser (server time, test client) with
2,000 scientists and 50,000 slots, on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, make_url, text
from werkzeug.security import generate_password_hash

from benchmarks.support import time_request
from intern_portal import create_app
from intern_portal.extensions import db
from intern_portal.models import (
    LunchBooking,
    LunchSlot,
    MentorProfile,
    Org,
    Role,
    Team,
    User,
    UserRole,
)

PROJECT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/ip_bench_lunch"
PASSWORD = "bench-password-1"
CLIENTS, SLOTS, WORKERS = 50, 20, 4
SCIENTISTS, BROWSE_SLOTS = 2_000, 50_000
ALTERNATIVE = re.compile(r'action="/lunch/slots/(\d+)/book"')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')


def _create_database_if_missing(url: str) -> None:
    """Create the benchmark's own database on first use (the server's postgres database helps)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": target.database}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _pg_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or PG_DEFAULT
    if not url.startswith("postgresql"):
        return None
    try:
        _create_database_if_missing(url)
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001  (any failure means: no PostgreSQL here)
        print(f"   PostgreSQL not reachable at {url}: {type(error).__name__}")
        return None
    return url


@contextmanager
def _fresh_app(url: str):
    """An app on a freshly migrated database (every migration head)."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(revision="heads")
        yield app
        db.session.remove()
        db.engine.dispose()


def _people(prefix: str, n: int, role: Role, zone: str) -> list[int]:
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    now = datetime.now(UTC)
    ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"{prefix}{i}@example.com", "name": f"{prefix.title()} {i}",
         "password_hash": hashed, "time_zone": zone, "active": True, "digest_opt_out": False,
         "created_at": now} for i in range(n)]))
    db.session.execute(insert(UserRole), [{"user_id": i, "role": role, "granted_at": now}
                                          for i in ids])
    return ids


def _slot_rows(scientist_ids: list[int], per_scientist: int, start: datetime) -> list[dict]:
    rows, now = [], datetime.now(UTC)
    for n, scientist in enumerate(scientist_ids):
        for k in range(per_scientist):
            at = start + timedelta(days=k * 3 + n % 3, minutes=30 * (n % 12))
            rows.append({"scientist_id": scientist, "starts_at": at,
                         "ends_at": at + timedelta(minutes=30), "time_zone": "America/Los_Angeles",
                         "seats": 1, "video_url": "https://meet.example.com/lunch", "topic": "",
                         "status": "open", "created_at": now})
    return rows


# Part 1: the booking race through gunicorn ----------------------------------------------------

class Client:
    """One browser: its own cookie, a fresh connection per request (gunicorn sync workers)."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = "&".join(f"{k}={v}" for k, v in (form or {}).items()) if form else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text_ = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, dict(response.getheaders()), text_
        finally:
            conn.close()

    def token(self, path: str) -> str:
        _, _, page = self.request("GET", path)
        found = CSRF.search(page)
        if not found:
            raise RuntimeError(f"no CSRF token on {path}")
        return found.group(1) or found.group(2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _race(url: str) -> None:
    with _fresh_app(url):
        scientists = _people("host", 5, Role.MENTOR, "America/Los_Angeles")
        interns = _people("racer", CLIENTS, Role.INTERN, "Asia/Kolkata")
        rows = _slot_rows(scientists, SLOTS // len(scientists), datetime.now(UTC).replace(
            minute=0, second=0, microsecond=0) + timedelta(days=2))
        slot_ids = list(db.session.scalars(
            insert(LunchSlot).returning(LunchSlot.id, sort_by_parameter_order=True), rows))
        db.session.commit()
        assert len(slot_ids) == SLOTS and len(interns) == CLIENTS

    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-race-secret",
               PORTAL_ENV="development", WTF_CSRF_ENABLED="1")
    with tempfile.TemporaryDirectory() as instance:
        env["PORTAL_INSTANCE_PATH"] = instance
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS),
             "-b", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning", "wsgi:app"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_for(port, gunicorn)
            _run_clients(port, slot_ids, url)
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait(timeout=10)


def _run_clients(port: int, slot_ids: list[int], url: str) -> None:
    clients = [Client(port) for _ in range(CLIENTS)]
    for n, client in enumerate(clients):
        token = client.token("/auth/login")
        status, _, _ = client.request("POST", "/auth/login", {
            "csrf_token": token, "email": f"racer{n}%40example.com", "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"sign-in answered {status}")
    tokens = [c.token("/lunch/slots") for c in clients]

    outcomes: dict[str, int] = {"booked": 0, "taken": 0}
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def run(n: int) -> None:
        barrier.wait(timeout=60)
        slot_id: int | None = slot_ids[n % SLOTS]
        for _ in range(SLOTS):  # like a person: on "just taken", book the next free slot offered
            if slot_id is None:
                return
            started = time.perf_counter()
            status, headers, page = clients[n].request(
                "POST", f"/lunch/slots/{slot_id}/book", {"csrf_token": tokens[n]})
            elapsed = (time.perf_counter() - started) * 1000
            location = headers.get("Location", "")
            with lock:
                latencies.append(elapsed)
                if status == 302 and location.rstrip("/").endswith("/lunch"):
                    outcomes["booked"] += 1
                    return
                if status != 409:
                    errors.append(f"{status} {location}")
                    return
                outcomes["taken"] += 1
            offered = ALTERNATIVE.search(page)
            slot_id = int(offered.group(1)) if offered else None

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.perf_counter() - started
    hung = sum(t.is_alive() for t in threads)

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM lunch_bookings "
                                   "WHERE status <> 'cancelled'")).scalar_one()
    engine.dispose()
    print(f"   race: {CLIENTS} clients, {SLOTS} slots, gunicorn {WORKERS} workers, PostgreSQL")
    print(f"   bookings: {outcomes['booked']} answered, {stored} stored (want {SLOTS}); "
          f"'just taken' answers: {outcomes['taken']} ({CLIENTS - outcomes['booked']} clients "
          f"left without a slot); other errors: {len(errors)}; hung clients: {hung}")
    if errors:
        print(f"   first errors: {errors[:5]}")
    print(f"   {len(latencies)} booking requests in {elapsed:.2f} s: "
          f"{outcomes['booked'] / elapsed:.1f} bookings/s, {len(latencies) / elapsed:.1f} "
          f"requests/s; latency median {statistics.median(latencies):.0f} ms, "
          f"p95 {statistics.quantiles(latencies, n=20)[-1]:.0f} ms")


# Part 2: the slot browser at scale ------------------------------------------------------------

def _browser(url: str, label: str) -> None:
    with _fresh_app(url) as app:
        started = time.perf_counter()
        orgs = list(db.session.scalars(insert(Org).returning(Org.id, sort_by_parameter_order=True),
                                       [{"name": f"Org {i}", "created_at": datetime.now(UTC)}
                                        for i in range(10)]))
        teams = list(db.session.scalars(
            insert(Team).returning(Team.id, sort_by_parameter_order=True),
            [{"org_id": orgs[i % 10], "name": f"Team {i}", "location": "Seattle",
              "time_zone": "America/Los_Angeles", "created_at": datetime.now(UTC)}
             for i in range(200)]))
        scientists = _people("scientist", SCIENTISTS, Role.MENTOR, "America/Los_Angeles")
        areas = ["computer vision", "speech", "ranking", "causal inference", "graphs"]
        db.session.execute(insert(MentorProfile), [
            {"user_id": s, "team_id": teams[i % len(teams)], "expertise": areas[i % 5],
             "capacity": 2} for i, s in enumerate(scientists)])
        interns = _people("intern", 500, Role.INTERN, "Asia/Kolkata")
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        slot_ids = list(db.session.scalars(
            insert(LunchSlot).returning(LunchSlot.id, sort_by_parameter_order=True),
            _slot_rows(scientists, BROWSE_SLOTS // SCIENTISTS, start)))
        booked = [{"slot_id": s, "seat": 1, "intern_id": interns[i % len(interns)],
                   "status": "booked", "uid": f"bench-{s}@intern-portal", "sequence": 0,
                   "booked_at": datetime.now(UTC), "cancel_reason": ""}
                  for i, s in enumerate(slot_ids[::5])]
        db.session.execute(insert(LunchBooking), booked)
        db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"   {label}: {SCIENTISTS} scientists, {len(slot_ids)} slots, {len(booked)} booked "
              f"(built in {time.perf_counter() - started:.1f} s)")
        client = app.test_client()
        client.post("/auth/login", data={"email": "intern0@example.com", "password": PASSWORD})
        for name, path in [
            ("first page", "/lunch/slots"),
            ("page 40", "/lunch/slots?page=40"),
            ("not met yet", "/lunch/slots?not_met=y"),
            ("org + 11:00-14:00 IST", f"/lunch/slots?org_id={orgs[3]}&hour_from=11&hour_to=14"),
            ("team + research area", f"/lunch/slots?team_id={teams[7]}&area=graphs"),
            ("one day", f"/lunch/slots?day={(start + timedelta(days=9)).date().isoformat()}"),
        ]:
            ms, statements = time_request(client, path, repeat=10)
            print(f"   {label} {name}: median {ms:.1f} ms, {statements} SQL statements")


def run() -> None:
    pg = _pg_url()
    if pg:
        _race(pg)
    else:
        print("   race skipped: it needs PostgreSQL (set BENCH_DATABASE_URL)")
    with tempfile.TemporaryDirectory() as tmp:
        _browser(f"sqlite:///{tmp}/bench.db", "SQLite")
    if pg:
        _browser(pg, "PostgreSQL")
