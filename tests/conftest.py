"""Fixtures in the flaskr manner: app, client, runner, auth, plus a fresh database per test.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names one. The schema
is always built by the migrations (never create_all), so every run also tests them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, inspect, text

from intern_portal import create_app
from intern_portal.extensions import db
from intern_portal.reports import facts
from intern_portal.testing import FreshContextClient

from . import factories

PG_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith(("postgresql", "postgres://"))
TEST_PASSWORD = factories.PASSWORD


def _pg_url() -> str:
    url = PG_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _base_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "tests-only-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashing keeps the suite quick
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        # Tests travel in time by weeks within one sign-in; test_sessions.py checks expiry.
        "SESSION_IDLE_HOURS": 24 * 365,
    }


def _migrate(url: str) -> None:
    app = create_app(_base_config(url))
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template file on SQLite, the real database on PostgreSQL."""
    if ON_POSTGRES:
        url = _pg_url()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A database holding the migrated schema and no rows, for this test alone."""
    if ON_POSTGRES:
        yield template_database
        _truncate_all(template_database)
        return
    path = tmp_path / "test.db"
    shutil.copyfile(template_database, path)
    yield f"sqlite:///{path}"


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_app(database_url: str, **overrides) -> Flask:
    config = _base_config(database_url)
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(database_url: str) -> Iterator[Flask]:
    """The app exactly as served: CSRF checked on every form."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def report_facts_kept(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test on the app's database: the report facts agree with the data.

    Every write path of the suite thereby checks that it keeps the facts (reports/facts.py).
    """
    name = next((n for n in ("app", "csrf_app") if n in request.fixturenames), None)
    if name is None:
        yield
        return
    request.getfixturevalue(name)  # set up first, so it is still there when this checks
    yield
    db.session.remove()
    wrong = facts.mismatches(db.session)
    db.session.remove()
    assert not wrong, f"report facts out of step with the data: {wrong}"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD, remember: bool = False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/auth/login", data=data)

    def login_as(self, user):
        response = self.login(user.email)
        assert response.status_code == 302, f"could not sign in as {user.email}"
        return response

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements the app sends while the block runs."""
    counter = QueryCounter()
    # Tests share the app context's session with the requests they make: expire what the
    # test loaded, so a request can't get for free what a real request would have to query.
    db.session.expire_all()

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries():
    return counting_queries
