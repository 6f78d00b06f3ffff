"""Shared pieces for benchmarks: a throwaway migrated database and server-side timing."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, text

from intern_portal import create_app
from intern_portal.extensions import db
from intern_portal.testing import FreshContextClient


@contextmanager
def bench_app(**overrides) -> Iterator[Flask]:
    """An app on a fresh migrated database: a temp SQLite file, or BENCH_DATABASE_URL (wiped)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = FreshContextClient  # each request its own `g` and session
        with app.app_context():
            if url:  # a database of the benchmarks' own: start it empty every run
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()


def time_request(client, url: str, repeat: int = 20) -> tuple[float, int]:
    """Median milliseconds for GET url, and the SQL statements one request sends."""
    statements: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    client.get(url)  # warm caches and templates
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statistics.median(timings), len(statements)


def report(label: str, fn: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = fn()
    print(f"   {label}: {time.perf_counter() - started:.2f} s")
    return result
